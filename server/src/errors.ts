import { GraphQLError } from 'graphql';

/** The one enum of client error codes. Anything else reaching a client is masked. */
export enum ErrorCode {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  RATE_LIMITED = 'RATE_LIMITED',
}

/**
 * A client error: the caller can act on its message. Services throw these; they know
 * nothing of GraphQL, so `toGraphQLError` translates at the edge.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** For BAD_USER_INPUT: the input field at fault, as a dotted path (`settings.concurrentCallsLimit`). */
    readonly field?: string,
    readonly extra?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const badInput = (field: string, message: string, extra?: Record<string, unknown>) =>
  new AppError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, field, extra);
export const notFound = (what: string) => new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
export const conflict = (message: string, extra?: Record<string, unknown>) =>
  new AppError(ErrorCode.CONFLICT, message, undefined, extra);
export const forbidden = (message = 'You do not have permission to do this') =>
  new AppError(ErrorCode.FORBIDDEN, message);
export const unauthenticated = (message = 'Sign in first: send "Authorization: Bearer <token>"') =>
  new AppError(ErrorCode.UNAUTHENTICATED, message);

/** Translates an AppError into a GraphQLError carrying `extensions.code` (and `field`). */
export function toGraphQLError(error: AppError): GraphQLError {
  return new GraphQLError(error.message, {
    extensions: {
      code: error.code,
      ...(error.field ? { field: error.field } : {}),
      ...(error.extra ?? {}),
    },
  });
}
