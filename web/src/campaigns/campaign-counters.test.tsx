import { describe, expect, it } from 'vitest';
import { act, screen, within } from '@testing-library/react';
import { ApolloLink } from '@apollo/client';
import { MockedProvider } from '@apollo/client/testing/react';
import { MockLink, MockSubscriptionLink } from '@apollo/client/testing';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { CampaignPageDocument, CurrentRoleDocument } from '../gql/graphql';
import { createCache } from '../session/apollo.client';
import { renderRoute } from '../test/render';
import { CampaignPage } from './campaign.page';

const stats = (over: Partial<Record<string, number>> = {}) => ({
  __typename: 'CampaignStats',
  totalContacts: 30,
  queuedCalls: 30,
  activeCalls: 0,
  retryScheduled: 0,
  completedCalls: 0,
  failedCalls: 0,
  voicemailCalls: 0,
  skippedContacts: 0,
  totalAttempts: 0,
  progress: 0,
  successRate: 0,
  ...over,
});

const campaignPage = {
  request: { query: CampaignPageDocument, variables: { id: 'c1' } },
  result: {
    data: {
      campaign: {
        __typename: 'Campaign',
        id: 'c1',
        name: 'Spring promo',
        description: null,
        status: 'ACTIVE',
        startedAt: '2030-01-01T10:00:00.000Z',
        scheduledAt: null,
        completedAt: null,
        agent: { __typename: 'Agent', id: 'a1', name: 'Ava' },
        phone: { __typename: 'Phone', id: 'p1', name: 'Main line', number: '+14155550100', provider: 'SIMULATED' },
        settings: {
          __typename: 'CampaignSettings',
          concurrentCallsLimit: 2,
          retryFailedCalls: true,
          maxRetryAttempts: 3,
          retryDelayMinutes: 30,
          excludeVoicemail: false,
          priorityMode: 'FIFO',
          ambiguousTimezones: 'MOST_RESTRICTIVE',
          retryRules: [],
        },
        stats: stats(),
      },
    },
  },
};

/** The signed-in user is an OPERATOR: the campaign actions are theirs to use. */
const operator = {
  request: { query: CurrentRoleDocument },
  result: { data: { me: { __typename: 'User', id: 'u1', role: 'OPERATOR' } } },
  maxUsageCount: Number.POSITIVE_INFINITY,
};

function counter(key: string): string {
  return within(screen.getByTestId(`counter-${key}`)).getByRole('definition').textContent ?? '';
}

describe('live counters', () => {
  it('move when a campaignProgress message arrives, without refetching', async () => {
    const subscriptions = new MockSubscriptionLink();
    const link = ApolloLink.split(
      ({ query }) => isSubscriptionOperation(query),
      subscriptions,
      new MockLink([campaignPage, operator]),
    );
    renderRoute(
      <MockedProvider link={link} cache={createCache()}>
        <CampaignPage />
      </MockedProvider>,
      { path: '/campaigns/:campaignId', url: '/campaigns/c1' },
    );

    expect(await screen.findByRole('heading', { name: 'Spring promo' })).toBeInTheDocument();
    expect(counter('queued')).toBe('30');
    expect(counter('completed')).toBe('0');
    expect(screen.getByRole('progressbar', { name: 'Spring promo progress' })).toHaveAttribute('aria-valuenow', '0');
    expect(subscriptions.operation?.operationName).toBe('CampaignPageProgress');
    expect(subscriptions.operation?.variables).toEqual({ campaignId: 'c1' });

    act(() => {
      subscriptions.simulateResult({
        result: {
          data: {
            campaignProgress: {
              __typename: 'CampaignProgress',
              campaignId: 'c1',
              status: 'ACTIVE',
              updatedAt: '2030-01-01T10:01:00.000Z',
              lastCallAt: '2030-01-01T10:01:00.000Z',
              stats: stats({
                queuedCalls: 16,
                activeCalls: 2,
                completedCalls: 9,
                failedCalls: 2,
                voicemailCalls: 1,
                totalAttempts: 14,
                progress: 40,
                successRate: 75,
              }),
            },
          },
        },
      });
    });

    expect(await screen.findByText('12')).toBeInTheDocument(); // "12 of 30 contacts done"
    expect(counter('queued')).toBe('16');
    expect(counter('active')).toBe('2');
    expect(counter('completed')).toBe('9');
    expect(counter('failed')).toBe('2');
    expect(counter('voicemail')).toBe('1');
    expect(counter('attempts')).toBe('14');
    expect(screen.getByRole('progressbar', { name: 'Spring promo progress' })).toHaveAttribute('aria-valuenow', '40');
    expect(screen.getByText('75% success')).toBeInTheDocument();

    // A status change arrives the same way and the actions follow it.
    act(() => {
      subscriptions.simulateResult({
        result: {
          data: {
            campaignProgress: {
              __typename: 'CampaignProgress',
              campaignId: 'c1',
              status: 'COMPLETED',
              updatedAt: '2030-01-01T10:05:00.000Z',
              lastCallAt: '2030-01-01T10:05:00.000Z',
              stats: stats({
                queuedCalls: 0,
                completedCalls: 25,
                failedCalls: 4,
                voicemailCalls: 1,
                totalAttempts: 34,
                progress: 100,
                successRate: 83.3,
              }),
            },
          },
        },
      });
    });
    expect(await screen.findByRole('button', { name: 'Retry failed' })).toBeEnabled();
    expect(counter('completed')).toBe('25');
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDisabled();
    expect(screen.getByRole('progressbar', { name: 'Spring promo progress' })).toHaveAttribute('aria-valuenow', '100');
  });
});
