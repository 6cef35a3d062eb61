import type { Types } from 'mongoose';
import { logger } from '../logger';
import { FINAL_CALL_STATUSES } from '../calls/call.model';
import type { CallStatus } from '../calls/call.model';
import { advanceCall, isFinalCallStatus, setProviderCallId } from '../calls/call.service';
import type { CallStatusChange } from '../calls/call.service';
import { conversationWrite, recordConversation } from '../calls/call.conversation';
import type { ProviderName } from '../phones/phone.model';
import type { ProviderStatusUpdate } from '../providers/provider';
import { credentialsFor } from '../providers/registry';
import { callEndedChannel } from './signals';
import type { CallLean, EngineContext, PhoneLean } from './engine.context';
import { applyLateRequest, carriesRequest } from './agent-verdict';

/**
 * A call's status, from any source: a provider's webhook (webhook.ts), a look-up at the provider
 * (after an ambiguous place-call, at a slot's deadline, in the sweeper), or our own verdict
 * (place-call refused, no final status in time). `applyStatus` is the one function that moves a
 * call (forward only) and tells the slot waiting for it; everything else here decides what to apply.
 */

/** Applies a provider's status to a call (forward only) and tells the waiting slot when final. */
export async function applyStatus(
  ctx: EngineContext,
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
    ...(update.invalidNumber ? { invalidNumber: true } : {}),
  };
  // Issue 17: a status that comes with its conversation (the common case: a final webhook
  // carrying the transcript) moves the call and adds the conversation in one write.
  const together = update.conversation ? conversationWrite(update.conversation) : null;
  let advanced = await advanceCall(call._id, change, guard, together ?? undefined);
  let talked = null;
  if (!advanced && together && update.conversation) {
    // Not together (a replay, a status out of order, a longer transcript already stored): the
    // conversation is still added whatever the status did, as a report may come after the final
    // status or repeat; recordConversation only adds, and leaves the status alone.
    advanced = await advanceCall(call._id, change, guard);
    talked = await recordConversation(call._id, update.conversation, guard);
  }
  const updated = talked ?? advanced;
  // A guarded write that changed nothing may be for no call of ours at all: the caller reads.
  if (!updated && guard) return false;
  if (updated) void ctx.publishCall(updated);
  // Issue 18: when the call carries the contact's request (opt-out, callback), the end is
  // announced without its status, so the slot reads the call and decides with it (awaitEnd).
  const request = carriesRequest(update.conversation ?? {}) || (advanced !== null && carriesRequest(advanced));
  await announceEnded(ctx, call._id, update.status, request ? null : advanced);
  // A request after the final status (a platform's analysis that follows its "ended"): the slot
  // may have decided without it. Not awaited: it waits for that outcome, off the webhook's answer.
  if (talked && !advanced && isFinalCallStatus(talked.status) && carriesRequest(talked))
    void applyLateRequest(ctx, talked).catch((error: unknown) =>
      logger.warn({ err: (error as Error).message, callId: String(call._id) }, 'late request not applied'),
    );
  return updated !== null;
}

/** A call's end as the slot records it: the final status, and whether the number is invalid. */
export interface EndedCall {
  status: CallStatus;
  invalidNumber: boolean;
}

const INVALID_MARK = 'invalid';

/**
 * The detail a call-ended message carries after the call id (signals.ts): `<status>`, or
 * `<status>|invalid` when the provider reported the number invalid. Parsed by `endedFromDetail`.
 */
function endedDetail(ended: { status: string; invalidNumber?: boolean | null }): string {
  return ended.invalidNumber ? `${ended.status}|${INVALID_MARK}` : ended.status;
}

/** The end a call-ended message's detail names, or null when it names no final status. */
export function endedFromDetail(detail: string | undefined): EndedCall | null {
  if (!detail) return null;
  const [status, mark] = detail.split('|');
  return status && isFinalCallStatus(status) ? { status, invalidNumber: mark === INVALID_MARK } : null;
}

/** Tells the waiting slot that a call ended (see applyStatus). */
export async function announceEnded(
  ctx: EngineContext,
  callId: Types.ObjectId,
  status: CallStatus,
  updated: { status: string; invalidNumber?: boolean | null } | null,
): Promise<void> {
  // Replays of a final status re-announce it: harmless, and covers a publish lost to a crash.
  // The status (and the invalid-number verdict written with it) rides along only when this write
  // set it, so the slot can trust it without a read.
  if (FINAL_CALL_STATUSES.has(status)) {
    const message =
      updated && isFinalCallStatus(updated.status) ? `${String(callId)}|${endedDetail(updated)}` : String(callId);
    // On the auto-pipelined command connection (app.ts): a burst of final webhooks in one turn
    // leaves as one write, without waiting for the loop's check phase as a batch of ours would.
    await ctx.deps.redis.publish(callEndedChannel(ctx.deps.config.redisPrefix), message);
  }
}

/**
 * Closes a live call with a final status of our own (place-call refused, no final status);
 * `invalidNumber` when the provider refused the number itself.
 */
export async function closeCall(
  ctx: EngineContext,
  call: CallLean,
  status: CallStatus,
  error: string,
  invalidNumber = false,
): Promise<void> {
  await applyStatus(ctx, call, { providerCallId: null, status, error, ...(invalidNumber ? { invalidNumber } : {}) });
}

/**
 * Asks the provider about a call whose status we do not know. Applies what it says; a call
 * the provider does not know is closed FAILED (`failIfUnknown`); a look-up that fails or is
 * unsupported changes nothing (the lease deadline still bounds the wait). Returns the provider's
 * answer: null when it does not know the call, undefined when it could not be asked.
 */
export async function lookUp(
  ctx: EngineContext,
  call: CallLean,
  phone: PhoneLean,
  options: { failIfUnknown?: string; forceFinal?: string } = {},
): Promise<ProviderStatusUpdate | null | undefined> {
  const provider = ctx.deps.providers[phone.provider as ProviderName];
  let found: ProviderStatusUpdate | null | undefined;
  if (provider.lookupCall) {
    try {
      found = await provider.lookupCall(
        { providerCallId: call.providerCallId ?? null, callId: String(call._id), callbackToken: call.callbackToken },
        credentialsFor(ctx.deps.config, phone),
      );
    } catch (error) {
      logger.warn({ err: (error as Error).message, callId: String(call._id) }, 'call look-up failed');
      found = undefined;
    }
  }
  if (found === null && options.failIfUnknown) {
    await closeCall(ctx, call, 'FAILED', options.failIfUnknown);
    return found;
  }
  if (found) {
    if (found.providerCallId) await setProviderCallId(call._id, found.providerCallId);
    if (FINAL_CALL_STATUSES.has(found.status)) {
      await applyStatus(ctx, call, found);
      return found;
    }
    if (!options.forceFinal) {
      await applyStatus(ctx, call, found);
      return found;
    }
  }
  if (options.forceFinal) await closeCall(ctx, call, 'FAILED', options.forceFinal);
  return found;
}
