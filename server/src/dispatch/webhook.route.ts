import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import type { Request, Response } from 'express';
import type { AppServices } from '../context';
import { errorReply } from '../http/error-reply';
import { logMachineRequest } from '../http/request-log';
import type { HttpRoute } from '../http/route';
import { webhookHandled } from '../metrics';
import type { WebhookCounterResult } from '../metrics';
import { PROVIDERS } from '../phones/phone.model';
import type { WebhookResult } from './webhook';

/** A webhook request once its body is parsed: the parsed body and the exact bytes received. */
type ParsedWebhook = IncomingMessage & { body?: unknown; rawBody?: Buffer };

// Signatures cover the exact bytes received: keep them beside the parsed body.
const keepRawBody = (req: unknown, _res: unknown, buf: Buffer) => {
  (req as ParsedWebhook).rawBody = buf;
};

const parseForm = express.urlencoded({ extended: false, limit: '256kb', verify: keepRawBody });
const parseJson = express.json({ limit: '256kb', verify: keepRawBody });

/**
 * The one parser a webhook's content type needs (Twilio and Exotel post forms, the rest JSON):
 * two parsers in a row cost every webhook a second middleware and type check. Each parser checks
 * the type again and leaves a body of another type unparsed (no body, no raw bytes).
 */
function parseWebhookBody(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
  const form = /^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '');
  // body-parser's middlewares read only Node's request (headers, stream), never express' additions.
  (form ? parseForm : parseJson)(req as Request, res as Response, next);
}

/**
 * The HTTP answer to a webhook. 404: unknown provider or call; 403: wrong token or signature
 * (nothing changes); 200 otherwise, including replays and stale statuses (applied once, never
 * backwards), so that providers do not retry them.
 */
export function webhookHttp(result: WebhookResult): { status: number; body: Record<string, unknown> } {
  switch (result.kind) {
    case 'applied':
      return { status: 200, body: { ok: true, applied: true } };
    case 'stale':
      return { status: 200, body: { ok: true, applied: false } };
    case 'ignored':
      return { status: 200, body: { ok: true, ignored: true } };
    case 'unknown-provider':
      return { status: 404, body: { error: 'unknown provider' } };
    case 'unknown-call':
      return { status: 404, body: { error: 'unknown call' } };
    case 'forbidden':
      return { status: 403, body: { error: 'forbidden' } };
  }
}

/**
 * Each result's answer, serialized once (a result is its kind alone). Providers read only the
 * status code; express' `res.json` serialized the body, computed an ETag and set the charset per
 * webhook (~2% of the API's CPU on the real path), none of which a provider uses.
 */
const ANSWERS = new Map<WebhookResult['kind'], { status: number; text: string }>();

/** Answers with `status` and a JSON body. */
function sendJson(res: ServerResponse, status: number, text: string): void {
  res
    .writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) })
    .end(text);
}

/** Answers a webhook with `webhookHttp`'s status and JSON body. */
function answer(res: ServerResponse, result: WebhookResult): void {
  let cached = ANSWERS.get(result.kind);
  if (!cached) {
    const { status, body } = webhookHttp(result);
    ANSWERS.set(result.kind, (cached = { status, text: JSON.stringify(body) }));
  }
  sendJson(res, cached.status, cached.text);
}

/** The `result` label of `dialwave_webhooks_total` for a webhook's result. */
function counterResult(result: WebhookResult): WebhookCounterResult {
  return result.kind === 'unknown-provider' || result.kind === 'unknown-call' ? 'unknown' : result.kind;
}

/** `POST /webhooks/:provider`, as express matched it: any case, an optional trailing slash, a query. */
const WEBHOOK_PATH = /^\/webhooks\/([^/?]+)\/?(?:\?|$)/i;

/**
 * `POST /webhooks/:provider`: provider status callbacks (form-encoded or JSON), answered by
 * Node's request listener before express (app.ts); returns false for any other request, which
 * goes on to express. Only translates HTTP to `dispatcher.handleWebhook`, which checks the call's
 * token and the signature.
 *
 * Why not an express route: express' app and router cost more CPU per request than everything
 * else a webhook does in this process but its write. Measured with the same small JSON POST and
 * the same body parser (a 2-core VM, 20,000 requests from another process, two rounds): 171–190 µs
 * of CPU per request through an express 5 app with a middleware and a few routes in front, 48–51
 * µs through Node's listener; a call brings two or three webhooks. What express gave them is done here: the request
 * log line (`logMachineRequest`), the body parser, errors answered as the app answers them
 * (`errorReply`). A path express would answer otherwise (a malformed escape) is left to it.
 */
export function webhookListener(services: AppServices): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (req.method !== 'POST') return false;
    const url = req.url ?? '';
    const match = WEBHOOK_PATH.exec(url);
    if (!match) return false;
    let param: string;
    try {
      param = decodeURIComponent(match[1]!);
    } catch {
      return false;
    }
    logMachineRequest(req, res, '/webhooks/:provider');
    parseWebhookBody(req, res, (error) => {
      if (error) fail(res, error);
      else void handleWebhookRequest(services, param, url, req as ParsedWebhook, res);
    });
    return true;
  };
}

/** Answers a request whose handling threw (a body too large, MongoDB down…) as the app's error handler does. */
function fail(res: ServerResponse, error: unknown): void {
  const { status, body } = errorReply(error);
  if (res.headersSent) res.destroy();
  else sendJson(res, status, JSON.stringify(body));
}

async function handleWebhookRequest(
  services: AppServices,
  param: string,
  path: string,
  req: ParsedWebhook,
  res: ServerResponse,
): Promise<void> {
  const name = param.toUpperCase();
  const provider = (PROVIDERS as readonly string[]).includes(name) ? name : 'other';
  try {
    const { dispatcher } = services;
    // Providers sign the URL they called: our public base plus the path and query we gave them.
    const url = `${dispatcher.publicBaseUrl().replace(/\/$/, '')}${path}`;
    const result = await dispatcher.handleWebhook(param, {
      method: 'POST',
      url,
      headers: req.headers,
      body: (req.body ?? {}) as Record<string, unknown>,
      rawBody: req.rawBody ?? Buffer.alloc(0),
    });
    webhookHandled(provider, counterResult(result));
    answer(res, result);
  } catch (error) {
    webhookHandled(provider, 'error');
    fail(res, error);
  }
}

/** `/simulator`: the built-in simulated provider's API (see providers/simulated/simulator.ts). */
export const simulatorRoute: HttpRoute = (app, services) => {
  app.use('/simulator', services.dispatcher.simulator.router());
};
