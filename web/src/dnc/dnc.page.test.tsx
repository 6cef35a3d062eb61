import { afterEach, describe, expect, it, vi } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { GraphQLError } from 'graphql';
import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import { AddDoNotCallDocument, DoNotCallPageDocument, RemoveDoNotCallDocument } from '../gql/graphql';
import type { Role } from '../gql/graphql';
import { createCache } from '../session/apollo.client';
import { renderRoute, TestSession } from '../test/render';
import { roleMock } from '../test/mocks';
import { DoNotCallPage } from './dnc.page';
import { splitNumbers } from './dnc-forms';

const source = {
  __typename: 'DoNotCallSource' as const,
  kind: 'MANUAL' as const,
  callId: null,
  campaignId: null,
  apiKeyId: null,
  apiKeyName: null,
  user: null,
  campaign: null,
};

const entry = (id: string, phoneNumber: string, more: Partial<typeof source> | Record<string, unknown>) => ({
  __typename: 'DoNotCallEntry' as const,
  id,
  phoneNumber,
  createdAt: '2030-01-02T10:00:00.000Z',
  source: { ...source, ...more },
});

const ENTRIES = [
  entry('d1', '+14155550100', { user: { __typename: 'User', id: 'u2', email: 'ann@example.com' } }),
  entry('d2', '+14155550101', { kind: 'CSV', user: { __typename: 'User', id: 'u3', email: 'bob@example.com' } }),
  entry('d3', '+14155550102', { kind: 'API', apiKeyId: 'k1', apiKeyName: 'CRM sync' }),
  entry('d4', '+14155550103', {
    kind: 'OPT_OUT',
    callId: '65f0c0ffee0000000000abcdef',
    campaignId: 'c1',
    campaign: { __typename: 'Campaign', id: 'c1', name: 'Spring promo' },
  }),
];

const page = (nodes: ReturnType<typeof entry>[], search: string | null = null, hasNextPage = false) => ({
  request: { query: DoNotCallPageDocument, variables: { search, first: 50 } },
  result: {
    data: {
      doNotCallEntries: {
        __typename: 'DoNotCallEntryConnection' as const,
        nodes,
        pageInfo: { __typename: 'PageInfo' as const, hasNextPage, endCursor: hasNextPage ? 'next' : null },
        totalCount: nodes.length + (hasNextPage ? 1 : 0),
      },
    },
  },
});

/** The page in a real session (the upload reads its token), Apollo answering from `mocks`. */
function renderPage(role: Role, mocks: ConstructorParameters<typeof MockLink>[0]) {
  return renderRoute(
    <TestSession>
      <MockedProvider mocks={[roleMock(role), ...mocks]} cache={createCache()}>
        <DoNotCallPage />
      </MockedProvider>
    </TestSession>,
    { path: '/do-not-call', url: '/do-not-call' },
  );
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('do-not-call page', () => {
  it('says where each number came from, and gives a VIEWER no add, remove or import', async () => {
    renderPage('VIEWER', [page(ENTRIES)]);
    const table = await screen.findByRole('table', { name: 'Do-not-call numbers' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows.map((row) => within(row).getAllByRole('cell')[1]?.textContent)).toEqual([
      'Added by ann@example.com',
      'CSV import by bob@example.com',
      'Added through API key “CRM sync”',
      'Opted out in call …abcdef of campaign Spring promo',
    ]);
    expect(within(rows[3]!).getByRole('link', { name: 'Spring promo' })).toHaveAttribute('href', '/campaigns/c1');
    // Give the role query its turn: the buttons must stay absent once the role is known.
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button', { name: /^Remove/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add' })).toBeNull();
    expect(screen.queryByLabelText('CSV file')).toBeNull();
  });

  it('lets an OPERATOR add several numbers and remove one after confirming, the list refetched each time', async () => {
    const user = userEvent.setup();
    const added = entry('d5', '+14155550199', { user: { __typename: 'User', id: 'u1', email: 'op@example.com' } });
    const confirm = vi.spyOn(window, 'confirm').mockReturnValue(true);
    renderPage('OPERATOR', [
      page(ENTRIES.slice(0, 1)),
      {
        request: { query: AddDoNotCallDocument, variables: { phoneNumbers: ['+14155550199', '(415) 555-0100'] } },
        result: { data: { addDoNotCall: 1 } },
      },
      page([ENTRIES[0]!, added]),
      {
        request: { query: RemoveDoNotCallDocument, variables: { phoneNumbers: ['+14155550100'] } },
        result: { data: { removeDoNotCall: 1 } },
      },
      page([added]),
    ]);
    await screen.findByText('Added by ann@example.com');
    await user.type(await screen.findByLabelText('Phone numbers'), '+14155550199, (415) 555-0100');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Added 1 number; 1 already listed.')).toBeInTheDocument();
    expect(await screen.findByText('+14155550199')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Remove +14155550100' }));
    expect(confirm).toHaveBeenCalledWith(expect.stringContaining('+14155550100'));
    // The refetched list: the removed number gone, the other still there.
    await vi.waitFor(() => {
      expect(screen.queryByText('+14155550100')).toBeNull();
      expect(screen.getByText('+14155550199')).toBeInTheDocument();
    });
  });

  it('says which typed number the API refused', async () => {
    const user = userEvent.setup();
    renderPage('OPERATOR', [
      page([]),
      {
        request: { query: AddDoNotCallDocument, variables: { phoneNumbers: ['+14155550199', 'call me'] } },
        result: {
          errors: [
            new GraphQLError('phoneNumbers.1: "call me" is not a phone number', {
              extensions: { code: 'BAD_USER_INPUT', field: 'phoneNumbers.1' },
            }),
          ],
        },
      },
    ]);
    await user.type(await screen.findByLabelText('Phone numbers'), '+14155550199\ncall me');
    await user.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Number 2: "call me" is not a phone number');
    expect(screen.getByLabelText('Phone numbers')).toHaveValue('+14155550199\ncall me');
  });

  it('uploads a CSV with the session token and shows the report with the rejected rows', async () => {
    const user = userEvent.setup();
    const report = {
      added: 2,
      alreadyListed: 1,
      rejected: [{ row: 4, phoneNumber: 'nope', reason: 'phoneNumber is not a phone number' }],
      rejectedCount: 1,
      totalRows: 4,
      truncated: false,
      error: null,
    };
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => Response.json(report));
    vi.stubGlobal('fetch', fetchMock);
    renderPage('ADMIN', [page([]), page(ENTRIES.slice(0, 2))]);
    expect(await screen.findByText('The list is empty')).toBeInTheDocument();
    const file = new File(['phone\n+14155550100\n+14155550101\n+14155550100\nnope\n'], 'dnc.csv', { type: 'text/csv' });
    // The import form shows once the role has been read, which may come after the list.
    await user.upload(await screen.findByLabelText('CSV file'), file);
    await user.click(screen.getByRole('button', { name: 'Import' }));

    const shown = await screen.findByRole('status', { name: 'Import report' });
    expect(within(shown).getByText('Added').nextSibling).toHaveTextContent('2');
    expect(within(shown).getByText('Already listed').nextSibling).toHaveTextContent('1');
    expect(within(shown).getByRole('table', { name: 'Rejected rows' })).toHaveTextContent('4nopephoneNumber is not');
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/dnc.csv');
    expect(init.headers).toMatchObject({ Authorization: 'Bearer test-token', 'Content-Type': 'text/csv' });
    expect(init.body).toBe(file);
    // The list is read again: the imported numbers show.
    expect(await screen.findByText('CSV import by bob@example.com')).toBeInTheDocument();
  });

  it('searches by the typed digits', async () => {
    const user = userEvent.setup();
    renderPage('VIEWER', [page(ENTRIES), page(ENTRIES.slice(3), '415 555 0103')]);
    await screen.findByText('Added by ann@example.com');
    await user.type(screen.getByLabelText('Search'), '415 555 0103');
    // Waits out the debounce and the query: the count says the search's answer has arrived.
    expect(await screen.findByText('1 number matches')).toBeInTheDocument();
    expect(screen.getByText('+14155550103')).toBeInTheDocument();
    expect(screen.queryByText('+14155550100')).toBeNull();
  });

  it('splits typed numbers on lines, commas and semicolons, keeping spaces inside a number', () => {
    expect(splitNumbers('+1 415 555 0100, 0207 946 0958;\n\n(415) 555-0101\n')).toEqual([
      '+1 415 555 0100',
      '0207 946 0958',
      '(415) 555-0101',
    ]);
  });
});
