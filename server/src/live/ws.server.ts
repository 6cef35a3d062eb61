import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { WebSocketServer } from 'ws';
import type { WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { CloseCode } from 'graphql-ws';
import { GraphQLError, execute, parse, specifiedRules, validate } from 'graphql';
import { subscribeShared } from './shared-execution';
import type { DocumentNode, ExecutionResult, GraphQLSchema, ValidationRule } from 'graphql';
import { SubscriptionServer } from 'subscriptions-transport-ws';
import type { AppServices, RequestContext } from '../context';
import { createRequestContext } from '../context';
import { AppError, unauthenticated } from '../errors';
import { formatError } from '../http/graphql';
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
}

export interface WsServerHandle {
  /** Open sockets of both protocols. */
  connections(): number;
  /** Closes the sockets authenticated as a principal (`principalKey`) with 4403: a revoked key, a removed user. */
  closePrincipal(key: string, reason: string): number;
  /** Closes every socket with 1012 (service restart: reconnect) and stops accepting. Idempotent. */
  close(): Promise<void>;
}

/** Close codes sent to clients, named (graphql-ws's own codes are reused where they fit). */
export const WsCloseCode = {
  Unauthorized: CloseCode.Unauthorized, // 4401
  Forbidden: CloseCode.Forbidden, // 4403
  ConnectionInitTimeout: CloseCode.ConnectionInitialisationTimeout, // 4408
  TokenExpired: 4401,
  ServiceRestart: 1012,
} as const;

type SocketExtra = {
  user?: AuthUser;
  requestId?: string;
};

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
  } = options;
  const rulesFor = (variables: Record<string, unknown> | undefined) => [
    ...specifiedRules,
    ...validationRules(variables),
  ];
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
  const modernCleanup = useServer<Record<string, unknown> | undefined, SocketExtra>(
    {
      schema,
      subscribe: subscribeShared,
      connectionInitWaitTimeout,
      context: (ctx) => contextFor(ctx.extra.user ?? null, ctx.extra.requestId ?? randomUUID()),
      onConnect: async (ctx) => {
        try {
          const user = await authenticate(services, ctx.connectionParams);
          ctx.extra.user = user;
          ctx.extra.requestId = randomUUID();
          closeAtExpiry(ctx.extra.socket, user);
          return true;
        } catch (error) {
          const message = error instanceof AppError ? error.message : 'Authentication failed';
          // A precise reason beats graphql-ws's bare "Forbidden" when a dashboard shows it.
          ctx.extra.socket.close(WsCloseCode.Forbidden, `Forbidden: ${message}`.slice(0, 120));
          return false;
        }
      },
      onSubscribe: (_ctx, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError('Could not parse the operation')];
        }
        const errors = validate(schema, document, rulesFor(payload.variables ?? undefined));
        if (errors.length > 0) return errors;
        return undefined;
      },
      onNext: (_ctx, _id, _payload, _args, result) => formatErrors(result),
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatError(e.toJSON(), e)),
    },
    modern,
  );

  // --- subscriptions-transport-ws (legacy `graphql-ws` subprotocol) --------------------------
  const legacy = new WebSocketServer({ noServer: true, maxPayload });
  legacy.on('connection', quietErrors);
  const legacyServer = SubscriptionServer.create(
    {
      schema,
      execute: execute as never,
      subscribe: subscribeShared as never,
      validationRules: rulesFor(undefined),
      keepAlive: 15_000,
      onConnect: async (params: Record<string, unknown> | undefined, socket: WebSocket) => {
        const user = await authenticate(services, params);
        closeAtExpiry(socket, user);
        return { user, requestId: randomUUID() };
      },
      onOperation: (
        message: { payload?: { variables?: Record<string, unknown> } },
        params: { context: { user: AuthUser; requestId: string } } & Record<string, unknown>,
      ) => {
        const document =
          typeof params['query'] === 'string' ? parse(params['query']) : (params['query'] as DocumentNode);
        const errors = validate(schema, document, rulesFor(message.payload?.variables));
        if (errors.length > 0) throw Object.assign(new Error('Invalid operation'), { errors });
        return {
          ...params,
          context: contextFor(params.context.user, params.context.requestId),
          formatResponse: (value: ExecutionResult) => formatErrors(value),
        };
      },
    },
    legacy,
  );
  legacy.on('connection', (socket: WebSocket) => {
    // The legacy library has no connection-init timeout of its own.
    const timer = setTimeout(() => {
      if (!expiryTimers.has(socket))
        socket.close(WsCloseCode.ConnectionInitTimeout, 'Connection initialisation timeout');
    }, connectionInitWaitTimeout);
    socket.once('close', () => clearTimeout(timer));
  });

  function contextFor(user: AuthUser | null, requestId: string): RequestContext {
    return createRequestContext(services, user, requestId, logger.child({ requestId, transport: 'ws' }));
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
