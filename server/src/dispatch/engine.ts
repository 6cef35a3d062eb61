import { createHmac, timingSafeEqual } from 'node:crypto';
import { Types, isValidObjectId } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { EventPublisher } from '../events';
import { progressPayload } from '../events';
import { logger } from '../logger';
import { callEnded, callOutcome, callPlaced, webhookReceived } from '../metrics';
import { CallModel, FINAL_CALL_STATUSES } from '../calls/call.model';
import type { Call, CallStatus } from '../calls/call.model';
import { advanceCall, LIVE_CALL_STATUSES, setProviderCallId, toCallEventPayload } from '../calls/call.service';
import { recordConversation } from '../calls/call.conversation';
import { callAgentOf } from '../agents/agent.dispatch';
import { buildCallVariables, missingVariables } from '../agents/agent.variables';
import type { CallStatusChange } from '../calls/call.service';
import { CampaignModel } from '../campaigns/campaign.model';
import type { Campaign } from '../campaigns/campaign.model';
import { recountCounters, transitionInc } from '../campaigns/campaign.stats';
import type { StatsCounters } from '../campaigns/campaign.stats';
import { ContactModel } from '../contacts/contact.model';
import type { Contact, ContactStatus } from '../contacts/contact.model';
import type { DoNotCallList } from '../dnc/dnc.list';
import { PhoneModel } from '../phones/phone.model';
import type { Phone, ProviderName } from '../phones/phone.model';
import { PROVIDERS } from '../phones/phone.model';
import { PlaceCallError } from '../providers/provider';
import type { ProviderStatusUpdate, RawWebhook, TelephonyProvider } from '../providers/provider';
import { credentialsFor, defaultCallsPerSecond } from '../providers/registry';
import type { ProviderSet } from '../providers/registry';
import { isWithinWindow, nextWindowOpening, windowZone } from './calling-window';
import type { Leases, LeaseResult } from './leases';
import { campaignUpdate, contactFindAndUpdate, contactUpdate, insertCall } from './direct-writes';
import { contactOutcome } from './retry-policy';
import { callEndedChannel } from './signals';
import type { Signals, Waiter } from './signals';

/**
 * The dialing engine's core: what a slot job does, what a webhook does, what the sweeper does.
 * It knows nothing of BullMQ job objects (dispatch.queue.ts translates) nor of HTTP.
 *
 * Ownership: the webhook handler owns the Call document (status moves forward only); the slot
 * that placed the call owns the contact's transition and the campaign counters, and releases
 * the lease. The sweeper takes over both when a slot died and was not re-run. Every write is
 * conditional, so whoever comes second changes nothing.
 */

/** What a counter update returns for the event that carries its numbers. */
const PROGRESS_FIELDS: Record<string, 1> = {
  revision: 1,
  status: 1,
  stats: 1,
  startedAt: 1,
  lastCallAt: 1,
  updatedAt: 1,
  organizationId: 1,
};

export interface EngineTuning {
  /** Safety net of a capacity wait: a lost release message costs at most this. Default 1000 ms. */
  capacityWaitMs: number;
  /** How often waiting calls are checked against MongoDB, in case a pub/sub message was lost. Default 5000 ms. */
  reconcileMs: number;
  /** A CALLING contact untouched this long with a final (or no) call is the sweeper's. Default 2 × lock duration. */
  orphanAfterMs: number;
}

export interface EngineDeps {
  config: Config;
  redis: Redis;
  events: EventPublisher;
  providers: ProviderSet;
  leases: Leases;
  signals: Signals;
  doNotCall: DoNotCallList;
  /** Base URL at which providers reach our webhooks. */
  publicBaseUrl: () => string;
  tuning: EngineTuning;
  /** Re-adds the current generation's slot jobs (idempotent): used when a retry is scheduled. */
  ensureSlots: (campaign: {
    _id: Types.ObjectId;
    dispatchGeneration: number;
    settings?: { concurrentCallsLimit?: number | null } | null;
  }) => Promise<void>;
  /** Throws when this process has been killed (tests); called after every await of a slot loop. */
  checkAlive: () => void;
}

export interface SlotRef {
  campaignId: string;
  generation: number;
  index: number;
}

/** What the job processor does with a slot when the engine returns. */
export type SlotResult = { kind: 'done'; reason: string } | { kind: 'delay'; until: number; reason: string };

type CampaignLean = Campaign & { _id: Types.ObjectId };
type ContactLean = Contact & { _id: Types.ObjectId };
type CallLean = Call & { _id: Types.ObjectId };
type PhoneLean = Phone & { _id: Types.ObjectId };

/** Thrown at a slot's next step once its process is stopping (or, in tests, killed). */
export class DispatcherStoppedError extends Error {
  override name = 'DispatcherStoppedError';
  constructor(readonly reason: 'stopping' | 'killed' | 'closed') {
    super(`dispatcher ${reason}`);
  }
}

const WAITING: ContactStatus[] = ['QUEUED', 'RETRY_SCHEDULED'];

/** Constant-time comparison of a secret with what a request brought. */
function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * A slot's pending campaign event. A call's outcome and the slot's next claim follow each other
 * within milliseconds; published apart, the second would wait out the live hub's pacing (at most
 * 4 snapshots a second). So the outcome's event is held, and the next claim's counter update,
 * which returns numbers that include the outcome's, publishes for both. Anything else the slot
 * does first (waits, finds nothing, stops, fails) sends the held event at once.
 */
interface SlotEvents {
  held: (() => void) | null;
}

function sendHeld(events: SlotEvents): void {
  const send = events.held;
  events.held = null;
  send?.();
}

/** What a slot already knows when it records its call's outcome (saves reading them back). */
interface KnownToSlot {
  contact: ContactLean;
  campaign: CampaignLean;
  events?: SlotEvents;
}
const done = (reason: string): SlotResult => ({ kind: 'done', reason });

export class DispatchEngine {
  private readonly phones = new Map<string, { phone: PhoneLean; at: number }>();
  private readonly phoneReads = new Map<string, Promise<PhoneLean | null>>();
  private readonly maxMs: number;
  private readonly graceMs: number;
  private readonly marginMs: number;

  constructor(private readonly deps: EngineDeps) {
    const { config } = deps;
    this.maxMs = config.maxCallDurationSeconds * 1000;
    this.graceMs = Math.min(5_000, Math.max(200, this.maxMs / 4));
    this.marginMs = Math.min(10_000, Math.max(500, this.maxMs / 2));
  }

  /**
   * When a slot stops waiting for a call's final status and asks the provider (or closes the
   * call as FAILED): the place-call timeout, the longest call, and a grace for the last webhook.
   */
  callDeadline(startedAt: Date): number {
    return startedAt.getTime() + this.deps.config.dispatch.placeCallTimeoutMs + this.maxMs + this.graceMs;
  }

  /** Lease length: the call deadline plus a margin, so a live slot always closes its call before its lease lapses. */
  get leaseMs(): number {
    return this.deps.config.dispatch.placeCallTimeoutMs + this.maxMs + this.graceMs + this.marginMs;
  }

  // ---------------------------------------------------------------- slots

  /** One slot job: dial, wait, record, loop, until the slot has nothing to do now. */
  async runSlot(ref: SlotRef): Promise<SlotResult> {
    const { checkAlive } = this.deps;
    const slotId = `${ref.generation}-${ref.index}`;
    const campaignId = new Types.ObjectId(ref.campaignId);
    // A re-run job (its worker died, or its lock lapsed) finishes its own call first instead
    // of dialling again: the contact names the slot that holds it.
    const own = await ContactModel.findOne({ campaignId, status: 'CALLING', slotId }).lean<ContactLean>();
    checkAlive();
    if (own) await this.resumeContact(own);

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
        if (ref.index >= this.limitOf(campaign)) return done('above the concurrent call limit');
        const phone = await this.phone(campaign.phoneId);
        checkAlive();
        if (!phone) {
          logger.error({ campaignId: ref.campaignId }, "campaign's phone is missing: slot stops");
          return done('phone missing');
        }
        // Lease first, then claim: a full campaign never takes a contact out of the queue.
        const callId = new Types.ObjectId();
        const lease = await this.deps.leases.acquire(this.leaseRequest(campaign, phone, callId));
        checkAlive();
        if (!lease.ok) {
          sendHeld(events);
          await this.waitForCapacity(campaign, phone, lease);
          checkAlive();
          continue;
        }
        const step = await this.dialNext(campaign, phone, callId, slotId, events);
        if (typeof step === 'object') known = step.campaign;
        else if (step === 'stopped') {
          // Paused or cancelled: the next round reads the campaign and ends. Should it still
          // read ACTIVE (a mark that outlived its pause), look again no faster than once a second.
          sendHeld(events);
          await new Promise((r) => setTimeout(r, this.deps.tuning.capacityWaitMs));
          checkAlive();
        } else if (step === 'none') {
          sendHeld(events);
          const idle = await this.idle(campaign);
          checkAlive();
          if (idle) return idle;
        }
      }
    } finally {
      sendHeld(events);
    }
  }

  private limitOf(campaign: CampaignLean): number {
    return Math.max(0, campaign.settings?.concurrentCallsLimit ?? 3);
  }

  private leaseRequest(campaign: CampaignLean, phone: PhoneLean, callId: Types.ObjectId) {
    return {
      campaignId: String(campaign._id),
      phoneId: String(phone._id),
      callId: String(callId),
      leaseMs: this.leaseMs,
      campaignLimit: this.limitOf(campaign),
      phoneCap: phone.maxConcurrentCalls ?? 0,
      globalCap: this.deps.config.maxConcurrentOutboundCalls,
      phoneRatePerSecond: phone.callsPerSecond ?? defaultCallsPerSecond(phone.provider),
      campaignCallsPerMinute: campaign.settings?.callsPerMinute ?? 0,
    };
  }

  /** Full: wait for a release of this campaign's, phone's or any line (pub/sub), or for the rate bucket's next token. */
  private async waitForCapacity(
    campaign: CampaignLean,
    phone: PhoneLean,
    lease: Extract<LeaseResult, { ok: false }>,
  ): Promise<void> {
    const timeout = lease.blocker === 'rate' ? lease.retryInMs : this.deps.tuning.capacityWaitMs;
    const waiter = this.deps.signals.waitForCapacity(String(campaign._id), String(phone._id), timeout);
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

  /** Claims and dials one contact; 'none' when nothing is eligible now. The lease is held on entry. */
  private async dialNext(
    campaign: CampaignLean,
    phone: PhoneLean,
    callId: Types.ObjectId,
    slotId: string,
    events: SlotEvents,
  ): Promise<{ campaign: CampaignLean | null } | 'dialled' | 'skipped' | 'stopped' | 'none'> {
    const { leases, checkAlive } = this.deps;
    const release = (announce: boolean) =>
      leases.release(String(campaign._id), String(phone._id), String(callId), announce);
    let claimed: ContactLean | null;
    try {
      claimed = await this.claim(campaign, callId, slotId);
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
    const counted = this.countClaim(campaign, claimed, events);
    const now = new Date();
    const window = campaign.settings?.callingWindow;
    if (window) {
      const zone = windowZone(window, claimed.timezone);
      if (!isWithinWindow(window, now, zone)) {
        await counted;
        // Never dial outside the window: the contact waits (still QUEUED or RETRY_SCHEDULED) until it opens.
        const opening = nextWindowOpening(window, now, zone);
        if (opening)
          await this.unclaim(campaign, claimed, callId, {
            status: claimed.status as ContactStatus,
            nextAttemptAt: opening,
          });
        else
          await this.unclaim(campaign, claimed, callId, {
            status: 'SKIPPED',
            skipReason: 'calling window never opens',
          });
        await release(false);
        return 'skipped';
      }
    }
    const [, doNotCall] = await Promise.all([
      counted,
      this.deps.doNotCall.has(campaign.organizationId, claimed.phoneNumber),
    ]);
    checkAlive();
    if (doNotCall) {
      await this.unclaim(campaign, claimed, callId, { status: 'SKIPPED', skipReason: 'do-not-call' });
      await release(false);
      return 'skipped';
    }
    // Issue 17: never dial with a hole in the agent's script (the agent may have changed since
    // the contact was added and re-checked).
    const variables = buildCallVariables(claimed);
    const agent = await callAgentOf(campaign.agentId);
    checkAlive();
    if (agent && missingVariables(agent.variables, variables).length > 0) {
      await this.unclaim(campaign, claimed, callId, { status: 'SKIPPED', skipReason: 'MISSING_VARIABLE' });
      await release(false);
      return 'skipped';
    }
    const call = await this.createCall(campaign, phone, claimed, callId, slotId, claimed.attempts + 1, variables);
    checkAlive();
    if (!call) {
      await release(false);
      return 'skipped';
    }
    // The fence, in one Redis round trip right before dialling (Leases.confirm): a pause or
    // cancel that returned stops this call (it was created before and is never placed), and a
    // slot slow enough to look dead, whose lease the sweeper took back, must not dial now.
    const gate = await this.deps.leases.confirm(String(campaign._id), String(callId), campaign.dispatchGeneration);
    checkAlive();
    if (gate !== 'ok') {
      if (gate === 'lost')
        logger.warn({ callId: String(callId) }, 'lease taken back before dialling; not placing the call');
      // Never placed: the call goes, the contact goes back (unless the sweeper already took it)
      // and its attempt is not counted.
      await CallModel.deleteOne({ _id: call._id, providerCallId: null, status: 'INITIATED' });
      await this.unclaim(campaign, claimed, callId, { status: claimed.status as ContactStatus });
      await release(true);
      return gate === 'stopped' ? 'stopped' : 'skipped';
    }
    // What recordOutcome would read back: the contact as the claim left it, the campaign as this loop saw it.
    const holding: ContactLean = {
      ...claimed,
      status: 'CALLING',
      currentCallId: callId,
      slotId,
      attempts: claimed.attempts + 1,
    };
    const after = await this.placeAndFinish(call, campaign, phone, holding, events);
    return after ? { campaign: after } : 'dialled';
  }

  /** One atomic findOneAndUpdate: the next eligible contact in the campaign's order becomes CALLING. */
  private async claim(campaign: CampaignLean, callId: Types.ObjectId, slotId: string): Promise<ContactLean | null> {
    const mode = campaign.settings?.priorityMode ?? 'FIFO';
    const sort: Record<string, 1 | -1> =
      mode === 'LIFO' ? { _id: -1 } : mode === 'PRIORITY' ? { priority: -1, _id: 1 } : { _id: 1 };
    const now = new Date();
    return contactFindAndUpdate(
      {
        campaignId: campaign._id,
        status: { $in: WAITING },
        $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }],
      },
      { $set: { status: 'CALLING', currentCallId: callId, slotId, nextAttemptAt: null }, $inc: { attempts: 1 } },
      { sort, returnDocument: 'before' },
    );
  }

  /** The counters of a claim (the caller sends this straight after the claim returns). */
  private async countClaim(campaign: CampaignLean, before: ContactLean, events: SlotEvents): Promise<void> {
    // The updated numbers travel with the event (PROGRESS_FIELDS), so dashboards need no read.
    let after: Parameters<typeof progressPayload>[0] | null;
    try {
      after = await campaignUpdate<Parameters<typeof progressPayload>[0]>(
        campaign._id,
        {
          $inc: { ...transitionInc(before.status as ContactStatus, 'CALLING'), 'stats.totalAttempts': 1, revision: 1 },
          $set: { lastCallAt: new Date() },
        },
        PROGRESS_FIELDS,
      );
    } catch (error) {
      sendHeld(events);
      throw error;
    }
    // These numbers include the held outcome's (its update came first): one event for both.
    events.held = null;
    void this.publishCampaign(campaign, after);
  }

  /** Gives a claimed contact back (no call was placed): the attempt is not counted. */
  private async unclaim(
    campaign: { _id: Types.ObjectId; organizationId: Types.ObjectId },
    contact: { _id: Types.ObjectId },
    callId: Types.ObjectId,
    to: { status: ContactStatus; nextAttemptAt?: Date; skipReason?: string },
  ): Promise<boolean> {
    const res = await ContactModel.updateOne(
      // Only while it still holds this call: the slot and the sweeper may both try.
      { _id: contact._id, status: 'CALLING', currentCallId: callId },
      {
        $set: {
          status: to.status,
          currentCallId: null,
          slotId: null,
          nextAttemptAt: to.nextAttemptAt ?? null,
          ...(to.skipReason ? { skipReason: to.skipReason } : {}),
        },
        $inc: { attempts: -1 },
      },
    );
    if (res.modifiedCount === 1) {
      const after = await campaignUpdate<CampaignLean>(campaign._id, {
        $inc: { ...transitionInc('CALLING', to.status), 'stats.totalAttempts': -1 },
      });
      await this.recountIfRacedCompletion(after);
      void this.publishCampaign(campaign);
      return true;
    }
    return false;
  }

  private async createCall(
    campaign: CampaignLean,
    phone: PhoneLean,
    contact: ContactLean,
    callId: Types.ObjectId,
    slotId: string,
    attempt: number,
    variables?: Record<string, string>,
  ): Promise<CallLean | null> {
    const now = new Date();
    try {
      return await insertCall({
        // Issue 17: what the agent gets, kept with the call (Call.variables).
        variables: variables ?? buildCallVariables(contact),
        _id: callId,
        organizationId: campaign.organizationId,
        campaignId: campaign._id,
        contactId: contact._id,
        phoneId: phone._id,
        attempt,
        provider: phone.provider,
        callbackToken: this.callbackTokenFor(callId),
        startedAt: now,
        leaseExpiresAt: new Date(now.getTime() + this.leaseMs),
        slotId,
      });
    } catch (error) {
      if ((error as { code?: number }).code === 11000) {
        // The unique (campaign, contact, attempt) index refused a second call for this attempt:
        // someone already dialled it. Never dial twice; give the contact back for its next attempt.
        logger.error(
          { callId: String(callId), contactId: String(contact._id), attempt },
          'a call for this attempt already exists; not dialling again',
        );
        const back = await ContactModel.updateOne(
          { _id: contact._id, status: 'CALLING', currentCallId: callId },
          { $set: { status: 'QUEUED', currentCallId: null, slotId: null } },
        );
        // Counters move only with the transition (the sweeper may have taken the contact back).
        if (back.modifiedCount === 1) {
          await CampaignModel.updateOne({ _id: campaign._id }, { $inc: transitionInc('CALLING', 'QUEUED') });
        }
        return null;
      }
      throw error;
    }
  }

  /** Places a created call, waits for its end, records the outcome and releases the line. */
  private async placeAndFinish(
    call: CallLean,
    campaign: CampaignLean,
    phone: PhoneLean,
    contact: ContactLean,
    events: SlotEvents,
  ): Promise<CampaignLean | null> {
    const { checkAlive } = this.deps;
    // Register before placing: an instant call's webhook can beat the place-call answer.
    const waiter = this.deps.signals.waitForCall(
      String(call._id),
      Math.max(0, this.callDeadline(call.startedAt) - Date.now()),
    );
    let status: CallStatus | null;
    try {
      void this.publishCall(call);
      await this.place(call, campaign, phone, contact);
      checkAlive();
      status = await this.awaitEnd(call, waiter);
    } finally {
      waiter.cancel();
    }
    checkAlive();
    return this.finish(call, status, { contact, campaign, events });
  }

  private async place(call: CallLean, campaign: CampaignLean, phone: PhoneLean, contact: ContactLean): Promise<void> {
    const provider = this.deps.providers[phone.provider as ProviderName];
    const token = call.callbackToken;
    // Issue 17: the campaign's agent and the call's variables travel with the place-call.
    const agent = await callAgentOf(campaign.agentId);
    const variables = (call.variables as Record<string, string> | null) ?? buildCallVariables(contact);
    try {
      const { providerCallId } = await provider.placeCall({
        callId: String(call._id),
        to: contact.phoneNumber,
        from: phone.number,
        callbackUrl: this.callbackUrl(provider, call),
        callbackToken: token,
        timeLimitSeconds: this.deps.config.maxCallDurationSeconds,
        timeoutMs: this.deps.config.dispatch.placeCallTimeoutMs,
        metadata: {
          organizationId: String(campaign.organizationId),
          campaignId: String(campaign._id),
          contactId: String(contact._id),
          attempt: call.attempt,
        },
        ...(agent ? { agent } : {}),
        variables,
        providerPhoneId: phone.providerPhoneId ?? null,
        credentials: credentialsFor(this.deps.config, phone),
        ...(phone.simulation ? { simulation: phone.simulation } : {}),
      });
      callPlaced(String(campaign._id), String(call._id), provider.name);
      const updated = await setProviderCallId(call._id, providerCallId);
      if (updated) void this.publishCall(updated as CallLean);
    } catch (error) {
      if (error instanceof PlaceCallError && !error.ambiguous) {
        await this.closeCall(call, 'FAILED', error.message);
        return;
      }
      logger.warn(
        { err: (error as Error).message, callId: String(call._id) },
        'place-call failed ambiguously; looking the call up',
      );
      // The provider may have created the call: never dial again; find it, or wait for its webhooks.
      // A request we gave up on may still be in the provider's hands (seen in CI: the simulator
      // created a call 150 ms after our timeout, after a look-up had answered "unknown", and the
      // freed line let a fifth call start under a limit of 4). So "unknown" is asked again, after
      // as long as the request itself was given, before the call is closed and its line freed.
      const reason = `place-call failed: ${(error as Error).message}`;
      if ((await this.lookUp(call, phone)) === null) {
        await new Promise((r) => setTimeout(r, this.deps.config.dispatch.placeCallTimeoutMs));
        this.deps.checkAlive();
        await this.lookUp(call, phone, { failIfUnknown: reason });
      }
    }
  }

  private callbackUrl(provider: TelephonyProvider, call: CallLean): string {
    const base = this.deps.publicBaseUrl().replace(/\/$/, '');
    return `${base}/webhooks/${provider.name.toLowerCase()}?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`;
  }

  /**
   * Asks the provider about a call whose status we do not know. Applies what it says; a call
   * the provider does not know is closed FAILED (`failIfUnknown`); a look-up that fails or is
   * unsupported changes nothing (the lease deadline still bounds the wait). Returns the provider's
   * answer: null when it does not know the call, undefined when it could not be asked.
   */
  private async lookUp(
    call: CallLean,
    phone: PhoneLean,
    options: { failIfUnknown?: string; forceFinal?: string } = {},
  ): Promise<ProviderStatusUpdate | null | undefined> {
    const provider = this.deps.providers[phone.provider as ProviderName];
    let found: ProviderStatusUpdate | null | undefined;
    if (provider.lookupCall) {
      try {
        found = await provider.lookupCall(
          { providerCallId: call.providerCallId ?? null, callId: String(call._id), callbackToken: call.callbackToken },
          credentialsFor(this.deps.config, phone),
        );
      } catch (error) {
        logger.warn({ err: (error as Error).message, callId: String(call._id) }, 'call look-up failed');
        found = undefined;
      }
    }
    if (found === null && options.failIfUnknown) {
      await this.closeCall(call, 'FAILED', options.failIfUnknown);
      return found;
    }
    if (found) {
      if (found.providerCallId) await setProviderCallId(call._id, found.providerCallId);
      if (FINAL_CALL_STATUSES.has(found.status)) {
        await this.applyStatus(call, found);
        return found;
      }
      if (!options.forceFinal) {
        await this.applyStatus(call, found);
        return found;
      }
    }
    if (options.forceFinal) await this.closeCall(call, 'FAILED', options.forceFinal);
    return found;
  }

  /**
   * Waits for the call's final status: the webhook's pub/sub signal, or the deadline. Returns
   * the final status when the signal carried it (the webhook's write that set it succeeded),
   * null when the caller must read the call. The waiter was registered before the call was
   * placed, so a signal cannot be missed in between; a lost pub/sub message is covered by the
   * periodic reconcile (which wakes the waiter without a status).
   */
  private async awaitEnd(call: CallLean, waiter: Waiter): Promise<CallStatus | null> {
    const { checkAlive } = this.deps;
    const outcome = await waiter.promise;
    checkAlive();
    if (outcome === 'closed') throw new DispatcherStoppedError('closed');
    if (outcome === 'signalled' && waiter.detail && FINAL_CALL_STATUSES.has(waiter.detail as CallStatus))
      return waiter.detail as CallStatus;
    const current = await CallModel.findById(call._id).lean();
    checkAlive();
    if (!current) return null;
    if (FINAL_CALL_STATUSES.has(current.status as CallStatus)) return current.status as CallStatus;
    if (outcome === 'signalled') {
      // A signal without a final status in MongoDB (a replica lagging): wait out the rest.
      const again = this.deps.signals.waitForCall(
        String(call._id),
        Math.max(0, this.callDeadline(call.startedAt) - Date.now()),
      );
      try {
        return await this.awaitEnd(call, again);
      } finally {
        again.cancel();
      }
    }
    // Deadline: no final status arrived. Ask the provider; else close the call as FAILED.
    const phone = await this.phone(call.phoneId);
    checkAlive();
    const reason = `no final status within ${this.deps.config.maxCallDurationSeconds} s`;
    if (phone) await this.lookUp(current as CallLean, phone, { forceFinal: reason });
    else await this.closeCall(current as CallLean, 'FAILED', reason);
    return null;
  }

  /**
   * Records the outcome of an ended call on its contact and campaign, then releases its line.
   * `status`: the final status when already known (else the call is read). `known`: the slot's
   * contact and campaign, so recordOutcome need not read them. Returns the campaign after its
   * counters moved (for the slot's next round), or null.
   */
  private async finish(
    call: CallLean,
    status: CallStatus | null = null,
    known?: KnownToSlot,
  ): Promise<CampaignLean | null> {
    const ended = status ? { ...call, status } : await CallModel.findById(call._id).lean<CallLean>();
    this.deps.checkAlive();
    callEnded(String(call.campaignId), String(call._id));
    // The call is over, so its line is free now: the release need not wait for the bookkeeping,
    // and slots waiting for this line (other campaigns on the phone, other slots) start sooner.
    const [after] = await Promise.all([
      ended ? this.recordOutcome(ended, known) : null,
      this.deps.leases.release(String(call.campaignId), String(call.phoneId), String(call._id), true),
    ]);
    return after;
  }

  /**
   * The contact's transition after its call ended: COMPLETED, RETRY_SCHEDULED or final FAILED /
   * VOICEMAIL (retry policy), with counters. Conditional on the contact still holding this call,
   * so the slot and the sweeper can both try and only one moves it.
   */
  async recordOutcome(call: CallLean, known?: KnownToSlot): Promise<CampaignLean | null> {
    if (!FINAL_CALL_STATUSES.has(call.status as CallStatus)) return null;
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
    const settings = {
      retryFailedCalls: campaign.settings?.retryFailedCalls ?? true,
      maxRetryAttempts: campaign.settings?.maxRetryAttempts ?? 3,
      retryDelayMinutes: campaign.settings?.retryDelayMinutes ?? 30,
      excludeVoicemail: campaign.settings?.excludeVoicemail ?? false,
    };
    let outcome: { status: ContactStatus; nextAttemptAt?: Date; skipReason?: string } = contactOutcome(
      call.status as CallStatus,
      contact.attempts - (contact.roundStartAttempts ?? 0),
      settings,
    );
    if (outcome.status === 'RETRY_SCHEDULED' && campaign.status === 'CANCELLED')
      outcome = { status: 'SKIPPED', skipReason: 'campaign cancelled' };
    const moved = await contactUpdate(
      { _id: contact._id, status: 'CALLING', currentCallId: call._id },
      {
        $set: {
          status: outcome.status,
          lastOutcome: call.status,
          nextAttemptAt: outcome.nextAttemptAt ?? null,
          currentCallId: null,
          slotId: null,
          ...(outcome.skipReason ? { skipReason: outcome.skipReason } : {}),
        },
      },
    );
    if (!moved) return null;
    // Counted here, where exactly one of slot and sweeper moves the contact.
    callOutcome(String(call.status));
    // Returns the campaign as it is now: the slot's next round needs it anyway.
    let after = await campaignUpdate<CampaignLean>(campaign._id, {
      $inc: { ...transitionInc('CALLING', outcome.status), revision: 1 },
    });
    after = await this.recountIfRacedCompletion(after);
    if (known?.events) known.events.held = () => void this.publishCampaign(campaign, after);
    else void this.publishCampaign(campaign, after);
    if (outcome.status === 'RETRY_SCHEDULED') {
      // Cancel may have skipped the waiting contacts between our read and our write: look again.
      const now = await CampaignModel.findById(campaign._id, { status: 1, dispatchGeneration: 1, settings: 1 }).lean();
      if (now?.status === 'CANCELLED') {
        const skipped = await ContactModel.updateOne(
          { _id: contact._id, status: 'RETRY_SCHEDULED' },
          { $set: { status: 'SKIPPED', skipReason: 'campaign cancelled', nextAttemptAt: null } },
        );
        if (skipped.modifiedCount === 1)
          await CampaignModel.updateOne({ _id: campaign._id }, { $inc: transitionInc('RETRY_SCHEDULED', 'SKIPPED') });
      } else if (now?.status === 'ACTIVE') {
        // Slots that found nothing to do and finished come back for the retry.
        await this.deps.ensureSlots(now as { _id: Types.ObjectId; dispatchGeneration: number });
      }
      // Status may have moved since `after` was read: let the slot read it again.
      return null;
    }
    return (after as CampaignLean | null) ?? null;
  }

  /**
   * Nothing eligible now: sleep until the next retry or window opening, or finish; the last
   * slot with nothing left anywhere completes the campaign.
   */
  private async idle(campaign: CampaignLean): Promise<SlotResult | null> {
    const next = await ContactModel.findOne(
      { campaignId: campaign._id, status: { $in: WAITING } },
      { nextAttemptAt: 1 },
    )
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
    await this.completeCampaign(campaign._id);
    return done('campaign completed');
  }

  /** ACTIVE → COMPLETED when nothing is waiting or calling, then the automatic recount. */
  async completeCampaign(campaignId: Types.ObjectId): Promise<boolean> {
    const left = await ContactModel.exists({ campaignId, status: { $in: ['QUEUED', 'CALLING', 'RETRY_SCHEDULED'] } });
    if (left) return false;
    const completed = await CampaignModel.findOneAndUpdate(
      { _id: campaignId, status: 'ACTIVE' },
      { $set: { status: 'COMPLETED', completedAt: new Date() } },
      { returnDocument: 'after', lean: true },
    );
    if (!completed) return false;
    await this.recount(campaignId, completed.stats as StatsCounters | undefined);
    void this.publishCampaign(completed as CampaignLean);
    return true;
  }

  /** Rebuilds a campaign's counters from its contacts; logs drift it corrects. */
  async recount(campaignId: Types.ObjectId, before?: StatsCounters): Promise<StatsCounters> {
    const counters = await recountCounters(campaignId);
    const $set: Record<string, number> = {};
    for (const [k, v] of Object.entries(counters)) $set[`stats.${k}`] = v;
    await CampaignModel.updateOne({ _id: campaignId }, { $set });
    if (before) {
      const drift = Object.entries(counters).filter(([k, v]) => (before as unknown as Record<string, number>)[k] !== v);
      if (drift.length > 0) {
        this.driftCorrections += 1;
        logger.warn(
          { campaignId: String(campaignId), drift: Object.fromEntries(drift), before },
          'recount corrected drifting counters',
        );
      }
    }
    return counters;
  }

  /**
   * The contact leaves CALLING before its counters move (the contact update is the guard that
   * makes the transition happen once). If another slot saw that contact final, completed the
   * campaign and recounted between the two writes, the recount already counts the transition
   * and this `$inc` counts it again: a COMPLETED campaign with a negative counter (activeCalls
   * -1). This `$inc` has landed and the contacts of a COMPLETED campaign are final (a
   * `callContact` call is counted as it stands, CALLING), so a recount now is exact, unless
   * such a call's own claim is in flight at this moment. Returns the campaign, with the rebuilt
   * numbers when it recounted.
   */
  private async recountIfRacedCompletion(after: CampaignLean | null): Promise<CampaignLean | null> {
    const stats = after?.stats as Partial<StatsCounters> | undefined;
    if (!after || after.status !== 'COMPLETED' || !stats || !Object.values(stats).some((v) => v < 0)) return after;
    logger.info(
      { campaignId: String(after._id) },
      "a counter update landed after the completion's recount: recounting",
    );
    this.completionRaces += 1;
    const counters = await this.recount(after._id);
    return { ...after, stats: { ...after.stats, ...counters } } as CampaignLean;
  }

  /** How many times recountIfRacedCompletion recounted (tests read it). */
  completionRaces = 0;

  /** How many recounts found counters that had drifted (tests assert zero). */
  driftCorrections = 0;

  /** A re-run slot's own contact: finish its call (or give it back if the call was never created). */
  private async resumeContact(contact: ContactLean): Promise<void> {
    const { checkAlive } = this.deps;
    const call = contact.currentCallId ? await CallModel.findById(contact.currentCallId).lean<CallLean>() : null;
    checkAlive();
    if (!call) {
      // Died between claim and creating the call: nothing was dialled; the contact goes back.
      await this.giveBackUnplaced(contact);
      return;
    }
    await this.resumeCall(call);
  }

  /**
   * Gives back a contact claimed for a call that was never created, and frees its line — unless
   * its slot is alive and placing the call right now (it confirmed the lease, see
   * Leases.confirm): then the slot keeps both, since taking its line would let another call
   * over the limit. Revoking first means the slot can no longer confirm, so it never dials a
   * contact given back here.
   */
  private async giveBackUnplaced(contact: ContactLean): Promise<void> {
    const callId = contact.currentCallId;
    if (!callId) return;
    const campaign = await CampaignModel.findById(contact.campaignId, { organizationId: 1, phoneId: 1 }).lean();
    if (!campaign) return;
    const ids = [String(contact.campaignId), String(campaign.phoneId), String(callId)] as const;
    if (!(await this.deps.leases.revoke(...ids))) return;
    await this.unclaim(campaign as { _id: Types.ObjectId; organizationId: Types.ObjectId }, contact, callId, {
      status: 'QUEUED',
    });
    // The line is free either way now: wake the slots waiting for it.
    await this.deps.leases.release(...ids, true);
  }

  async resumeCallById(callId: string): Promise<void> {
    if (!isValidObjectId(callId)) return;
    const call = await CallModel.findById(callId).lean<CallLean>();
    this.deps.checkAlive();
    if (call) await this.resumeCall(call);
  }

  /** Finishes a call whose slot (or manual job) restarted, or a manual call's job. Never dials. */
  async resumeCall(call: CallLean): Promise<void> {
    const { checkAlive } = this.deps;
    if (!FINAL_CALL_STATUSES.has(call.status as CallStatus)) {
      // The line is still busy with this call: hold its lease again (it may have lapsed).
      await this.deps.leases.renew(
        String(call.campaignId),
        String(call.phoneId),
        String(call._id),
        Math.max(1, this.callDeadline(call.startedAt) + this.marginMs - Date.now()),
      );
      const waiter = this.deps.signals.waitForCall(
        String(call._id),
        Math.max(0, this.callDeadline(call.startedAt) - Date.now()),
      );
      try {
        if (!call.providerCallId) {
          // Created, maybe placed, answer lost: find out rather than dial again.
          const phone = await this.phone(call.phoneId);
          checkAlive();
          if (phone) await this.lookUp(call, phone);
        }
        // Registered after `call` was read: its final webhook may have come in between.
        const now = await CallModel.findById(call._id, { status: 1 }).lean();
        checkAlive();
        if (!now || !FINAL_CALL_STATUSES.has(now.status as CallStatus)) await this.awaitEnd(call, waiter);
      } finally {
        waiter.cancel();
      }
      checkAlive();
    }
    await this.finish(call);
  }

  // ---------------------------------------------------------------- manual calls

  /**
   * "Call this contact now" (the sequential design's single call): takes a line of the campaign
   * (it counts toward the limit), claims this contact, creates and places the call. The caller
   * then hands the call to a job that waits for its end (resumeCall). Returns null with the
   * reason when the line or the contact is not available.
   */
  async startManualCall(
    campaign: CampaignLean,
    contact: ContactLean,
    phone: PhoneLean,
    options: { rateWaitMs: number },
  ): Promise<{ call: CallLean } | { refused: 'campaign' | 'phone' | 'global' | 'rate' | 'contact' }> {
    const callId = new Types.ObjectId();
    const give = (announce: boolean) =>
      this.deps.leases.release(String(campaign._id), String(phone._id), String(callId), announce);
    const deadline = Date.now() + options.rateWaitMs;
    let lease = await this.deps.leases.acquire(this.leaseRequest(campaign, phone, callId));
    // A rate bucket refills at a known time: wait for it briefly rather than refuse.
    while (!lease.ok && lease.blocker === 'rate' && Date.now() + lease.retryInMs <= deadline) {
      await new Promise((r) => setTimeout(r, lease.ok ? 0 : lease.retryInMs));
      lease = await this.deps.leases.acquire(this.leaseRequest(campaign, phone, callId));
    }
    if (!lease.ok) return { refused: lease.blocker };
    const final = ['FAILED', 'VOICEMAIL', 'COMPLETED'].includes(contact.status);
    const now = new Date();
    // Conditional on the state we read (status and attempts): a slot claiming it meanwhile wins.
    const res = await ContactModel.updateOne(
      { _id: contact._id, status: contact.status, attempts: contact.attempts },
      {
        $set: {
          status: 'CALLING',
          currentCallId: callId,
          slotId: 'manual',
          nextAttemptAt: null,
          // A contact already finished gets a fresh round of retries for this call.
          ...(final ? { roundStartAttempts: contact.attempts } : {}),
        },
        $inc: { attempts: 1 },
      },
    );
    if (res.modifiedCount !== 1) {
      await give(false);
      return { refused: 'contact' };
    }
    await CampaignModel.updateOne(
      { _id: campaign._id },
      {
        $inc: { ...transitionInc(contact.status as ContactStatus, 'CALLING'), 'stats.totalAttempts': 1 },
        $set: { lastCallAt: now },
      },
    );
    void this.publishCampaign(campaign);
    const call = await this.createCall(campaign, phone, contact, callId, 'manual', contact.attempts + 1);
    if (!call) {
      await give(false);
      return { refused: 'contact' };
    }
    // The same fence as a slot's, except that a manual call may be made on a paused campaign.
    if ((await this.deps.leases.confirm(String(campaign._id), String(callId), null)) !== 'ok') {
      await CallModel.deleteOne({ _id: call._id, providerCallId: null, status: 'INITIATED' });
      await this.unclaim(campaign, contact, callId, { status: contact.status as ContactStatus });
      await give(false);
      return { refused: 'contact' };
    }
    void this.publishCall(call);
    await this.place(call, campaign, phone, contact);
    return { call };
  }

  // ---------------------------------------------------------------- calls and webhooks

  /** Applies a provider's status to a call (forward only) and tells the waiting slot when final. */
  async applyStatus(
    call: { _id: Types.ObjectId },
    update: ProviderStatusUpdate,
    guard?: Parameters<typeof advanceCall>[2],
  ): Promise<boolean> {
    const change: CallStatusChange = {
      status: update.status,
      providerCallId: update.providerCallId,
      ...(update.answeredAt ? { answeredAt: update.answeredAt } : {}),
      ...(update.durationSeconds !== undefined ? { durationSeconds: update.durationSeconds } : {}),
      ...(update.error ? { error: update.error } : {}),
    };
    const advanced = await advanceCall(call._id, change, guard);
    // Issue 17: the conversation is added whatever the status did (a report may come after
    // the final status, or repeat): recordConversation only adds, and leaves the status alone.
    const talked = update.conversation ? await recordConversation(call._id, update.conversation, guard) : null;
    const updated = talked ?? advanced;
    // A guarded write that changed nothing may be for no call of ours at all: the caller reads.
    if (!updated && guard) return false;
    if (updated) void this.publishCall(updated as CallLean);
    await this.announceEnded(call._id, update.status, advanced);
    return updated !== null;
  }

  /** Tells the waiting slot that a call ended (see applyStatus). */
  private async announceEnded(
    callId: Types.ObjectId,
    status: CallStatus,
    updated: { status: string } | null,
  ): Promise<void> {
    // Replays of a final status re-announce it: harmless, and covers a publish lost to a crash.
    // The status rides along only when this write set it, so the slot can trust it without a read.
    if (FINAL_CALL_STATUSES.has(status)) {
      const message =
        updated && FINAL_CALL_STATUSES.has(updated.status as CallStatus)
          ? `${String(callId)}|${updated.status}`
          : String(callId);
      await this.deps.redis.publish(callEndedChannel(this.deps.config.redisPrefix), message);
    }
  }

  /**
   * A call's webhook token: an HMAC of its id, so a webhook is checked without reading the call
   * (constant-time against the recomputed value). Calls are stored with it too (provider
   * look-ups by token), and a token that does not match the HMAC is still checked against the
   * stored one (say, calls made under a previous secret).
   */
  callbackTokenFor(callId: Types.ObjectId | string): string {
    return createHmac('sha256', this.deps.config.jwt.secret)
      .update(`callback:${String(callId)}`)
      .digest('base64url');
  }

  /** Closes a live call with a final status of our own (place-call refused, no final status). */
  private async closeCall(call: CallLean, status: CallStatus, error: string): Promise<void> {
    await this.applyStatus(call, { providerCallId: null, status, error });
  }

  /**
   * A status webhook. 404: unknown provider or call; 403: wrong token or signature (nothing
   * changes); 200 otherwise, including replays and stale statuses (applied once, never backwards).
   */
  async handleWebhook(
    providerParam: string,
    raw: RawWebhook,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const name = providerParam.toUpperCase() as ProviderName;
    if (!PROVIDERS.includes(name)) return { status: 404, body: { error: 'unknown provider' } };
    const provider = this.deps.providers[name];
    const url = new URL(raw.url);
    // Issue 17: platforms with one dashboard-configured webhook URL name the call in the body.
    if (!url.searchParams.has('call') && provider.callRefOf) return this.handleSignedWebhook(provider, raw);
    const callId = url.searchParams.get('call');
    const token = url.searchParams.get('token') ?? '';
    if (!callId || !isValidObjectId(callId)) {
      logger.warn({ provider: name, callId }, 'webhook without a valid call id');
      return { status: 404, body: { error: 'unknown call' } };
    }
    // Token-checked providers (Twilio's signature needs the phone's credentials, so the call is
    // read for it): one guarded write, and a read only when it changed nothing.
    if (name !== 'TWILIO' && sameSecret(this.callbackTokenFor(callId), token)) {
      if (!provider.verifyWebhook(raw, {})) {
        logger.warn({ provider: name, callId }, 'webhook with a bad signature');
        return { status: 403, body: { error: 'forbidden' } };
      }
      const update = provider.parseWebhook(raw);
      if (!update) return { status: 200, body: { ok: true, ignored: true } };
      webhookReceived(name, update.eventAt);
      const _id = new Types.ObjectId(callId);
      if (await this.applyStatus({ _id }, update, { provider: name, providerCallId: update.providerCallId }))
        return { status: 200, body: { ok: true, applied: true } };
      const call = await CallModel.findById(_id, { provider: 1, providerCallId: 1, status: 1 }).lean();
      if (!call || call.provider !== name) {
        logger.warn({ provider: name, callId }, 'webhook for an unknown call');
        return { status: 404, body: { error: 'unknown call' } };
      }
      if (update.providerCallId && call.providerCallId && update.providerCallId !== call.providerCallId) {
        logger.warn(
          { provider: name, callId, providerCallId: update.providerCallId },
          'webhook names another provider call',
        );
        return { status: 403, body: { error: 'forbidden' } };
      }
      // A replay or a status that arrived late: nothing changes, a final one is announced again.
      await this.announceEnded(_id, update.status, null);
      return { status: 200, body: { ok: true, applied: false } };
    }
    const call = await CallModel.findById(callId).lean<CallLean>();
    if (!call || call.provider !== name) {
      logger.warn({ provider: name, callId }, 'webhook for an unknown call');
      return { status: 404, body: { error: 'unknown call' } };
    }
    if (!sameSecret(call.callbackToken, token)) {
      logger.warn({ provider: name, callId }, 'webhook with a wrong token');
      return { status: 403, body: { error: 'forbidden' } };
    }
    const credentials =
      name === 'TWILIO'
        ? credentialsFor(
            this.deps.config,
            (await PhoneModel.findById(call.phoneId).lean()) ?? { _id: call.phoneId, provider: name },
          )
        : {};
    if (!provider.verifyWebhook(raw, credentials)) {
      logger.warn({ provider: name, callId }, 'webhook with a bad signature');
      return { status: 403, body: { error: 'forbidden' } };
    }
    const update = provider.parseWebhook(raw);
    if (!update) return { status: 200, body: { ok: true, ignored: true } };
    webhookReceived(name, update.eventAt);
    if (update.providerCallId && call.providerCallId && update.providerCallId !== call.providerCallId) {
      logger.warn(
        { provider: name, callId, providerCallId: update.providerCallId },
        'webhook names another provider call',
      );
      return { status: 403, body: { error: 'forbidden' } };
    }
    const applied = await this.applyStatus(call, update);
    return { status: 200, body: { ok: true, applied } };
  }

  /**
   * Issue 17: a webhook to /webhooks/<provider> without our per-call token (Vapi's server
   * messages): the call is found from the body (our id in the platform's metadata, else its call
   * id) and the platform's signature, checked with the phone's credentials, is the only proof.
   * 404 for an unknown call, 403 for a bad signature, nothing changed either way.
   */
  private async handleSignedWebhook(
    provider: TelephonyProvider,
    raw: RawWebhook,
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    const name = provider.name;
    const ref = provider.callRefOf?.(raw) ?? null;
    const byId = ref?.callId && isValidObjectId(ref.callId) ? new Types.ObjectId(ref.callId) : null;
    const call = byId
      ? await CallModel.findOne({ _id: byId, provider: name }).lean<CallLean>()
      : ref?.providerCallId
        ? await CallModel.findOne({ provider: name, providerCallId: ref.providerCallId }).lean<CallLean>()
        : null;
    if (!call) {
      logger.warn({ provider: name, ref }, 'webhook for an unknown call');
      return { status: 404, body: { error: 'unknown call' } };
    }
    const phone = (await PhoneModel.findById(call.phoneId).lean()) ?? { _id: call.phoneId, provider: name };
    if (!provider.verifyWebhook(raw, credentialsFor(this.deps.config, phone))) {
      logger.warn({ provider: name, callId: String(call._id) }, 'webhook with a bad signature');
      return { status: 403, body: { error: 'forbidden' } };
    }
    const update = provider.parseWebhook(raw);
    if (!update) return { status: 200, body: { ok: true, ignored: true } };
    webhookReceived(name, update.eventAt);
    if (update.providerCallId && call.providerCallId && update.providerCallId !== call.providerCallId) {
      logger.warn({ provider: name, callId: String(call._id) }, 'webhook names another provider call');
      return { status: 403, body: { error: 'forbidden' } };
    }
    const applied = await this.applyStatus(call, update);
    return { status: 200, body: { ok: true, applied } };
  }

  // ---------------------------------------------------------------- sweeper

  /**
   * Reclaims what dead holders left: calls past their lease with no final status (looked up,
   * else closed FAILED) and CALLING contacts whose call ended (or never existed) while no slot
   * was left to record it. Safe to run in every worker at once.
   */
  async sweep(): Promise<void> {
    const now = Date.now();
    const expired = await CallModel.find({
      status: { $in: LIVE_CALL_STATUSES },
      leaseExpiresAt: { $lt: new Date(now) },
    })
      .limit(200)
      .lean<CallLean[]>();
    for (const call of expired) {
      const phone = await this.phone(call.phoneId);
      const reason = `no final status within ${this.deps.config.maxCallDurationSeconds} s`;
      if (phone) await this.lookUp(call, phone, { forceFinal: reason });
      else await this.closeCall(call, 'FAILED', reason);
    }
    const stale = await ContactModel.find({
      status: 'CALLING',
      updatedAt: { $lt: new Date(now - this.deps.tuning.orphanAfterMs) },
    })
      .limit(500)
      .lean<ContactLean[]>();
    for (const contact of stale) {
      const call = contact.currentCallId ? await CallModel.findById(contact.currentCallId).lean<CallLean>() : null;
      if (!call) {
        await this.giveBackUnplaced(contact);
        continue;
      }
      const endedAt = call.endedAt ? new Date(call.endedAt).getTime() : null;
      if (
        FINAL_CALL_STATUSES.has(call.status as CallStatus) &&
        endedAt !== null &&
        endedAt < now - this.deps.tuning.orphanAfterMs
      ) {
        await this.recordOutcome(call);
        await this.deps.leases.release(String(call.campaignId), String(call.phoneId), String(call._id), true);
        const campaign = await CampaignModel.findById(call.campaignId, { status: 1 }).lean();
        if (campaign?.status === 'ACTIVE') await this.completeCampaign(call.campaignId);
      }
    }
  }

  /** Wakes waiters whose call is final in MongoDB though no signal came (a lost pub/sub message). */
  async reconcile(): Promise<void> {
    const ids = this.deps.signals.waitingCallIds().filter((id) => isValidObjectId(id));
    if (ids.length === 0) return;
    const ended = await CallModel.find({ _id: { $in: ids }, status: { $nin: LIVE_CALL_STATUSES } }, { _id: 1 }).lean();
    for (const call of ended) this.deps.signals.wakeCall(String(call._id));
  }

  // ---------------------------------------------------------------- helpers

  async phone(phoneId: Types.ObjectId | string): Promise<PhoneLean | null> {
    const key = String(phoneId);
    const cached = this.phones.get(key);
    // Phones change rarely; two seconds of staleness costs nothing and saves a read per dial.
    if (cached && Date.now() - cached.at < 2_000) return cached.phone;
    // Slots whose cache entry lapsed together share one read instead of each sending its own.
    let reading = this.phoneReads.get(key);
    if (!reading) {
      reading = PhoneModel.findById(phoneId)
        .lean<PhoneLean>()
        .then((phone) => {
          if (phone) this.phones.set(key, { phone, at: Date.now() });
          return phone;
        })
        .finally(() => this.phoneReads.delete(key));
      this.phoneReads.set(key, reading);
    }
    return reading;
  }

  /** Publishes a change; `after` (the document a counter update returned) carries the numbers. */
  async publishCampaign(
    campaign: { _id: Types.ObjectId; organizationId: Types.ObjectId },
    after?: Parameters<typeof progressPayload>[0] | null,
  ): Promise<void> {
    try {
      const progress = after ? progressPayload(after) : undefined;
      await this.deps.events.campaignChanged(String(campaign.organizationId), String(campaign._id), progress);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot publish campaign.changed');
    }
  }

  async publishCall(call: CallLean): Promise<void> {
    try {
      await this.deps.events.callChanged(String(call.organizationId), toCallEventPayload(call));
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot publish call.changed');
    }
  }
}
