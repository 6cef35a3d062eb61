import { Types } from 'mongoose';
import { badInput } from '../errors';
import { OrganizationModel } from '../organizations/organization.model';
import { parsePhoneNumber } from '../phones/phone.number';
import { DoNotCallModel } from './dnc.model';
import type { DncSource } from './dnc.model';

/** At most this many numbers per add/remove call. */
export const DNC_BATCH_LIMIT = 10_000;

async function normalize(organizationId: string, numbers: string[], fallbackCountry: string): Promise<string[]> {
  if (numbers.length > DNC_BATCH_LIMIT) throw badInput('phoneNumbers', `at most ${DNC_BATCH_LIMIT} numbers at once`);
  const org = await OrganizationModel.findById(organizationId, { defaultCountry: 1 }).lean();
  const country = org?.defaultCountry ?? fallbackCountry;
  const out = new Set<string>();
  numbers.forEach((raw, index) => {
    const parsed = parsePhoneNumber(raw, country);
    if (!parsed.ok) throw badInput(`phoneNumbers.${index}`, `"${raw}" is not a phone number (${parsed.reason})`);
    out.add(parsed.e164);
  });
  return [...out];
}

/** Adds numbers to the organization's list; returns how many were new. */
export async function addDoNotCall(
  organizationId: string,
  numbers: string[],
  defaultCountry: string,
  source: DncSource = { kind: 'MANUAL' },
): Promise<number> {
  const e164 = await normalize(organizationId, numbers, defaultCountry);
  if (e164.length === 0) return 0;
  const orgId = new Types.ObjectId(organizationId);
  // Upserts: adding a number twice (or racing another admin) is not an error.
  const result = await DoNotCallModel.bulkWrite(
    e164.map((phoneNumber) => ({
      updateOne: {
        filter: { organizationId: orgId, phoneNumber },
        update: { $setOnInsert: { organizationId: orgId, phoneNumber, source } },
        upsert: true,
      },
    })),
    { ordered: false },
  );
  return result.upsertedCount;
}

/** Removes numbers; returns how many were on the list. */
export async function removeDoNotCall(
  organizationId: string,
  numbers: string[],
  defaultCountry: string,
): Promise<number> {
  const e164 = await normalize(organizationId, numbers, defaultCountry);
  if (e164.length === 0) return 0;
  const result = await DoNotCallModel.deleteMany({
    organizationId: new Types.ObjectId(organizationId),
    phoneNumber: { $in: e164 },
  });
  return result.deletedCount;
}

/** The organization's list, numbers in order. */
export async function listDoNotCall(organizationId: string): Promise<string[]> {
  const rows = await DoNotCallModel.find({ organizationId: new Types.ObjectId(organizationId) }, { phoneNumber: 1 })
    .sort({ phoneNumber: 1 })
    .lean();
  return rows.map((r) => r.phoneNumber);
}

/** Whether a number may not be called (checked at dial time). */
export async function isDoNotCall(organizationId: Types.ObjectId | string, phoneNumber: string): Promise<boolean> {
  return (await DoNotCallModel.exists({ organizationId, phoneNumber })) !== null;
}
