import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { CloseCode } from 'graphql-ws';
import { GraphQLError, NoSchemaIntrospectionCustomRule, execute, parse, specifiedRules, validate } from 'graphql';
import { subscribeShared } from './shared-execution';
import { createSharedFrames } from './shared-frames';
import { OperationCounts } from './operation-counts';
import type { SocketOperations } from './operation-counts';
import type { DocumentNode, ExecutionResult, GraphQLSchema, ValidationRule } from 'graphql';
import { SubscriptionServer } from 'subscriptions-transport-ws';
import type { AppServices, RequestContext } from '../context';
import { createRequestContext } from '../context';
import { AppError, unauthenticated } from '../errors';
import { formatError } from '../http/graphql';
import { PARSE_OPTIONS } from '../schema/limits';
import { logger } from '../logger';
import { bearerToken } from '../users/auth.token';
import { authenticateBearer, principalKey } from '../users/auth.principal';
import type { AuthUser } from '../users/auth.token';

export interface WsServerOptions {
  /** Path shared with HTTP GraphQL. Default `/graphql`. */
  path?: string;
  /** Largest message a client may send, in bytes. Default 64 KiB. */
  maxPayload?: number;
  /** How long a client has to send `connection_init`. Default 5 s. */
  connectionInitWaitTimeout?: number;
  /**
   * Rules run on every operation on top of graphql-js's: the same depth, cost and alias limits
   * as HTTP, because Apollo's validation does not run on the WebSocket path.
   */
  validationRules?: (variables: Record<string, unknown> | undefined) => readonly ValidationRule[];
  /** The client's address for a socket's upgrade request (TRUST_PROXY applied). Default: the peer's. */
  clientIp?: (request: IncomingMessage) => string | null;
}

export interface WsServerHandle {
  /** Open sockets of both protocols. */
  connections(): number;
  /** Closes the sockets authenticated as a principal (`principalKey`) with 4403: a revoked key, a removed user. */
  closePrincipal(key: string, reason: string): number;
  /** Closes every socket with 1012 (service restart: reconnect) and stops accepting. Idempotent. */
  close(): Promise<void>;
}

/** Parsed and validated graphql-ws operations kept (see `checkedOperation`), and the longest kept (text + variables). */
const CHECKED_OPERATIONS = 200;
const CHECKED_OPERATION_CHARS = 8 * 1024;

/** How long a slow consumer gets to take its close frame before its socket is dropped. */
const SLOW_CONSUMER_GRACE_MS = 5_000;

/** Close codes sent to clients, named (graphql-ws's own codes are reused where they fit). */
export const WsCloseCode = {
  Unauthorized: CloseCode.Unauthorized, // 4401
  Forbidden: CloseCode.Forbidden, // 4403
  ConnectionInitTimeout: CloseCode.ConnectionInitialisationTimeout, // 4408
  TokenExpired: 4401,
  ServiceRestart: 1012,
  /**
   * 1013 "Try Again Later" (RFC 6455's registry): the client left more than WS_MAX_BUFFERED_BYTES
   * unread. graphql-ws clients retry this code, and a reconnected subscription starts with a
   * fresh snapshot, so nothing is lost but the backlog.
   */
  SlowConsumer: 1013,
} as const;

type SocketExtra = {
  user?: AuthUser;
  requestId?: string;
};

/**
 * graphql-js's validation messages end with "Did you mean …?" suggestions that name schema
 * fields: in production they would hand out the schema that introspection keeps back. The same
 * expression as Apollo's `hideSchemaDetailsFromClientErrors` (ApolloServerPluginDisableSuggestions;
 * https://www.apollographql.com/docs/apollo-server/api/apollo-server), so both paths read alike.
 */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/**
 * Validation errors as a client may see them: with Apollo's code (so formatError lets them
 * through instead of masking them as internal) and, in production, without schema suggestions.
 */
function clientValidationErrors(errors: readonly GraphQLError[], production: boolean): GraphQLError[] {
  return errors.map(
    (error) =>
      new GraphQLError(production ? error.message.replace(SUGGESTION, '') : error.message, {
        ...(error.nodes ? { nodes: error.nodes } : {}),
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions },
      }),
  );
}

/** A document that does not parse (or is over the token budget), with Apollo's code for it. */
function parseFailure(error: unknown): GraphQLError {
  const message = error instanceof GraphQLError ? error.message : 'Could not parse the operation';
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
}

/** Maps thrown errors to what a client may see: client errors keep their message, the rest is masked. */
function formatErrors(result: ExecutionResult): ExecutionResult {
  if (!result.errors) return result;
  return {
    ...result,
    errors: result.errors.map((error) => {
      const formatted = formatError(error.toJSON(), error);
      return new GraphQLError(formatted.message, { path: formatted.path, extensions: formatted.extensions });
    }),
  };
}

/** Messages the legacy library itself sends that say what the client did wrong, not how we failed. */
const LEGACY_CLIENT_MESSAGES: ReadonlySet<string> = new Set(['Invalid message type!', 'Prohibited connection!']);

/**
 * subscriptions-transport-ws sends the raw `message` of anything thrown while it handles a
 * message (a `start` without payload answered "Cannot read properties of undefined (reading
 * 'query')"). Its `sendError` is the one way out for those, so it is wrapped: client messages
 * pass, the rest is logged and masked as HTTP masks it (http/graphql.ts formatError).
 */
function maskLegacyErrors(server: SubscriptionServer, clientMessages: ReadonlySet<string>): void {
  const target = server as unknown as {
    sendError: (context: unknown, opId: unknown, payload: Record<string, unknown>, type?: unknown) => void;
  };
  const send = target.sendError.bind(server);
  target.sendError = (context, opId, payload, type) => {
    const message = typeof payload?.message === 'string' ? payload.message : '';
    if (LEGACY_CLIENT_MESSAGES.has(message) || clientMessages.has(message)) {
      send(context, opId, { message }, type);
      return;
    }
    logger.warn({ err: message }, 'legacy websocket error; masked for the client');
    send(context, opId, { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }, type);
  };
}

async function authenticate(services: AppServices, params: Record<string, unknown> | undefined): Promise<AuthUser> {
  const header = params?.['authorization'] ?? params?.['Authorization'];
  const token = bearerToken(header);
  if (!token) throw unauthenticated('Send connectionParams { authorization: "Bearer <token>" }');
  return authenticateBearer(services.config, token);
}

/**
 * GraphQL over WebSocket on the HTTP server's GraphQL path, speaking both protocols:
 * graphql-ws (subprotocol `graphql-transport-ws`, Apollo Client and our dashboard) and the
 * older subscriptions-transport-ws (subprotocol `graphql-ws`, GraphQL Playground), chosen by
 * the subprotocol the client asks for. Both authenticate from connectionParams, apply the
 * same limits, and close when the token expires.
 */
export function startWsServer(
  httpServer: Server,
  schema: GraphQLSchema,
  services: AppServices,
  options: WsServerOptions = {},
): WsServerHandle {
  const {
    path = '/graphql',
    maxPayload = 64 * 1024,
    connectionInitWaitTimeout = 5_000,
    validationRules = () => [],
    clientIp: clientIpOf = (request: IncomingMessage) => request.socket.remoteAddress ?? null,
  } = options;
  // Same rules as HTTP (http/graphql.ts): no introspection and no schema hints in production.
  const production = services.config.nodeEnv === 'production';
  const rulesFor = (variables: Record<string, unknown> | undefined) => [
    ...specifiedRules,
    ...(production ? [NoSchemaIntrospectionCustomRule] : []),
    ...validationRules(variables),
  ];
  const check = (document: DocumentNode, variables: Record<string, unknown> | undefined) =>
    clientValidationErrors(validate(schema, document, rulesFor(variables)), production);
  /**
   * Parsed and validated operations by text and variables (validation depends on nothing else:
   * the cost rule reads the variables). Thousands of dashboards send the same few operations;
   * parsing and validating each once keeps one AST in memory for all of them instead of one per
   * subscription, and takes the work off a reconnect storm. Bounded: the oldest entry goes.
   */
  const checkedOperations = new Map<string, { document: DocumentNode; errors: GraphQLError[] } | GraphQLError>();
  const checkedOperation = (query: string, variables: Record<string, unknown> | undefined) => {
    const key = `${JSON.stringify(variables ?? null)}\u0000${query}`;
    let checked = checkedOperations.get(key);
    if (!checked) {
      try {
        const document = parse(query, PARSE_OPTIONS);
        checked = { document, errors: check(document, variables) };
      } catch (error) {
        checked = parseFailure(error);
      }
      // Only small operations are kept, so the cache stays small whatever clients send.
      if (key.length <= CHECKED_OPERATION_CHARS) {
        if (checkedOperations.size >= CHECKED_OPERATIONS)
          checkedOperations.delete(checkedOperations.keys().next().value!);
        checkedOperations.set(key, checked);
      }
    }
    return checked;
  };
  const expiryTimers = new Map<WebSocket, NodeJS.Timeout | null>();
  /** Open sockets by principal, so a revocation can close them. */
  const byPrincipal = new Map<string, Set<WebSocket>>();
  const closeAtExpiry = (socket: WebSocket, user: AuthUser) => {
    const key = principalKey(user);
    const sockets = byPrincipal.get(key) ?? new Set<WebSocket>();
    sockets.add(socket);
    byPrincipal.set(key, sockets);
    socket.once('close', () => {
      sockets.delete(socket);
      if (sockets.size === 0 && byPrincipal.get(key) === sockets) byPrincipal.delete(key);
    });
    // API keys never expire (Infinity): only a revocation closes their sockets.
    if (!Number.isFinite(user.expiresAt)) {
      expiryTimers.set(socket, null);
      socket.once('close', () => expiryTimers.delete(socket));
      return;
    }
    const ms = user.expiresAt * 1000 - Date.now();
    const timer = setTimeout(
      () => socket.close(WsCloseCode.TokenExpired, 'Token expired: sign in again'),
      Math.max(0, ms),
    );
    timer.unref();
    expiryTimers.set(socket, timer);
    socket.once('close', () => {
      clearTimeout(timer);
      expiryTimers.delete(socket);
    });
  };

  const bounds = services.config.ws;
  /** Running operations per organization in this process (operation-counts.ts). */
  const operationCounts = new OperationCounts();
  /** Each socket's count of its running operations (the current one included) in its organization's. */
  const sockets = new WeakMap<WebSocket, { active: () => number; counts: SocketOperations }>();
  const track = (socket: WebSocket, organizationId: string, active: () => number) => {
    const counts = operationCounts.track(organizationId, active);
    sockets.set(socket, { active, counts });
    socket.once('close', () => counts.release());
  };
  /**
   * Refuses an operation past the per-socket or per-organization cap: one socket held 5,000
   * `callUpdated` streams, and each costs memory and a send per event. Called once the operation
   * is registered, so the counts include it.
   */
  const capError = (socket: WebSocket): GraphQLError | null => {
    const info = sockets.get(socket);
    if (!info) return null;
    const onSocket = info.active();
    if (onSocket > bounds.maxSubscriptionsPerSocket)
      return new GraphQLError(
        `This connection runs ${bounds.maxSubscriptionsPerSocket} operations already, the most one may: end some first`,
        {
          extensions: { code: 'RATE_LIMITED', limit: 'subscriptionsPerSocket', max: bounds.maxSubscriptionsPerSocket },
        },
      );
    if (info.counts.total(bounds.maxSubscriptionsPerOrganization) > bounds.maxSubscriptionsPerOrganization)
      return new GraphQLError(
        `Your organization runs ${bounds.maxSubscriptionsPerOrganization} live operations on this server already, the most it may: end some first`,
        {
          extensions: {
            code: 'RATE_LIMITED',
            limit: 'subscriptionsPerOrganization',
            max: bounds.maxSubscriptionsPerOrganization,
          },
        },
      );
    return null;
  };

  /**
   * Bounds what waits in memory for a client that does not read. Two signs, either closes the
   * socket with 1013 (and, as a client that reads nothing never takes the close frame either,
   * drops it after a grace); without them one such client grew the heap by 500 MB in 24 s:
   * - more than WS_MAX_BUFFERED_BYTES queued in ws (`bufferedAmount`: sent, not yet handed to
   *   the kernel), which large messages reach at once;
   * - a send not handed to the kernel for WS_MAX_STALL_MS. graphql-ws waits for each send of a
   *   subscription before taking its next event, so small messages never pile up in ws: they
   *   pile up in the hub's mailboxes, out of sight of `bufferedAmount`, while the first waits.
   */
  const frames = createSharedFrames<WebSocket>();
  const boundBuffer = (socket: WebSocket) => {
    const send = socket.send.bind(socket) as (...args: unknown[]) => void;
    /** Start times of the sends ws has not finished, oldest first (ws finishes them in order). */
    const unfinished: number[] = [];
    let stallCheck: NodeJS.Timeout | null = null;
    const closeSlow = (why: Record<string, number>) => {
      if (socket.readyState !== socket.OPEN) return;
      logger.info(why, 'websocket closed: the client does not read what it subscribed to');
      socket.close(WsCloseCode.SlowConsumer, 'Slow consumer: reconnect for a fresh snapshot');
      const timer = setTimeout(() => socket.terminate(), SLOW_CONSUMER_GRACE_MS);
      timer.unref();
      socket.once('close', () => clearTimeout(timer));
    };
    const checkStall = () => {
      stallCheck = null;
      const oldest = unfinished[0];
      if (oldest === undefined) return;
      const waited = Date.now() - oldest;
      if (waited >= bounds.maxStallMs) closeSlow({ stalledMs: waited, max: bounds.maxStallMs });
      else stallCheck = setTimeout(checkStall, bounds.maxStallMs - waited).unref();
    };
    socket.send = ((data: unknown, ...rest: unknown[]) => {
      const options = typeof rest[0] === 'function' ? {} : (rest[0] ?? {});
      const callback = (typeof rest[0] === 'function' ? rest[0] : rest[1]) as ((error?: Error) => void) | undefined;
      unfinished.push(Date.now());
      send(frames.expand(socket, data), options, (error?: Error) => {
        unfinished.shift();
        callback?.(error);
      });
      stallCheck ??= setTimeout(checkStall, bounds.maxStallMs).unref();
      if (socket.bufferedAmount > bounds.maxBufferedBytes)
        closeSlow({ bufferedBytes: socket.bufferedAmount, max: bounds.maxBufferedBytes });
    }) as typeof socket.send;
    socket.once('close', (code: number, reason: Buffer) => {
      if (stallCheck) clearTimeout(stallCheck);
      // One line per disconnect, at debug: a mass disconnect must not flood the log.
      logger.debug({ code, reason: String(reason), protocol: socket.protocol }, 'websocket closed');
    });
  };

  // ws closes a socket itself after any socket error (1009 for an oversized message); the
  // protocol libraries would also print the error to the console (graphql-ws) or crash on an
  // unhandled 'error' event (subscriptions-transport-ws). So errors stop here, logged.
  // Registered before the libraries' own 'connection' listeners, so it runs first.
  const quietErrors = (socket: WebSocket) => {
    const emit = socket.emit.bind(socket);
    socket.emit = ((event: string | symbol, ...args: unknown[]) => {
      if (event === 'error') {
        logger.warn({ err: args[0] }, 'websocket error; the socket is closed');
        return true;
      }
      return emit(event, ...args);
    }) as typeof socket.emit;
  };

  // --- graphql-ws (graphql-transport-ws) ---------------------------------------------------
  const modern = new WebSocketServer({ noServer: true, maxPayload });
  modern.on('connection', quietErrors);
  modern.on('connection', boundBuffer);
  const modernCleanup = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      subscribe: subscribeShared,
      connectionInitWaitTimeout,
      context: (ctx) =>
        contextFor(ctx.extra.user ?? null, ctx.extra.requestId ?? randomUUID(), clientIpOf(ctx.extra.request)),
      onConnect: async (ctx) => {
        try {
          const user = await authenticate(services, ctx.connectionParams);
          ctx.extra.user = user;
          ctx.extra.requestId = randomUUID();
          closeAtExpiry(ctx.extra.socket, user);
          // graphql-ws registers an operation in ctx.subscriptions before onSubscribe and removes it when it ends.
          track(ctx.extra.socket, user.organizationId, () => Object.keys(ctx.subscriptions).length);
          return true;
        } catch (error) {
          const message = error instanceof AppError ? error.message : 'Authentication failed';
          // A precise reason beats graphql-ws's bare "Forbidden" when a dashboard shows it.
          ctx.extra.socket.close(WsCloseCode.Forbidden, `Forbidden: ${message}`.slice(0, 120));
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const capped = capError(ctx.extra.socket);
        if (capped) return [capped];
        const checked = checkedOperation(payload.query, payload.variables ?? undefined);
        if (checked instanceof GraphQLError) return [checked];
        if (checked.errors.length > 0) return checked.errors;
        // Returning the arguments (a fresh object: graphql-ws adds the root and context to it)
        // stops graphql-ws from parsing and validating the operation a second time itself.
        return {
          schema,
          document: checked.document,
          variableValues: payload.variables ?? undefined,
          operationName: payload.operationName ?? undefined,
        };
      },
      // One JSON text per shared result for all its subscribers (shared-frames.ts); a result with
      // errors is formatted for each.
      onNext: (ctx, id, _payload, _args, result) =>
        result.errors ? formatErrors(result) : frames.next(ctx.extra.socket, id, result),
      // An operation that fails because its socket closed (sends rejected) has no one to tell:
      // without this, closing a socket with 5,000 streams logged 9,000 error lines.
      onError: (ctx, _id, _payload, errors) =>
        ctx.extra.socket.readyState !== ctx.extra.socket.OPEN ? [] : errors.map((e) => formatError(e.toJSON(), e)),
    },
    modern,
  );

  // --- subscriptions-transport-ws (legacy `graphql-ws` subprotocol) --------------------------
  /** The legacy protocol's keep-alive (`{"type":"ka"}` every 15 s, first just after the ack), stopped at close. */
  const legacyKeepAlive = (socket: WebSocket) => {
    const send = () => {
      if (socket.readyState === socket.OPEN) socket.send('{"type":"ka"}');
    };
    // After the library's connection_ack, which it sends once onConnect resolves.
    const first = setTimeout(send, 0);
    const timer = setInterval(send, 15_000);
    socket.once('close', () => {
      clearTimeout(first);
      clearInterval(timer);
    });
  };
  const legacy = new WebSocketServer({ noServer: true, maxPayload });
  legacy.on('connection', quietErrors);
  legacy.on('connection', boundBuffer);
  const legacyClientMessages = new Set<string>();
  const legacyServer = SubscriptionServer.create(
    {
      schema,
      execute: execute as never,
      subscribe: subscribeShared as never,
      validationRules: rulesFor(undefined),
      // No `keepAlive` here: the library's timer outlives a closed socket by up to one period
      // (it only notices the close at its next tick), holding the process open at shutdown.
      // legacyKeepAlive sends the same `ka` messages and stops with the socket.
      onConnect: async (
        params: Record<string, unknown> | undefined,
        socket: WebSocket,
        connection: { request?: IncomingMessage; operations?: Record<string, unknown> },
      ) => {
        let user: AuthUser;
        try {
          user = await authenticate(services, params);
        } catch (error) {
          // The library keeps only the message of what is thrown here: recorded as a client
          // message so maskLegacyErrors lets it through (a handful of fixed auth texts).
          const message = error instanceof AppError ? error.message : 'Authentication failed';
          if (legacyClientMessages.size > 100) legacyClientMessages.clear();
          legacyClientMessages.add(message);
          throw new Error(message, { cause: error });
        }
        closeAtExpiry(socket, user);
        legacyKeepAlive(socket);
        // The library registers an operation in `operations` before onOperation, and removes it at its stop.
        track(socket, user.organizationId, () => Object.keys(connection.operations ?? {}).length);
        return { user, requestId: randomUUID(), clientIp: connection.request ? clientIpOf(connection.request) : null };
      },
      // Async, so what it throws reaches the library as a rejection: one with `errors` is then sent
      // as a data message carrying them (a synchronous throw would go out as a bare error text).
      onOperation: async (
        message: { payload?: { variables?: Record<string, unknown> } },
        params: { context: { user: AuthUser; requestId: string; clientIp: string | null } } & Record<string, unknown>,
        socket: WebSocket,
      ) => {
        const capped = capError(socket);
        if (capped) throw Object.assign(new Error('Too many operations'), { errors: [capped] });
        const query = params['query'];
        const variables = message.payload?.variables;
        // A text goes through the same parse-and-validate cache as graphql-ws operations.
        const checked =
          typeof query === 'string'
            ? checkedOperation(query, variables)
            : typeof query === 'object' && query !== null
              ? { document: query as DocumentNode, errors: check(query as DocumentNode, variables) }
              : parseFailure(new GraphQLError('Send the operation in payload.query'));
        // `errors` makes the library answer with a data message carrying them, unmasked.
        if (checked instanceof GraphQLError) throw Object.assign(new Error('Invalid operation'), { errors: [checked] });
        if (checked.errors.length > 0) throw Object.assign(new Error('Invalid operation'), { errors: checked.errors });
        return {
          ...params,
          context: contextFor(params.context.user, params.context.requestId, params.context.clientIp),
          formatResponse: (value: ExecutionResult) => formatErrors(value),
        };
      },
    },
    legacy,
  );
  maskLegacyErrors(legacyServer, legacyClientMessages);
  legacy.on('connection', (socket: WebSocket) => {
    // The legacy library has no connection-init timeout of its own.
    const timer = setTimeout(() => {
      if (!expiryTimers.has(socket))
        socket.close(WsCloseCode.ConnectionInitTimeout, 'Connection initialisation timeout');
    }, connectionInitWaitTimeout);
    socket.once('close', () => clearTimeout(timer));
  });

  function contextFor(user: AuthUser | null, requestId: string, clientIp: string | null = null): RequestContext {
    return createRequestContext(services, user, requestId, logger.child({ requestId, transport: 'ws' }), clientIp);
  }

  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== path) {
      socket.destroy();
      return;
    }
    const protocols = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim());
    const target = protocols.includes('graphql-transport-ws')
      ? modern
      : protocols.includes('graphql-ws')
        ? legacy
        : null;
    if (!target) {
      socket.write('HTTP/1.1 400 Bad Request\r\n\r\nUse subprotocol graphql-transport-ws or graphql-ws\r\n');
      socket.destroy();
      return;
    }
    target.handleUpgrade(request, socket, head, (ws) => target.emit('connection', ws, request));
  };
  httpServer.on('upgrade', onUpgrade);

  let closing: Promise<void> | null = null;
  return {
    connections: () => modern.clients.size + legacy.clients.size,
    closePrincipal: (key, reason) => {
      const sockets = [...(byPrincipal.get(key) ?? [])];
      for (const socket of sockets) socket.close(WsCloseCode.Forbidden, reason.slice(0, 120));
      return sockets.length;
    },
    close: () =>
      (closing ??= (async () => {
        httpServer.off('upgrade', onUpgrade);
        for (const timer of expiryTimers.values()) if (timer) clearTimeout(timer);
        for (const client of [...modern.clients, ...legacy.clients])
          client.close(WsCloseCode.ServiceRestart, 'Server restarting: reconnect');
        try {
          await modernCleanup.dispose();
        } catch (error) {
          logger.warn({ err: error }, 'graphql-ws dispose failed');
        }
        legacyServer.close();
        await Promise.all([
          new Promise<void>((r) => modern.close(() => r())),
          new Promise<void>((r) => legacy.close(() => r())),
        ]);
      })()),
  };
}
