import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CallStatus } from '../calls/call.model';
import type { CallConversation } from '../calls/call.conversation';
import { agentRequestOf, valuesOf } from './agent-request';
import { header, PlaceCallError, postPlaceCallJson } from './provider';
import type {
  PlaceCallRequest,
  ProviderCredentials,
  ProviderStatusUpdate,
  RawWebhook,
  TelephonyProvider,
} from './provider';

/**
 * ElevenLabs Agents places the call itself with the campaign's agent.
 *
 * Place-call: `POST {ELEVENLABS_API_BASE}/v1/convai/twilio/outbound-call` with `agent_id`,
 * `agent_phone_number_id`, `to_number` and `conversation_initiation_client_data.dynamic_variables`,
 * key in `xi-api-key`; answered with `conversation_id` and `callSid`
 * (https://elevenlabs.io/docs/api-reference/twilio/outbound-call).
 * Webhooks: the workspace's post-call webhook, `${PUBLIC_URL}/webhooks/elevenlabs`, sends
 * `{ type, event_timestamp, data }` with type `post_call_transcription` (transcript, metadata,
 * analysis) or `call_initiation_failure` (failure_reason), signed in `ElevenLabs-Signature:
 * t=<unix s>,v0=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, valid 30 minutes
 * (https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks).
 */
export interface ElevenLabsProviderOptions {
  /** REST base, e.g. https://api.elevenlabs.io (ELEVENLABS_API_BASE). */
  apiBase: string;
}

export const ELEVENLABS_SIGNATURE_HEADER = 'elevenlabs-signature';
const TOLERANCE_S = 30 * 60;

/** `t=<s>,v0=<hex>`: what ElevenLabs sends (tests play ElevenLabs with it). */
export function signElevenLabsWebhook(secret: string, rawBody: string, timestamp = Math.floor(Date.now() / 1000)) {
  return `t=${timestamp},v0=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export function verifyElevenLabsSignature(secret: string, signature: string | undefined, rawBody: Buffer): boolean {
  const parts = Object.fromEntries((signature ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = parts['t'];
  const v0 = parts['v0'];
  if (!t || !/^\d+$/.test(t) || !v0 || !/^[0-9a-f]+$/.test(v0)) return false;
  if (Math.abs(Date.now() / 1000 - Number(t)) > TOLERANCE_S) return false;
  const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(v0, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** call_initiation_failure's failure_reason in our terms (busy, no-answer, unknown). */
export function elevenLabsFailureStatus(reason: string | undefined): CallStatus {
  if (reason === 'busy') return 'BUSY';
  if (reason === 'no-answer') return 'NO_ANSWER';
  return 'FAILED';
}

interface ElevenLabsData {
  conversation_id?: string;
  status?: string;
  failure_reason?: string;
  transcript?: { role?: string; message?: string | null; time_in_call_secs?: number }[];
  metadata?: { start_time_unix_secs?: number; call_duration_secs?: number; termination_reason?: string };
  analysis?: {
    call_successful?: string;
    transcript_summary?: string;
    data_collection_results?: Record<string, { value?: unknown }>;
  };
}

function dataOf(raw: RawWebhook): ElevenLabsData | null {
  const data = raw.body['data'];
  return data && typeof data === 'object' ? (data as ElevenLabsData) : null;
}

function conversationOf(data: ElevenLabsData): CallConversation {
  const transcript = (data.transcript ?? [])
    .filter((t) => (t.role === 'agent' || t.role === 'user') && typeof t.message === 'string' && t.message)
    .map((t) => ({
      speaker: t.role === 'user' ? ('CONTACT' as const) : ('AGENT' as const),
      text: t.message!,
      at: typeof t.time_in_call_secs === 'number' ? t.time_in_call_secs : null,
    }));
  const disposition = data.analysis?.data_collection_results?.['disposition']?.value;
  const reason = data.metadata?.termination_reason;
  return {
    ...(transcript.length > 0 ? { transcript } : {}),
    ...(data.analysis?.transcript_summary ? { summary: data.analysis.transcript_summary } : {}),
    ...(typeof disposition === 'string' ? { disposition } : {}),
    ...(data.analysis ? { analysis: { ...data.analysis } } : {}),
    ...(reason ? { endedReason: reason } : {}),
    // Issue 18: opt-out and callback from the agent's data-collection items (agent-request.ts).
    ...agentRequestOf(valuesOf(data.analysis?.data_collection_results)),
  };
}

export function createElevenLabsProvider(options: ElevenLabsProviderOptions): TelephonyProvider {
  const base = options.apiBase.replace(/\/$/, '');
  return {
    name: 'ELEVENLABS',

    async placeCall(request: PlaceCallRequest) {
      const agentId = request.agent?.kind === 'ELEVENLABS' ? request.agent.externalId : null;
      if (!agentId)
        throw new PlaceCallError('ELEVENLABS: the campaign agent is not an ELEVENLABS agent with an agent_id', false);
      if (!request.providerPhoneId)
        throw new PlaceCallError('ELEVENLABS: the phone has no agent_phone_number_id', false);
      const apiKey = request.credentials['apiKey'];
      if (!apiKey)
        throw new PlaceCallError('ELEVENLABS: no API key (phone credentials.apiKey or ELEVENLABS_API_KEY)', false);
      const body = {
        agent_id: agentId,
        agent_phone_number_id: request.providerPhoneId,
        to_number: request.to,
        conversation_initiation_client_data: { dynamic_variables: request.variables ?? {} },
      };
      const json = await postPlaceCallJson<{ success?: boolean; message?: string; conversation_id?: string | null }>(
        'ELEVENLABS',
        `${base}/v1/convai/twilio/outbound-call`,
        { 'xi-api-key': apiKey },
        body,
        request.timeoutMs,
      );
      // A refusal in a 200 (success: false) created no call.
      if (json.success === false) throw new PlaceCallError(`ELEVENLABS: ${json.message ?? 'call refused'}`, false);
      if (!json.conversation_id)
        throw new PlaceCallError('ELEVENLABS: outbound-call answer has no conversation_id', true);
      return { providerCallId: json.conversation_id };
    },

    verifyWebhook(raw: RawWebhook, credentials: ProviderCredentials) {
      const secret = credentials['webhookSecret'];
      return secret ? verifyElevenLabsSignature(secret, header(raw, ELEVENLABS_SIGNATURE_HEADER), raw.rawBody) : false;
    },

    callRefOf(raw: RawWebhook) {
      const data = dataOf(raw);
      return data?.conversation_id ? { callId: null, providerCallId: data.conversation_id } : null;
    },

    parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null {
      const data = dataOf(raw);
      if (!data) return null;
      const providerCallId = data.conversation_id ?? null;
      const ts = Number(raw.body['event_timestamp']);
      const eventAt = Number.isFinite(ts) && ts > 0 ? new Date(ts * 1000) : undefined;
      if (raw.body['type'] === 'call_initiation_failure') {
        const status = elevenLabsFailureStatus(data.failure_reason);
        return {
          providerCallId,
          status,
          ...(status === 'FAILED' ? { error: `ElevenLabs: ${data.failure_reason ?? 'call initiation failed'}` } : {}),
          ...(eventAt ? { eventAt } : {}),
          ...(data.failure_reason ? { conversation: { endedReason: data.failure_reason } } : {}),
        };
      }
      if (raw.body['type'] === 'post_call_transcription') {
        const start = data.metadata?.start_time_unix_secs;
        return {
          providerCallId,
          // A transcription exists only for a conversation that took place: the call was answered.
          status: 'COMPLETED',
          ...(typeof start === 'number' ? { answeredAt: new Date(start * 1000) } : {}),
          ...(typeof data.metadata?.call_duration_secs === 'number'
            ? { durationSeconds: Math.round(data.metadata.call_duration_secs) }
            : {}),
          ...(eventAt ? { eventAt } : {}),
          conversation: conversationOf(data),
        };
      }
      return null;
    },
  };
}
