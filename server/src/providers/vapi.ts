import { timingSafeEqual } from 'node:crypto';
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
 * Vapi places the call itself with the campaign's assistant.
 *
 * Place-call: `POST {VAPI_API_BASE}/call` with `assistantId`, `phoneNumberId`, `customer`
 * and `assistantOverrides.variableValues` (https://docs.vapi.ai/api-reference/calls/create,
 * https://docs.vapi.ai/assistants/dynamic-variables); `metadata` carries our call id back.
 * Webhooks: Vapi POSTs `{ message: { type, call, … } }` server messages to the server URL set
 * in its dashboard, `${PUBLIC_URL}/webhooks/vapi` (https://docs.vapi.ai/server-url/events):
 * `status-update` (scheduled, queued, ringing, in-progress, forwarding, ended) and
 * `end-of-call-report` (endedReason, artifact.messages / recording, analysis). They carry no
 * timestamped signature: the credential's token comes in `X-Vapi-Secret`
 * (https://docs.vapi.ai/server-url/server-authentication, "Legacy X-Vapi-Secret Support"), so
 * a replay is only harmless because every write is applied once.
 */
export interface VapiProviderOptions {
  /** REST base, e.g. https://api.vapi.ai (VAPI_API_BASE). */
  apiBase: string;
}

export const VAPI_SECRET_HEADER = 'x-vapi-secret';

/** Our status for Vapi's endedReason (https://docs.vapi.ai/calls/call-ended-reason). */
export function vapiEndedStatus(endedReason: string | undefined): CallStatus {
  switch (endedReason) {
    case 'customer-did-not-answer':
      return 'NO_ANSWER';
    case 'customer-busy':
      return 'BUSY';
    case 'voicemail':
      return 'VOICEMAIL';
    case undefined:
      return 'COMPLETED';
    default:
      break;
  }
  // The conversation happened and someone hung up, or a limit ended it: an answered call.
  if (
    endedReason.startsWith('assistant-ended-call') ||
    endedReason === 'assistant-said-end-call-phrase' ||
    endedReason === 'assistant-forwarded-call' ||
    endedReason === 'customer-ended-call' ||
    endedReason === 'exceeded-max-duration' ||
    endedReason === 'silence-timed-out'
  )
    return 'COMPLETED';
  return 'FAILED';
}

interface VapiMessage {
  type?: string;
  status?: string;
  endedReason?: string;
  timestamp?: number | string;
  call?: { id?: string; metadata?: Record<string, unknown>; endedReason?: string; startedAt?: string };
  artifact?: {
    messages?: { role?: string; message?: string; secondsFromStart?: number }[];
    recording?: { mono?: { combinedUrl?: string }; url?: string };
    recordingUrl?: string;
  };
  recordingUrl?: string;
  summary?: string;
  analysis?: { summary?: string; structuredData?: Record<string, unknown>; successEvaluation?: unknown };
  startedAt?: string;
  durationSeconds?: number;
}

function messageOf(raw: RawWebhook): VapiMessage | null {
  const message = raw.body['message'];
  return message && typeof message === 'object' ? (message as VapiMessage) : null;
}

/** The conversation of an end-of-call-report, in our terms. */
function conversationOf(message: VapiMessage): CallConversation {
  const turns = (message.artifact?.messages ?? [])
    .filter((m) => (m.role === 'assistant' || m.role === 'bot' || m.role === 'user') && typeof m.message === 'string')
    .map((m) => ({
      speaker: m.role === 'user' ? ('CONTACT' as const) : ('AGENT' as const),
      text: m.message!,
      at: typeof m.secondsFromStart === 'number' ? m.secondsFromStart : null,
    }));
  const recordingUrl =
    message.artifact?.recordingUrl ??
    message.artifact?.recording?.mono?.combinedUrl ??
    message.artifact?.recording?.url ??
    message.recordingUrl;
  const summary = message.analysis?.summary ?? message.summary;
  const disposition = message.analysis?.structuredData?.['disposition'];
  const endedReason = message.endedReason ?? message.call?.endedReason;
  return {
    ...(turns.length > 0 ? { transcript: turns } : {}),
    ...(recordingUrl ? { recordingUrl } : {}),
    ...(summary ? { summary } : {}),
    ...(typeof disposition === 'string' ? { disposition } : {}),
    ...(message.analysis ? { analysis: { ...message.analysis } } : {}),
    ...(endedReason ? { endedReason } : {}),
    // Issue 18: opt-out and callback from the assistant's structured data (agent-request.ts).
    ...agentRequestOf(message.analysis?.structuredData),
  };
}

export function createVapiProvider(options: VapiProviderOptions): TelephonyProvider {
  const base = options.apiBase.replace(/\/$/, '');
  return {
    name: 'VAPI',

    async placeCall(request: PlaceCallRequest) {
      // Refusals before anything is sent are certain: nothing was created.
      const assistantId = request.agent?.kind === 'VAPI' ? request.agent.externalId : null;
      if (!assistantId)
        throw new PlaceCallError('VAPI: the campaign agent is not a VAPI agent with an assistantId', false);
      if (!request.providerPhoneId) throw new PlaceCallError('VAPI: the phone has no Vapi phoneNumberId', false);
      const apiKey = request.credentials['apiKey'];
      if (!apiKey) throw new PlaceCallError('VAPI: no API key (phone credentials.apiKey or VAPI_API_KEY)', false);
      const variables = request.variables ?? {};
      const body = {
        assistantId,
        phoneNumberId: request.providerPhoneId,
        customer: { number: request.to, ...(variables['name'] ? { name: variables['name'] } : {}) },
        assistantOverrides: { variableValues: variables, maxDurationSeconds: request.timeLimitSeconds },
        metadata: { dialwaveCallId: request.callId, ...request.metadata },
      };
      const json = await postPlaceCallJson<{ id?: string }>(
        'VAPI',
        `${base}/call`,
        { authorization: `Bearer ${apiKey}` },
        body,
        request.timeoutMs,
      );
      if (!json.id) throw new PlaceCallError('VAPI: create-call answer has no id', true);
      return { providerCallId: json.id };
    },

    verifyWebhook(raw: RawWebhook, credentials: ProviderCredentials) {
      const expected = credentials['webhookSecret'];
      const given = header(raw, VAPI_SECRET_HEADER);
      if (!expected || !given) return false;
      const a = Buffer.from(given);
      const b = Buffer.from(expected);
      return a.length === b.length && timingSafeEqual(a, b);
    },

    callRefOf(raw: RawWebhook) {
      const call = messageOf(raw)?.call;
      if (!call) return null;
      const callId = call.metadata?.['dialwaveCallId'];
      return { callId: typeof callId === 'string' ? callId : null, providerCallId: call.id ?? null };
    },

    parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null {
      const message = messageOf(raw);
      if (!message) return null;
      const providerCallId = message.call?.id ?? null;
      const at = message.timestamp !== undefined ? new Date(message.timestamp) : undefined;
      const eventAt = at && Number.isFinite(at.getTime()) ? at : undefined;
      if (message.type === 'status-update') {
        let status: CallStatus;
        switch (message.status) {
          case 'ringing':
            status = 'RINGING';
            break;
          case 'in-progress':
          case 'forwarding':
            status = 'IN_PROGRESS';
            break;
          case 'ended':
            status = vapiEndedStatus(message.endedReason ?? message.call?.endedReason);
            break;
          default:
            // scheduled, queued: nothing we do not know from placing the call.
            return null;
        }
        return {
          providerCallId,
          status,
          ...(status === 'IN_PROGRESS' && eventAt ? { answeredAt: eventAt } : {}),
          ...(status === 'FAILED' ? { error: `Vapi: ${message.endedReason ?? message.call?.endedReason}` } : {}),
          ...(eventAt ? { eventAt } : {}),
          ...(message.endedReason ? { conversation: { endedReason: message.endedReason } } : {}),
        };
      }
      if (message.type === 'end-of-call-report') {
        const endedReason = message.endedReason ?? message.call?.endedReason;
        const status = vapiEndedStatus(endedReason);
        return {
          providerCallId,
          status,
          ...(typeof message.durationSeconds === 'number'
            ? { durationSeconds: Math.round(message.durationSeconds) }
            : {}),
          ...(status === 'FAILED' ? { error: `Vapi: ${endedReason}` } : {}),
          ...(eventAt ? { eventAt } : {}),
          conversation: conversationOf(message),
        };
      }
      return null;
    },
  };
}
