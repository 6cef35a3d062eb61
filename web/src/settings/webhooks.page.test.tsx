import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { WebhooksPageDocument } from '../gql/graphql';
import { renderWithMocks } from '../test/mocks';
import { WebhooksPage } from './webhooks.page';

const endpoint = (id: string, enabled: boolean, disabledReason: string | null) => ({
  __typename: 'WebhookEndpoint' as const,
  id,
  url: `https://example.com/${id}`,
  events: ['call.ended'],
  enabled,
  disabledReason,
  createdAt: '2026-12-01T10:00:00.000Z',
});

describe('webhooks page', () => {
  it('says which endpoint was disabled and why', async () => {
    const reason =
      'Disabled after failing every attempt for 72 hours (last: HTTP 503). Fix the receiver and create the endpoint again.';
    const mocks = [
      {
        request: { query: WebhooksPageDocument },
        result: { data: { webhookEndpoints: [endpoint('e1', false, reason), endpoint('e2', true, null)] } },
      },
    ];
    renderWithMocks(<WebhooksPage />, mocks, '/settings/webhooks');
    const list = await screen.findByRole('list', { name: 'Webhook endpoints' });
    const [disabled, enabled] = within(list).getAllByRole('listitem');
    expect(within(disabled!).getByText(/Disabled$/)).toBeInTheDocument();
    expect(within(disabled!).getByRole('status')).toHaveTextContent(reason);
    expect(within(enabled!).getByText(/Enabled$/)).toBeInTheDocument();
    expect(within(enabled!).queryByRole('status')).toBeNull();
  });
});
