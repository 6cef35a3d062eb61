import { useState } from 'react';
import type { ReactNode } from 'react';
import { render } from '@testing-library/react';
import { MemoryRouter, Route, Routes } from 'react-router';
import { createDialwaveClient } from '../session/apollo.client';
import { SessionProvider } from '../session/session.context';
import { createTokenStore } from '../session/token.store';

/** Renders `element` at `path` (a route pattern) for the URL `url`. */
export function renderRoute(element: ReactNode, { path, url }: { path: string; url: string }) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path={path} element={element} />
        <Route path="*" element={<p>Navigated away</p>} />
      </Routes>
    </MemoryRouter>,
  );
}

/** An in-memory Storage, so tests never share localStorage. */
export function memoryStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (key) => items.get(key) ?? null,
    key: (index) => [...items.keys()][index] ?? null,
    removeItem: (key) => void items.delete(key),
    setItem: (key, value) => void items.set(key, value),
  };
}

/** A real session (token store + Apollo client with a lazy socket that never opens in tests). */
export function TestSession({ children, token = 'test-token' }: { children: ReactNode; token?: string }) {
  const [{ tokens, client }] = useState(() => {
    const tokens = createTokenStore(memoryStorage());
    tokens.set(token);
    return {
      tokens,
      client: createDialwaveClient({ tokens, httpUrl: 'http://localhost/graphql', wsUrl: 'ws://localhost/graphql' }),
    };
  });
  return (
    <SessionProvider client={client} tokens={tokens}>
      {children}
    </SessionProvider>
  );
}
