import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { CallStatus } from '../../calls/call.model';
import { logger } from '../../logger';
import { Permits } from '../../permits';
import { httpRequest } from '../http-client';
import type { SimulationSettings } from '../provider';
import { recordingWav, simulateConversation } from './simulated.conversation';
import type { SimulatedConversation } from './simulated.conversation';

/**
 * The built-in telephony provider: a provider-like HTTP API that lives inside the API process
 * (mounted at /simulator), answers place-call requests with a call id, and later POSTs
 * HMAC-signed status webhooks (ringing, in-progress, final) to the callback URL it was given,
 * exactly as Twilio would. Outcomes and durations come from the phone's `simulation` settings.
 *
 * Why in the API process: a real provider outlives our workers. A worker that dies mid-call
 * (tests kill them on purpose) must not take the "telephone network" with it, or recovery
 * could not be tested. ROLE=worker processes reach it over HTTP at SIMULATOR_URL or PUBLIC_URL.
 *
 * The ledger records every call placed: the ground truth tests check the engine against. It
 * keeps the last `ledgerLimit` calls (SIMULATOR_LEDGER_LIMIT): `npm start` runs it for as long as
 * the process lives, and a ledger of every call ever placed grew without bound. A call dropped
 * from it is no longer known to a look-up and its recording is gone, as at a provider whose
 * retention has passed; its webhooks, long since sent, are unaffected.
 */

/** Calls the ledger keeps by default (a few hundred MB at most, with their conversations). */
export const DEFAULT_LEDGER_LIMIT = 100_000;

/** Faults injected by tests. All off by default; `reset()` turns them off again. */
export interface SimulatorFaults {
  /** The next `count` place-calls answer `status`; with `createCall` the call is created (and rings) anyway. */
  placeCallErrors: { count: number; status: number; createCall: boolean } | null;
  /**
   * The next `count` place-calls never answer (the client times out); with `createCall` the call
   * goes on, created `createAfterMs` after the request arrived (default at once).
   */
  placeCallHangs: { count: number; createCall: boolean; createAfterMs?: number } | null;
  /** Probability that any one webhook is never sent. */
  dropWebhookRate: number;
  /** Probability that a call's final webhook is never sent. */
  dropFinalWebhookRate: number;
  /** Extra copies of every webhook sent (replays). */
  duplicateWebhooks: number;
  /** Send a call's webhooks at its end, final status first. */
  reorderWebhooks: boolean;
  /** Extra delay before every webhook, ms. */
  webhookDelayMs: number;
}

const NO_FAULTS: SimulatorFaults = {
  placeCallErrors: null,
  placeCallHangs: null,
  dropWebhookRate: 0,
  dropFinalWebhookRate: 0,
  duplicateWebhooks: 0,
  reorderWebhooks: false,
  webhookDelayMs: 0,
};

export interface LedgerEntry {
  providerCallId: string;
  from: string;
  to: string;
  callId: string;
  campaignId: string;
  contactId: string;
  attempt: number;
  callbackToken: string;
  /** ms since epoch the provider accepted the call. */
  placedAt: number;
  /** ms since epoch the call ended at the provider (whether or not its webhook was delivered). */
  endedAt: number;
  outcome: CallStatus;
  /** A FAILED call whose number the simulated network reported invalid (SIP 404). */
  invalidNumber?: boolean;
  /** Whether the place-call request got an answer with the call id. */
  acknowledged: boolean;
  /** The variables the call was placed with (what the agent got). */
  variables?: Record<string, string>;
  /** The simulated agent's conversation, for answered (COMPLETED) calls. */
  conversation?: SimulatedConversation;
}

/** The place-call request body of the simulator's API. */
export interface SimulatorPlaceBody {
  to: string;
  from: string;
  statusCallback: string;
  timeLimitSeconds: number;
  simulation: SimulationSettings;
  metadata: { callId: string; campaignId: string; contactId: string; attempt: number; callbackToken: string };
  /** The campaign's agent: its name and declared variables, which its script speaks. */
  agent?: { name: string; variables: string[] };
  /** The call's variables (agent.variables.ts). */
  variables?: Record<string, string>;
}

/** The status webhook body the simulator posts (JSON). */
export interface SimulatorWebhookBody {
  CallSid: string;
  CallStatus: 'ringing' | 'in-progress' | 'completed' | 'busy' | 'no-answer' | 'failed';
  AnsweredBy?: 'human' | 'machine';
  Duration?: number;
  Timestamp: number;
  SequenceNumber: number;
  // The conversation of an answered call, on its final webhook (as Vapi's end-of-call-report
  // carries transcript, recording and analysis with the end of the call).
  Transcript?: SimulatedConversation['transcript'];
  Summary?: string;
  Disposition?: string;
  Analysis?: SimulatedConversation['analysis'];
  RecordingUrl?: string;
  /** Why the call ended, in Vapi's words (docs.vapi.ai/calls/call-ended-reason). */
  EndedReason?: string;
  /** The SIP code a failed call ended with, as Twilio's status callback carries it (404: invalid number). */
  SipResponseCode?: number;
}

/** POST /simulator/calls as express' router matched it: any case, an optional trailing slash, a query. */
const PLACE_CALL_PATH = /^\/simulator\/calls\/?(?:\?|$)/i;

/**
 * Delivers one signed webhook; the default POSTs it over HTTP. Rejects when the delivery
 * failed; a rejection with a `status` the API answered is retried only when a real provider
 * would retry it (see RETRYABLE_STATUS).
 */
export type WebhookDelivery = (url: string, headers: Record<string, string>, body: string) => Promise<void>;

/** How the simulator retries a webhook whose delivery failed. */
export interface WebhookRetryPolicy {
  /** Attempts after the first. Default 4. */
  retries: number;
  /** Wait before the first retry, doubled for each next one (0.5 s, 1 s, 2 s, 4 s). Default 500 ms. */
  baseDelayMs: number;
  /** Longest one delivery may take before it counts as failed. Default 10 s. */
  timeoutMs: number;
}

export const DEFAULT_WEBHOOK_RETRY: WebhookRetryPolicy = { retries: 4, baseDelayMs: 500, timeoutMs: 10_000 };

/**
 * Webhook deliveries in flight at once; more wait their turn, in order. A provider sends its
 * callbacks from a bounded pool, not one connection per event at the same instant: unbounded,
 * thousands of calls starting together (the held bench's 10,000 lines) became thousands of
 * webhook requests at once, the API's listen queue filled, and every connection to it, the
 * dashboard's included, timed out. A delivery's timeout starts when it is sent.
 */
export const WEBHOOK_DELIVERIES_IN_FLIGHT = 64;

/**
 * Answers a provider retries: Twilio retries a 5xx and a 408, 425 or 429 and not other 4xx
 * (https://www.twilio.com/docs/api/errors/17580; retries on connection failures and timeouts
 * are its connection overrides, https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides).
 */
const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 408 || status === 425 || status === 429;

/** A delivery the API answered with an error status. */
export class WebhookDeliveryError extends Error {
  override name = 'WebhookDeliveryError';
  constructor(readonly status: number) {
    super(`the API answered ${status}`);
  }
}

export const SIMULATOR_SIGNATURE_HEADER = 'x-simulator-signature';

/** The simulator's keys, derived from one deployment secret (the JWT secret). */
export function simulatorKeys(secret: Uint8Array): { signing: Buffer; api: string } {
  const derive = (label: string) => createHmac('sha256', Buffer.from(secret)).update(label).digest();
  return { signing: derive('dialwave-simulator-webhooks'), api: derive('dialwave-simulator-api').toString('hex') };
}

/** `t=<ms>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export function signSimulatorWebhook(signingKey: Buffer, body: string, timestamp = Date.now()): string {
  const mac = createHmac('sha256', signingKey).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** Checks a simulator signature; `toleranceMs` bounds how old a signed webhook may be (replays within it are harmless). */
export function verifySimulatorSignature(
  signingKey: Buffer,
  signature: string | undefined,
  rawBody: Buffer,
  toleranceMs = 5 * 60_000,
): boolean {
  if (!signature) return false;
  const parts = Object.fromEntries(signature.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts['t']);
  const v1 = parts['v1'];
  if (!Number.isFinite(t) || !v1 || Math.abs(Date.now() - t) > toleranceMs) return false;
  const expected = createHmac('sha256', signingKey).update(`${t}.`).update(rawBody).digest();
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface LiveCall {
  entry: LedgerEntry;
  statusCallback: string;
  timers: NodeJS.Timeout[];
}

export class Simulator {
  readonly ledger: LedgerEntry[] = [];
  faults: SimulatorFaults = { ...NO_FAULTS };
  /** Which status webhooks to send: all of them (default), or only the final one. */
  statusEvents: 'all' | 'final' = 'all';
  /** How webhooks reach the API; tests and the bench may replace it. */
  deliver: WebhookDelivery;
  /** Retries of a failed delivery, with exponential backoff, as real providers do. */
  webhookRetry: WebhookRetryPolicy = { ...DEFAULT_WEBHOOK_RETRY };
  /** At most WEBHOOK_DELIVERIES_IN_FLIGHT deliveries at once. */
  private readonly deliveries = new Permits(WEBHOOK_DELIVERIES_IN_FLIGHT);
  /** Pending retries, stopped by close() (their calls may already be forgotten). */
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private readonly keys: { signing: Buffer; api: string };
  private readonly calls = new Map<string, LiveCall>();
  private readonly byToken = new Map<string, string>();
  /** The ledger's entries by provider call id (look-ups and recordings; the ledger is long). */
  private readonly bySid = new Map<string, LedgerEntry>();
  /** Most calls the ledger keeps; the oldest go first. */
  readonly ledgerLimit: number;
  /** Calls a hung place-call creates later (`placeCallHangs.createAfterMs`), until they start. */
  private readonly lateCreates = new Set<NodeJS.Timeout>();
  private closed = false;
  private random: () => number = Math.random;

  /** Base URL recordings are served under (PUBLIC_URL); else the URL the place-call request came to. */
  private readonly publicBaseUrl: () => string | undefined;

  constructor(options: { secret: Uint8Array; publicBaseUrl?: () => string | undefined; ledgerLimit?: number }) {
    const limit = options.ledgerLimit ?? DEFAULT_LEDGER_LIMIT;
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`ledgerLimit must be a positive integer, got ${limit}`);
    this.ledgerLimit = limit;
    this.keys = simulatorKeys(options.secret);
    this.publicBaseUrl = options.publicBaseUrl ?? (() => undefined);
    this.deliver = async (url, headers, body) => {
      const response = await httpRequest(url, { method: 'POST', headers, body }, this.webhookRetry.timeoutMs);
      if (!response.ok) throw new WebhookDeliveryError(response.status);
    };
  }

  /** The bearer key place-call requests must carry. */
  get apiKey(): string {
    return this.keys.api;
  }

  get signingKey(): Buffer {
    return this.keys.signing;
  }

  /** Turns every fault off. */
  resetFaults(): void {
    this.faults = { ...NO_FAULTS };
  }

  /** Replaces Math.random (deterministic tests). */
  setRandom(random: () => number): void {
    this.random = random;
  }

  /**
   * Places a call (the core of POST /simulator/calls). Resolves with the HTTP answer to give,
   * or 'hang' when a fault says the request never gets one.
   */
  place(body: SimulatorPlaceBody, requestBase?: string): { status: number; json: unknown } | 'hang' {
    // Recordings are fetched by browsers: the public URL when there is one. Without any base
    // (the bench's in-process path) the URL is relative to the API.
    const base = (this.publicBaseUrl() ?? requestBase ?? '').replace(/\/$/, '');
    if (this.closed) return { status: 503, json: { message: 'simulator stopped' } };
    const hang = this.faults.placeCallHangs;
    if (hang && hang.count > 0) {
      hang.count -= 1;
      if (hang.createCall && hang.createAfterMs) {
        const timer = setTimeout(() => {
          this.lateCreates.delete(timer);
          this.start(body, false, base);
        }, hang.createAfterMs);
        this.lateCreates.add(timer);
      } else if (hang.createCall) this.start(body, false, base);
      return 'hang';
    }
    const failure = this.faults.placeCallErrors;
    if (failure && failure.count > 0) {
      failure.count -= 1;
      if (failure.createCall) this.start(body, false, base);
      return { status: failure.status, json: { message: `simulated ${failure.status}` } };
    }
    const entry = this.start(body, true, base);
    return { status: 201, json: { sid: entry.providerCallId, status: 'queued' } };
  }

  /** A call by its sid or by our callback token (what a lost place-call answer leaves us). */
  lookup(query: { sid?: string; token?: string }): SimulatorLookup | null {
    const sid = query.sid ?? (query.token ? this.byToken.get(query.token) : undefined);
    if (!sid) return null;
    const entry = this.bySid.get(sid);
    if (!entry) return null;
    const ended = Date.now() >= entry.endedAt;
    if (!ended) return { sid, status: 'in-progress' };
    const { status, answeredBy } = wireStatus(entry.outcome);
    return {
      sid,
      status,
      answeredBy,
      duration: Math.round((entry.endedAt - entry.placedAt) / 1000),
      ...(entry.invalidNumber ? { sipResponseCode: INVALID_NUMBER_SIP_CODE } : {}),
    };
  }

  /** Live calls at the provider right now, optionally for one campaign. */
  liveCalls(campaignId?: string, at = Date.now()): number {
    return this.ledger.filter((e) => (!campaignId || e.campaignId === campaignId) && e.placedAt <= at && e.endedAt > at)
      .length;
  }

  /** The most calls of a campaign (or of all) that were live at the same moment, from the ledger. */
  maxConcurrent(campaignId?: string): number {
    const points: [number, number][] = [];
    for (const e of this.ledger) {
      if (campaignId && e.campaignId !== campaignId) continue;
      points.push([e.placedAt, 1], [e.endedAt, -1]);
    }
    // Ends before starts at the same instant: a line freed and reused in one ms is not two calls.
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    let max = 0;
    for (const [, delta] of points) {
      live += delta;
      max = Math.max(max, live);
    }
    return max;
  }

  /** Dials per contact and attempt ("contactId#attempt" → count). */
  dialCounts(campaignId?: string): Map<string, number> {
    const counts = new Map<string, number>();
    for (const e of this.ledger) {
      if (campaignId && e.campaignId !== campaignId) continue;
      const key = `${e.contactId}#${e.attempt}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    return counts;
  }

  /**
   * POST /simulator/calls (the one request of every call) answered by Node's request listener,
   * before express; false for any other request, which goes on to `router()`. Used where the
   * simulator runs alone (cli.ts), where it shares the bench's cores with the API: express' app
   * and router cost ~120–140 µs of CPU per request more than Node's listener (measured for the
   * webhooks, dispatch/webhook.route.ts). The same checks and answers as the router's route; a
   * body the parser refuses is answered `{ message }` with the parser's status.
   */
  placeCallListener(): (req: IncomingMessage, res: ServerResponse) => boolean {
    const parse = express.json({ limit: '64kb' });
    const send = (res: ServerResponse, status: number, json: unknown) => {
      const text = JSON.stringify(json);
      res
        .writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(text),
        })
        .end(text);
    };
    return (req, res) => {
      if (req.method !== 'POST' || !PLACE_CALL_PATH.test(req.url ?? '')) return false;
      if (req.headers.authorization !== `Bearer ${this.keys.api}`) {
        send(res, 401, { message: 'missing or wrong simulator key' });
        return true;
      }
      // body-parser reads only Node's request (headers, stream), never express' additions.
      parse(req as Request, res as Response, (error?: unknown) => {
        if (error) {
          const status = (error as { status?: number }).status;
          send(res, typeof status === 'number' ? status : 400, { message: (error as Error).message });
          return;
        }
        // As express' req.protocol without a trusted proxy: the socket's own.
        const protocol = (req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http';
        const answer = this.placeRequest(
          (req as { body?: unknown }).body,
          `${protocol}://${req.headers.host ?? 'localhost'}`,
        );
        if (answer !== 'hang') send(res, answer.status, answer.json);
      });
      return true;
    };
  }

  /** A place-call request's answer (400 for a body without what a call needs), or 'hang'. */
  private placeRequest(body: unknown, requestBase: string): { status: number; json: unknown } | 'hang' {
    const place = body as SimulatorPlaceBody | undefined;
    if (!place || typeof place.to !== 'string' || typeof place.statusCallback !== 'string' || !place.metadata)
      return { status: 400, json: { message: 'to, from, statusCallback and metadata are required' } };
    return this.place(place, requestBase);
  }

  /** Forgets every call of the ledger (the in-process bench, between its runs). */
  clearLedger(): void {
    this.ledger.length = 0;
    this.bySid.clear();
    this.byToken.clear();
  }

  /**
   * Adds a placed call to the ledger and its indexes; past the limit, drops the oldest calls (a
   * tenth of the limit beyond it at a time, so the splice's copy is paid once per many calls).
   */
  private record(entry: LedgerEntry): void {
    this.ledger.push(entry);
    this.bySid.set(entry.providerCallId, entry);
    this.byToken.set(entry.callbackToken, entry.providerCallId);
    if (this.ledger.length <= this.ledgerLimit + Math.max(1, Math.floor(this.ledgerLimit / 10))) return;
    for (const old of this.ledger.splice(0, this.ledger.length - this.ledgerLimit)) {
      this.bySid.delete(old.providerCallId);
      if (this.byToken.get(old.callbackToken) === old.providerCallId) this.byToken.delete(old.callbackToken);
    }
  }

  /** Express router of the simulator's API: POST /calls, GET /calls/:sid, GET /calls?token=, GET /ledger?campaignId=. */
  router(): Router {
    const router = express.Router();
    // Recordings are played by the dashboard's <audio> element, which sends no bearer key: the
    // unguessable call sid in the URL is the capability (as a recording URL is at a provider).
    router.get('/recordings/:file', (req, res) => {
      const sid = /^(SIM[0-9a-f]{24})\.wav$/.exec(req.params['file'] ?? '')?.[1];
      const entry = sid ? this.bySid.get(sid) : undefined;
      if (!entry?.conversation) {
        res.status(404).json({ message: 'no such recording' });
        return;
      }
      res
        .type('audio/wav')
        .set('cache-control', 'private, max-age=86400')
        .send(recordingWav(entry.conversation.transcript));
    });
    router.use((req, res, next) => {
      if (req.headers.authorization !== `Bearer ${this.keys.api}`) {
        res.status(401).json({ message: 'missing or wrong simulator key' });
        return;
      }
      next();
    });
    router.post('/calls', express.json({ limit: '64kb' }), (req, res) => {
      const answer = this.placeRequest(req.body, `${req.protocol}://${req.get('host') ?? 'localhost'}`);
      // A hung request is held open until the client gives up (its timeout) or we stop.
      if (answer === 'hang') return;
      res.status(answer.status).json(answer.json);
    });
    // The ledger (ground truth of what was dialled), for tests that run the API in another
    // process. Guarded by the same key as the rest of the simulator's API.
    router.get('/ledger', (req, res) => {
      const campaignId = typeof req.query['campaignId'] === 'string' ? req.query['campaignId'] : undefined;
      res.json(campaignId ? this.ledger.filter((e) => e.campaignId === campaignId) : this.ledger);
    });
    router.get('/calls/:sid', (req, res) => {
      const found = this.lookup({ sid: req.params['sid'] });
      if (!found) res.status(404).json({ message: 'no such call' });
      else res.json(found);
    });
    router.get('/calls', (req, res) => {
      const token = typeof req.query['token'] === 'string' ? req.query['token'] : undefined;
      const found = token ? this.lookup({ token }) : null;
      if (!found) res.status(404).json({ message: 'no such call' });
      else res.json(found);
    });
    return router;
  }

  /** Stops every pending webhook; safe to call twice. */
  close(): void {
    this.closed = true;
    for (const timer of this.lateCreates) clearTimeout(timer);
    this.lateCreates.clear();
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    for (const call of this.calls.values()) for (const timer of call.timers) clearTimeout(timer);
    this.calls.clear();
  }

  private start(body: SimulatorPlaceBody, acknowledged: boolean, base = ''): LedgerEntry {
    const s = body.simulation;
    const now = Date.now();
    const sid = `SIM${randomBytes(12).toString('hex')}`;
    const capMs = Math.max(0, body.timeLimitSeconds * 1000);
    const span = Math.max(0, s.maxDurationMs - s.minDurationMs);
    const duration = Math.min(capMs, Math.round(s.minDurationMs + this.random() * span));
    // Ringing takes a tenth of the shortest call (≤ 200 ms), so short test calls stay short.
    const ringMs = Math.min(200, Math.round(s.minDurationMs / 10));
    const { outcome, invalidNumber } = drawOutcome(s, this.random());
    // Failed and busy calls end after the ringing; the others last the drawn duration.
    const answerAt = outcome === 'VOICEMAIL' || outcome === 'COMPLETED' ? ringMs : null;
    const endAt = outcome === 'FAILED' || outcome === 'BUSY' ? ringMs : ringMs + duration;
    const entry: LedgerEntry = {
      providerCallId: sid,
      from: body.from,
      to: body.to,
      callId: body.metadata.callId,
      campaignId: body.metadata.campaignId,
      contactId: body.metadata.contactId,
      attempt: body.metadata.attempt,
      callbackToken: body.metadata.callbackToken,
      placedAt: now,
      endedAt: now + endAt,
      outcome,
      ...(invalidNumber ? { invalidNumber } : {}),
      acknowledged,
      ...(body.variables ? { variables: body.variables } : {}),
      ...(outcome === 'COMPLETED' && answerAt !== null
        ? {
            conversation: simulateConversation({
              agentName: body.agent?.name ?? 'Dialwave',
              declared: body.agent?.variables ?? [],
              variables: body.variables ?? { phoneNumber: body.to },
              random: this.random(),
              talkSeconds: (endAt - answerAt) / 1000,
              optOutRate: s.optOutRate ?? 0,
              callbackRate: s.callbackRate ?? 0,
              callbackAt: s.callbackAt ?? null,
              now: new Date(now),
            }),
          }
        : {}),
    };
    this.record(entry);

    const events: { at: number; body: SimulatorWebhookBody; final: boolean }[] = [];
    let seq = 0;
    const event = (
      at: number,
      status: SimulatorWebhookBody['CallStatus'],
      extra: Partial<SimulatorWebhookBody> = {},
      final = false,
    ) =>
      events.push({
        at,
        final,
        body: { CallSid: sid, CallStatus: status, Timestamp: now + at, SequenceNumber: seq++, ...extra },
      });
    if (outcome !== 'FAILED') event(0, 'ringing');
    if (answerAt !== null)
      event(answerAt, 'in-progress', { AnsweredBy: outcome === 'VOICEMAIL' ? 'machine' : 'human' });
    const wire = wireStatus(outcome);
    event(
      endAt,
      wire.status,
      {
        ...(wire.answeredBy ? { AnsweredBy: wire.answeredBy } : {}),
        Duration: Math.round((endAt - (answerAt ?? endAt)) / 1000),
        EndedReason:
          entry.conversation?.endedReason ?? (invalidNumber ? INVALID_NUMBER_ENDED_REASON : ENDED_REASONS[outcome]),
        ...(invalidNumber ? { SipResponseCode: INVALID_NUMBER_SIP_CODE } : {}),
        ...(entry.conversation
          ? {
              Transcript: entry.conversation.transcript,
              Summary: entry.conversation.summary,
              Disposition: entry.conversation.disposition,
              Analysis: entry.conversation.analysis,
              RecordingUrl: `${base}/simulator/recordings/${sid}.wav`,
            }
          : {}),
      },
      true,
    );

    const live: LiveCall = { entry, statusCallback: body.statusCallback, timers: [] };
    this.calls.set(sid, live);
    const f = this.faults;
    let schedule = this.statusEvents === 'final' ? events.filter((e) => e.final) : events;
    if (f.reorderWebhooks) schedule = [...schedule].reverse().map((e) => ({ ...e, at: endAt }));
    schedule.forEach((e, index) => {
      if (this.random() < f.dropWebhookRate) return;
      if (e.final && this.random() < f.dropFinalWebhookRate) return;
      for (let copy = 0; copy <= f.duplicateWebhooks; copy++) {
        // Reordered events keep their (reversed) order by a 1 ms step each.
        const at = e.at + f.webhookDelayMs + (f.reorderWebhooks ? index : 0) + copy;
        live.timers.push(setTimeout(() => void this.send(live, e.body), at));
      }
    });
    // Forget the call's timers once everything has been sent.
    live.timers.push(setTimeout(() => this.calls.delete(sid), endAt + f.webhookDelayMs + 1000 + f.duplicateWebhooks));
    return entry;
  }

  private async send(call: LiveCall, body: SimulatorWebhookBody, attempt = 0): Promise<void> {
    if (this.closed) return;
    const release = await this.deliveries.acquire();
    try {
      if (this.closed) return;
      const json = JSON.stringify(body);
      const headers = {
        'content-type': 'application/json',
        // Signed at each attempt: the signature carries a timestamp the API checks for freshness.
        [SIMULATOR_SIGNATURE_HEADER]: signSimulatorWebhook(this.keys.signing, json),
      };
      await this.deliver(call.statusCallback, headers, json);
    } catch (error) {
      const status = error instanceof WebhookDeliveryError ? error.status : null;
      const log = { err: (error as Error).message, sid: body.CallSid, status: body.CallStatus, attempt: attempt + 1 };
      if (status !== null && !RETRYABLE_STATUS(status)) {
        // The API refused it (a 403 or 404): sending it again would be refused again.
        logger.debug(log, 'simulator webhook refused');
        return;
      }
      const { retries, baseDelayMs } = this.webhookRetry;
      if (attempt >= retries) {
        // Like a real provider, it gives up; the API's reconciliation looks the call up.
        logger.warn(log, 'simulator webhook not delivered; giving up');
        return;
      }
      if (this.closed) return;
      const timer = setTimeout(
        () => {
          this.retryTimers.delete(timer);
          void this.send(call, body, attempt + 1);
        },
        baseDelayMs * 2 ** attempt,
      );
      this.retryTimers.add(timer);
    } finally {
      release();
    }
  }
}

/** What the simulator's look-up answers (GET /simulator/calls/:sid or ?token=). */
export interface SimulatorLookup {
  sid: string;
  status: string;
  answeredBy?: string;
  duration?: number;
  /** As on the final webhook: the SIP code of a failed call the network reported invalid. */
  sipResponseCode?: number;
}

/** How the simulated network reports a number that does not exist: SIP 404 Not Found, as Twilio forwards it. */
const INVALID_NUMBER_SIP_CODE = 404;
/** …and Vapi's words for it (https://docs.vapi.ai/calls/call-ended-reason). */
const INVALID_NUMBER_ENDED_REASON = 'twilio-reported-customer-misdialed';

/**
 * A call's outcome from one draw `r` in [0, 1): each rate takes its share of the interval, in
 * the order fail, invalid number, busy, no answer, voicemail; the rest is answered. A fixed draw
 * (`setRandom`) or a rate of 1 makes a test's outcomes certain.
 */
export function drawOutcome(s: SimulationSettings, r: number): { outcome: CallStatus; invalidNumber: boolean } {
  const shares: [CallStatus, number, boolean][] = [
    ['FAILED', s.failRate, false],
    ['FAILED', s.invalidRate ?? 0, true],
    ['BUSY', s.busyRate, false],
    ['NO_ANSWER', s.noAnswerRate, false],
    ['VOICEMAIL', s.voicemailRate, false],
  ];
  let upTo = 0;
  for (const [outcome, rate, invalidNumber] of shares) {
    upTo += rate;
    if (r < upTo) return { outcome, invalidNumber };
  }
  return { outcome: 'COMPLETED', invalidNumber: false };
}

/**
 * Why a call without a conversation ended, in Vapi's words where it has one
 * (https://docs.vapi.ai/calls/call-ended-reason); a failed connection is named in its style.
 */
const ENDED_REASONS: Record<CallStatus, string> = {
  INITIATED: 'unknown-error',
  RINGING: 'unknown-error',
  IN_PROGRESS: 'unknown-error',
  COMPLETED: 'customer-ended-call',
  BUSY: 'customer-busy',
  NO_ANSWER: 'customer-did-not-answer',
  FAILED: 'failed-to-connect-call',
  VOICEMAIL: 'voicemail',
  CANCELED: 'customer-ended-call',
};

/** Our final status in the simulator's (Twilio-like) wire terms. */
function wireStatus(outcome: CallStatus): {
  status: SimulatorWebhookBody['CallStatus'];
  answeredBy?: 'human' | 'machine';
} {
  switch (outcome) {
    case 'COMPLETED':
      return { status: 'completed', answeredBy: 'human' };
    case 'VOICEMAIL':
      return { status: 'completed', answeredBy: 'machine' };
    case 'BUSY':
      return { status: 'busy' };
    case 'NO_ANSWER':
      return { status: 'no-answer' };
    default:
      return { status: 'failed' };
  }
}
