import type { Types } from 'mongoose';
import { campaignUpdate, contactUpdate } from '../direct-writes';
import { logger } from '../logger';
import type { ContactStatus } from '../contacts/contact.model';
import { CampaignModel } from './campaign.model';
import type { Campaign } from './campaign.model';
import { recountCounters, transitionInc } from './campaign.stats';
import type { StatsCounters } from './campaign.stats';

/**
 * The one way contacts move between states, as far as a campaign's numbers are concerned:
 *
 * 1. a conditional write on the contact(s) (its filter names the state they must be in, so a
 *    transition happens once however many processes try it);
 * 2. then, only for what that write modified, one `$inc` on the campaign's counters that also
 *    bumps `revision` (dashboards keep the numbers of the highest revision they have seen);
 * 3. then, if the campaign completed (and recounted) between 1 and 2, a recount, because the
 *    `$inc` counted again what the completion's recount had already counted.
 *
 * Every path that moves a contact (claim, outcome, unclaim, cancel, retry round, manual call,
 * sweeper, import) goes through `count` or `moveContact`. No multi-document transactions
 * (DESIGN.md: a standalone MongoDB must do), so 1 and 2 are two writes; a crash between them
 * leaves drift that the recount at completion (or `recountCampaign`) repairs.
 */

/** The fields a counter update returns by default: what the progress event carries. */
export const PROGRESS_FIELDS: Record<string, 1> = {
  revision: 1,
  status: 1,
  stats: 1,
  startedAt: 1,
  lastCallAt: 1,
  updatedAt: 1,
  organizationId: 1,
};

/** A campaign as a counter update returns it (with at least PROGRESS_FIELDS). */
export type CountedCampaign = Pick<
  Campaign,
  'revision' | 'status' | 'stats' | 'startedAt' | 'lastCallAt' | 'updatedAt' | 'organizationId'
> & { _id: Types.ObjectId };

/** A whole campaign as a counter update returns it with `whole: true`. */
export type WholeCampaign = Campaign & { _id: Types.ObjectId };

/** What moved: `count` contacts (default 1) from `from` (null: new contacts) to `to`. */
export interface ContactMove {
  from: ContactStatus | null;
  to: ContactStatus;
  /** How many contacts the conditional write modified. Default 1. */
  count?: number;
  /** Change of `stats.totalAttempts`: +1 with a call claimed, −1 when a claim is given back. Default 0. */
  attempts?: number;
  /** Sets `lastCallAt` (a call is being placed). */
  lastCallAt?: Date;
}

/** Options of a counter update. */
export interface CountOptions {
  /** Return the whole campaign, not just PROGRESS_FIELDS (the slot loop reuses it). Default false. */
  whole?: boolean;
}

/** Whether a contact moved, and the campaign after its counters did. */
export type Moved<C> = { moved: false } | { moved: true; campaign: C | null };

type ContactFilter = Record<string, unknown> & { _id: Types.ObjectId };
type ContactWrite = { $set?: Record<string, unknown>; $inc?: Record<string, number> };

/**
 * The counter rule (see above), with the two figures tests read. One instance per dialing
 * engine; API-side paths (contact import) may use their own.
 */
export class CampaignCounters {
  /** How many times a counter update landed after a completion's recount and recounted. */
  completionRaces = 0;

  /** How many recounts found counters that had drifted (tests assert zero outside races). */
  driftCorrections = 0;

  /**
   * Counts contacts that a conditional write has just moved (step 2 and 3 of the rule).
   * @returns the campaign after the update (null when it no longer exists)
   */
  count(campaignId: Types.ObjectId, move: ContactMove, options: { whole: true }): Promise<WholeCampaign | null>;
  count(campaignId: Types.ObjectId, move: ContactMove, options?: CountOptions): Promise<CountedCampaign | null>;
  async count(
    campaignId: Types.ObjectId,
    move: ContactMove,
    options: CountOptions = {},
  ): Promise<CountedCampaign | WholeCampaign | null> {
    const $inc: Record<string, number> = { ...transitionInc(move.from, move.to, move.count ?? 1), revision: 1 };
    if (move.attempts) $inc['stats.totalAttempts'] = move.attempts;
    const update = move.lastCallAt ? { $inc, $set: { lastCallAt: move.lastCallAt } } : { $inc };
    // Writes of one turn are merged (direct-writes.ts); with no projection the whole document returns.
    const after = await campaignUpdate<WholeCampaign>(campaignId, update, options.whole ? undefined : PROGRESS_FIELDS);
    return this.recountIfRacedCompletion(after);
  }

  /**
   * The whole rule for one contact: the conditional write (`filter` must name the state the
   * contact is expected in), then, if it moved, its counters.
   * @returns whether it moved, and the campaign after its counters did
   */
  moveContact(
    campaignId: Types.ObjectId,
    filter: ContactFilter,
    update: ContactWrite,
    move: ContactMove,
    options: { whole: true },
  ): Promise<Moved<WholeCampaign>>;
  moveContact(
    campaignId: Types.ObjectId,
    filter: ContactFilter,
    update: ContactWrite,
    move: ContactMove,
    options?: CountOptions,
  ): Promise<Moved<CountedCampaign>>;
  async moveContact(
    campaignId: Types.ObjectId,
    filter: ContactFilter,
    update: ContactWrite,
    move: ContactMove,
    options: CountOptions = {},
  ): Promise<Moved<CountedCampaign | WholeCampaign>> {
    if (!(await contactUpdate(filter, update))) return { moved: false };
    return { moved: true, campaign: await this.count(campaignId, move, options) };
  }

  /** Rebuilds a campaign's counters from its contacts; logs drift it corrects (`before`: the stored counters). */
  async recount(campaignId: Types.ObjectId, before?: Partial<StatsCounters>): Promise<StatsCounters> {
    const counters = await recountCounters(campaignId);
    const $set: Record<string, number> = {};
    for (const [k, v] of Object.entries(counters)) $set[`stats.${k}`] = v;
    await CampaignModel.updateOne({ _id: campaignId }, { $set });
    if (before) {
      const drift = (Object.keys(counters) as (keyof StatsCounters)[]).filter((k) => before[k] !== counters[k]);
      if (drift.length > 0) {
        this.driftCorrections += 1;
        logger.warn(
          { campaignId: String(campaignId), drift: Object.fromEntries(drift.map((k) => [k, counters[k]])), before },
          'recount corrected drifting counters',
        );
      }
    }
    return counters;
  }

  /**
   * The contact leaves its state before its counters move (the contact write is the guard that
   * makes the transition happen once). If another process saw that contact final, completed the
   * campaign and recounted between the two writes, the recount already counts the transition
   * and this `$inc` counts it again: a COMPLETED campaign with a negative counter (activeCalls
   * -1). This `$inc` has landed and the contacts of a COMPLETED campaign are final (a
   * `callContact` call is counted as it stands, CALLING), so a recount now is exact, unless
   * such a call's own claim is in flight at this moment. Returns the campaign, with the rebuilt
   * numbers when it recounted.
   */
  private async recountIfRacedCompletion<T extends CountedCampaign>(after: T | null): Promise<T | null> {
    const stats = after?.stats;
    if (!after || after.status !== 'COMPLETED' || !stats) return after;
    if (!(Object.values(stats) as unknown[]).some((v) => typeof v === 'number' && v < 0)) return after;
    logger.info(
      { campaignId: String(after._id) },
      "a counter update landed after the completion's recount: recounting",
    );
    this.completionRaces += 1;
    const counters = await this.recount(after._id);
    return { ...after, stats: { ...stats, ...counters } };
  }
}
