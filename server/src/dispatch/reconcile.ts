import type { Types } from 'mongoose';
import type { Config } from '../config';
import { logger } from '../logger';
import { CallModel, FINAL_CALL_STATUSES } from '../calls/call.model';
import type { Call } from '../calls/call.model';
import { LIVE_CALL_STATUSES } from '../calls/call.service';
import type { Phone, ProviderName } from '../phones/phone.model';
import type { ProviderStatusUpdate } from '../providers/provider';
import { credentialsFor } from '../providers/registry';
import type { ProviderSet } from '../providers/registry';

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

type CallLean = Call & { _id: Types.ObjectId };
type PhoneLean = Phone & { _id: Types.ObjectId };

/** What reconciliation needs of the engine: its webhook path and its phone cache. */
export interface ReconcileEngine {
  applyStatus(call: { _id: Types.ObjectId }, update: ProviderStatusUpdate): Promise<boolean>;
  phone(phoneId: Types.ObjectId | string): Promise<PhoneLean | null>;
}

export interface ReconcileDeps {
  config: Config;
  providers: ProviderSet;
}

/** Calls looked up in one pass at most; the next pass takes the rest. */
const BATCH = 100;

/**
 * Looks up every live call silent for CALL_RECONCILE_SECONDS (no webhook, and no look-up
 * either, in that time) and applies what the provider says. Safe to run in every worker at
 * once: each call is claimed (its `reconciledAt` moved in a conditional write) before it is
 * looked up, so one worker asks per call per interval. Returns how many calls it looked up.
 */
export async function reconcileSilentCalls(
  engine: ReconcileEngine,
  deps: ReconcileDeps,
  now = Date.now(),
): Promise<number> {
  const cutoff = new Date(now - deps.config.callReconcileSeconds * 1000);
  const silent = await CallModel.find({
    status: { $in: LIVE_CALL_STATUSES },
    // Without the provider's id the place-call is still in flight (or failed): the engine's
    // own ambiguous-place-call path looks those up.
    providerCallId: { $ne: null },
    // updatedAt moves with every webhook that changed the call.
    updatedAt: { $lt: cutoff },
    $or: [{ reconciledAt: null }, { reconciledAt: { $lt: cutoff } }],
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
    await reconcileCall(engine, deps, call);
  }
  return lookedUp;
}

async function reconcileCall(engine: ReconcileEngine, deps: ReconcileDeps, call: CallLean): Promise<void> {
  const callId = String(call._id);
  const phone = await engine.phone(call.phoneId);
  const provider = phone ? deps.providers[phone.provider as ProviderName] : undefined;
  if (!phone || !provider?.lookupCall) return; // nothing to ask: the lease deadline still bounds the call
  let found: ProviderStatusUpdate | null;
  try {
    found = await provider.lookupCall(
      { providerCallId: call.providerCallId ?? null, callId, callbackToken: call.callbackToken },
      credentialsFor(deps.config, phone),
    );
  } catch (error) {
    logger.warn({ err: (error as Error).message, callId }, 'reconcile: call look-up failed; asking again later');
    return;
  }
  if (!found) {
    // The provider does not know a call it gave us an id for: not ours to close on a guess.
    logger.warn({ callId, provider: provider.name }, 'reconcile: the provider does not know this call');
    return;
  }
  if (!FINAL_CALL_STATUSES.has(found.status) && found.status === call.status) return;
  // The webhook path: forward only, once; a final status wakes the slot that holds the line.
  const applied = await engine.applyStatus(call, found);
  if (applied && FINAL_CALL_STATUSES.has(found.status))
    logger.info({ callId, status: found.status }, 'reconcile: applied a final status no webhook brought');
}
