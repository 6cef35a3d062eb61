import { ApolloClient, ApolloLink, CombinedGraphQLErrors, HttpLink, InMemoryCache } from '@apollo/client';
import type { FieldPolicy, Reference } from '@apollo/client';
import { ErrorLink } from '@apollo/client/link/error';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { createClient } from 'graphql-ws';
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
  /** Called when the API rejects the stored token (expired, revoked). */
  onUnauthenticated?: () => void;
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
 * graphql-ws socket that retries forever. The token is read on every request and on every
 * (re)connection, so a sign-in needs no new client.
 */
export function createDialwaveClient({
  tokens,
  httpUrl = '/graphql',
  wsUrl = defaultWsUrl(),
  onUnauthenticated,
}: DialwaveClientOptions): DialwaveClient {
  const connection = createConnectionStore();
  let stopTracking = () => {};
  const makeSocket = () => {
    const client = createClient({
      url: wsUrl,
      lazy: true,
      retryAttempts: Infinity,
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

  const errorLink = new ErrorLink(({ error }) => {
    if (
      CombinedGraphQLErrors.is(error) &&
      tokens.get() &&
      error.errors.some((e) => e.extensions?.['code'] === 'UNAUTHENTICATED')
    ) {
      onUnauthenticated?.();
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
