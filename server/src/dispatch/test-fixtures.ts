import { Types } from 'mongoose';
import { AgentModel } from '../agents/agent.model';
import { CallModel } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { recountCounters, transitionInc } from '../campaigns/campaign.stats';
import type { StatsCounters } from '../campaigns/campaign.stats';
import { ContactModel } from '../contacts/contact.model';
import { OrganizationModel } from '../organizations/organization.model';
import { PhoneModel } from '../phones/phone.model';
import type { SimulationSettings } from '../providers/provider';

/**
 * Test data for the dialing engine, written with the models directly (no GraphQL): an
 * organization, an agent, a phone and a campaign with contacts whose counters add up.
 */
export interface FixtureOptions {
  contacts: number;
  settings?: Record<string, unknown>;
  simulation?: Partial<SimulationSettings>;
  phone?: {
    provider?: 'SIMULATED' | 'TWILIO' | 'EXOTEL';
    maxConcurrentCalls?: number | null;
    callsPerSecond?: number | null;
    number?: string;
  };
  /** Priority of contact i (default 0). */
  priority?: (i: number) => number;
  /** Time zone of contact i (default none). */
  timezone?: (i: number) => string | null;
  organizationId?: Types.ObjectId;
}

export interface Fixture {
  organizationId: Types.ObjectId;
  orgId: string;
  phoneId: Types.ObjectId;
  campaign: CampaignDoc;
  campaignId: string;
  contactIds: Types.ObjectId[];
}

/** Fast, fully answered calls unless a test asks otherwise. */
export const QUICK: SimulationSettings = {
  busyRate: 0,
  noAnswerRate: 0,
  failRate: 0,
  voicemailRate: 0,
  minDurationMs: 100,
  maxDurationMs: 300,
};

let numberSeq = 0;

export async function createFixture(options: FixtureOptions): Promise<Fixture> {
  const organizationId =
    options.organizationId ?? (await OrganizationModel.create({ name: `org ${new Types.ObjectId()}` }))._id;
  const agent = await AgentModel.create({ organizationId, name: 'agent' });
  const phone = await PhoneModel.create({
    organizationId,
    name: 'line',
    number: options.phone?.number ?? `+1415${String(5_000_000 + (numberSeq++ % 4_000_000)).padStart(7, '0')}`,
    provider: options.phone?.provider ?? 'SIMULATED',
    simulation: { ...QUICK, ...(options.simulation ?? {}) },
    maxConcurrentCalls: options.phone?.maxConcurrentCalls ?? null,
    callsPerSecond: options.phone?.callsPerSecond ?? null,
  });
  const campaign = await CampaignModel.create({
    organizationId,
    name: 'campaign',
    agentId: agent._id,
    phoneId: phone._id,
    settings: { retryFailedCalls: false, ...(options.settings ?? {}) },
  });
  const contactIds = await addContacts(campaign._id, organizationId, options.contacts, options);
  const fresh = (await CampaignModel.findById(campaign._id))!;
  return {
    organizationId,
    orgId: String(organizationId),
    phoneId: phone._id,
    campaign: fresh,
    campaignId: String(campaign._id),
    contactIds,
  };
}

/** Adds `n` QUEUED contacts (numbers +1202555xxxx unique within the campaign) with their counters. */
export async function addContacts(
  campaignId: Types.ObjectId,
  organizationId: Types.ObjectId,
  n: number,
  options: Pick<FixtureOptions, 'priority' | 'timezone'> & { offset?: number } = {},
): Promise<Types.ObjectId[]> {
  const offset = options.offset ?? 0;
  const docs = Array.from({ length: n }, (_, k) => {
    const i = k + offset;
    return {
      _id: new Types.ObjectId(),
      organizationId,
      campaignId,
      phoneNumber: `+1202${String(5_550_000 + i).padStart(7, '0')}`,
      priority: options.priority?.(i) ?? 0,
      timezone: options.timezone?.(i) ?? null,
      status: 'QUEUED',
    };
  });
  if (n > 0) {
    await ContactModel.insertMany(docs);
    await CampaignModel.updateOne({ _id: campaignId }, { $inc: transitionInc(null, 'QUEUED', n) });
  }
  return docs.map((d) => d._id);
}

/** Polls `condition` every 20 ms until it holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function campaignStatus(campaignId: string): Promise<string | undefined> {
  return (await CampaignModel.findById(campaignId, { status: 1 }).lean())?.status;
}

/**
 * Waits until the campaign's stored counters hold `expected`. The counter rule
 * (campaigns/campaign.counters.ts) writes the contact first and the campaign's `$inc` second,
 * so a contact seen in its new state does not yet mean its counters have moved: read them
 * right after and a test races that second write. A counter that overshoots never matches, so
 * a double count still fails (with the last numbers seen).
 */
export async function waitForCounters(
  campaignId: Types.ObjectId | string,
  expected: Partial<StatsCounters>,
  timeoutMs = 30_000,
): Promise<void> {
  let seen: Partial<StatsCounters> = {};
  const keys = Object.keys(expected) as (keyof StatsCounters)[];
  try {
    await waitFor(
      'campaign counters',
      async () => {
        const stats = ((await CampaignModel.findById(campaignId, { stats: 1 }).lean())?.stats ?? {}) as StatsCounters;
        seen = Object.fromEntries(keys.map((k) => [k, stats[k]]));
        return keys.every((k) => stats[k] === expected[k]);
      },
      timeoutMs,
    );
  } catch (error) {
    throw new Error(`counters never reached ${JSON.stringify(expected)}; last seen ${JSON.stringify(seen)}`, {
      cause: error,
    });
  }
}

/** Stored counters and a fresh recount, for comparison. */
export async function countersAndRecount(
  campaignId: string,
): Promise<{ stored: StatsCounters; recount: StatsCounters }> {
  const campaign = await CampaignModel.findById(campaignId).lean();
  const stats = (campaign?.stats ?? {}) as StatsCounters;
  const stored: StatsCounters = {
    totalContacts: stats.totalContacts,
    queuedCalls: stats.queuedCalls,
    activeCalls: stats.activeCalls,
    retryScheduled: stats.retryScheduled,
    completedCalls: stats.completedCalls,
    failedCalls: stats.failedCalls,
    voicemailCalls: stats.voicemailCalls,
    skippedContacts: stats.skippedContacts,
    totalAttempts: stats.totalAttempts,
  };
  return { stored, recount: await recountCounters(campaignId) };
}

/** Calls per contact and attempt in MongoDB (the unique index makes this at most 1 each). */
export async function callsOf(campaignId: string) {
  return CallModel.find({ campaignId }).lean();
}
