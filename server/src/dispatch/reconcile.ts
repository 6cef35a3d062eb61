import { logger } from '../logger';
import { CallModel, FINAL_CALL_STATUSES } from '../calls/call.model';
import { LIVE_CALL_STATUSES } from '../calls/call.service';
import { lookUp } from './call-status';
import type { CallLean, EngineContext } from './engine.context';

/**
 * Reconciliation of silent calls: a live call that has had no webhook for
 * CALL_RECONCILE_SECONDS is looked up with its provider, and a final status found that way is
 * applied through the engine's webhook path (`applyStatus`), so it lands exactly as its webhook
 * would have: forward only and once (a conditional write), the waiting slot woken to record
 * the outcome, move the counters and release the line.
 *
 * Providers lose status callbacks (Exotel's docs say so and recommend the call-details API as
 * the fallback: https://developer.exotel.com/docs/voice-v1/api-reference/status-callback), and a
 * stalled process makes deliveries time out. Without this, such a call held its line until its
 * lease deadline, which includes MAX_CALL_DURATION_SECONDS (an hour by default).
 *
 * The look-ups are the providers' `lookupCall`: Twilio's Call resource
 * (GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json, https://www.twilio.com/docs/voice/api/call-resource)
 * and Exotel's call details (GET /v1/Accounts/{sid}/Calls/{CallSid}, https://developer.exotel.com/api/call-details).
 */

/** Calls looked up in one pass at most; the next pass takes the rest. */
const BATCH = 100;

/**
 * Looks up every live call silent for CALL_RECONCILE_SECONDS (no webhook, and no look-up
 * either, in that time) and applies what the provider says. Safe to run in every worker at
 * once: each call is claimed (its `reconciledAt` moved in a conditional write) before it is
 * looked up, so one worker asks per call per interval. Returns how many calls it looked up.
 */
export async function reconcileSilentCalls(ctx: EngineContext, now = Date.now()): Promise<number> {
  const cutoff = new Date(now - ctx.deps.config.callReconcileSeconds * 1000);
  const silent = await CallModel.find({
    status: { $in: LIVE_CALL_STATUSES },
    // updatedAt moves with every webhook that changed the call.
    updatedAt: { $lt: cutoff },
    $and: [
      { $or: [{ reconciledAt: null }, { reconciledAt: { $lt: cutoff } }] },
      // Without the provider's id, a place-call may still be in flight: such a call is asked
      // about only once its place-call surely ended (see orphanedPlacement).
      { $or: [{ providerCallId: { $ne: null } }, { startedAt: { $lt: placementCutoff(ctx, now) } }] },
    ],
  })
    .limit(BATCH)
    .lean<CallLean[]>();
  let lookedUp = 0;
  for (const call of silent) {
    const claimed = await CallModel.updateOne(
      { _id: call._id, reconciledAt: call.reconciledAt ?? null, status: call.status },
      { $set: { reconciledAt: new Date(now) } },
      { timestamps: false },
    );
    if (claimed.modifiedCount === 0) continue; // another worker took it, or a webhook just came
    lookedUp += 1;
    await reconcileCall(ctx, call);
  }
  return lookedUp;
}

/**
 * Calls started before this have no place-call in flight: the request's timeout, the engine's
 * own two look-ups after an ambiguous failure (placement.ts) and a reconcile interval have all
 * passed. A call still without a provider id then is one whose place-call failed ambiguously
 * and whose look-ups could not be made (the provider unreachable for a while): without this it
 * held its line until the lease deadline, an hour by default (seen in `bench -- dispatch` part
 * http under load: hundreds of contacts left CALLING).
 */
function placementCutoff(ctx: EngineContext, now: number): Date {
  const { placeCallTimeoutMs } = ctx.deps.config.dispatch;
  return new Date(now - 3 * placeCallTimeoutMs - ctx.deps.config.callReconcileSeconds * 1000);
}

async function reconcileCall(ctx: EngineContext, call: CallLean): Promise<void> {
  const phone = await ctx.phone(call.phoneId);
  if (!phone) return; // nothing to ask: the lease deadline still bounds the call
  // The engine's own look-up: what the provider says is applied through the webhook path
  // (applyStatus): forward only, once; a final status wakes the slot that holds the line.
  // A call whose place-call never gave us an id, and that the provider does not know now that
  // the request surely ended, was never created: it is closed FAILED and its line freed.
  const orphanedPlacement = !call.providerCallId;
  const found = await lookUp(
    ctx,
    call,
    phone,
    orphanedPlacement ? { failIfUnknown: 'place-call failed and the provider does not know the call' } : {},
  );
  if (found === null && orphanedPlacement) {
    logger.warn({ callId: String(call._id), provider: phone.provider }, 'reconcile: closed a call never placed');
  } else if (found === null) {
    // The provider does not know a call it gave us an id for: not ours to close on a guess.
    logger.warn(
      { callId: String(call._id), provider: phone.provider },
      'reconcile: the provider does not know this call',
    );
  } else if (found && FINAL_CALL_STATUSES.has(found.status)) {
    logger.info(
      { callId: String(call._id), status: found.status },
      'reconcile: applied a final status no webhook brought',
    );
  }
}
