import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { AppServices, RequestContext } from '../context';
import { createRequestContext } from '../context';
import type { ErrorCode } from '../errors';
import { AppError, unauthenticated } from '../errors';
import { logger } from '../logger';
import { bearerToken } from '../users/auth.token';
import { authenticateBearer } from '../users/auth.principal';

/** HTTP status of each client error code (the older designs' 400/401/403/404/409). */
export const STATUS_OF: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
};

/** The error body both older designs' clients read: `{success: false, error: {code, message}}`. */
export interface RestErrorBody {
  success: false;
  error: { code: string; message: string; field?: string };
}

export function sendError(res: Response, status: number, code: string, message: string, field?: string): void {
  const body: RestErrorBody = { success: false, error: { code, message, ...(field ? { field } : {}) } };
  res.status(status).json(body);
}

/**
 * Runs a REST handler with the caller's RequestContext: authenticated by the same function as
 * GraphQL (authenticateBearer), roles checked by the services' callers through `requireUser`.
 * The handler returns `[status, body]`; AppErrors become the older designs' error body.
 */
export function restHandler(
  services: AppServices,
  handle: (ctx: RequestContext, req: Request) => Promise<[number, unknown]>,
): RequestHandler {
  return async (req: Request, res: Response) => {
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? randomUUID();
    const log = logger.child({ requestId, transport: 'rest' });
    try {
      const token = bearerToken(req.headers.authorization);
      if (!token) throw unauthenticated('Send "Authorization: Bearer <token or API key>"');
      const user = await authenticateBearer(services.config, token);
      const [status, body] = await handle(createRequestContext(services, user, requestId, log), req);
      res.status(status).json(body);
    } catch (error) {
      if (error instanceof AppError) {
        sendError(res, STATUS_OF[error.code], error.code, error.message, error.field);
        return;
      }
      log.error({ err: error, method: req.method, path: req.path }, 'unexpected error in a REST route');
      sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
    }
  };
}

/**
 * Errors of the body parser (malformed JSON, too large) in the REST error shape; mounted after
 * the routes of /api/v1.
 */
export function restParseErrors(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  const status = (error as { status?: unknown }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const type = (error as { type?: unknown }).type;
    const message =
      type === 'entity.parse.failed'
        ? 'body: must be valid JSON'
        : type === 'entity.too.large'
          ? 'body: too large (at most 6 MB)'
          : `body: ${(error as Error).message}`;
    sendError(res, status, 'BAD_USER_INPUT', message, 'body');
    return;
  }
  next(error);
}
