import { Types } from 'mongoose';
import { logger } from '../logger';
import { CallModel } from '../calls/call.model';
import type { CountedCampaign } from '../campaigns/campaign.counters';
import { CampaignModel } from '../campaigns/campaign.model';
import { settingsOf } from '../campaigns/campaign.settings';
import { ContactModel, SKIP_REASONS, WAIT_REASONS } from '../contacts/contact.model';
import type { ContactStatus } from '../contacts/contact.model';
import { contactFindAndUpdate } from '../direct-writes';
import { contactZones, hasAmbiguousZone, isWithinWindowIn, nextOpeningIn } from './calling-window';
import type { FrequencyCapped } from './frequency-caps';
import type { LeaseResult } from './leases';
import { done } from './engine.context';
import type { CampaignLean, ContactLean, EngineContext, PhoneLean, SlotRef, SlotResult } from './engine.context';
import { sendHeld } from './slot-events';
import type { SlotEvents } from './slot-events';
import { unclaim, completeCampaign } from './outcome';
import { createCall, placeAndFinish } from './placement';
import { resumeContact } from './recovery';
import { checkDial } from '../agents/agent.dispatch';

/**
 * One slot job, one virtual phone line: lease, claim the next eligible contact, screen it
 * (calling window, do-not-call), place the call, wait, record, loop; until the slot has nothing
 * to do now (delay until the next retry or window opening) or the campaign completes.
 */

const WAITING: ContactStatus[] = ['QUEUED', 'RETRY_SCHEDULED'];

/** One slot job: dial, wait, record, loop, until the slot has nothing to do now. */
export async function runSlot(ctx: EngineContext, ref: SlotRef): Promise<SlotResult> {
  const { checkAlive } = ctx.deps;
  const slotId = `${ref.generation}-${ref.index}`;
  const campaignId = new Types.ObjectId(ref.campaignId);
  // A re-run job (its worker died, or its lock lapsed) finishes its own call first instead
  // of dialling again: the contact names the slot that holds it.
  const own = await ContactModel.findOne({ campaignId, status: 'CALLING', slotId }).lean<ContactLean>();
  checkAlive();
  if (own) await resumeContact(ctx, own);

  // The campaign as the last outcome's counter update returned it (a read of the same
  // document, just as current): saves a read per call. Null: read it.
  let known: CampaignLean | null = null;
  // The last outcome's event waits for the next claim's, which carries its numbers too (see
  // SlotEvents): unless something else comes first, then it goes out at once.
  const events: SlotEvents = { held: null };
  try {
    for (;;) {
      const campaign = known ?? (await CampaignModel.findById(campaignId).lean<CampaignLean>());
      known = null;
      checkAlive();
      if (!campaign) return done('campaign deleted');
      if (campaign.status !== 'ACTIVE') return done(`campaign ${campaign.status}`);
      if (campaign.dispatchGeneration !== ref.generation) return done('superseded by a newer generation');
      if (ref.index >= ctx.limitOf(campaign)) return done('above the concurrent call limit');
      const phone = await ctx.phone(campaign.phoneId);
      checkAlive();
      if (!phone) {
        logger.error({ campaignId: ref.campaignId }, "campaign's phone is missing: slot stops");
        return done('phone missing');
      }
      // Lease first, then claim: a full campaign never takes a contact out of the queue.
      const callId = new Types.ObjectId();
      const lease = await ctx.deps.leases.acquire(ctx.leaseRequest(campaign, phone, callId));
      checkAlive();
      if (!lease.ok) {
        sendHeld(events);
        await waitForCapacity(ctx, campaign, phone, lease);
        checkAlive();
        continue;
      }
      // Backpressure (permits.ts): taken with the line held and nothing claimed yet, given
      // back once the provider answered the place-call (or the dial ended some other way).
      const releasePermit = await ctx.dialPermits.acquire();
      let step: Awaited<ReturnType<typeof dialNext>>;
      try {
        step = await dialNext(ctx, campaign, phone, callId, slotId, events, releasePermit);
      } finally {
        releasePermit();
      }
      if (typeof step === 'object') known = step.campaign;
      else if (step === 'misfit') return done('agent does not fit the phone');
      else if (step === 'stopped') {
        // Paused or cancelled: the next round reads the campaign and ends. Should it still
        // read ACTIVE (a mark that outlived its pause), look again no faster than once a second.
        sendHeld(events);
        await new Promise((r) => setTimeout(r, ctx.deps.tuning.capacityWaitMs));
        checkAlive();
      } else if (step === 'none') {
        sendHeld(events);
        const result = await idle(ctx, campaign);
        checkAlive();
        if (result) return result;
      }
    }
  } finally {
    sendHeld(events);
  }
}

/** Full: wait for a release of this campaign's, phone's or any line (pub/sub), or for the rate bucket's next token. */
async function waitForCapacity(
  ctx: EngineContext,
  campaign: CampaignLean,
  phone: PhoneLean,
  lease: Extract<LeaseResult, { ok: false }>,
): Promise<void> {
  const timeout = lease.blocker === 'rate' ? lease.retryInMs : ctx.deps.tuning.capacityWaitMs;
  const waiter = ctx.deps.signals.waitForCapacity(String(campaign._id), String(phone._id), timeout);
  // A rate wait is an exact time, not a poll: a release does not make tokens.
  if (lease.blocker === 'rate') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeout);
      void waiter.promise.then((o) => {
        if (o === 'closed') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    waiter.cancel();
    return;
  }
  await waiter.promise;
}

/** Gives the line back; `announce` wakes slots waiting for capacity. */
type Release = (announce: boolean) => Promise<unknown>;

/** Claims and dials one contact; 'none' when nothing is eligible now. The lease is held on entry. */
async function dialNext(
  ctx: EngineContext,
  campaign: CampaignLean,
  phone: PhoneLean,
  callId: Types.ObjectId,
  slotId: string,
  events: SlotEvents,
  /** Gives the dial permit back (called once the provider answered; the caller also does, after). */
  releasePermit: () => void,
): Promise<{ campaign: CampaignLean | null } | 'dialled' | 'skipped' | 'stopped' | 'misfit' | 'none'> {
  const { leases, checkAlive } = ctx.deps;
  const release: Release = (announce) =>
    leases.release(String(campaign._id), String(phone._id), String(callId), announce);
  let claimed: ContactLean | null;
  try {
    // The wait for a dial permit may have outlasted this process: stop before claiming, line given back.
    checkAlive();
    claimed = await claim(campaign, callId, slotId);
  } catch (error) {
    await release(false);
    throw error;
  }
  checkAlive();
  if (!claimed) {
    await release(false);
    return 'none';
  }
  // Counters move beside the transition: sent straight after it (no await in between that
  // could die), and awaited together with the do-not-call look-up, which does not depend on them.
  const counted = countClaim(ctx, campaign, claimed, events);
  if (await heldForWindow(ctx, campaign, claimed, callId, counted)) {
    await release(false);
    return 'skipped';
  }
  const screened = await screenClaimed(ctx, campaign, phone, claimed, callId, counted, release);
  if (typeof screened === 'string') return screened;
  const { agent, variables, caps } = screened;
  const call = await createCall(ctx, campaign, phone, claimed, callId, slotId, claimed.attempts + 1, variables);
  checkAlive();
  if (!call) {
    await release(false);
    return 'skipped';
  }
  const gate = await passFence(ctx, campaign, claimed, call, callId, caps, release);
  if (gate !== 'ok') return gate;
  // What recordOutcome would read back: the contact as the claim left it, the campaign as this loop saw it.
  const holding: ContactLean = {
    ...claimed,
    status: 'CALLING',
    currentCallId: callId,
    slotId,
    attempts: claimed.attempts + 1,
  };
  const after = await placeAndFinish(
    ctx,
    call,
    { campaign, phone, contact: holding, agent, variables, onPlaced: releasePermit },
    events,
  );
  return after ? { campaign: after } : 'dialled';
}

/**
 * The checks between the claim and the call: the do-not-call list, and the same dial checks as
 * a manual call (checkDial, issue 17). A contact that fails one is moved (SKIPPED, or given back
 * untouched when the agent no longer fits the phone) and the line released; otherwise what the
 * call needs: the agent as read once for this call, the variables, the organization's caps.
 */
async function screenClaimed(
  ctx: EngineContext,
  campaign: CampaignLean,
  phone: PhoneLean,
  claimed: ContactLean,
  callId: Types.ObjectId,
  counted: Promise<unknown>,
  release: Release,
) {
  // The agent (issue 17, cached two seconds per process) and the frequency caps (issue 18,
  // cached per process) are read alongside: no extra round trip between the claim and the fence.
  const [, doNotCall, agent, caps] = await Promise.all([
    counted,
    ctx.deps.doNotCall.has(campaign.organizationId, claimed.phoneNumber),
    ctx.agent(campaign.agentId),
    ctx.frequencyCaps.get(campaign.organizationId),
  ]);
  ctx.deps.checkAlive();
  if (doNotCall) {
    await unclaim(ctx, campaign, claimed, callId, { status: 'SKIPPED', skipReason: SKIP_REASONS.doNotCall });
    await release(false);
    return 'skipped' as const;
  }
  // Never dial with a hole in the agent's script, nor with an agent whose kind cannot talk on
  // this phone (either may have changed since the contact was added, or the campaign started).
  const check = checkDial(agent, phone, claimed);
  if (!check.ok) {
    if (check.reason === 'MISFIT') {
      // Every contact of the campaign would meet the same refusal: give this one back
      // untouched and stop the slot; fixing the agent or the phone and pausing and resuming
      // the campaign starts new slots.
      logger.error({ campaignId: String(campaign._id), reason: check.message }, 'agent does not fit phone: slot stops');
      await unclaim(ctx, campaign, claimed, callId, { status: claimed.status });
      await release(true);
      return 'misfit' as const;
    }
    await unclaim(ctx, campaign, claimed, callId, { status: 'SKIPPED', skipReason: SKIP_REASONS.missingVariable });
    await release(false);
    return 'skipped' as const;
  }
  return { agent, variables: check.variables, caps };
}

/**
 * The fence, in one Redis round trip right before dialling (Leases.confirm): a pause or cancel
 * that returned stops this call (it was created before and is never placed), a slot slow enough
 * to look dead, whose lease the sweeper took back, must not dial now, and a number that had its
 * calls under the organization's frequency caps waits (counted in the same script). Anything but
 * 'ok': the call is gone or waiting and the line released.
 */
async function passFence(
  ctx: EngineContext,
  campaign: CampaignLean,
  claimed: ContactLean,
  call: NonNullable<Awaited<ReturnType<typeof createCall>>>,
  callId: Types.ObjectId,
  caps: Awaited<ReturnType<EngineContext['frequencyCaps']['get']>>,
  release: Release,
): Promise<'ok' | 'skipped' | 'stopped'> {
  const cap = caps
    ? { ...caps, organizationId: String(campaign.organizationId), phoneNumber: claimed.phoneNumber }
    : null;
  const gate = await ctx.deps.leases.confirm(String(campaign._id), String(callId), campaign.dispatchGeneration, cap);
  ctx.deps.checkAlive();
  if (typeof gate === 'object') {
    await waitForFrequencyCap(ctx, campaign, claimed, call, gate);
    await release(false);
    return 'skipped';
  }
  if (gate === 'ok') return 'ok';
  if (gate === 'lost')
    logger.warn({ callId: String(callId) }, 'lease taken back before dialling; not placing the call');
  // Never placed: the call goes, the contact goes back (unless the sweeper already took it)
  // and its attempt is not counted.
  await CallModel.deleteOne({ _id: call._id, providerCallId: null, status: 'INITIATED' });
  await unclaim(ctx, campaign, claimed, callId, { status: claimed.status });
  await release(true);
  return gate === 'stopped' ? 'stopped' : 'skipped';
}

/**
 * Never dial outside the calling window: a contact claimed outside it goes back (still QUEUED or
 * RETRY_SCHEDULED) until the window opens, or is SKIPPED when it never does. A contact whose zone
 * is ambiguous under `ambiguousTimezones: SKIP` is SKIPPED `NO_TIMEZONE` (decided here, at dial,
 * so a setting changed after the contacts came in applies to all still waiting). Whether it went.
 */
async function heldForWindow(
  ctx: EngineContext,
  campaign: CampaignLean,
  claimed: ContactLean,
  callId: Types.ObjectId,
  counted: Promise<void>,
): Promise<boolean> {
  const settings = settingsOf(campaign);
  if (settings.ambiguousTimezones === 'SKIP' && hasAmbiguousZone(claimed)) {
    await counted;
    await unclaim(ctx, campaign, claimed, callId, { status: 'SKIPPED', skipReason: SKIP_REASONS.noTimezone });
    return true;
  }
  const window = settings.callingWindow;
  if (!window) return false;
  const now = new Date();
  // The contact's zone, or every zone its number's prefix spans (campaign setting).
  const zones = contactZones(window, claimed, settings.ambiguousTimezones);
  if (isWithinWindowIn(window, now, zones)) return false;
  await counted;
  const opening = nextOpeningIn(window, now, zones);
  if (opening) await unclaim(ctx, campaign, claimed, callId, { status: claimed.status, nextAttemptAt: opening });
  else await unclaim(ctx, campaign, claimed, callId, { status: 'SKIPPED', skipReason: SKIP_REASONS.windowNeverOpens });
  return true;
}

/**
 * The number had its calls (the fence refused, frequency-caps.ts): the call is deleted, never
 * placed, and the contact waits, still QUEUED or RETRY_SCHEDULED, until the moment the number may
 * be called again, with the reason shown. Neither skipped nor failed, and its attempt not counted
 * (unclaim gives it back), so a capped contact loses no retry.
 */
async function waitForFrequencyCap(
  ctx: EngineContext,
  campaign: CampaignLean,
  claimed: ContactLean,
  call: { _id: Types.ObjectId },
  refusal: FrequencyCapped,
): Promise<void> {
  await CallModel.deleteOne({ _id: call._id, providerCallId: null, status: 'INITIATED' });
  // The fence's time is Redis's clock; were ours ahead of it, the contact would be due at once and
  // refused again in a tight loop until the clocks met: wait at least a second.
  const until = new Date(Math.max(refusal.allowedAt.getTime(), Date.now() + 1_000));
  await unclaim(ctx, campaign, claimed, call._id, {
    status: claimed.status,
    nextAttemptAt: until,
    waitReason: WAIT_REASONS.frequencyCap,
  });
  logger.debug(
    { campaignId: String(campaign._id), contactId: String(claimed._id), window: refusal.capped, until },
    'frequency cap reached; contact waits',
  );
}

/** One atomic findOneAndUpdate: the next eligible contact in the campaign's order becomes CALLING. */
async function claim(campaign: CampaignLean, callId: Types.ObjectId, slotId: string): Promise<ContactLean | null> {
  const mode = settingsOf(campaign).priorityMode;
  const sort: Record<string, 1 | -1> =
    mode === 'LIFO' ? { _id: -1 } : mode === 'PRIORITY' ? { priority: -1, _id: 1 } : { _id: 1 };
  const now = new Date();
  return contactFindAndUpdate(
    {
      campaignId: campaign._id,
      status: { $in: WAITING },
      $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }],
    },
    {
      $set: { status: 'CALLING', currentCallId: callId, slotId, nextAttemptAt: null, waitReason: null },
      $inc: { attempts: 1 },
    },
    { sort, returnDocument: 'before' },
  );
}

/** The counters of a claim (the caller sends this straight after the claim returns). */
async function countClaim(
  ctx: EngineContext,
  campaign: CampaignLean,
  before: ContactLean,
  events: SlotEvents,
): Promise<void> {
  // The updated numbers travel with the event (PROGRESS_FIELDS), so dashboards need no read.
  let after: CountedCampaign | null;
  try {
    after = await ctx.deps.counters.count(campaign._id, {
      from: before.status,
      to: 'CALLING',
      attempts: 1,
      lastCallAt: new Date(),
    });
  } catch (error) {
    sendHeld(events);
    throw error;
  }
  // These numbers include the held outcome's (its update came first): one event for both.
  events.held = null;
  void ctx.publishCampaign(campaign, after);
}

/**
 * Nothing eligible now: sleep until the next retry or window opening, or finish; the last
 * slot with nothing left anywhere completes the campaign.
 */
async function idle(ctx: EngineContext, campaign: CampaignLean): Promise<SlotResult | null> {
  const next = await ContactModel.findOne({ campaignId: campaign._id, status: { $in: WAITING } }, { nextAttemptAt: 1 })
    .sort({ nextAttemptAt: 1 })
    .lean();
  if (next) {
    const at = next.nextAttemptAt ? new Date(next.nextAttemptAt).getTime() : 0;
    // Eligible already (added or due while we looked): go round again.
    if (at <= Date.now()) return null;
    return { kind: 'delay', until: at, reason: 'next retry or calling window' };
  }
  const calling = await ContactModel.exists({ campaignId: campaign._id, status: 'CALLING' });
  if (calling) return done('nothing left to claim; other slots are finishing');
  await completeCampaign(ctx, campaign._id);
  return done('campaign completed');
}
