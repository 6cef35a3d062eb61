import type { Types } from 'mongoose';
import type { CallEventPayload } from '../events';
import { CALL_STATUSES, CALL_STATUS_RANK, CallModel, FINAL_CALL_STATUSES } from './call.model';
import type { Call, CallStatus } from './call.model';
import { callFindAndUpdate } from '../direct-writes';
import { parseObjectId } from '../object-id';

/** A call of the organization, or null (another organization's id is null like a missing one). */
export async function findCall(organizationId: string, id: string) {
  const _id = parseObjectId(id);
  return _id ? CallModel.findOne({ _id, organizationId }).exec() : null;
}

/**
 * Call state changes. Every one is a conditional update whose filter names the statuses a
 * call may move from, so replayed, duplicated or reordered webhooks apply once, and a final
 * status is never replaced by an earlier one (CALL_STATUS_RANK).
 */

/** Statuses of a call still live at the provider. */
export const LIVE_CALL_STATUSES: readonly CallStatus[] = CALL_STATUSES.filter((s) => !FINAL_CALL_STATUSES.has(s));

/** The statuses a call may move from to reach `status` (strictly lower rank). */
export function statusesBelow(status: CallStatus): CallStatus[] {
  return CALL_STATUSES.filter((s) => CALL_STATUS_RANK[s] < CALL_STATUS_RANK[status]);
}

export const isFinalCallStatus = (status: string): status is CallStatus =>
  (FINAL_CALL_STATUSES as ReadonlySet<string>).has(status);

type CallLike = Pick<
  Call,
  | 'campaignId'
  | 'contactId'
  | 'attempt'
  | 'status'
  | 'providerCallId'
  | 'startedAt'
  | 'answeredAt'
  | 'endedAt'
  | 'durationSeconds'
  | 'error'
> &
  Partial<Pick<Call, 'summary' | 'disposition' | 'recordingUrl' | 'endedReason'>> & {
    _id: Types.ObjectId;
  };

/** The event payload of a call (what subscribers get without another read). */
export function toCallEventPayload(call: CallLike): CallEventPayload {
  return {
    id: String(call._id),
    campaignId: String(call.campaignId),
    contactId: String(call.contactId),
    attempt: call.attempt,
    status: call.status,
    providerCallId: call.providerCallId ?? null,
    startedAt: new Date(call.startedAt).toISOString(),
    answeredAt: call.answeredAt ? new Date(call.answeredAt).toISOString() : null,
    endedAt: call.endedAt ? new Date(call.endedAt).toISOString() : null,
    durationSeconds: call.durationSeconds ?? null,
    error: call.error ?? null,
    // What subscribers need to see a conversation's outcome the moment it arrives; the
    // transcript and analysis stay on the call (`call(id)`), to keep events small.
    ...(call.summary ? { summary: call.summary } : {}),
    ...(call.disposition ? { disposition: call.disposition } : {}),
    ...(call.recordingUrl ? { recordingUrl: call.recordingUrl } : {}),
    ...(call.endedReason ? { endedReason: call.endedReason } : {}),
  };
}

export interface CallStatusChange {
  status: CallStatus;
  providerCallId?: string | null;
  answeredAt?: Date;
  endedAt?: Date;
  durationSeconds?: number;
  error?: string;
  /** With a final status: the provider reported the number invalid (call.model.ts). */
  invalidNumber?: boolean;
}

/**
 * What a status change returns of the call: all but its conversation's bulk (the transcript
 * that a final webhook has just written, the analysis, the variables), which the webhook would
 * otherwise get back and decode once more. Its callers read the status, the event's fields
 * (toCallEventPayload) and the agent's requests (carriesRequest), none of these.
 */
const WITHOUT_CONVERSATION = { transcript: 0, analysis: 0, variables: 0 };

/**
 * Moves a call forward to `change.status` if it is still at a lower rank. Returns the updated
 * call (without its conversation's bulk), or null when the change is stale (a replay, or a status that arrived out of order).
 */
export async function advanceCall(
  callId: Types.ObjectId | string,
  change: CallStatusChange,
  /**
   * Further conditions a webhook checks in the same write (no read first): the call is this
   * provider's, and its provider id is unknown yet or the one the webhook names.
   */
  guard?: { provider: string; providerCallId: string | null },
  /** More fields to set in the same write, under more conditions (a conversation: conversationWrite). */
  also?: { set: Record<string, unknown>; filter: Record<string, unknown> },
) {
  const final = FINAL_CALL_STATUSES.has(change.status);
  const $set: Record<string, unknown> = { status: change.status };
  if (change.providerCallId) $set['providerCallId'] = change.providerCallId;
  if (change.answeredAt) $set['answeredAt'] = change.answeredAt;
  if (final) $set['endedAt'] = change.endedAt ?? new Date();
  if (change.durationSeconds !== undefined && Number.isFinite(change.durationSeconds))
    $set['durationSeconds'] = change.durationSeconds;
  if (change.error) $set['error'] = change.error;
  // In the write that sets the final status, so the verdict and the status never disagree.
  if (final && change.invalidNumber) $set['invalidNumber'] = true;
  const filter: Record<string, unknown> = { _id: callId, status: { $in: statusesBelow(change.status) } };
  if (guard) {
    filter['provider'] = guard.provider;
    if (guard.providerCallId) filter['providerCallId'] = { $in: [null, guard.providerCallId] };
  }
  const updated = also
    ? await callFindAndUpdate({ ...filter, ...also.filter }, { $set: { ...also.set, ...$set } }, WITHOUT_CONVERSATION)
    : await callFindAndUpdate(filter, { $set }, WITHOUT_CONVERSATION);
  // With `also`, a miss is retried by the caller without it, which comes here again.
  if (!updated && !also && change.answeredAt && change.status === 'IN_PROGRESS') {
    // An "answered" that arrived after the final status still tells us when the call was answered.
    await CallModel.updateOne(
      { _id: callId, answeredAt: null, ...(guard ? { provider: guard.provider } : {}) },
      { $set: { answeredAt: change.answeredAt } },
    );
  }
  return updated;
}

/** Records the provider's id of a call once (the webhook may have brought it first). */
export async function setProviderCallId(callId: Types.ObjectId | string, providerCallId: string) {
  return callFindAndUpdate({ _id: callId, providerCallId: null }, { $set: { providerCallId } });
}
