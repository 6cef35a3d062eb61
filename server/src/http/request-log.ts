import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { logger as processLogger } from '../logger';
import type { Logger } from '../logger';

/** Probes and scrapes: polled every few seconds by orchestrators and Prometheus, never logged. */
const QUIET_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Where handlers leave the caller's organization for the request log (`noteOrganization`). */
const ORGANIZATION = 'organizationId';

/** Records the caller's organization on the response, for its request-log line. */
export function noteOrganization(res: Response, organizationId: string): void {
  res.locals[ORGANIZATION] = organizationId;
}

/**
 * The route that served a request, never its query string (webhook URLs carry tokens): the
 * matched route pattern (`/webhooks/:provider`) or, for mounted middleware such as `/graphql`,
 * its mount path; else the path itself (static files, 404s).
 */
function routeOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl ?? ''}${pattern}`;
  if (req.baseUrl) return req.baseUrl;
  return (req.originalUrl ?? req.url).split('?')[0] ?? '/';
}

/**
 * Machine-to-machine paths: provider webhooks and the built-in simulator's API. Each call brings
 * two or three webhooks and a place-call, so at hundreds of calls a second an `info` line per
 * request (and pino-http's two child loggers per request) was ~5% of the API's CPU; their
 * successes log at `debug` (`dialwave_webhooks_total` counts them), failures still at warn/error.
 */
function isMachinePath(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/webhooks/') || url.startsWith('/simulator/'));
}

/** The caller's X-Request-Id when it is sane, else a new one; echoed in the response. */
function requestIdFor(req: IncomingMessage, res: ServerResponse): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

/** What a request's line says: method, route, status, duration, organization (when noted), request id. */
function lineOf(req: IncomingMessage, res: ServerResponse, responseTime: number, route?: string) {
  const request = req as Request;
  const organizationId = (res as Response).locals?.[ORGANIZATION] as string | undefined;
  return {
    requestId: request.id,
    method: request.method,
    route: route ?? routeOf(request),
    status: res.statusCode,
    durationMs: responseTime,
    ...(organizationId ? { organizationId } : {}),
  };
}

/**
 * The request line of a machine path (`isMachinePath`), without pino-http: the same fields,
 * written only when the level it falls at is enabled (`debug` for successes, so nothing is
 * built for them in production). pino-http has no way to skip its per-request child loggers.
 * `route`: the route pattern, for a request served outside express (which otherwise names it).
 */
export function logMachineRequest(
  req: IncomingMessage,
  res: ServerResponse,
  route?: string,
  log: Logger = processLogger,
): void {
  (req as { id?: unknown }).id = requestIdFor(req, res);
  const start = Date.now();
  let logged = false;
  const done = () => {
    if (logged) return;
    logged = true;
    const failed = res.statusCode >= 500;
    const level = failed ? 'error' : res.statusCode >= 400 ? 'warn' : 'debug';
    if (!log.isLevelEnabled(level)) return;
    const line = lineOf(req, res, Date.now() - start, route);
    if (failed) log[level]({ ...line, err: new Error(`failed with status code ${res.statusCode}`) }, 'request failed');
    else log[level](line, 'request completed');
  };
  res.once('finish', done);
  res.once('close', done);
}

/**
 * One structured line per HTTP request when its response ends: method, route, status,
 * duration (ms), organization (when a handler noted it) and request id. Health probes and
 * metric scrapes are not logged. Server errors log at `error`, client errors at `warn`; the
 * successes of webhooks and the simulator's API at `debug` (`isMachinePath`), the rest at `info`.
 * pino-http (https://github.com/pinojs/pino-http#api) with our own line instead of its default
 * req/res serializers, which would log every header, the bearer token included.
 * Quiet in tests because the process logger is silent there (logger.ts).
 */
export function requestLogger(log: Logger = processLogger): RequestHandler {
  const machine: RequestHandler = (req, res, next) => {
    logMachineRequest(req, res, undefined, log);
    next();
  };
  const http = pinoHttp({
    logger: log,
    // The bindings of req.log / res.log: the request id only (not the whole request).
    quietReqLogger: true,
    quietResLogger: true,
    genReqId: requestIdFor,
    autoLogging: { ignore: (req) => QUIET_PATHS.has((req.url ?? '').split('?')[0] ?? '') },
    customLogLevel: (_req, res, error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    customSuccessObject: (req, res, val: { responseTime: number }) => lineOf(req, res, val.responseTime),
    customErrorObject: (req, res, error: Error, val: { responseTime: number }) => ({
      ...lineOf(req, res, val.responseTime),
      err: error,
    }),
  }) as unknown as RequestHandler;
  return (req, res, next) => (isMachinePath(req.url) ? machine(req, res, next) : http(req, res, next));
}
