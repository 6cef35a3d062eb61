import { createHmac, timingSafeEqual } from 'node:crypto';
import querystring from 'node:querystring';
import type { CallStatus } from '../calls/call.model';
import {
  basicAuth,
  field,
  getProviderCall,
  header,
  isInvalidNumberSipCode,
  PlaceCallError,
  postPlaceCallForm,
} from './provider';
import type {
  PlaceCallRequest,
  ProviderCredentials,
  ProviderStatusUpdate,
  RawWebhook,
  TelephonyProvider,
} from './provider';

/**
 * Twilio Programmable Voice: the REST Calls API to place calls, status callbacks signed with
 * X-Twilio-Signature. Credentials: `accountSid` and `authToken` (the phone's own, else
 * TWILIO_ACCOUNT_SID / TWILIO_AUTH_TOKEN).
 */
export interface TwilioOptions {
  /** REST base URL (TWILIO_API_BASE), e.g. https://api.twilio.com. */
  apiBase: string;
  /**
   * What a call without a Twilio agent (TWILIO_STREAM, TWIML_URL) does once answered: the
   * SIMULATED kind on a Twilio phone. By default the callee hears a short message.
   */
  twiml?: string;
}

const DEFAULT_TWIML = '<Response><Say>Hello from Dialwave.</Say></Response>';

/** Escapes text for an XML attribute value. */
function xmlAttr(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * TWILIO_STREAM: the answered call is connected to the agent's WebSocket with
 * `<Connect><Stream url="wss://…">`, a bidirectional stream, and each variable travels as a
 * `<Parameter name value/>`, which Twilio hands to the agent in the stream's `start` message
 * as `customParameters` (https://www.twilio.com/docs/voice/twiml/stream).
 */
export function streamTwiml(url: string, variables: Record<string, string>): string {
  const parameters = Object.entries(variables)
    .map(([name, value]) => `<Parameter name="${xmlAttr(name)}" value="${xmlAttr(value)}"/>`)
    .join('');
  return `<Response><Connect><Stream url="${xmlAttr(url)}">${parameters}</Stream></Connect></Response>`;
}

/**
 * TWIML_URL: Twilio fetches the call's TwiML from the agent's URL (the Calls API `Url`
 * parameter, https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource), with
 * the variables added to its query so the agent's server knows whom it talks to.
 */
export function twimlUrlWithVariables(url: string, variables: Record<string, string>): string {
  const target = new URL(url);
  for (const [name, value] of Object.entries(variables)) target.searchParams.set(name, value);
  return target.toString();
}

/**
 * Twilio's signature: HMAC-SHA1, keyed by the auth token, of the full URL followed by every
 * POST parameter sorted by name, each as name then value; base64
 * (https://www.twilio.com/docs/usage/webhooks/webhooks-security). A repeated parameter (an
 * array once parsed) contributes each distinct value once, values sorted, as twilio-node's
 * `toFormUrlEncodedParam` does. The URL is signed exactly as given.
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, unknown>): string {
  let data = url;
  for (const key of Object.keys(params).sort()) {
    const value = params[key];
    const values = Array.isArray(value) ? [...new Set(value.map((v) => String(v ?? '')))].sort() : [value];
    for (const v of values) data += key + String(v ?? '');
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf8')).digest('base64');
}

/** A URL's parts, split without normalising it (WHATWG `URL` would re-encode `'` as `%27`). */
function splitUrl(url: string): { scheme: string; userInfo: string; host: string; port: string; rest: string } | null {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)([^/?#]*)/i.exec(url);
  if (!match) return null;
  const [prefix, scheme, authority] = match as unknown as [string, string, string];
  const userInfoEnd = authority.lastIndexOf('@');
  const hostAndPort = authority.slice(userInfoEnd + 1);
  // In an IPv6 literal only a colon after the closing bracket starts the port.
  const portStart = hostAndPort.indexOf(':', hostAndPort.lastIndexOf(']') + 1);
  return {
    scheme,
    userInfo: authority.slice(0, userInfoEnd + 1),
    host: portStart === -1 ? hostAndPort : hostAndPort.slice(0, portStart),
    port: portStart === -1 ? '' : hostAndPort.slice(portStart),
    rest: url.slice(prefix.length),
  };
}

/** The URL with the scheme's standard port written out, when it names none. */
function addPort(url: string): string {
  const parts = splitUrl(url);
  if (!parts || parts.port) return url;
  const port = parts.scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  return parts.scheme + parts.userInfo + parts.host + port + parts.rest;
}

/** The URL without its port. */
function removePort(url: string): string {
  const parts = splitUrl(url);
  return parts ? parts.scheme + parts.userInfo + parts.host + parts.rest : url;
}

/** The query string re-encoded as Node's legacy `querystring` does (some Twilio back ends signed that form). */
function withLegacyQuerystring(url: string): string {
  const queryStart = url.indexOf('?');
  if (queryStart === -1 || queryStart === url.length - 1) return url;
  return `${url.slice(0, queryStart)}?${querystring.stringify(querystring.parse(url.slice(queryStart + 1)))}`;
}

/**
 * Checks a received X-Twilio-Signature as the `twilio` package's `validateRequest` does
 * (twilio-node src/webhooks/webhooks.ts; read in twilio 6.3.1, lib/webhooks/webhooks.js): the URL
 * as received without and with its port (Twilio signs one or the other depending on how the
 * callback URL was written), then the URL as `new URL()` normalises it, without and with its
 * port, each also with a legacy-querystring query. Every comparison is constant-time.
 *
 * Hand-written rather than depending on `twilio` for these 60 lines: the package brings axios,
 * jsonwebtoken, dayjs and a REST client we do not use. Only HMAC-SHA1 (auth-token signatures):
 * we do not configure Twilio's shared-key (HMAC-SHA256) signing.
 */
export function verifyTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, unknown>,
): boolean {
  if (!signature) return false;
  const given = Buffer.from(signature);
  const matches = (candidate: string) => {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params));
    return expected.length === given.length && timingSafeEqual(expected, given);
  };
  if ([removePort(url), addPort(url)].some(matches)) return true;
  let normalized: string;
  try {
    normalized = new URL(url).toString();
  } catch {
    return false; // not a URL: nothing Twilio could have signed
  }
  const without = removePort(normalized);
  const withPort = addPort(normalized);
  return [without, withPort, withLegacyQuerystring(without), withLegacyQuerystring(withPort)].some(matches);
}

/** Twilio CallStatus (+ AnsweredBy) in our terms. */
export function mapTwilioStatus(status: string | undefined, answeredBy: string | undefined): CallStatus | null {
  const machine = !!answeredBy && (answeredBy.startsWith('machine') || answeredBy === 'fax');
  switch (status) {
    case 'queued':
    case 'initiated':
      return 'INITIATED';
    case 'ringing':
      return 'RINGING';
    case 'in-progress':
      return 'IN_PROGRESS';
    case 'completed':
      return machine ? 'VOICEMAIL' : 'COMPLETED';
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

/**
 * Whether a failed call's status callback says the number is invalid for good: CallStatus
 * `failed` with a SipResponseCode of 404, 410, 484 or 604 (isInvalidNumberSipCode). Twilio adds
 * `SipResponseCode` to the status callback of a call that ended
 * (https://www.twilio.com/docs/voice/api/call-resource#statuscallback). Twilio's error 13224
 * ("the number is invalid") is not used: its page says it also comes from carrier outages for
 * valid numbers (https://www.twilio.com/docs/api/errors/13224).
 */
export function twilioInvalidNumber(status: CallStatus, sipResponseCode: string | undefined): boolean {
  return status === 'FAILED' && isInvalidNumberSipCode(sipResponseCode);
}

/**
 * Twilio's REST error codes that refuse the `To` number itself (answered 400 with
 * `{"code": 21211, "message": "The 'To' number … is not a valid phone number.", …}`):
 * 21211 Invalid 'To' Phone Number (https://www.twilio.com/docs/api/errors/21211) and 21217
 * Phone number does not appear to be valid (https://www.twilio.com/docs/api/errors/21217).
 */
const INVALID_TO_CODES: ReadonlySet<number> = new Set([21211, 21217]);

/** Whether a refused create-call answer names the `To` number as invalid (INVALID_TO_CODES). */
export function twilioRefusedNumber(status: number, body: string): boolean {
  if (status !== 400) return false;
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'number' && INVALID_TO_CODES.has(code);
  } catch {
    return false; // not Twilio's JSON error: nothing to classify
  }
}

function credentialsOf(credentials: ProviderCredentials): { accountSid: string; authToken: string } {
  const accountSid = credentials['accountSid'];
  const authToken = credentials['authToken'];
  if (!accountSid || !authToken) {
    throw new PlaceCallError(
      'TWILIO: no credentials: set the phone credentials (accountSid, authToken) or TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
      false,
    );
  }
  return { accountSid, authToken };
}

export function createTwilioProvider(options: TwilioOptions): TelephonyProvider {
  const base = options.apiBase.replace(/\/$/, '');
  const basic = (c: { accountSid: string; authToken: string }) => basicAuth(c.accountSid, c.authToken);

  return {
    name: 'TWILIO',

    async placeCall(request: PlaceCallRequest) {
      const creds = credentialsOf(request.credentials);
      const form = new URLSearchParams();
      form.set('To', request.to);
      form.set('From', request.from);
      const agent = request.agent;
      const variables = request.variables ?? {};
      if (agent?.kind === 'TWILIO_STREAM' && agent.url) form.set('Twiml', streamTwiml(agent.url, variables));
      else if (agent?.kind === 'TWIML_URL' && agent.url) form.set('Url', twimlUrlWithVariables(agent.url, variables));
      else form.set('Twiml', options.twiml ?? DEFAULT_TWIML);
      form.set('StatusCallback', request.callbackUrl);
      form.set('StatusCallbackMethod', 'POST');
      for (const event of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', event);
      form.set('MachineDetection', 'Enable');
      // Twilio hangs up at the time limit, so a call never outlives our lease.
      form.set('TimeLimit', String(request.timeLimitSeconds));
      const json = await postPlaceCallForm<{ sid?: string }>(
        'TWILIO',
        `${base}/2010-04-01/Accounts/${encodeURIComponent(creds.accountSid)}/Calls.json`,
        basic(creds),
        form,
        request.timeoutMs,
        twilioRefusedNumber,
      );
      if (!json.sid) throw new PlaceCallError('TWILIO: the Calls API answered without a sid', true);
      return { providerCallId: json.sid };
    },

    verifyWebhook(raw: RawWebhook, credentials: ProviderCredentials) {
      const authToken = credentials['authToken'];
      if (!authToken) return false;
      return verifyTwilioSignature(authToken, header(raw, 'x-twilio-signature'), raw.url, raw.body);
    },

    parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null {
      const status = mapTwilioStatus(field(raw, 'CallStatus'), field(raw, 'AnsweredBy'));
      if (!status) return null;
      const duration = field(raw, 'CallDuration') ?? field(raw, 'Duration');
      const timestamp = field(raw, 'Timestamp');
      const at = timestamp ? new Date(timestamp) : new Date();
      return {
        providerCallId: field(raw, 'CallSid') ?? null,
        status,
        ...(status === 'IN_PROGRESS' ? { answeredAt: at } : {}),
        ...(duration !== undefined ? { durationSeconds: Number(duration) } : {}),
        ...(status === 'FAILED' ? { error: field(raw, 'ErrorMessage') ?? 'Twilio reported the call failed' } : {}),
        ...(twilioInvalidNumber(status, field(raw, 'SipResponseCode')) ? { invalidNumber: true } : {}),
        sequence: Number(field(raw, 'SequenceNumber') ?? 0),
        // Twilio's Timestamp (RFC 2822, second precision) is when the status changed.
        ...(timestamp && Number.isFinite(at.getTime()) ? { eventAt: at } : {}),
      };
    },

    async lookupCall(query, credentials) {
      // Twilio cannot find a call by our token: without its sid we can only wait for webhooks.
      if (!query.providerCallId) throw new Error('TWILIO: cannot look a call up without its sid');
      const creds = credentialsOf(credentials);
      const json = await getProviderCall<{
        sid: string;
        status?: string;
        answered_by?: string | null;
        duration?: string | null;
      }>(
        'TWILIO',
        `${base}/2010-04-01/Accounts/${encodeURIComponent(creds.accountSid)}/Calls/${encodeURIComponent(query.providerCallId)}.json`,
        basic(creds),
      );
      if (!json) return null;
      return {
        providerCallId: json.sid,
        status: mapTwilioStatus(json.status, json.answered_by ?? undefined) ?? 'IN_PROGRESS',
        ...(json.duration ? { durationSeconds: Number(json.duration) } : {}),
      };
    },
  };
}
