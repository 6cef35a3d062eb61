import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CallStatus } from '../calls/call.model';
import type { CallConversation } from '../calls/call.conversation';
import { agentRequestOf } from './agent-request';
import { header, PlaceCallError, postPlaceCallJson } from './provider';
import type {
  PlaceCallRequest,
  ProviderCredentials,
  ProviderStatusUpdate,
  RawWebhook,
  TelephonyProvider,
} from './provider';

/**
 * Retell places the call itself with the campaign's agent.
 *
 * Place-call: `POST {RETELL_API_BASE}/v2/create-phone-call` with `from_number`, `to_number`,
 * `override_agent_id`, `retell_llm_dynamic_variables` (strings) and `metadata`, answered with
 * the call object (`call_id`) (https://docs.retellai.com/api-references/create-phone-call).
 * Webhooks: `{ event, call }` with event `call_started`, `call_ended`, `call_analyzed`, POSTed
 * to the agent's or account's webhook URL, `${PUBLIC_URL}/webhooks/retell`, and signed in
 * `x-retell-signature: v=<ms>,d=<hex HMAC-SHA256(api key, raw body + ms)>`, valid 5 minutes
 * (https://docs.retellai.com/features/secure-webhook; the algorithm of retell-sdk's verify).
 */
export interface RetellProviderOptions {
  /** REST base, e.g. https://api.retellai.com (RETELL_API_BASE). */
  apiBase: string;
}

export const RETELL_SIGNATURE_HEADER = 'x-retell-signature';
/** How old a signed webhook may be, as retell-sdk's verify allows. */
const TOLERANCE_MS = 5 * 60_000;

/** `v=<ms>,d=<hex>`: what Retell sends (used by tests to play Retell). */
export function signRetellWebhook(apiKey: string, rawBody: string, timestamp = Date.now()): string {
  return `v=${timestamp},d=${createHmac('sha256', apiKey)
    .update(rawBody + String(timestamp))
    .digest('hex')}`;
}

export function verifyRetellSignature(apiKey: string, signature: string | undefined, rawBody: Buffer): boolean {
  const match = /^v=(\d+),d=([0-9a-f]+)$/.exec(signature ?? '');
  if (!match) return false;
  const timestamp = Number(match[1]);
  if (Math.abs(Date.now() - timestamp) > TOLERANCE_MS) return false;
  const expected = createHmac('sha256', apiKey).update(rawBody).update(match[1]!).digest();
  const given = Buffer.from(match[2]!, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Our final status for Retell's disconnection_reason
 * (https://docs.retellai.com/reliability/debug-call-disconnect).
 */
export function retellEndedStatus(reason: string | undefined, callStatus: string | undefined): CallStatus {
  switch (reason) {
    case 'dial_no_answer':
      return 'NO_ANSWER';
    case 'dial_busy':
      return 'BUSY';
    case 'voicemail_reached':
      return 'VOICEMAIL';
    case 'user_hangup':
    case 'agent_hangup':
    case 'call_transfer':
    case 'ivr_reached':
    case 'inactivity':
    case 'max_duration_reached':
      return 'COMPLETED';
    default:
      // not_connected (dial_failed, invalid_destination, …) and error_* reasons.
      return callStatus === 'ended' && !reason ? 'COMPLETED' : 'FAILED';
  }
}

interface RetellCall {
  call_id?: string;
  call_status?: string;
  disconnection_reason?: string;
  start_timestamp?: number;
  end_timestamp?: number;
  duration_ms?: number;
  metadata?: Record<string, unknown>;
  transcript_object?: { role?: string; content?: string; words?: { start?: number }[] }[];
  recording_url?: string;
  call_analysis?: {
    call_summary?: string;
    user_sentiment?: string;
    call_successful?: boolean;
    custom_analysis_data?: Record<string, unknown>;
  };
}

function callOf(raw: RawWebhook): RetellCall | null {
  const call = raw.body['call'];
  return call && typeof call === 'object' ? (call as RetellCall) : null;
}

function conversationOf(call: RetellCall): CallConversation {
  const transcript = (call.transcript_object ?? [])
    .filter((t) => (t.role === 'agent' || t.role === 'user') && typeof t.content === 'string')
    .map((t) => ({
      speaker: t.role === 'user' ? ('CONTACT' as const) : ('AGENT' as const),
      text: t.content!,
      // Words carry seconds from the start of the call; the first word is the turn's start.
      at: typeof t.words?.[0]?.start === 'number' ? t.words[0].start : null,
    }));
  const analysis = call.call_analysis;
  const disposition = analysis?.custom_analysis_data?.['disposition'];
  return {
    ...(transcript.length > 0 ? { transcript } : {}),
    ...(call.recording_url ? { recordingUrl: call.recording_url } : {}),
    ...(analysis?.call_summary ? { summary: analysis.call_summary } : {}),
    ...(typeof disposition === 'string' ? { disposition } : {}),
    ...(analysis ? { analysis: { ...analysis } } : {}),
    ...(call.disconnection_reason ? { endedReason: call.disconnection_reason } : {}),
    // Issue 18: opt-out and callback from the agent's post-call analysis categories (agent-request.ts).
    ...agentRequestOf(analysis?.custom_analysis_data),
  };
}

export function createRetellProvider(options: RetellProviderOptions): TelephonyProvider {
  const base = options.apiBase.replace(/\/$/, '');
  return {
    name: 'RETELL',

    async placeCall(request: PlaceCallRequest) {
      const agentId = request.agent?.kind === 'RETELL' ? request.agent.externalId : null;
      if (!agentId)
        throw new PlaceCallError('RETELL: the campaign agent is not a RETELL agent with an agent_id', false);
      const apiKey = request.credentials['apiKey'];
      if (!apiKey) throw new PlaceCallError('RETELL: no API key (phone credentials.apiKey or RETELL_API_KEY)', false);
      const body = {
        from_number: request.from,
        to_number: request.to,
        override_agent_id: agentId,
        retell_llm_dynamic_variables: request.variables ?? {},
        metadata: { dialwaveCallId: request.callId, ...request.metadata },
      };
      const json = await postPlaceCallJson<{ call_id?: string }>(
        'RETELL',
        `${base}/v2/create-phone-call`,
        { authorization: `Bearer ${apiKey}` },
        body,
        request.timeoutMs,
      );
      if (!json.call_id) throw new PlaceCallError('RETELL: create-phone-call answer has no call_id', true);
      return { providerCallId: json.call_id };
    },

    verifyWebhook(raw: RawWebhook, credentials: ProviderCredentials) {
      const apiKey = credentials['webhookKey'] ?? credentials['apiKey'];
      return apiKey ? verifyRetellSignature(apiKey, header(raw, RETELL_SIGNATURE_HEADER), raw.rawBody) : false;
    },

    callRefOf(raw: RawWebhook) {
      const call = callOf(raw);
      if (!call) return null;
      const callId = call.metadata?.['dialwaveCallId'];
      return { callId: typeof callId === 'string' ? callId : null, providerCallId: call.call_id ?? null };
    },

    parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null {
      const call = callOf(raw);
      const event = raw.body['event'];
      if (!call) return null;
      const providerCallId = call.call_id ?? null;
      if (event === 'call_started') {
        const at = typeof call.start_timestamp === 'number' ? new Date(call.start_timestamp) : undefined;
        return { providerCallId, status: 'IN_PROGRESS', ...(at ? { answeredAt: at, eventAt: at } : {}) };
      }
      if (event === 'call_ended' || event === 'call_analyzed') {
        const status = retellEndedStatus(call.disconnection_reason, call.call_status);
        const at = typeof call.end_timestamp === 'number' ? new Date(call.end_timestamp) : undefined;
        return {
          providerCallId,
          status,
          ...(typeof call.duration_ms === 'number' ? { durationSeconds: Math.round(call.duration_ms / 1000) } : {}),
          ...(status === 'FAILED' ? { error: `Retell: ${call.disconnection_reason ?? call.call_status}` } : {}),
          ...(at ? { eventAt: at } : {}),
          conversation: conversationOf(call),
        };
      }
      return null;
    },
  };
}
