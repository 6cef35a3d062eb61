import { DateTime } from 'luxon';
import type { CallStatus } from '../calls/call.model';
import { basicAuth, field, getProviderCall, PlaceCallError, postPlaceCallForm } from './provider';
import type {
  PlaceCallRequest,
  ProviderCredentials,
  ProviderStatusUpdate,
  RawWebhook,
  TelephonyProvider,
} from './provider';

/**
 * Exotel Voice v1 "connect two numbers": POST /v1/Accounts/<sid>/Calls/connect.json, form
 * fields From (dialled first), To, CallerId (the ExoPhone), StatusCallback, StatusCallbackEvents
 * (terminal, answered), StatusCallbackContentType, TimeLimit, Record
 * (https://developer.exotel.com/docs/voice-v1/api-reference/connect-two-numbers). Exotel does
 * not sign its callbacks, so the callback URL carries an unguessable per-call token (checked by
 * the engine) and nothing else is trusted.
 * Credentials: `sid`, `apiKey`, `apiToken` (the phone's own, else EXOTEL_*).
 *
 * For an outbound campaign the contact is dialled first (From = contact) and bridged to the
 * agent's line (To); CallerId is the campaign's phone number.
 */
export interface ExotelOptions {
  /** REST base URL (EXOTEL_API_BASE), e.g. https://api.exotel.com or https://api.in.exotel.com. */
  apiBase: string;
  /** Number the answered contact is connected to (the voice agent's line). Default: the caller id. */
  agentNumber?: string;
  /**
   * IANA zone of the times in Exotel's callbacks (EXOTEL_TIME_ZONE). Default `Asia/Kolkata`.
   * `DateUpdated` is written `YYYY-MM-DD HH:mm:ss` with no zone
   * (https://developer.exotel.com/api/statuscallback), and the docs name none: India time is
   * assumed (Exotel's home market, and its Mumbai cluster) unless the account says otherwise.
   */
  timeZone?: string;
  /**
   * Ask Exotel to record each call (`Record=true`), so the terminal StatusCallback carries its
   * `RecordingUrl` (EXOTEL_RECORD). Default true: the recording is part of the conversation
   * that comes back to the Call.
   */
  record?: boolean;
}

/**
 * When Exotel says a call's status changed: its `DateUpdated` read in `zone`. Undefined when
 * absent or not in the documented format (the webhook-delay metric then skips it).
 */
export function exotelEventTime(value: string | undefined, zone: string): Date | undefined {
  if (!value) return undefined;
  const at = DateTime.fromFormat(value.trim(), 'yyyy-MM-dd HH:mm:ss', { zone });
  return at.isValid ? at.toJSDate() : undefined;
}

/** Exotel Status (terminal or answered event) in our terms. */
export function mapExotelStatus(status: string | undefined, eventType: string | undefined): CallStatus | null {
  if (eventType === 'answered') return 'IN_PROGRESS';
  switch (status) {
    case 'queued':
      return 'INITIATED';
    case 'ringing':
      return 'RINGING';
    case 'in-progress':
      return 'IN_PROGRESS';
    case 'completed':
      return 'COMPLETED';
    case 'busy':
      return 'BUSY';
    case 'no-answer':
      return 'NO_ANSWER';
    case 'failed':
      return 'FAILED';
    case 'canceled':
      return 'CANCELED';
    default:
      return null;
  }
}

function credentialsOf(credentials: ProviderCredentials): { sid: string; apiKey: string; apiToken: string } {
  const sid = credentials['sid'];
  const apiKey = credentials['apiKey'];
  const apiToken = credentials['apiToken'];
  if (!sid || !apiKey || !apiToken) {
    throw new PlaceCallError(
      'EXOTEL: no credentials: set the phone credentials (sid, apiKey, apiToken) or EXOTEL_SID, EXOTEL_API_KEY and EXOTEL_API_TOKEN',
      false,
    );
  }
  return { sid, apiKey, apiToken };
}

export function createExotelProvider(options: ExotelOptions): TelephonyProvider {
  const base = options.apiBase.replace(/\/$/, '');
  const basic = (c: { apiKey: string; apiToken: string }) => basicAuth(c.apiKey, c.apiToken);
  const timeZone = options.timeZone ?? 'Asia/Kolkata';
  const record = options.record ?? true;

  return {
    name: 'EXOTEL',

    async placeCall(request: PlaceCallRequest) {
      const creds = credentialsOf(request.credentials);
      const form = new URLSearchParams();
      form.set('From', request.to);
      const flow = request.agent?.kind === 'EXOTEL_FLOW' ? request.agent.externalId : null;
      // EXOTEL_FLOW: the answered call runs the agent's app/flow, "Url:
      // http://my.exotel.com/{your_sid}/exoml/start_voice/{app_id}", with the variables in
      // CustomField, which Exotel hands to the flow's applets (Passthru)
      // (https://developer.exotel.com/api/outgoing-call-to-connect-number-to-a-call-flow).
      if (flow)
        form.set(
          'Url',
          `http://my.exotel.com/${encodeURIComponent(creds.sid)}/exoml/start_voice/${encodeURIComponent(flow)}`,
        );
      else form.set('To', options.agentNumber ?? request.from);
      form.set('CallerId', request.from);
      form.set('StatusCallback', request.callbackUrl);
      form.append('StatusCallbackEvents[0]', 'terminal');
      form.append('StatusCallbackEvents[1]', 'answered');
      // The callback's other documented type is multipart/form-data, which our webhook route
      // does not parse; JSON also keeps its Legs array and numbers as Exotel wrote them.
      form.set('StatusCallbackContentType', 'application/json');
      form.set('TimeLimit', String(Math.min(14_400, request.timeLimitSeconds)));
      // "The RecordingUrl will be sent to the StatusCallback URL if this is set to 'true' and
      // the call conversation happens" (Record defaults to false). A flow records through its
      // own applets' settings: the flow API documents no Record.
      if (record && !flow) form.set('Record', 'true');
      // A flow gets the variables (as JSON, CustomField is one string) beside our call id.
      form.set(
        'CustomField',
        flow ? JSON.stringify({ ...(request.variables ?? {}), dialwaveCallId: request.callId }) : request.callId,
      );
      const json = await postPlaceCallForm<{ Call?: { Sid?: string } }>(
        'EXOTEL',
        `${base}/v1/Accounts/${encodeURIComponent(creds.sid)}/Calls/connect.json`,
        basic(creds),
        form,
        request.timeoutMs,
      );
      const sid = json.Call?.Sid;
      if (!sid) throw new PlaceCallError('EXOTEL: the connect API answered without Call.Sid', true);
      return { providerCallId: sid };
    },

    // Exotel signs nothing: the per-call token in the callback URL is the only proof (checked by the engine).
    verifyWebhook: () => true,

    parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null {
      const status = mapExotelStatus(field(raw, 'Status'), field(raw, 'EventType'));
      if (!status) return null;
      const duration = field(raw, 'ConversationDuration');
      // The terminal callback's "RecordingUrl: Link to the call recording if present"
      // (https://developer.exotel.com/api/statuscallback); Exotel writes null when there is none.
      const recordingUrl = field(raw, 'RecordingUrl');
      // Ordering needs no time: statuses are applied by rank (CALL_STATUS_RANK), and Exotel sends
      // at most an `answered` and a `terminal` event, whose ranks already order them.
      const eventAt = exotelEventTime(field(raw, 'DateUpdated'), timeZone);
      return {
        providerCallId: field(raw, 'CallSid') ?? null,
        status,
        ...(status === 'IN_PROGRESS' ? { answeredAt: eventAt ?? new Date() } : {}),
        ...(eventAt ? { eventAt } : {}),
        ...(duration !== undefined ? { durationSeconds: Number(duration) } : {}),
        // Never `invalidNumber`: Exotel's callback documents no reason for a failure (Status and
        // Legs[].Status only, https://developer.exotel.com/api/statuscallback), so a failed
        // Exotel call follows the retry rules.
        ...(status === 'FAILED' ? { error: 'Exotel reported the call failed' } : {}),
        // Recorded like every platform's report (recordConversation): added once, never cleared.
        ...(recordingUrl && recordingUrl !== 'null' ? { conversation: { recordingUrl } } : {}),
      };
    },

    async lookupCall(query, credentials) {
      if (!query.providerCallId) throw new Error('EXOTEL: cannot look a call up without its sid');
      const creds = credentialsOf(credentials);
      const json = await getProviderCall<{
        Call?: { Sid: string; Status?: string; Duration?: string | number | null };
      }>(
        'EXOTEL',
        `${base}/v1/Accounts/${encodeURIComponent(creds.sid)}/Calls/${encodeURIComponent(query.providerCallId)}.json`,
        basic(creds),
      );
      if (!json?.Call) return null;
      return {
        providerCallId: json.Call.Sid,
        status: mapExotelStatus(json.Call.Status, undefined) ?? 'IN_PROGRESS',
        ...(json.Call.Duration ? { durationSeconds: Number(json.Call.Duration) } : {}),
      };
    },
  };
}
