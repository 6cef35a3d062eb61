import express from 'express';
import type { Request, RequestHandler, Response } from 'express';
import type { HttpRoute } from '../http/route';
import { webhookHandled } from '../metrics';
import type { WebhookCounterResult } from '../metrics';
import { PROVIDERS } from '../phones/phone.model';
import type { WebhookResult } from './webhook';

type WithRawBody = Request & { rawBody?: Buffer };

// Signatures cover the exact bytes received: keep them beside the parsed body.
const keepRawBody = (req: unknown, _res: unknown, buf: Buffer) => {
  (req as WithRawBody).rawBody = buf;
};

const parseForm = express.urlencoded({ extended: false, limit: '256kb', verify: keepRawBody });
const parseJson = express.json({ limit: '256kb', verify: keepRawBody });

/**
 * The one parser a webhook's content type needs (Twilio and Exotel post forms, the rest JSON):
 * two parsers in a row cost every webhook a second middleware and type check. A body of any
 * other type is left unparsed, as each parser leaves it (no body, no raw bytes).
 */
const parseWebhookBody: RequestHandler = (req, res, next) =>
  req.is('application/x-www-form-urlencoded') ? parseForm(req, res, next) : parseJson(req, res, next);

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
 * Each result's answer, serialized once. Providers read only the status code; express'
 * `res.json` serialized the body, computed an ETag and set the charset per webhook (~2% of the
 * API's CPU on the real path), none of which a provider uses.
 */
const ANSWERS = new Map<WebhookResult['kind'], { status: number; text: string; length: number }>();

/** Answers a webhook with `webhookHttp`'s status and JSON body, through Node's response directly. */
function answer(res: Response, result: WebhookResult): void {
  let cached = ANSWERS.get(result.kind);
  if (!cached) {
    const { status, body } = webhookHttp(result);
    const text = JSON.stringify(body);
    ANSWERS.set(result.kind, (cached = { status, text, length: Buffer.byteLength(text) }));
  }
  res.writeHead(cached.status, { 'content-type': JSON_TYPE, 'content-length': cached.length }).end(cached.text);
}

const JSON_TYPE = 'application/json; charset=utf-8';

/** The `result` label of `dialwave_webhooks_total` for a webhook's result. */
function counterResult(result: WebhookResult): WebhookCounterResult {
  return result.kind === 'unknown-provider' || result.kind === 'unknown-call' ? 'unknown' : result.kind;
}

/**
 * `POST /webhooks/:provider`: provider status callbacks (form-encoded or JSON). Only translates
 * HTTP to `dispatcher.handleWebhook`, which checks the call's token and the signature.
 */
export const webhookRoute: HttpRoute = (app, services) => {
  app.post('/webhooks/:provider', parseWebhookBody, async (req, res, next) => {
    const name = String(req.params['provider']).toUpperCase();
    const provider = (PROVIDERS as readonly string[]).includes(name) ? name : 'other';
    try {
      const { dispatcher } = services;
      // Providers sign the URL they called: our public base plus the path and query we gave them.
      const url = `${dispatcher.publicBaseUrl().replace(/\/$/, '')}${req.originalUrl}`;
      const result = await dispatcher.handleWebhook(String(req.params['provider']), {
        method: req.method,
        url,
        headers: req.headers,
        body: (req.body ?? {}) as Record<string, unknown>,
        rawBody: (req as WithRawBody).rawBody ?? Buffer.alloc(0),
      });
      webhookHandled(provider, counterResult(result));
      answer(res, result);
    } catch (error) {
      webhookHandled(provider, 'error');
      next(error);
    }
  });
};

/** `/simulator`: the built-in simulated provider's API (see providers/simulated/simulator.ts). */
export const simulatorRoute: HttpRoute = (app, services) => {
  app.use('/simulator', services.dispatcher.simulator.router());
};
