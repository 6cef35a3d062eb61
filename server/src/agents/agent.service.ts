import { AgentModel } from './agent.model';
import type { AgentDoc } from './agent.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { conflict, notFound } from '../errors';
import { parseObjectId } from '../object-id';
import { optionalText, text } from '../validation';

export interface AgentFields {
  name: string;
  description?: string | null;
}

/** Every agent of an organization, oldest first. */
export function listAgents(organizationId: string): Promise<AgentDoc[]> {
  return AgentModel.find({ organizationId }).sort({ createdAt: 1, _id: 1 }).exec();
}

/** An agent of the organization; another organization's id is NOT_FOUND like a missing one. */
export async function getAgent(organizationId: string, id: string, field = 'id'): Promise<AgentDoc> {
  const _id = parseObjectId(id);
  const agent = _id ? await AgentModel.findOne({ _id, organizationId }).exec() : null;
  if (!agent) throw notFound(field === 'id' ? 'Agent' : `Agent (${field})`);
  return agent;
}

export async function createAgent(
  organizationId: string,
  input: AgentFields,
  options: { isDefault?: boolean } = {},
): Promise<AgentDoc> {
  return AgentModel.create({
    organizationId,
    name: text('name', input.name, 1, 200),
    description: optionalText('description', input.description, 2000),
    isDefault: options.isDefault ?? false,
  });
}

export async function updateAgent(
  organizationId: string,
  id: string,
  input: { name?: string | null; description?: string | null },
): Promise<AgentDoc> {
  const $set: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== null) $set['name'] = text('name', input.name, 1, 200);
  if (input.description !== undefined) $set['description'] = optionalText('description', input.description, 2000);
  const _id = parseObjectId(id);
  const agent = _id
    ? await AgentModel.findOneAndUpdate({ _id, organizationId }, { $set }, { returnDocument: 'after' }).exec()
    : null;
  if (!agent) throw notFound('Agent');
  return agent;
}

/** Deletes an agent no campaign uses (CONFLICT otherwise, and for the default agent). */
export async function deleteAgent(organizationId: string, id: string): Promise<boolean> {
  const agent = await getAgent(organizationId, id);
  if (agent.isDefault) throw conflict('The default agent cannot be deleted');
  const used = await CampaignModel.countDocuments({ organizationId, agentId: agent._id });
  if (used > 0)
    throw conflict(`Agent is used by ${used} campaign${used === 1 ? '' : 's'}: delete or change them first`);
  await AgentModel.deleteOne({ _id: agent._id, organizationId });
  return true;
}
