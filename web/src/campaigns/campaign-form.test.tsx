import { describe, expect, it } from 'vitest';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MockedProvider } from '@apollo/client/testing/react';
import type { MockLink } from '@apollo/client/testing';
import { CampaignNewPageDocument, CreateCampaignDocument } from '../gql/graphql';
import { createCache } from '../session/apollo.client';
import { renderRoute } from '../test/render';
import { CampaignNewPage } from './campaign-new.page';

const formQuery: MockLink.MockedResponse = {
  request: { query: CampaignNewPageDocument },
  result: {
    data: {
      agents: [{ __typename: 'Agent', id: 'a1', name: 'Ava' }],
      phones: [{ __typename: 'Phone', id: 'p1', name: 'Main line', number: '+14155550100', provider: 'SIMULATED' }],
    },
  },
};

function renderForm(mocks: MockLink.MockedResponse[]) {
  return renderRoute(
    <MockedProvider mocks={mocks} cache={createCache()}>
      <CampaignNewPage />
    </MockedProvider>,
    { path: '/campaigns/new', url: '/campaigns/new' },
  );
}

describe('campaign form', () => {
  it('checks every field against its limits before sending anything', async () => {
    const user = userEvent.setup();
    const created: MockLink.MockedResponse = {
      request: {
        query: CreateCampaignDocument,
        variables: (vars) =>
          JSON.stringify(vars) ===
          JSON.stringify({
            input: {
              name: 'Spring promo',
              description: null,
              agentId: 'a1',
              phoneId: null,
              settings: {
                concurrentCallsLimit: 50,
                retryFailedCalls: false,
                excludeVoicemail: false,
                priorityMode: 'FIFO',
                ambiguousTimezones: 'MOST_RESTRICTIVE',
              },
            },
          }),
      },
      result: {
        data: {
          createCampaign: {
            __typename: 'Campaign',
            id: 'c1',
            name: 'Spring promo',
            status: 'DRAFT',
            createdAt: '2030-01-01T00:00:00.000Z',
            agent: { __typename: 'Agent', id: 'a1', name: 'Ava' },
            stats: {
              __typename: 'CampaignStats',
              totalContacts: 0,
              activeCalls: 0,
              completedCalls: 0,
              failedCalls: 0,
              voicemailCalls: 0,
              skippedContacts: 0,
              progress: 0,
              successRate: 0,
            },
          },
        },
      },
    };
    renderForm([formQuery, created]);
    const name = await screen.findByLabelText('Name');
    // One agent: chosen for you. Defaults are shown.
    expect(screen.getByLabelText('Voice agent')).toHaveValue('a1');
    expect(screen.getByLabelText('Concurrent calls')).toHaveValue(3);
    expect(screen.getByLabelText('Retries per contact')).toHaveValue(3);
    expect(screen.getByLabelText('Minutes between retries')).toHaveValue(30);

    const limit = screen.getByLabelText('Concurrent calls');
    await user.clear(limit);
    await user.type(limit, '51');
    const attempts = screen.getByLabelText('Retries per contact');
    await user.clear(attempts);
    await user.type(attempts, '2.5');
    const delay = screen.getByLabelText('Minutes between retries');
    await user.clear(delay);
    await user.type(delay, '10081');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));

    expect(name).toHaveAccessibleDescription('Name the campaign.');
    expect(name).toBeInvalid();
    expect(limit).toHaveAccessibleDescription(/Must be between 1 and 50\./);
    expect(attempts).toHaveAccessibleDescription(/Enter a whole number\./);
    expect(delay).toHaveAccessibleDescription(/Must be between 0 and 10,080\./);
    // Focus goes to the first field in trouble.
    await waitFor(() => expect(name).toHaveFocus());

    // Retries off: the retry fields are disabled and no longer checked.
    await user.type(name, 'Spring promo');
    await user.clear(limit);
    await user.type(limit, '50');
    await user.click(screen.getByLabelText(/Retry calls that fail/));
    expect(attempts).toBeDisabled();
    expect(delay).toBeDisabled();
    expect(name).toBeValid();
    expect(limit).toBeValid();
    expect(delay).toBeValid();
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    // Sent with the exact input above (the mock matches it), then on to importing contacts.
    expect(await screen.findByText('Navigated away')).toBeInTheDocument();
  });

  it('shows the API validation messages next to the fields they name', async () => {
    const user = userEvent.setup();
    const createCampaign: MockLink.MockedResponse = {
      request: { query: CreateCampaignDocument, variables: () => true },
      result: {
        errors: [
          {
            message: 'settings.retryDelayMinutes: must be at least 1 minute when retrying voicemail',
            extensions: { code: 'BAD_USER_INPUT', field: 'settings.retryDelayMinutes' },
          },
          {
            message: 'name: a campaign with this name already exists',
            extensions: { code: 'BAD_USER_INPUT', field: 'name' },
          },
        ],
      },
    };
    renderForm([formQuery, createCampaign]);
    await user.type(await screen.findByLabelText('Name'), 'Spring promo');
    const delay = screen.getByLabelText('Minutes between retries');
    await user.clear(delay);
    await user.type(delay, '0.5');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));

    await waitFor(() =>
      expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('A campaign with this name already exists'),
    );
    expect(delay).toHaveAccessibleDescription(/Must be at least 1 minute when retrying voicemail/);
    expect(delay).toBeInvalid();
    expect(screen.getByLabelText('Concurrent calls')).toBeValid();
    expect(screen.queryByText('Navigated away')).not.toBeInTheDocument();
  });

  it('edits the retry rules as a table, one row per outcome, and sends them', async () => {
    const user = userEvent.setup();
    const created: MockLink.MockedResponse = {
      request: {
        query: CreateCampaignDocument,
        variables: (vars) =>
          JSON.stringify(vars.input.settings.retryRules) ===
          JSON.stringify([
            { outcome: 'BUSY', maxAttempts: 5, delayMinutes: 2, backoff: 'EXPONENTIAL' },
            { outcome: 'NO_ANSWER', maxAttempts: 4, delayMinutes: 30, backoff: 'FIXED' },
            { outcome: 'FAILED', maxAttempts: 4, delayMinutes: 30, backoff: 'FIXED' },
            { outcome: 'VOICEMAIL', maxAttempts: 4, delayMinutes: 30, backoff: 'FIXED' },
          ]),
      },
      result: { errors: [{ message: 'name: rules sent', extensions: { code: 'BAD_USER_INPUT', field: 'name' } }] },
    };
    renderForm([formQuery, created]);
    await user.type(await screen.findByLabelText('Name'), 'Rules');
    // Without custom rules the table shows what the retry fields build, as typed.
    const busyCalls = screen.getByLabelText('Busy: calls in all');
    expect(busyCalls).toHaveValue(4);
    expect(busyCalls).toBeDisabled();
    await user.click(screen.getByLabelText(/Do not retry contacts whose call reached voicemail/));
    expect(screen.getByLabelText('Voicemail: calls in all')).toHaveValue(1);
    await user.click(screen.getByLabelText(/Do not retry contacts whose call reached voicemail/));

    await user.click(screen.getByLabelText('Set the rules per outcome'));
    expect(busyCalls).toBeEnabled();
    await user.clear(busyCalls);
    await user.type(busyCalls, '12');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    expect(busyCalls).toHaveAccessibleDescription(/Must be between 1 and 11\./);

    await user.clear(busyCalls);
    await user.type(busyCalls, '5');
    const busyDelay = screen.getByLabelText('Busy: minutes before a retry');
    await user.clear(busyDelay);
    await user.type(busyDelay, '2');
    await user.selectOptions(screen.getByLabelText('Busy: backoff'), 'EXPONENTIAL');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    // The mock answers only the exact rules above; its reply lands on the name field.
    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Rules sent'));
  });

  it('offers the three ways to call numbers in several time zones, most restrictive by default, and sends the choice', async () => {
    const user = userEvent.setup();
    const created: MockLink.MockedResponse = {
      request: {
        query: CreateCampaignDocument,
        variables: (vars) => vars.input.settings.ambiguousTimezones === 'SKIP',
      },
      result: { errors: [{ message: 'name: choice sent', extensions: { code: 'BAD_USER_INPUT', field: 'name' } }] },
    };
    renderForm([formQuery, created]);
    await user.type(await screen.findByLabelText('Name'), 'Zones');
    const zones = screen.getByLabelText('Numbers in several time zones');
    expect(zones).toHaveValue('MOST_RESTRICTIVE');
    expect([...(zones as HTMLSelectElement).options].map((o) => o.value)).toEqual([
      'MOST_RESTRICTIVE',
      'CAMPAIGN_ZONE',
      'SKIP',
    ]);
    await user.selectOptions(zones, 'SKIP');
    await user.click(screen.getByRole('button', { name: 'Create campaign' }));
    // The mock answers only when SKIP was sent; its reply lands on the name field.
    await waitFor(() => expect(screen.getByLabelText('Name')).toHaveAccessibleDescription('Choice sent'));
  });
});
