import { createContext, useCallback, useContext, useMemo, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import type { DialwaveClient } from './apollo.client';
import type { ConnectionState } from './connection.store';
import type { TokenStore } from './token.store';

export interface Session {
  token: string | null;
  client: DialwaveClient;
  /** Stores the token (kept across reloads); the next request and socket use it. */
  signIn(token: string): void;
  /** Forgets the token, closes the live-updates socket and empties the Apollo cache. */
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export interface SessionProviderProps {
  client: DialwaveClient;
  tokens: TokenStore;
  children: ReactNode;
}

/** Provides the session and the Apollo client to the app. */
export function SessionProvider({ client, tokens, children }: SessionProviderProps) {
  const token = useSyncExternalStore(tokens.subscribe, tokens.get);
  const signIn = useCallback(
    (next: string) => {
      // A socket opened anonymously (or as someone else) must not carry on as this user.
      client.closeSocket();
      tokens.set(next);
    },
    [client, tokens],
  );
  const signOut = useCallback(async () => {
    tokens.set(null);
    client.closeSocket();
    await client.apollo.clearStore();
  }, [client, tokens]);
  const session = useMemo(() => ({ token, client, signIn, signOut }), [token, client, signIn, signOut]);
  return (
    <SessionContext.Provider value={session}>
      <ApolloProvider client={client.apollo}>{children}</ApolloProvider>
    </SessionContext.Provider>
  );
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession() needs a <SessionProvider> above it');
  return session;
}

/** The live-updates connection state, for the indicator. */
export function useConnectionState(): ConnectionState {
  const { connection } = useSession().client;
  return useSyncExternalStore(connection.subscribe, connection.getState);
}
