import { AppError, ErrorCode } from '../errors';
import { logger } from '../logger';

/** HTTP status of each client error code. */
const STATUS_OF_CODE: Record<ErrorCode, number> = {
  [ErrorCode.BAD_USER_INPUT]: 400,
  [ErrorCode.UNAUTHENTICATED]: 401,
  [ErrorCode.FORBIDDEN]: 403,
  [ErrorCode.NOT_FOUND]: 404,
  [ErrorCode.CONFLICT]: 409,
  [ErrorCode.RATE_LIMITED]: 429,
};

/**
 * The answer to an error thrown by an HTTP route: client errors keep their message (an
 * `AppError` with its code, or a 4xx such as body-parser's), the rest is logged and masked. The
 * app's last express middleware and the routes served before express (the webhooks) both answer with it.
 */
export function errorReply(error: unknown): { status: number; body: { error: Record<string, unknown> } } {
  if (error instanceof AppError)
    return {
      status: STATUS_OF_CODE[error.code],
      body: { error: { code: error.code, message: error.message, field: error.field } },
    };
  const status = (error as { status?: number }).status;
  if (typeof status === 'number' && status >= 400 && status < 500)
    return { status, body: { error: { code: 'BAD_REQUEST', message: (error as Error).message } } };
  logger.error({ err: error }, 'unexpected error in an HTTP route');
  return { status: 500, body: { error: { code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' } } };
}
