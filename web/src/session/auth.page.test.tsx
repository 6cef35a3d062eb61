import { act, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../test/render';
import { createDialwaveClient, SIGNED_OUT_MESSAGES } from './apollo.client';
import { AuthPage } from './auth.page';
import { createNoticeStore } from './notice.store';
import { expireSession, SessionProvider } from './session.context';
import { createTokenStore } from './token.store';

describe('a session the server refused', () => {
  it('ends with the sign-in page saying why', () => {
    const tokens = createTokenStore(memoryStorage());
    tokens.set('token-1');
    const notices = createNoticeStore();
    const client = createDialwaveClient({
      tokens,
      httpUrl: 'http://localhost/graphql',
      wsUrl: 'ws://localhost/graphql',
    });
    render(
      <SessionProvider client={client} tokens={tokens} notices={notices}>
        <MemoryRouter>
          <AuthPage mode="sign-in" />
        </MemoryRouter>
      </SessionProvider>,
    );
    expect(screen.queryByText(SIGNED_OUT_MESSAGES.expired)).not.toBeInTheDocument();
    act(() => expireSession({ client, tokens, notices }, SIGNED_OUT_MESSAGES.expired));
    expect(tokens.get()).toBeNull();
    expect(screen.getByText(SIGNED_OUT_MESSAGES.expired)).toHaveAttribute('role', 'status');
  });
});
