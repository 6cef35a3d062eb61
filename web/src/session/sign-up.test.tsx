import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MemoryRouter } from 'react-router';
import { memoryStorage } from '../test/render';
import { createDialwaveClient } from './apollo.client';
import { AuthPage } from './auth.page';
import { SessionProvider } from './session.context';
import { createTokenStore } from './token.store';

/** The sign-up page against a stubbed HTTP endpoint: what it sends is what the server would get. */
function renderSignUp() {
  const sent: { variables: { input: unknown } }[] = [];
  const fetchStub = vi.fn(async (_url: unknown, init?: RequestInit) => {
    sent.push(JSON.parse(String(init?.body)) as { variables: { input: unknown } });
    const data = {
      signUp: {
        __typename: 'AuthPayload',
        token: 'new-token',
        user: {
          __typename: 'User',
          id: 'u1',
          email: 'ada@example.com',
          role: 'ADMIN',
          organization: { __typename: 'Organization', id: 'o1', name: 'Acme' },
        },
      },
    };
    return new Response(JSON.stringify({ data }), { headers: { 'content-type': 'application/json' } });
  });
  vi.stubGlobal('fetch', fetchStub);
  const tokens = createTokenStore(memoryStorage());
  const client = createDialwaveClient({ tokens, httpUrl: 'http://localhost/graphql', wsUrl: 'ws://localhost/graphql' });
  render(
    <SessionProvider client={client} tokens={tokens}>
      <MemoryRouter>
        <AuthPage mode="sign-up" />
      </MemoryRouter>
    </SessionProvider>,
  );
  return { sent, tokens, fetchStub };
}

async function fillAccount(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Organization'), 'Acme');
  await user.type(screen.getByLabelText('Email'), 'ada@example.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
}

describe('sign-up: frequency caps', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('suggests 3 a day and 7 a week, editable and clearable, and sends what is left', async () => {
    const user = userEvent.setup();
    const { sent, tokens } = renderSignUp();
    const day = screen.getByLabelText('Calls per number in 24 hours');
    const week = screen.getByLabelText('Calls per number in 7 days');
    expect(day).toHaveValue('3');
    expect(week).toHaveValue('7');
    await fillAccount(user);
    await user.clear(day);
    await user.type(day, '2');
    await user.clear(week);
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    await waitFor(() => expect(tokens.get()).toBe('new-token'));
    expect(sent[0]?.variables.input).toEqual({
      email: 'ada@example.com',
      password: 'correct horse battery',
      organizationName: 'Acme',
      settings: { maxCallsPerNumberPerDay: 2, maxCallsPerNumberPerWeek: null },
    });
  });

  it('names a cap that is not a whole number, and sends nothing', async () => {
    const user = userEvent.setup();
    const { fetchStub } = renderSignUp();
    await fillAccount(user);
    const day = screen.getByLabelText('Calls per number in 24 hours');
    await user.clear(day);
    await user.type(day, 'often');
    await user.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText(/^Enter a whole number from 1 to 10080/)).toBeInTheDocument();
    expect(day).toHaveAttribute('aria-invalid', 'true');
    expect(fetchStub).not.toHaveBeenCalled();
  });
});
