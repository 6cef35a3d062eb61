import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import type { FieldPolicy, Reference } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { CloseCode, createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { createConnectionStore } from './connection.store';
import type { ConnectionStore } from './connection.store';
import type { TokenStore } from './token.store';

interface ConnectionPage {
  nodes: Reference[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

/**
 * Field policy for our cursor connections (`nodes`, `pageInfo`, `totalCount`): a page
 * fetched with `after` is appended to the cached list; a fetch without `after` (first page,
 * refetch, a subscription's updateQuery) replaces it. Cached per filter (keyArgs).
 */
function connectionPolicy(keyArgs: string[]): FieldPolicy<ConnectionPage> {
  return {
    keyArgs,
    merge(existing, incoming, { args, readField }) {
      if (!existing || !args?.['after']) return incoming;
      const seen = new Set(existing.nodes.map((node) => readField<string>('id', node)));
      return {
        ...incoming,
        nodes: [...existing.nodes, ...incoming.nodes.filter((node) => !seen.has(readField<string>('id', node)))],
      };
    },
  };
}

/** Creates the cache: the dashboard's one store of server data. */
export function createCache(): InMemoryCache {
  return new InMemoryCache({
    typePolicies: {
      Query: {
        fields: {
          campaigns: connectionPolicy(['status', 'search']),
          doNotCallEntries: connectionPolicy(['search']),
          // campaignProgress(id) and the subscription share one normalized object.
          campaignProgress: {
            read(existing, { args, toReference }) {
              return (
                existing ??
                (args?.['id'] ? toReference({ __typename: 'CampaignProgress', campaignId: args['id'] }) : undefined)
              );
            },
          },
        },
      },
      Campaign: {
        fields: {
          contacts: connectionPolicy(['status']),
          calls: connectionPolicy(['status']),
        },
      },
      CampaignProgress: { keyFields: ['campaignId'] },
      // Value objects without ids: a newer one replaces the older one field by field.
      CampaignStats: { merge: true },
      CampaignSettings: { merge: true },
      QueueStats: { merge: true },
    },
  });
}

export interface DialwaveClientOptions {
  tokens: TokenStore;
  /** GraphQL over HTTP endpoint. Default: `/graphql` on this origin. */
  httpUrl?: string;
  /** GraphQL over WebSocket endpoint. Default: ws(s)://<this host>/graphql. */
  wsUrl?: string;
  /**
   * Called when the API rejects the stored token: an HTTP `UNAUTHENTICATED` error, or the
   * live-updates socket closed with 4401 (token expired) or 4403 (forbidden). `message` says
   * why, for the sign-in page. The app signs the user out.
   */
  onUnauthenticated?: (message: string) => void;
  /** graphql-ws's `WebSocket` implementation (tests pass one); default: the global WebSocket. */
  webSocketImpl?: unknown;
}

/** What the sign-in page says after a sign-out the user did not ask for. */
export const SIGNED_OUT_MESSAGES = {
  expired: 'Your session expired. Sign in again to continue.',
  forbidden: 'The server no longer accepts your session. Sign in again to continue.',
} as const;

/** The server's "service restart" close (shutdown, deploy): reconnect, to this or another instance. */
const SERVICE_RESTART = 1012;

/**
 * The sign-out message for a close code, or null when the close is not about the session.
 * graphql-ws treats 4401 as fatal (the client stops, never reconnects) and retries 4403
 * forever; both mean the token no longer works, so the user signs in again.
 * Codes: https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md
 */
export function signOutMessageFor(code: number | undefined, reason = ''): string | null {
  if (code === CloseCode.Unauthorized) return SIGNED_OUT_MESSAGES.expired;
  if (code === CloseCode.Forbidden) {
    // The server puts its reason after "Forbidden: " (ws.server.ts): show it when there is one.
    const detail = reason.replace(/^Forbidden:?\s*/, '').trim();
    return detail ? `${SIGNED_OUT_MESSAGES.forbidden} (${detail})` : SIGNED_OUT_MESSAGES.forbidden;
  }
  return null;
}

export interface DialwaveClient {
  apollo: ApolloClient;
  connection: ConnectionStore;
  /** The current graphql-ws client (a new one after each `closeSocket`). */
  socket(): Client;
  /** Closes the WebSocket for good (sign out); the next subscription opens a fresh one. */
  closeSocket(): void;
  wsUrl: string;
  httpUrl: string;
}

/** The default WebSocket URL: same host and path as the page's API, ws or wss. */
export function defaultWsUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}/graphql`;
}

/**
 * Creates the Apollo Client: queries and mutations over HTTP, subscriptions over one lazy
 * graphql-ws socket that retries every drop (1012, network) forever, except a refused
 * session (4401, 4403), which signs the user out. The token is read on every request and on
 * every (re)connection, so a sign-in needs no new client.
 */
export function createDialwaveClient({
  tokens,
  httpUrl = '/graphql',
  wsUrl = defaultWsUrl(),
  onUnauthenticated,
  webSocketImpl,
}: DialwaveClientOptions): DialwaveClient {
  const connection = createConnectionStore();
  let stopTracking = () => {};
  /**
   * Only while signed in: several subscriptions and requests fail together when a token lapses,
   * and the first call's sign-out clears the token, so the user is signed out once.
   */
  const unauthenticated = (message: string) => {
    if (tokens.get()) onUnauthenticated?.(message);
  };
  const makeSocket = () => {
    const client = createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: Infinity,
      ...(webSocketImpl ? { webSocketImpl } : {}),
      // graphql-ws asks this for every close it does not itself treat as fatal (so 4403, 1012,
      // 1006, ...; 4401 never gets here): a refused session is not retried, the rest are.
      // 1012 (our server's shutdown) is retried like any drop, to whichever instance answers.
      shouldRetry: (errOrCloseEvent) => {
        const code = (errOrCloseEvent as { code?: unknown } | null)?.code;
        return typeof code === 'number' && (code === SERVICE_RESTART || code !== CloseCode.Forbidden);
      },
      on: {
        closed: (event) => {
          const { code, reason } = (event ?? {}) as { code?: number; reason?: string };
          const message = signOutMessageFor(code, reason);
          // After graphql-ws has finished with this close (failed the subscriptions, updated
          // the indicator): signing out disposes this very client.
          if (message) setTimeout(() => unauthenticated(message), 0);
        },
      },
      connectionParams: () => {
        const token = tokens.get();
        return token ? { authorization: `Bearer ${token}` } : {};
      },
    });
    stopTracking = connection.track(client);
    return { client, link: new GraphQLWsLink(client) };
  };
  let socket = makeSocket();

  const authLink = new ApolloLink((operation, forward) => {
    const token = tokens.get();
    if (token) {
      operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
        headers: { ...headers, authorization: `Bearer ${token}` },
      }));
    }
    return forward(operation);
  });

  // An HTTP UNAUTHENTICATED (expired or revoked token) ends the session like a 4401 close.
  const errorLink = new ErrorLink(({ error }) => {
    if (CombinedGraphQLErrors.is(error) && error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')) {
      unauthenticated(SIGNED_OUT_MESSAGES.expired);
    }
  });

  // Delegates to the current socket's link, so closing the socket (sign out) swaps it.
  const wsLink = new ApolloLink((operation) => socket.link.request(operation));

  const apollo = new ApolloClient({
    cache: createCache(),
    link: ApolloLink.from([
      errorLink,
      ApolloLink.split(
        ({ query }) => isSubscriptionOperation(query),
        wsLink,
        ApolloLink.from([authLink, new HttpLink({ uri: httpUrl })]),
      ),
    ]),
  });

  return {
    apollo,
    connection,
    wsUrl,
    httpUrl,
    socket: () => socket.client,
    closeSocket() {
      stopTracking();
      void socket.client.dispose();
      connection.reset();
      socket = makeSocket();
    },
  };
}
