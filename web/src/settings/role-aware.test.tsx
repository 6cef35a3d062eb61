import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AgentsPageDocument, ApiKeysPageDocument, CreateApiKeyDocument, PhonesPageDocument } from '../gql/graphql';
import { campaignPageMock, organizationMock, renderWithMocks, roleMock } from '../test/mocks';
import { CampaignPage } from '../campaigns/campaign.page';
import { PhonesPage } from '../phones/phones.page';
import { AgentsPage } from '../agents/agents.page';
import { ApiKeysPage } from './api-keys.page';
import { SettingsPage } from './settings.page';
import { roleAllows } from './use-role';

describe('role-aware dashboard', () => {
  it('ranks roles as the API does', () => {
    expect(roleAllows('ADMIN', 'OPERATOR')).toBe(true);
    expect(roleAllows('OPERATOR', 'OPERATOR')).toBe(true);
    expect(roleAllows('VIEWER', 'OPERATOR')).toBe(false);
    expect(roleAllows(null, 'VIEWER')).toBe(false);
  });

  it('shows a VIEWER the campaign without Start, Pause or any other button it cannot use', async () => {
    renderWithMocks(
      <CampaignPage />,
      [campaignPageMock, roleMock('VIEWER')],
      '/campaigns/:campaignId',
      '/campaigns/c1',
    );
    expect(await screen.findByRole('heading', { name: 'Spring promo' })).toBeInTheDocument();
    // Give the role query its turn: the buttons must stay absent once the role is known.
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button', { name: 'Start' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull();
    expect(screen.queryByRole('group', { name: 'Campaign actions' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Edit settings' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Import contacts' })).toBeNull();
  });

  it('shows an OPERATOR the campaign actions', async () => {
    renderWithMocks(
      <CampaignPage />,
      [campaignPageMock, roleMock('OPERATOR')],
      '/campaigns/:campaignId',
      '/campaigns/c1',
    );
    expect(await screen.findByRole('button', { name: 'Start' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();
    expect(screen.getByRole('link', { name: 'Edit settings' })).toBeInTheDocument();
  });

  it('gives a non-ADMIN no phone form or edit buttons', async () => {
    const phones = {
      request: { query: PhonesPageDocument },
      result: {
        data: {
          phones: [
            {
              __typename: 'Phone',
              id: 'p1',
              name: 'Main line',
              number: '+14155550100',
              provider: 'SIMULATED',
              // Issue 17's field in the phone row fragment.
              providerPhoneId: null,
              isDefault: true,
              simulation: null,
            },
          ],
        },
      },
    };
    renderWithMocks(<PhonesPage />, [phones, roleMock('OPERATOR')], '/phones');
    expect(await screen.findByText('Main line')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button', { name: 'Edit Main line' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add phone' })).toBeNull();
  });

  it('gives a non-ADMIN no agent form or edit buttons, and an ADMIN both', async () => {
    const agents = {
      request: { query: AgentsPageDocument },
      result: {
        data: {
          agents: [
            {
              __typename: 'Agent',
              id: 'a1',
              name: 'Ava',
              description: null,
              createdAt: '2026-01-01T00:00:00.000Z',
              kind: 'SIMULATED',
              externalId: null,
              url: null,
              variables: ['name'],
            },
          ],
        },
      },
    };
    const operator = renderWithMocks(<AgentsPage />, [agents, roleMock('OPERATOR')], '/agents');
    expect(await screen.findByText('Ava')).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button', { name: 'Edit Ava' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Create agent' })).toBeNull();
    operator.unmount();
    renderWithMocks(<AgentsPage />, [agents, roleMock('ADMIN')], '/agents');
    expect(await screen.findByRole('button', { name: 'Edit Ava' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Create agent' })).toBeInTheDocument();
  });

  it('keeps Settings to ADMINs', async () => {
    // The organization's settings (readable by all) come first; the rest is for ADMINs.
    renderWithMocks(<SettingsPage />, [roleMock('OPERATOR'), organizationMock], '/settings');
    expect(await screen.findByText('Administrators only')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'Call frequency caps' })).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'API keys' })).toBeNull();
  });
});

describe('API keys page', () => {
  it('creates a key and shows its secret once', async () => {
    const user = userEvent.setup();
    const key = {
      __typename: 'ApiKey' as const,
      id: 'k1',
      name: 'CRM',
      role: 'OPERATOR' as const,
      prefix: 'dw_live_abcdef',
      createdAt: '2030-01-01T10:00:00.000Z',
      lastUsedAt: null,
    };
    const mocks = [
      roleMock('ADMIN'),
      { request: { query: ApiKeysPageDocument }, result: { data: { apiKeys: [] } } },
      {
        request: { query: CreateApiKeyDocument, variables: { input: { name: 'CRM', role: 'OPERATOR' } } },
        result: {
          data: {
            createApiKey: { __typename: 'CreatedApiKey', secret: 'dw_live_abcdef' + 'x'.repeat(26), apiKey: key },
          },
        },
      },
    ];
    renderWithMocks(<ApiKeysPage />, mocks, '/settings/api-keys');
    expect(await screen.findByText('No API keys')).toBeInTheDocument();
    await user.type(await screen.findByLabelText('Name'), 'CRM');
    await user.click(screen.getByRole('button', { name: 'Create key' }));
    expect(await screen.findByLabelText('Secret of the new key')).toHaveTextContent('dw_live_abcdef' + 'x'.repeat(26));
    const table = screen.getByRole('table', { name: 'API keys' });
    expect(within(table).getByText('dw_live_abcdef…')).toBeInTheDocument();
    expect(within(table).getByRole('button', { name: 'Revoke CRM' })).toBeInTheDocument();
  });
});
