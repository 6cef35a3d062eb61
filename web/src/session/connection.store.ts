import type { Client } from 'graphql-ws';

/**
 * The state of the live-updates WebSocket, as an operator sees it.
 * - `idle`: no subscription is open (the socket is lazy), nothing to worry about;
 * - `connecting`: opening the first connection;
 * - `live`: connected, updates flow;
 * - `reconnecting`: the connection dropped and the client is retrying.
 */
export type ConnectionState = 'idle' | 'connecting' | 'live' | 'reconnecting';

type Listener = () => void;

/** A tiny external store (for useSyncExternalStore) fed by graphql-ws client events. */
export interface ConnectionStore {
  getState(): ConnectionState;
  subscribe(listener: Listener): () => void;
  /** Follows a graphql-ws client's events; returns a function that stops following. */
  track(client: Client): () => void;
  reset(): void;
}

/** The close code graphql-ws uses when a lazy socket closes with no subscriptions left. */
const NORMAL_CLOSURE = 1000;

export function createConnectionStore(): ConnectionStore {
  let state: ConnectionState = 'idle';
  const listeners = new Set<Listener>();
  const set = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const listener of listeners) listener();
  };
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    track(client) {
      const offs = [
        client.on('connecting', (isRetry) => set(isRetry ? 'reconnecting' : 'connecting')),
        client.on('connected', () => set('live')),
        client.on('closed', (event) => {
          const code = (event as { code?: number } | undefined)?.code;
          // A lazy close is normal; anything else means the client is about to retry.
          set(code === NORMAL_CLOSURE ? 'idle' : 'reconnecting');
        }),
      ];
      return () => offs.forEach((off) => off());
    },
    reset: () => set('idle'),
  };
}
