/** Where the session token survives reloads. */
const STORAGE_KEY = 'dialwave.token';

type Listener = (token: string | null) => void;

/**
 * The signed-in user's bearer token, kept in localStorage so a reload stays signed in.
 * Not server data: the Apollo cache holds everything the API returns.
 */
export interface TokenStore {
  get(): string | null;
  set(token: string | null): void;
  subscribe(listener: Listener): () => void;
}

/** Creates a token store backed by `storage` (default: window.localStorage). */
export function createTokenStore(storage: Storage | undefined = globalThis.localStorage): TokenStore {
  let token: string | null = null;
  try {
    token = storage?.getItem(STORAGE_KEY) ?? null;
  } catch {
    // Storage can throw in private modes; the session then lasts as long as the tab.
  }
  const listeners = new Set<Listener>();
  return {
    get: () => token,
    set(next) {
      token = next;
      try {
        if (next) storage?.setItem(STORAGE_KEY, next);
        else storage?.removeItem(STORAGE_KEY);
      } catch {
        // See above: in-memory only.
      }
      for (const listener of listeners) listener(next);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
