/**
 * What the contact asked of us in the conversation, read from a platform's structured analysis
 * (issue 18): an opt-out ("do not call me again") or a callback at a time. One documented mapping
 * for every platform (docs/OPERATIONS.md, "What the agent decides"); each provider hands it the
 * record its platform fills from the agent's analysis schema:
 *
 * - Vapi: the end-of-call-report's `analysis.structuredData`, filled from the assistant's
 *   `analysisPlan.structuredDataPlan` schema (https://docs.vapi.ai/assistants/call-analysis,
 *   https://docs.vapi.ai/server-url/end-of-call-report).
 * - Retell: `call.call_analysis.custom_analysis_data`, the post-call analysis categories the agent
 *   defines (boolean, text, selector, number), sent with the `call_analyzed` webhook
 *   (https://docs.retellai.com/features/post-call-analysis,
 *   https://docs.retellai.com/features/post-call-analysis-consumption).
 * - ElevenLabs: `data.analysis.data_collection_results`, one `{ data_collection_id, value,
 *   rationale }` per data-collection item of the agent, in the `post_call_transcription` webhook
 *   (https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks); `valuesOf` flattens
 *   it to `{ id: value }`.
 *
 * The mapping, on that record:
 * - opt-out: `opt_out` or `optOut` true (a boolean, or the text "true"/"yes"), or a
 *   `disposition` of `DO_NOT_CALL` (any case);
 * - callback: `callback_at` or `callbackAt`, an ISO 8601 date-time; with an offset or `Z` it is
 *   that instant, without one a wall-clock time in the contact's zone (`dispatch/callback-time.ts`).
 */
export interface AgentRequest {
  optOut?: true;
  /** The callback time as the platform wrote it (read in the contact's zone by the engine). */
  callbackRequest?: string;
}

/** Longest callback text kept (an ISO date-time is about 30 characters). */
const MAX_CALLBACK_TEXT = 100;

function truthy(value: unknown): boolean {
  if (value === true) return true;
  return typeof value === 'string' && ['true', 'yes'].includes(value.trim().toLowerCase());
}

/** The request a platform's structured analysis carries; `{}` when it carries none. */
export function agentRequestOf(data: Record<string, unknown> | null | undefined): AgentRequest {
  if (!data || typeof data !== 'object') return {};
  const out: AgentRequest = {};
  const disposition = data['disposition'];
  if (
    truthy(data['opt_out']) ||
    truthy(data['optOut']) ||
    (typeof disposition === 'string' && disposition.trim().toUpperCase() === 'DO_NOT_CALL')
  )
    out.optOut = true;
  const callback = data['callback_at'] ?? data['callbackAt'];
  if (typeof callback === 'string' && callback.trim() !== '')
    out.callbackRequest = callback.trim().slice(0, MAX_CALLBACK_TEXT);
  return out;
}

/** ElevenLabs' `data_collection_results` (`{ id: { value, … } }`) as `{ id: value }`. */
export function valuesOf(results: Record<string, { value?: unknown } | null | undefined> | undefined) {
  const out: Record<string, unknown> = {};
  for (const [id, result] of Object.entries(results ?? {})) if (result) out[id] = result.value;
  return out;
}
