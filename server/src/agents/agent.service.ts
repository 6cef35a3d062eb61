import { AgentModel } from './agent.model';
import type { AgentDoc } from './agent.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { skipContactsMissingVariables } from './agent.campaigns';
import { conflict, notFound } from '../errors';
import { parseObjectId } from '../object-id';
import { optionalText, text } from '../validation';
import { badInput } from '../errors';
import { AGENT_KINDS, KINDS_WITH_EXTERNAL_ID, URL_SCHEME_OF_KIND } from './agent.kinds';
import type { AgentKind } from './agent.kinds';
import { MAX_AGENT_VARIABLES, VARIABLE_NAME } from './agent.variables';

export interface AgentFields {
  name: string;
  description?: string | null;
  kind?: AgentKind | null;
  externalId?: string | null;
  url?: string | null;
  variables?: string[] | null;
}

/** What makes an agent reachable: checked as a whole, since what is required depends on the kind. */
interface AgentWiring {
  kind: AgentKind;
  externalId: string | null;
  url: string | null;
  variables: string[];
}

/**
 * Checks an agent's kind, platform id, URL and variables together. Each rule names the field:
 * EXOTEL_FLOW, VAPI, RETELL and ELEVENLABS need `externalId`; TWILIO_STREAM needs a wss://
 * `url`, TWIML_URL an http(s):// one; variables are identifiers, each once.
 */
export function checkAgentWiring(input: {
  kind?: unknown;
  externalId?: unknown;
  url?: unknown;
  variables?: unknown;
}): AgentWiring {
  const kind = (input.kind ?? 'SIMULATED') as AgentKind;
  if (!AGENT_KINDS.includes(kind)) throw badInput('kind', `must be one of ${AGENT_KINDS.join(', ')}`);
  const externalId = optionalText('externalId', input.externalId, 200);
  if (KINDS_WITH_EXTERNAL_ID.has(kind) && !externalId)
    throw badInput('externalId', `is required for a ${kind} agent (the platform's id of the agent or flow)`);
  const url = optionalText('url', input.url, 2000);
  const schemes = URL_SCHEME_OF_KIND[kind];
  if (schemes) {
    if (!url) throw badInput('url', `is required for a ${kind} agent`);
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw badInput('url', 'is not an absolute URL');
    }
    if (!schemes.includes(protocol))
      throw badInput('url', `must start with ${schemes.map((s) => `${s}//`).join(' or ')} for a ${kind} agent`);
  }
  const raw = input.variables ?? [];
  if (!Array.isArray(raw)) throw badInput('variables', 'must be a list of names');
  if (raw.length > MAX_AGENT_VARIABLES) throw badInput('variables', `at most ${MAX_AGENT_VARIABLES} names`);
  const variables: string[] = [];
  for (const v of raw) {
    const name = typeof v === 'string' ? v.trim() : '';
    if (!VARIABLE_NAME.test(name))
      throw badInput('variables', `"${String(v)}" must be a letter or _ then letters, digits or _ (at most 64)`);
    if (variables.includes(name)) throw badInput('variables', `"${name}" is listed twice`);
    variables.push(name);
  }
  return { kind, externalId, url: schemes ? url : null, variables };
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
    ...checkAgentWiring(input),
  });
}

export async function updateAgent(
  organizationId: string,
  id: string,
  input: Omit<Partial<AgentFields>, 'name'> & { name?: string | null },
): Promise<AgentDoc> {
  const $set: Record<string, unknown> = {};
  if (input.name !== undefined && input.name !== null) $set['name'] = text('name', input.name, 1, 200);
  if (input.description !== undefined) $set['description'] = optionalText('description', input.description, 2000);
  const wiringChanged = ['kind', 'externalId', 'url', 'variables'].some(
    (k) => input[k as keyof typeof input] !== undefined,
  );
  if (wiringChanged) {
    // The wiring is checked whole: a new kind may need a field the agent already has.
    const current = await getAgent(organizationId, id);
    Object.assign(
      $set,
      checkAgentWiring({
        kind: input.kind ?? current.kind,
        externalId: input.externalId !== undefined ? input.externalId : current.externalId,
        url: input.url !== undefined ? input.url : current.url,
        variables: input.variables ?? current.variables,
      }),
    );
  }
  const _id = parseObjectId(id);
  const agent = _id
    ? await AgentModel.findOneAndUpdate({ _id, organizationId }, { $set }, { returnDocument: 'after' }).exec()
    : null;
  if (!agent) throw notFound('Agent');
  if (input.variables != null) {
    // New variables: the waiting contacts of every campaign using the agent are checked again.
    const campaigns = await CampaignModel.find(
      { organizationId, agentId: agent._id, status: { $nin: ['COMPLETED', 'CANCELLED'] } },
      { _id: 1 },
    ).lean();
    for (const c of campaigns) await skipContactsMissingVariables(c._id);
  }
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
