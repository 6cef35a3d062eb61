type Listener = () => void;

/**
 * Why the user was signed out without asking (token expired, session refused), for the
 * sign-in page. Cleared by the next sign-in. Not server data, so not in the Apollo cache.
 */
export interface NoticeStore {
  get(): string | null;
  set(notice: string | null): void;
  subscribe(listener: Listener): () => void;
}

export function createNoticeStore(): NoticeStore {
  let notice: string | null = null;
  const listeners = new Set<Listener>();
  return {
    get: () => notice,
    set(next) {
      if (next === notice) return;
      notice = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
