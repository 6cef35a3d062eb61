import type { Types } from 'mongoose';
import { logger } from '../logger';
import { callPlaced } from '../metrics';
import { CallModel, FINAL_CALL_STATUSES } from '../calls/call.model';
import { setProviderCallId } from '../calls/call.service';
import type { ProviderName } from '../phones/phone.model';
import { PlaceCallError } from '../providers/provider';
import type { PlaceCallAgent, TelephonyProvider } from '../providers/provider';
import { credentialsFor } from '../providers/registry';
import { insertCall, recordProviderCallId } from '../direct-writes';
import type { Waiter } from './signals';
import { DispatcherStoppedError } from './engine.context';
import type { CallLean, CampaignLean, ContactLean, EngineContext, PhoneLean } from './engine.context';
import type { SlotEvents } from './slot-events';
import { closeCall, endedFromDetail, lookUp } from './call-status';
import type { EndedCall } from './call-status';
import { finish } from './outcome';
import { carriesRequest } from './agent-verdict';

/**
 * A claimed contact's call: created (unique per campaign, contact and attempt), placed with the
 * provider, waited for (the webhook's pub/sub signal, else the deadline and a look-up), and
 * finished (outcome.ts).
 */

export async function createCall(
  ctx: EngineContext,
  campaign: CampaignLean,
  phone: PhoneLean,
  contact: ContactLean,
  callId: Types.ObjectId,
  slotId: string,
  attempt: number,
  /** The variables the dial checks built (checkDial), stored as sent. */
  variables: Record<string, string>,
): Promise<CallLean | null> {
  const now = new Date();
  try {
    return await insertCall({
      // Issue 17: what the agent gets, kept with the call (Call.variables).
      variables,
      _id: callId,
      organizationId: campaign.organizationId,
      campaignId: campaign._id,
      contactId: contact._id,
      phoneId: phone._id,
      attempt,
      provider: phone.provider,
      callbackToken: ctx.callbackTokenFor(callId),
      startedAt: now,
      leaseExpiresAt: new Date(now.getTime() + ctx.leaseMs),
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
      // Counters move only with the transition (the sweeper may have taken the contact back).
      await ctx.deps.counters.moveContact(
        campaign._id,
        { _id: contact._id, status: 'CALLING', currentCallId: callId },
        { $set: { status: 'QUEUED', currentCallId: null, slotId: null } },
        { from: 'CALLING', to: 'QUEUED' },
      );
      return null;
    }
    throw error;
  }
}

/**
 * What a place-call needs besides the call: the campaign, its phone, the contact, and the
 * campaign's agent as the dial checks read it (checkDial). The agent travels with the call
 * from that one read to the provider: no second read between the check and the dial.
 */
export interface Dial {
  campaign: CampaignLean;
  phone: PhoneLean;
  contact: ContactLean;
  agent: PlaceCallAgent | null;
  /** The call's variables as checked (checkDial) and stored on the call. */
  variables: Record<string, string>;
  /** Called once the place-call is over (answered, refused, or looked up): the slot's dial permit goes back. */
  onPlaced?: () => void;
}

/** Places a created call, waits for its end, records the outcome and releases the line. */
export async function placeAndFinish(
  ctx: EngineContext,
  call: CallLean,
  dial: Dial,
  events: SlotEvents,
): Promise<CampaignLean | null> {
  const { campaign, contact } = dial;
  const { checkAlive } = ctx.deps;
  // Register before placing: an instant call's webhook can beat the place-call answer.
  const waiter = ctx.deps.signals.waitForCall(
    String(call._id),
    Math.max(0, ctx.callDeadline(call.startedAt) - Date.now()),
  );
  let ended: EndedCall | null;
  try {
    void ctx.publishCall(call);
    try {
      await place(ctx, call, dial);
    } finally {
      dial.onPlaced?.();
    }
    checkAlive();
    ended = await awaitEnd(ctx, call, waiter);
  } finally {
    waiter.cancel();
  }
  checkAlive();
  return finish(ctx, call, ended, { contact, campaign, events });
}

/** Places a created call with its provider; a refusal closes it FAILED, an ambiguous failure looks it up. */
export async function place(ctx: EngineContext, call: CallLean, dial: Dial): Promise<void> {
  // Issue 17: the campaign's agent (as the dial checks read it) and the call's variables travel with the place-call.
  const { campaign, phone, contact, agent, variables } = dial;
  const provider = ctx.deps.providers[phone.provider as ProviderName];
  const token = call.callbackToken;
  try {
    const { providerCallId } = await provider.placeCall({
      callId: String(call._id),
      to: contact.phoneNumber,
      from: phone.number,
      callbackUrl: callbackUrl(ctx, provider, call),
      callbackToken: token,
      timeLimitSeconds: ctx.deps.config.maxCallDurationSeconds,
      timeoutMs: ctx.deps.config.dispatch.placeCallTimeoutMs,
      metadata: {
        organizationId: String(campaign.organizationId),
        campaignId: String(campaign._id),
        contactId: String(contact._id),
        attempt: call.attempt,
      },
      ...(agent ? { agent } : {}),
      variables,
      providerPhoneId: phone.providerPhoneId ?? null,
      credentials: credentialsFor(ctx.deps.config, phone),
      ...(phone.simulation ? { simulation: phone.simulation } : {}),
    });
    callPlaced(String(campaign._id), String(call._id), provider.name);
    // Written with the other answers of this turn (direct-writes.ts); announced as the call now is.
    const written = await recordProviderCallId(call._id, providerCallId);
    if (written === 'set') void ctx.publishCall({ ...call, status: 'INITIATED', providerCallId });
    else if (written === 'unset') {
      const updated = await setProviderCallId(call._id, providerCallId);
      if (updated) void ctx.publishCall(updated);
    }
  } catch (error) {
    if (error instanceof PlaceCallError && !error.ambiguous) {
      await closeCall(ctx, call, 'FAILED', error.message, error.invalidNumber);
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
    if ((await lookUp(ctx, call, phone)) === null) {
      await new Promise((r) => setTimeout(r, ctx.deps.config.dispatch.placeCallTimeoutMs));
      ctx.deps.checkAlive();
      await lookUp(ctx, call, phone, { failIfUnknown: reason });
    }
  }
}

function callbackUrl(ctx: EngineContext, provider: TelephonyProvider, call: CallLean): string {
  const base = ctx.deps.publicBaseUrl().replace(/\/$/, '');
  return `${base}/webhooks/${provider.name.toLowerCase()}?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`;
}

/**
 * Waits for the call's final status: the webhook's pub/sub signal, or the deadline. Returns
 * the final status (and invalid-number verdict) when the signal carried it or the call was
 * read, null when the caller must read the call. The waiter was registered before the call was
 * placed, so a signal cannot be missed in between; a lost pub/sub message is covered by the
 * periodic reconcile (which wakes the waiter without a status).
 */
export async function awaitEnd(ctx: EngineContext, call: CallLean, waiter: Waiter): Promise<EndedCall | null> {
  const { checkAlive } = ctx.deps;
  const outcome = await waiter.promise;
  checkAlive();
  if (outcome === 'closed') throw new DispatcherStoppedError('closed');
  const signalled = outcome === 'signalled' ? endedFromDetail(waiter.detail) : null;
  if (signalled) return signalled;
  const current = await CallModel.findById(call._id).lean();
  checkAlive();
  if (!current) return null;
  // A call that carries the contact's request (issue 18) is read again by finish, whole.
  if (FINAL_CALL_STATUSES.has(current.status))
    return carriesRequest(current) ? null : { status: current.status, invalidNumber: current.invalidNumber === true };
  if (outcome === 'signalled') {
    // A signal without a final status in MongoDB (a replica lagging): wait out the rest.
    const again = ctx.deps.signals.waitForCall(
      String(call._id),
      Math.max(0, ctx.callDeadline(call.startedAt) - Date.now()),
    );
    try {
      return await awaitEnd(ctx, call, again);
    } finally {
      again.cancel();
    }
  }
  // Deadline: no final status arrived. Ask the provider; else close the call as FAILED.
  const phone = await ctx.phone(call.phoneId);
  checkAlive();
  const reason = `no final status within ${ctx.deps.config.maxCallDurationSeconds} s`;
  if (phone) await lookUp(ctx, current, phone, { forceFinal: reason });
  else await closeCall(ctx, current, 'FAILED', reason);
  return null;
}
