import { Types } from 'mongoose';
import type { ContactStatus } from '../contacts/contact.model';
import type { CampaignStatus } from './campaign.model';
import { ContactModel } from '../contacts/contact.model';

/** The stored counters of a campaign (see campaign.model.ts). */
export interface StatsCounters {
  totalContacts: number;
  queuedCalls: number;
  activeCalls: number;
  retryScheduled: number;
  completedCalls: number;
  failedCalls: number;
  voicemailCalls: number;
  skippedContacts: number;
  totalAttempts: number;
}

/** Counters plus the derived percentages, as the API shows them. */
export interface CampaignStatsView extends StatsCounters {
  /** final / total × 100 */
  progress: number;
  /** completed / final × 100 */
  successRate: number;
}

/** Which counter holds contacts in each state. */
export const STAT_FIELD: Record<ContactStatus, keyof StatsCounters> = {
  QUEUED: 'queuedCalls',
  CALLING: 'activeCalls',
  RETRY_SCHEDULED: 'retryScheduled',
  COMPLETED: 'completedCalls',
  FAILED: 'failedCalls',
  VOICEMAIL: 'voicemailCalls',
  SKIPPED: 'skippedContacts',
};

export const EMPTY_COUNTERS: StatsCounters = {
  totalContacts: 0,
  queuedCalls: 0,
  activeCalls: 0,
  retryScheduled: 0,
  completedCalls: 0,
  failedCalls: 0,
  voicemailCalls: 0,
  skippedContacts: 0,
  totalAttempts: 0,
};

/**
 * The `$inc` that moves one contact from `from` to `to` (`from` null: a new contact).
 * Used beside each conditional contact update so counters move with the transition.
 */
export function transitionInc(from: ContactStatus | null, to: ContactStatus, count = 1): Record<string, number> {
  const inc: Record<string, number> = {};
  if (from === null) inc['stats.totalContacts'] = count;
  else inc[`stats.${STAT_FIELD[from]}`] = -count;
  const key = `stats.${STAT_FIELD[to]}`;
  inc[key] = (inc[key] ?? 0) + count;
  if (inc[key] === 0) delete inc[key];
  return inc;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Derives progress and success rate from stored counters. */
export function statsView(counters: Partial<StatsCounters> | null | undefined): CampaignStatsView {
  const c: StatsCounters = { ...EMPTY_COUNTERS, ...(counters ?? {}) };
  const final = c.completedCalls + c.failedCalls + c.voicemailCalls + c.skippedContacts;
  return {
    ...c,
    progress: c.totalContacts > 0 ? round2((final / c.totalContacts) * 100) : 0,
    successRate: final > 0 ? round2((c.completedCalls / final) * 100) : 0,
  };
}

/** The old design's queue view, derived from the same numbers. */
export function queueView(c: StatsCounters): {
  waiting: number;
  active: number;
  completed: number;
  failed: number;
  delayed: number;
} {
  return {
    waiting: c.queuedCalls,
    active: c.activeCalls,
    completed: c.completedCalls + c.voicemailCalls,
    failed: c.failedCalls,
    delayed: c.retryScheduled,
  };
}

/**
 * Recounts a campaign's contact counters from its contacts (an aggregation). `totalAttempts`
 * is recounted from the contacts' `attempts`, which move with each call placed.
 */
export async function recountCounters(campaignId: Types.ObjectId | string): Promise<StatsCounters> {
  const rows = await ContactModel.aggregate<{ _id: ContactStatus; n: number; attempts: number }>([
    { $match: { campaignId: new Types.ObjectId(String(campaignId)) } },
    { $group: { _id: '$status', n: { $sum: 1 }, attempts: { $sum: '$attempts' } } },
  ]);
  const counters: StatsCounters = { ...EMPTY_COUNTERS };
  for (const row of rows) {
    counters[STAT_FIELD[row._id]] += row.n;
    counters.totalContacts += row.n;
    counters.totalAttempts += row.attempts;
  }
  return counters;
}

/** What a progress view is made of: a campaign document, or the numbers an event carried. */
export interface ProgressSource {
  _id: unknown;
  status: CampaignStatus;
  stats?: unknown;
  startedAt?: Date | null;
  lastCallAt?: Date | null;
  updatedAt: Date;
}

/** The stored counters of a campaign as plain numbers (a mongoose subdocument cannot be spread). */
export function countersOf(campaign: { stats?: unknown }): StatsCounters {
  const stats = campaign.stats as Record<string, unknown> | null | undefined;
  const out = { ...EMPTY_COUNTERS };
  for (const key of Object.keys(out) as (keyof StatsCounters)[]) {
    const value = stats?.[key];
    out[key] = typeof value === 'number' ? value : 0;
  }
  return out;
}

export function campaignStats(campaign: { stats?: unknown }): CampaignStatsView {
  return statsView(countersOf(campaign));
}

export interface CampaignProgressView {
  campaignId: string;
  status: CampaignStatus;
  stats: CampaignStatsView;
  queue: ReturnType<typeof queueView>;
  startedAt: Date | null;
  lastCallAt: Date | null;
  updatedAt: Date;
  /**
   * Set by the live hub on a snapshot that pacing held back: the moment pacing let it go.
   * Absent (null) when it went out as soon as it came, and outside subscriptions.
   */
  heldUntil?: Date | null;
}

/** Progress from the campaign document alone (no aggregation: cheap enough to push often). */
export function campaignProgress(campaign: ProgressSource): CampaignProgressView {
  const counters = countersOf(campaign);
  return {
    campaignId: String(campaign._id),
    status: campaign.status,
    stats: statsView(counters),
    queue: queueView(counters),
    startedAt: campaign.startedAt ?? null,
    lastCallAt: campaign.lastCallAt ?? null,
    updatedAt: campaign.updatedAt,
  };
}
