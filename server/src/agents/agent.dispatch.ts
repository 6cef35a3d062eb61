import type { Types } from 'mongoose';
import { AgentModel } from './agent.model';
import type { AgentKind } from './agent.kinds';
import type { PlaceCallAgent } from '../providers/provider';

/**
 * The campaign's agent as the dialing engine hands it to a provider, read at each call so an
 * agent edited mid-campaign applies to the next call. Null when the agent is gone (a campaign
 * keeps its agent, so only a hand-edited database gets here): the call then goes out without one.
 */
export async function callAgentOf(agentId: Types.ObjectId | string | null | undefined): Promise<PlaceCallAgent | null> {
  if (!agentId) return null;
  const agent = await AgentModel.findById(agentId, { name: 1, kind: 1, externalId: 1, url: 1, variables: 1 })
    .lean()
    .exec();
  if (!agent) return null;
  return {
    name: agent.name,
    kind: (agent.kind ?? 'SIMULATED') as AgentKind,
    externalId: agent.externalId ?? null,
    url: agent.url ?? null,
    variables: agent.variables ?? [],
  };
}
