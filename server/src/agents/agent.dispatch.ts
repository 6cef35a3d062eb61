import type { Types } from 'mongoose';
import { AgentModel } from './agent.model';
import { agentFitsProvider, misfitMessage } from './agent.kinds';
import type { AgentKind } from './agent.kinds';
import { buildCallVariables, missingVariables } from './agent.variables';
import type { VariableSource } from './agent.variables';
import type { PlaceCallAgent } from '../providers/provider';

/**
 * The campaign's agent as the dialing engine hands it to a provider, read once per call (the
 * slot or the manual call reads it, checks the contact against it, and passes it on to the
 * place-call) so an agent edited mid-campaign applies to the next call. Null when the agent is
 * gone (a campaign keeps its agent, so only a hand-edited database gets here): the call then
 * goes out without one.
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

/** Why a contact may not be dialled with this agent on this phone, or the variables it is dialled with. */
export type DialCheck =
  | { ok: true; variables: Record<string, string> }
  /** The agent's kind cannot talk on the phone's provider; `message` names both. */
  | { ok: false; reason: 'MISFIT'; message: string }
  /** The contact has no value for variables the agent's script uses; `message` names them. */
  | { ok: false; reason: 'MISSING_VARIABLE'; missing: string[]; message: string };

/**
 * The checks made right before a call is placed, the same for a slot's call and a manual one:
 * the agent's kind fits the phone's provider (the agent may have changed kind after the
 * campaign was started), and the contact carries every variable the agent's script uses (a
 * contact is never dialled with a hole in the script). Pure: the caller read the agent once
 * and passes it on to the place-call.
 */
export function checkDial(
  agent: PlaceCallAgent | null,
  phone: { name: string; provider: string },
  contact: VariableSource,
): DialCheck {
  const variables = buildCallVariables(contact);
  if (!agent) return { ok: true, variables };
  if (!agentFitsProvider(agent.kind, phone.provider))
    return { ok: false, reason: 'MISFIT', message: misfitMessage(agent, phone) };
  const missing = missingVariables(agent.variables, variables);
  if (missing.length === 0) return { ok: true, variables };
  const names = missing.map((m) => `"${m}"`).join(', ');
  const message =
    missing.length === 1
      ? `variable ${names} required by agent "${agent.name}" is missing on this contact: give it a value (name, email or a customData key)`
      : `variables ${names} required by agent "${agent.name}" are missing on this contact: give them values (name, email or customData keys)`;
  return { ok: false, reason: 'MISSING_VARIABLE', missing, message };
}
