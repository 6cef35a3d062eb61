import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MockedProvider } from '@apollo/client/testing/react';
import { ApolloLink } from '@apollo/client';
import { MockLink, MockSubscriptionLink } from '@apollo/client/testing';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import {
  CampaignPageDocument,
  CurrentRoleDocument,
  DuplicateCampaignDocument,
  ScheduleCampaignDocument,
} from '../gql/graphql';
import type { Role } from '../gql/graphql';
import { createCache } from '../session/apollo.client';
import { renderRoute } from '../test/render';
import { CampaignPage } from './campaign.page';

const roleMock = (role: Role) => ({
  request: { query: CurrentRoleDocument },
  result: { data: { me: { __typename: 'User' as const, id: 'u1', role } } },
  maxUsageCount: Number.POSITIVE_INFINITY,
});

const stats = {
  __typename: 'CampaignStats',
  totalContacts: 3,
  queuedCalls: 3,
  activeCalls: 0,
  retryScheduled: 0,
  completedCalls: 0,
  failedCalls: 0,
  voicemailCalls: 0,
  skippedContacts: 0,
  totalAttempts: 0,
  progress: 0,
  successRate: 0,
};
const campaignPage = {
  request: { query: CampaignPageDocument, variables: { id: 'c1' } },
  result: {
    data: {
      campaign: {
        __typename: 'Campaign',
        id: 'c1',
        name: 'Spring promo',
        description: null,
        status: 'DRAFT',
        startedAt: null,
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
          retryRules: [],
        },
        stats,
      },
    },
  },
  maxUsageCount: Number.POSITIVE_INFINITY,
};

function renderWith(
  element: React.ReactNode,
  mocks: ConstructorParameters<typeof MockLink>[0],
  path: string,
  url = path,
) {
  return renderRoute(
    <MockedProvider
      // Subscriptions (the campaign page's live progress) go to a link that stays silent.
      link={ApolloLink.split(
        ({ query }) => isSubscriptionOperation(query),
        new MockSubscriptionLink(),
        new MockLink(mocks),
      )}
      cache={createCache()}
    >
      {element}
    </MockedProvider>,
    { path, url },
  );
}

const copyPage = {
  ...campaignPage,
  request: { query: CampaignPageDocument, variables: { id: 'c2' } },
  result: {
    data: { campaign: { ...campaignPage.result.data.campaign, id: 'c2', name: 'Spring promo (copy)' } },
  },
};

describe('scheduling and duplicating from the campaign page', () => {
  it('schedules a DRAFT at the picked time and shows when it starts', async () => {
    const user = userEvent.setup();
    const local = '2031-05-04T09:30';
    const at = new Date(local).toISOString();
    const scheduled = {
      request: { query: ScheduleCampaignDocument, variables: { id: 'c1', at } },
      result: {
        data: {
          scheduleCampaign: {
            __typename: 'Campaign',
            id: 'c1',
            status: 'SCHEDULED',
            startedAt: null,
            completedAt: null,
            scheduledAt: at,
          },
        },
      },
    };
    renderWith(
      <CampaignPage />,
      [campaignPage, roleMock('OPERATOR'), scheduled],
      '/campaigns/:campaignId',
      '/campaigns/c1',
    );
    const picker = await screen.findByLabelText('Start at');
    await user.type(picker, local);
    await user.click(screen.getByRole('button', { name: 'Schedule' }));
    expect(await screen.findByText(/Starts by itself at/)).toBeInTheDocument();
    expect(screen.queryByLabelText('Start at')).toBeNull();
  });

  it('duplicates with its contacts and opens the copy', async () => {
    const user = userEvent.setup();
    const duplicated = {
      request: { query: DuplicateCampaignDocument, variables: { id: 'c1', withContacts: true } },
      result: {
        data: { duplicateCampaign: { __typename: 'Campaign', id: 'c2', name: 'Spring promo (copy)' } },
      },
    };
    renderWith(
      <CampaignPage />,
      [campaignPage, roleMock('OPERATOR'), duplicated, copyPage],
      '/campaigns/:campaignId',
      '/campaigns/c1',
    );
    await user.click(await screen.findByLabelText('with its contacts'));
    await user.click(screen.getByRole('button', { name: 'Duplicate' }));
    expect(await screen.findByRole('heading', { name: 'Spring promo (copy)' })).toBeInTheDocument();
  });
});
