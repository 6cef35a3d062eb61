import type { Types } from 'mongoose';
import { callEnded, callOutcome } from '../metrics';
import { CallModel, FINAL_CALL_STATUSES } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { settingsOf } from '../campaigns/campaign.settings';
import { ContactModel, SKIP_REASONS } from '../contacts/contact.model';
import type { ContactStatus, WaitReason } from '../contacts/contact.model';
import { callEndedEvent, campaignCompletedEvent } from '../webhooks/webhook.events';
import { contactOutcome } from './retry-policy';
import type { ContactOutcome } from './retry-policy';
import { applyOptOut, recordCallbackAt, verdictOf } from './agent-verdict';
import type { EndedCall } from './call-status';
import type { CallLean, CampaignLean, ContactLean, EngineContext } from './engine.context';
import type { SlotEvents } from './slot-events';

/**
 * Where a contact goes when its call ends (or was never placed), with its counters through
 * the counter rule (campaigns/campaign.counters.ts), and the campaign's completion.
 */

/** What a slot already knows when it records its call's outcome (saves reading them back). */
export interface KnownToSlot {
  contact: ContactLean;
  campaign: CampaignLean;
  events?: SlotEvents;
}

/** Gives a claimed contact back (no call was placed): the attempt is not counted. */
export async function unclaim(
  ctx: EngineContext,
  campaign: { _id: Types.ObjectId; organizationId: Types.ObjectId },
  contact: { _id: Types.ObjectId },
  callId: Types.ObjectId,
  to: { status: ContactStatus; nextAttemptAt?: Date; skipReason?: string; waitReason?: WaitReason },
): Promise<boolean> {
  const res = await ctx.deps.counters.moveContact(
    campaign._id,
    // Only while it still holds this call: the slot and the sweeper may both try.
    { _id: contact._id, status: 'CALLING', currentCallId: callId },
    {
      $set: {
        status: to.status,
        currentCallId: null,
        slotId: null,
        nextAttemptAt: to.nextAttemptAt ?? null,
        ...(to.skipReason ? { skipReason: to.skipReason } : {}),
        ...(to.waitReason ? { waitReason: to.waitReason } : {}),
      },
      $inc: { attempts: -1 },
    },
    { from: 'CALLING', to: to.status, attempts: -1 },
  );
  if (!res.moved) return false;
  void ctx.publishCampaign(campaign, res.campaign);
  return true;
}

/**
 * Records the outcome of an ended call on its contact and campaign, then releases its line.
 * `end`: the final status and invalid-number verdict when already known (else the call is
 * read). `known`: the slot's contact and campaign, so recordOutcome need not read them. Returns
 * the campaign after its counters moved (for the slot's next round), or null.
 */
export async function finish(
  ctx: EngineContext,
  call: CallLean,
  end: EndedCall | null = null,
  known?: KnownToSlot,
): Promise<CampaignLean | null> {
  const ended = end ? { ...call, ...end } : await CallModel.findById(call._id).lean<CallLean>();
  ctx.deps.checkAlive();
  callEnded(String(call.campaignId), String(call._id));
  // The call is over, so its line is free now: the release need not wait for the bookkeeping,
  // and slots waiting for this line (other campaigns on the phone, other slots) start sooner.
  const [after] = await Promise.all([
    ended ? recordOutcome(ctx, ended, known) : null,
    ctx.deps.leases.release(String(call.campaignId), String(call.phoneId), String(call._id), true),
  ]);
  return after;
}

/**
 * The contact's transition after its call ended: COMPLETED, RETRY_SCHEDULED, final FAILED /
 * VOICEMAIL, or SKIPPED after an opt-out or for a number the provider reported invalid (retry
 * policy, with what the agent decided and what the provider said), with
 * counters. Conditional on the contact still holding this call, so the slot and the sweeper can
 * both try and only one moves it.
 */
export async function recordOutcome(
  ctx: EngineContext,
  call: CallLean,
  known?: KnownToSlot,
): Promise<CampaignLean | null> {
  if (!FINAL_CALL_STATUSES.has(call.status)) return null;
  // The slot knows both (it claimed the contact; the update below is conditional on the
  // contact still holding this call, so a stale copy changes nothing). Others read them.
  const [contact, campaign] = known
    ? [known.contact, known.campaign]
    : await Promise.all([
        ContactModel.findById(call.contactId).lean<ContactLean>(),
        CampaignModel.findById(call.campaignId).lean<CampaignLean>(),
      ]);
  if (!contact || !campaign) return null;
  if (contact.status !== 'CALLING' || String(contact.currentCallId) !== String(call._id)) return null;
  // Issue 18: what the contact asked in the call (opt-out, callback) goes into the same decision.
  const agent = verdictOf(call, contact, campaign);
  const decided: ContactOutcome = contactOutcome(
    call.status,
    contact.attempts - (contact.roundStartAttempts ?? 0),
    settingsOf(campaign),
    new Date(),
    agent?.verdict,
    { invalidNumber: call.invalidNumber },
  );
  let outcome: { status: ContactStatus; nextAttemptAt?: Date; skipReason?: string } = decided;
  if (outcome.status === 'RETRY_SCHEDULED' && campaign.status === 'CANCELLED')
    outcome = { status: 'SKIPPED', skipReason: SKIP_REASONS.campaignCancelled };
  const callback = outcome === decided && 'callback' in decided;
  if (callback && agent?.askedAt) await recordCallbackAt(call._id, agent.askedAt);
  // The list before the contact: a crash in between leaves the contact CALLING, and whoever
  // records this call again (the sweeper) adds the number again, harmlessly.
  if ('optOut' in decided) await applyOptOut(ctx, campaign, contact, call._id);
  const moved = await ctx.deps.counters.moveContact(
    campaign._id,
    { _id: contact._id, status: 'CALLING', currentCallId: call._id },
    {
      $set: {
        status: outcome.status,
        lastOutcome: call.status,
        nextAttemptAt: outcome.nextAttemptAt ?? null,
        currentCallId: null,
        slotId: null,
        ...(outcome.skipReason ? { skipReason: outcome.skipReason } : {}),
        // A callback opens a new round: the call asked for is its first, so the retry rules
        // count from it and the callback uses up no attempt (retry-policy.ts contactOutcome).
        ...(callback ? { roundStartAttempts: contact.attempts } : {}),
      },
    },
    { from: 'CALLING', to: outcome.status },
    // Returns the whole campaign as it is now: the slot's next round needs it anyway.
    { whole: true },
  );
  if (!moved.moved) return null;
  const after = moved.campaign;
  // Counted here, where exactly one of slot and sweeper moves the contact.
  callOutcome(String(call.status));
  // Here too, for the same reason: one call.ended per call, with the contact's new status. Not
  // awaited (the slot dials on); nothing is written when no endpoint subscribes.
  void callEndedEvent(call, contact, outcome.status);
  if (known?.events) known.events.held = () => void ctx.publishCampaign(campaign, after);
  else void ctx.publishCampaign(campaign, after);
  if (outcome.status === 'RETRY_SCHEDULED') {
    await afterRetryScheduled(ctx, campaign, contact);
    // Status may have moved since `after` was read: let the slot read it again.
    return null;
  }
  return after;
}

/** A contact just set to RETRY_SCHEDULED: make sure a cancel did not miss it, and that slots come back for it. */
async function afterRetryScheduled(ctx: EngineContext, campaign: CampaignLean, contact: ContactLean): Promise<void> {
  // Cancel may have skipped the waiting contacts between our read and our write: look again.
  const now = await CampaignModel.findById(campaign._id, { status: 1, dispatchGeneration: 1, settings: 1 }).lean();
  if (now?.status === 'CANCELLED') {
    await ctx.deps.counters.moveContact(
      campaign._id,
      { _id: contact._id, status: 'RETRY_SCHEDULED' },
      { $set: { status: 'SKIPPED', skipReason: SKIP_REASONS.campaignCancelled, nextAttemptAt: null } },
      { from: 'RETRY_SCHEDULED', to: 'SKIPPED' },
    );
  } else if (now?.status === 'ACTIVE') {
    // Slots that found nothing to do and finished come back for the retry.
    await ctx.deps.ensureSlots(now);
  }
}

/** ACTIVE → COMPLETED when nothing is waiting or calling, then the automatic recount. */
export async function completeCampaign(ctx: EngineContext, campaignId: Types.ObjectId): Promise<boolean> {
  const left = await ContactModel.exists({ campaignId, status: { $in: ['QUEUED', 'CALLING', 'RETRY_SCHEDULED'] } });
  if (left) return false;
  const completed = await CampaignModel.findOneAndUpdate(
    { _id: campaignId, status: 'ACTIVE' },
    { $set: { status: 'COMPLETED', completedAt: new Date() } },
    { returnDocument: 'after', lean: true },
  );
  if (!completed) return false;
  const counters = await ctx.deps.counters.recount(campaignId, completed.stats ?? undefined);
  void ctx.publishCampaign(completed);
  // The final numbers are the recount's: the webhook reports what the campaign page will show.
  await campaignCompletedEvent(
    { ...completed, completedAt: completed.completedAt ?? new Date() },
    { ...completed.stats, ...counters },
  );
  return true;
}
