/**
 * Errors the embedded server sends back to clients, shaped like mongod's:
 * `{ ok: 0, errmsg, code, codeName }` plus any extra fields (e.g. `keyPattern`/`keyValue`
 * for duplicate keys), so the driver turns them into the same `MongoServerError`s a real
 * server would produce.
 */

/** The MongoDB error codes this server emits, with mongod's code names. */
export const ErrorCode = {
  InternalError: 1,
  BadValue: 2,
  FailedToParse: 9,
  TypeMismatch: 14,
  IllegalOperation: 20,
  PathNotViable: 28,
  NamespaceNotFound: 26,
  IndexNotFound: 27,
  CursorNotFound: 43,
  NamespaceExists: 48,
  CommandNotFound: 59,
  ConflictingUpdateOperators: 40,
  ImmutableField: 66,
  InvalidOptions: 72,
  InvalidNamespace: 73,
  IndexOptionsConflict: 85,
  IndexKeySpecsConflict: 86,
  InvalidPipelineOperator: 168,
  DuplicateKey: 11000,
  UnknownGroupOperator: 15952,
  UnrecognizedPipelineStage: 40324,
  Location31254: 31254,
  Location40323: 40323,
  Location31253: 31253,
} as const;

export type ErrorCodeName = keyof typeof ErrorCode;

/** An error reply; `extra` fields are copied into the reply document next to `code`. */
export class MongoCommandError extends Error {
  readonly code: number;
  readonly codeName: ErrorCodeName;
  readonly extra: Record<string, unknown>;

  constructor(codeName: ErrorCodeName, message: string, extra: Record<string, unknown> = {}) {
    super(message);
    this.name = 'MongoCommandError';
    this.code = ErrorCode[codeName];
    this.codeName = codeName;
    this.extra = extra;
  }

  /** The fields of a write error entry (`writeErrors[i]`), minus `index`. */
  toWriteError(): Record<string, unknown> {
    return { code: this.code, errmsg: this.message, ...this.extra };
  }

  /** The full `ok: 0` reply document. */
  toReply(): Record<string, unknown> {
    return { ok: 0, errmsg: this.message, code: this.code, codeName: this.codeName, ...this.extra };
  }
}

/**
 * A MongoCommandError without a stack trace, for errors that only become a reply and come by the
 * thousand: an `ordered: false` insert of an import meets a duplicate key in 3% of its rows, and
 * capturing each one's stack showed in the server's profile. Nothing logs these.
 */
export function replyError(
  codeName: ErrorCodeName,
  message: string,
  extra: Record<string, unknown> = {},
): MongoCommandError {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new MongoCommandError(codeName, message, extra);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * mingo throws plain `MingoError`s with its own wording for unknown operators; translate the
 * ones a client can cause into mongod's codes and messages. Anything else is a bad value.
 */
export function translateMingoError(err: unknown): MongoCommandError {
  if (err instanceof MongoCommandError) return err;
  const message = err instanceof Error ? err.message : String(err);
  let m = /unknown top level operator:? (\$\w+)/i.exec(message);
  if (m) return new MongoCommandError('BadValue', `unknown top level operator: ${m[1]}`);
  m = /unknown query operator:? (\$\w+)/i.exec(message);
  if (m) return new MongoCommandError('BadValue', `unknown operator: ${m[1]}`);
  m = /unregistered pipeline operator:? (\$\w+)/i.exec(message);
  if (m) return new MongoCommandError('UnrecognizedPipelineStage', `Unrecognized pipeline stage name: '${m[1]}'`);
  // mingo looks an unknown expression operator up as an accumulator last, so this is what an
  // unknown expression reports; unknown `$group` accumulators are caught before mingo runs.
  m = /accumulator '?(\$\w+)'? is not registered/i.exec(message);
  if (m) return new MongoCommandError('InvalidPipelineOperator', `Unrecognized expression '${m[1]}'`);
  return new MongoCommandError('BadValue', message);
}
