import type { CallStatus } from '../calls/call.model';
import type { ProviderName } from '../phones/phone.model';
import type { AgentKind } from '../agents/agent.kinds';
import type { CallConversation } from '../calls/call.conversation';
import { httpRequest } from './http-client';
import type { HttpAnswer } from './http-client';

/** The simulator settings of a phone (see phone.model.ts). */
export interface SimulationSettings {
  busyRate: number;
  noAnswerRate: number;
  failRate: number;
  voicemailRate: number;
  /**
   * Probability that a call fails with the invalid-number code (SIP 404), as a provider reports a
   * number that does not exist. Default 0.
   */
  invalidRate?: number;
  minDurationMs: number;
  maxDurationMs: number;
  /** Probability that an answered contact opts out (issue 18). Default 0. */
  optOutRate?: number;
  /** Probability that an answered contact asks for a callback (issue 18). Default 0. */
  callbackRate?: number;
  /** The callback time the simulated agent agrees on (ISO 8601, offset optional). Default: tomorrow 10:00 local. */
  callbackAt?: string | null;
}

/** Provider credentials: the phone's own (decrypted) or the deployment's from config. */
export type ProviderCredentials = Record<string, string | undefined>;

export interface PlaceCallRequest {
  /** Our Call id. */
  callId: string;
  to: string;
  from: string;
  /** Where the provider posts status webhooks; carries the call id and its callbackToken. */
  callbackUrl: string;
  callbackToken: string;
  /** The longest the provider may let the call last (our lease is a little longer). */
  timeLimitSeconds: number;
  /** Give up waiting for the provider's answer after this long (the call may exist anyway). */
  timeoutMs: number;
  metadata: { organizationId: string; campaignId: string; contactId: string; attempt: number };
  /** The campaign's agent: how the answered call reaches it (agent.kinds.ts). */
  agent?: PlaceCallAgent;
  /** The call's variables for the agent's script (agent.variables.ts), all strings. */
  variables?: Record<string, string>;
  /** The platform's id of the caller number where it has one (Vapi phoneNumberId). */
  providerPhoneId?: string | null;
  credentials: ProviderCredentials;
  /** Simulated provider only. */
  simulation?: SimulationSettings;
}

/** What a provider needs of the campaign's agent to connect a call to it. */
export interface PlaceCallAgent {
  name: string;
  kind: AgentKind;
  externalId: string | null;
  url: string | null;
  /** The names the agent's script declares. */
  variables: string[];
}

/**
 * A place-call that failed. `ambiguous` means the provider may have created the call anyway
 * (a 5xx or a timeout after the request was sent): dialling again could ring the contact
 * twice, so the engine looks the call up or waits for its webhooks instead.
 */
export class PlaceCallError extends Error {
  override name = 'PlaceCallError';
  constructor(
    message: string,
    readonly ambiguous: boolean,
    /** The provider refused the number itself as invalid (never retried; docs/OPERATIONS.md). */
    readonly invalidNumber = false,
  ) {
    super(message);
  }
}

/**
 * SIP final responses that say the number does not exist, for good (RFC 3261 §21.4.5 404 Not
 * Found, §21.4.11 410 Gone, "expected to be considered permanent", §21.4.22 484 Address
 * Incomplete, §21.6.3 604 Does Not Exist Anywhere; https://www.rfc-editor.org/rfc/rfc3261#section-21).
 * Others (408, 480, 486, 503, 603…) are temporary or the callee's choice: the retry rules decide.
 */
const INVALID_NUMBER_SIP_CODES: ReadonlySet<number> = new Set([404, 410, 484, 604]);

/** Whether a SIP response code (a number or its text, as form bodies carry it) says the number is invalid. */
export function isInvalidNumberSipCode(code: unknown): boolean {
  const value = typeof code === 'string' ? Number(code.trim()) : code;
  return typeof value === 'number' && INVALID_NUMBER_SIP_CODES.has(value);
}

/** A status webhook as it reached us, before parsing. */
export interface RawWebhook {
  method: string;
  /** The full URL the provider requested (public base + path + query), as signed by providers. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed body: form fields or JSON. */
  body: Record<string, unknown>;
  /** The exact bytes received, for body signatures. */
  rawBody: Buffer;
}

/** What a status webhook (or a look-up) says about a call, in our terms. */
export interface ProviderStatusUpdate {
  providerCallId: string | null;
  status: CallStatus;
  answeredAt?: Date;
  endedAt?: Date;
  durationSeconds?: number;
  error?: string;
  /** Provider's event order or timestamp, for logs; ordering itself uses CALL_STATUS_RANK. */
  sequence?: number;
  /** When the provider says the event happened (its own clock), for the webhook-delay metric. */
  eventAt?: Date;
  /** What the report says of the conversation (transcript, recording, summary, …), if anything. */
  conversation?: CallConversation;
  /**
   * The provider says the number is invalid or unreachable for good (each provider's codes:
   * docs/OPERATIONS.md). Only on a FAILED status; the contact is then never retried.
   */
  invalidNumber?: boolean;
}

/**
 * One telephony provider. Implementations translate between their API and ours; the engine
 * owns leases, retries and state.
 */
export interface TelephonyProvider {
  readonly name: ProviderName;
  /** Places a call; resolves with the provider's call id. Throws PlaceCallError. */
  placeCall(request: PlaceCallRequest): Promise<{ providerCallId: string }>;
  /** Whether a webhook really comes from the provider (signature). Token checks happen in the engine. */
  verifyWebhook(raw: RawWebhook, credentials: ProviderCredentials): boolean;
  /**
   * For platforms whose webhooks all go to one URL configured in their dashboard (no per-call
   * callback URL with our token): which call a webhook is about, read from its body. Its
   * signature is the only proof, so `verifyWebhook` must check one.
   */
  callRefOf?(raw: RawWebhook): { callId: string | null; providerCallId: string | null } | null;
  /** Parses a status webhook; null for an event that says nothing about the call's status. */
  parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null;
  /**
   * Looks a call up at the provider. Resolves null when the provider has no such call (so a
   * failed place-call certainly created nothing). Absent when the provider cannot look up.
   */
  lookupCall?(
    query: { providerCallId: string | null; callId: string; callbackToken: string },
    credentials: ProviderCredentials,
  ): Promise<ProviderStatusUpdate | null>;
}

/**
 * Turns a failed request (httpRequest) into a PlaceCallError. A connection refused before
 * anything was sent is certain (nothing was created); a timeout or a reset after sending is
 * ambiguous.
 */
export function placeCallFailure(error: unknown, provider: string): PlaceCallError {
  const failed = error as { name?: string; code?: string | number; message?: string; cause?: { code?: string } };
  const code = typeof failed.code === 'string' ? failed.code : failed.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new PlaceCallError(`${provider}: cannot reach the provider (${code})`, false);
  }
  if (failed.name === 'TimeoutError' || failed.name === 'AbortError')
    return new PlaceCallError(`${provider}: place-call timed out`, true);
  // The code beside the message (a reset, a closed socket, a connect timeout) is what an
  // operator needs to see in the call's error.
  const why = code && !String(failed.message).includes(code) ? ` (${code})` : '';
  return new PlaceCallError(`${provider}: place-call failed: ${failed.message ?? String(error)}${why}`, true);
}

/**
 * Whether a refused place-call (4xx, its body) refused the number itself as invalid; each
 * provider that documents such a refusal passes its own.
 */
export type InvalidNumberRefusal = (status: number, body: string) => boolean;

/** A 4xx is a refusal (nothing created); a 5xx may hide a created call. */
export function placeCallHttpError(
  response: HttpAnswer,
  provider: string,
  invalidNumber?: InvalidNumberRefusal,
): PlaceCallError {
  const body = response.text();
  const detail = body.slice(0, 300);
  const ambiguous = response.status >= 500;
  return new PlaceCallError(
    `${provider}: place-call answered ${response.status}${detail ? `: ${detail}` : ''}`,
    ambiguous,
    !ambiguous && (invalidNumber?.(response.status, body) ?? false),
  );
}

/** An HTTP Basic `authorization` header value. */
export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * Place-call over a provider's REST API: POSTs the request and returns the JSON answer.
 * Transport failures and HTTP errors become PlaceCallErrors that say whether the call may have
 * been created (placeCallFailure, placeCallHttpError).
 */
async function postPlaceCall<T>(
  provider: string,
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
  invalidNumber?: InvalidNumberRefusal,
): Promise<T> {
  let response: HttpAnswer;
  try {
    response = await httpRequest(url, { method: 'POST', headers, body }, timeoutMs);
  } catch (error) {
    throw placeCallFailure(error, provider);
  }
  if (!response.ok) throw placeCallHttpError(response, provider, invalidNumber);
  return response.json() as T;
}

/** Place-call with a form body (Twilio, Exotel). See postPlaceCall. */
export function postPlaceCallForm<T>(
  provider: string,
  url: string,
  authorization: string,
  form: URLSearchParams,
  timeoutMs: number,
  invalidNumber?: InvalidNumberRefusal,
): Promise<T> {
  const headers = { authorization, 'content-type': 'application/x-www-form-urlencoded' };
  return postPlaceCall<T>(provider, url, headers, form.toString(), timeoutMs, invalidNumber);
}

/** Place-call with a JSON body (Vapi, Retell, ElevenLabs); `auth` holds their credential header. See postPlaceCall. */
export function postPlaceCallJson<T>(
  provider: string,
  url: string,
  auth: Record<string, string>,
  body: unknown,
  timeoutMs: number,
): Promise<T> {
  const headers = { ...auth, 'content-type': 'application/json' };
  return postPlaceCall<T>(provider, url, headers, JSON.stringify(body), timeoutMs);
}

/** Looks a call up over a provider's REST API: its JSON, or null when the provider does not know it (404). */
export async function getProviderCall<T>(provider: string, url: string, authorization: string): Promise<T | null> {
  const response = await httpRequest(url, { headers: { authorization } }, 10_000);
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${provider}: look-up answered ${response.status}`);
  return response.json() as T;
}

/** The first value of a header. */
export function header(raw: RawWebhook, name: string): string | undefined {
  const value = raw.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** A body field as a string ('' and absent are undefined). */
export function field(raw: RawWebhook, name: string): string | undefined {
  const value = raw.body[name];
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}
