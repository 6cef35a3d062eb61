import type { Types } from 'mongoose';
import { SPEAKERS } from './call.model';
import type { Speaker } from './call.model';
import { callFindAndUpdate } from '../direct-writes';

/** What an agent's platform reports of a call's conversation, in our field names. */
export interface CallConversation {
  transcript?: { speaker: Speaker; text: string; at: number | null }[];
  recordingUrl?: string;
  summary?: string;
  disposition?: string;
  analysis?: Record<string, unknown>;
  endedReason?: string;
  /** Issue 18: the contact asked not to be called again (providers/agent-request.ts). */
  optOut?: boolean;
  /** Issue 18: the callback time the contact asked for, as the platform wrote it (ISO 8601, offset optional). */
  callbackRequest?: string;
}

/** Longest transcript kept, in turns; longer ones keep their start (a 4 MB call document is far off). */
export const MAX_TRANSCRIPT_TURNS = 500;
const MAX_TEXT = 4000;

/**
 * Keeps only well-formed parts of a parsed report: a platform's odd turn or an oversized
 * field must not reach the database (the rest of the report still applies).
 */
export function cleanConversation(input: CallConversation): CallConversation {
  const out: CallConversation = {};
  if (Array.isArray(input.transcript)) {
    const turns = input.transcript
      .filter((t) => t && SPEAKERS.includes(t.speaker) && typeof t.text === 'string' && t.text.trim() !== '')
      .slice(0, MAX_TRANSCRIPT_TURNS)
      .map((t) => ({
        speaker: t.speaker,
        text: t.text.slice(0, MAX_TEXT),
        at: typeof t.at === 'number' && Number.isFinite(t.at) ? t.at : null,
      }));
    if (turns.length > 0) out.transcript = turns;
  }
  const text = (v: unknown, max: number) => (typeof v === 'string' && v.trim() !== '' ? v.slice(0, max) : undefined);
  const recordingUrl = text(input.recordingUrl, 2000);
  if (recordingUrl) out.recordingUrl = recordingUrl;
  const summary = text(input.summary, MAX_TEXT);
  if (summary) out.summary = summary;
  const disposition = text(input.disposition, 100);
  if (disposition) out.disposition = disposition;
  const endedReason = text(input.endedReason, 200);
  if (endedReason) out.endedReason = endedReason;
  if (input.analysis && typeof input.analysis === 'object' && !Array.isArray(input.analysis))
    out.analysis = input.analysis;
  // Only a clear yes is kept: a report without one never clears an opt-out an earlier one gave.
  if (input.optOut === true) out.optOut = true;
  const callbackRequest = text(input.callbackRequest, 100);
  if (callbackRequest) out.callbackRequest = callbackRequest;
  return out;
}

/**
 * A report's conversation as extra fields of the status write (dispatch/call-status.ts): the
 * common case, a final status arriving with its conversation, then costs one write instead of
 * three. `filter` keeps recordConversation's rule that a transcript only grows; when the write
 * does not match (a replay, a status out of order, a longer transcript already stored) the caller
 * falls back to advanceCall + recordConversation, each with its own rules. Null: nothing to add.
 */
export function conversationWrite(
  conversation: CallConversation,
): { set: Record<string, unknown>; filter: Record<string, unknown> } | null {
  const { transcript, ...rest } = cleanConversation(conversation);
  const set: Record<string, unknown> = { ...rest };
  const filter: Record<string, unknown> = {};
  if (transcript) {
    set['transcript'] = transcript;
    filter[`transcript.${transcript.length - 1}`] = { $exists: false };
  }
  return Object.keys(set).length > 0 ? { set, filter } : null;
}

/**
 * Adds a report's conversation to a call. Reports repeat and come in any order (a status
 * after the report, an analysis after the end): each field given is set, none is cleared, and
 * a transcript only grows (a shorter one from an earlier report never replaces a longer one).
 * The call's status is not touched here, so a report can never move it back.
 * @returns the call after the write, or null when nothing changed (a replay, or no such call)
 */
export async function recordConversation(
  callId: Types.ObjectId | string,
  conversation: CallConversation,
  guard?: { provider: string; providerCallId: string | null },
) {
  const clean = cleanConversation(conversation);
  const { transcript, ...rest } = clean;
  const filter: Record<string, unknown> = { _id: callId };
  if (guard) {
    filter['provider'] = guard.provider;
    if (guard.providerCallId) filter['providerCallId'] = { $in: [null, guard.providerCallId] };
  }
  let updated = null;
  const fields = Object.entries(rest);
  if (fields.length > 0) {
    // Only when something differs: a replayed report then changes nothing and publishes nothing.
    const differs = fields.map(([k, v]) => ({ [k]: { $ne: v } }));
    updated = await callFindAndUpdate({ ...filter, $or: differs }, { $set: rest });
  }
  if (transcript) {
    const grown = await callFindAndUpdate(
      { ...filter, [`transcript.${transcript.length - 1}`]: { $exists: false } },
      { $set: { transcript } },
    );
    updated = grown ?? updated;
  }
  return updated;
}
