import { createContext, useCallback, useContext, useMemo, useState, useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { ApolloProvider } from '@apollo/client/react';
import type { DialwaveClient } from './apollo.client';
import type { ConnectionState } from './connection.store';
import { createNoticeStore } from './notice.store';
import type { NoticeStore } from './notice.store';
import type { TokenStore } from './token.store';

export interface Session {
  token: string | null;
  client: DialwaveClient;
  /** Why the user was signed out without asking (expired, refused), until the next sign-in. */
  notice: string | null;
  /** Stores the token (kept across reloads); the next request and socket use it. */
  signIn(token: string): void;
  /** Forgets the token, closes the live-updates socket and empties the Apollo cache. */
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

export interface SessionProviderProps {
  client: DialwaveClient;
  tokens: TokenStore;
  /** Where `expireSession` leaves its message; default: a store of this provider's own. */
  notices?: NoticeStore;
  children: ReactNode;
}

/**
 * Ends a session the server refused (an expired token, a 4401 or 4403 close): forgets the
 * token, closes the socket, empties the cache, and leaves `message` for the sign-in page.
 */
export function expireSession(
  { client, tokens, notices }: { client: DialwaveClient; tokens: TokenStore; notices: NoticeStore },
  message: string,
): void {
  notices.set(message);
  tokens.set(null);
  client.closeSocket();
  void client.apollo.clearStore();
}

/** Provides the session and the Apollo client to the app. */
export function SessionProvider({ client, tokens, notices: given, children }: SessionProviderProps) {
  const [notices] = useState(() => given ?? createNoticeStore());
  const token = useSyncExternalStore(tokens.subscribe, tokens.get);
  const notice = useSyncExternalStore(notices.subscribe, notices.get);
  const signIn = useCallback(
    (next: string) => {
      // A socket opened anonymously (or as someone else) must not carry on as this user.
      client.closeSocket();
      notices.set(null);
      tokens.set(next);
    },
    [client, tokens, notices],
  );
  const signOut = useCallback(async () => {
    tokens.set(null);
    client.closeSocket();
    await client.apollo.clearStore();
  }, [client, tokens]);
  const session = useMemo(() => ({ token, client, notice, signIn, signOut }), [token, client, notice, signIn, signOut]);
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
