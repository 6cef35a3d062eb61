import { notFound } from '../errors';
import { logger } from '../logger';
import { parseObjectId } from '../object-id';
import { OrganizationModel } from './organization.model';
import type { OrganizationDoc } from './organization.model';
import { organizationSettingsOf, settingsUpdate } from './organization.settings';
import type { OrganizationSettingsInputFields } from './organization.settings';

/** The caller's organization. */
export async function getOrganization(organizationId: string): Promise<OrganizationDoc> {
  const _id = parseObjectId(organizationId);
  const org = _id ? await OrganizationModel.findById(_id).exec() : null;
  if (!org) throw notFound('Organization');
  return org;
}

/**
 * Changes the organization's settings (ADMIN, checked by the caller). A frequency cap applies to
 * the next dial of every campaign within the engine's cache time (about 2 s; dispatch/frequency-caps.ts),
 * counted over the calls recorded so far (none while caps were off): lowering a cap makes numbers
 * wait, it never forgets calls.
 */
export async function updateOrganizationSettings(
  organizationId: string,
  input: OrganizationSettingsInputFields,
): Promise<OrganizationDoc> {
  const $set = settingsUpdate(input);
  if (Object.keys($set).length === 0) return getOrganization(organizationId);
  const _id = parseObjectId(organizationId);
  const org = _id ? await OrganizationModel.findByIdAndUpdate(_id, { $set }, { returnDocument: 'after' }).exec() : null;
  if (!org) throw notFound('Organization');
  // Compliance settings: who changed what is worth a line in the log.
  logger.info({ organizationId, settings: organizationSettingsOf(org) }, 'organization settings changed');
  return org;
}
