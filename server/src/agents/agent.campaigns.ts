import type { Types } from 'mongoose';
import { AgentModel } from './agent.model';
import { agentFitsProvider, misfitMessage } from './agent.kinds';
import type { AgentKind } from './agent.kinds';
import { buildCallVariables, missingVariables } from './agent.variables';
import { CampaignModel } from '../campaigns/campaign.model';
import { CampaignCounters } from '../campaigns/campaign.counters';
import { ContactModel, SKIP_REASONS } from '../contacts/contact.model';
import type { ContactStatus } from '../contacts/contact.model';
import { PhoneModel } from '../phones/phone.model';

/**
 * What ties an agent to the campaigns that use it: the agent's kind must fit the campaign's
 * phone, and the campaign's waiting contacts must carry the agent's variables.
 */

/**
 * The message refusing an agent/phone pair (naming both), or null when they fit or either is
 * gone (the reference checks report that).
 */
export async function agentPhoneMisfit(
  agentId: Types.ObjectId | string,
  phoneId: Types.ObjectId | string,
): Promise<string | null> {
  const [agent, phone] = await Promise.all([
    AgentModel.findById(agentId, { name: 1, kind: 1 }).lean().exec(),
    PhoneModel.findById(phoneId, { name: 1, provider: 1 }).lean().exec(),
  ]);
  if (!agent || !phone) return null;
  const kind = (agent.kind ?? 'SIMULATED') as AgentKind;
  return agentFitsProvider(kind, phone.provider) ? null : misfitMessage({ name: agent.name, kind }, phone);
}

/** The counter rule (campaign.counters.ts) for these API-side moves, as contact import has its own. */
const skipCounters = new CampaignCounters();

/** Contacts not yet dialled that a new agent's script may still refuse. */
const WAITING: ContactStatus[] = ['QUEUED', 'RETRY_SCHEDULED'];

/**
 * Re-checks a campaign's waiting contacts against its agent's variables: each one that lacks
 * a variable becomes SKIPPED with skipReason MISSING_VARIABLE. Each write names the status it
 * moves from, so a contact claimed meanwhile (a running campaign) is left to the engine, which
 * checks again before dialling; counters move by what was actually written.
 * @returns how many contacts were skipped
 */
export async function skipContactsMissingVariables(campaignId: Types.ObjectId | string): Promise<number> {
  const campaign = await CampaignModel.findById(campaignId, { agentId: 1 }).lean().exec();
  const agent = campaign ? await AgentModel.findById(campaign.agentId, { variables: 1 }).lean().exec() : null;
  const required = agent?.variables ?? [];
  if (!campaign || required.length === 0) return 0;
  const lacking = new Map<ContactStatus, Types.ObjectId[]>();
  const cursor = ContactModel.find(
    { campaignId: campaign._id, status: { $in: WAITING } },
    { phoneNumber: 1, name: 1, email: 1, customData: 1, status: 1 },
  )
    .lean()
    .cursor();
  for await (const contact of cursor) {
    if (missingVariables(required, buildCallVariables(contact)).length === 0) continue;
    const status = contact.status as ContactStatus;
    lacking.set(status, [...(lacking.get(status) ?? []), contact._id]);
  }
  let skipped = 0;
  for (const [status, ids] of lacking) {
    const { modifiedCount } = await ContactModel.updateMany(
      { _id: { $in: ids }, status },
      { $set: { status: 'SKIPPED', skipReason: SKIP_REASONS.missingVariable, nextAttemptAt: null } },
    );
    if (modifiedCount > 0)
      await skipCounters.count(campaign._id, { from: status, to: 'SKIPPED', count: modifiedCount });
    skipped += modifiedCount;
  }
  return skipped;
}
