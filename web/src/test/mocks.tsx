import type { ReactNode } from 'react';
import { MockedProvider } from '@apollo/client/testing/react';
import { ApolloLink } from '@apollo/client';
import { MockLink, MockSubscriptionLink } from '@apollo/client/testing';
import { isSubscriptionOperation } from '@apollo/client/utilities';
import { CampaignPageDocument, CurrentRoleDocument, OrganizationPageDocument } from '../gql/graphql';
import type { Role } from '../gql/graphql';
import { createCache } from '../session/apollo.client';
import { renderRoute } from './render';

/** The signed-in user's role, answered as often as it is asked. */
export const roleMock = (role: Role) => ({
  request: { query: CurrentRoleDocument },
  result: { data: { me: { __typename: 'User' as const, id: 'u1', role } } },
  maxUsageCount: Number.POSITIVE_INFINITY,
});

/** The organization settings page's query: Acme, 3 calls a day per number and no weekly cap. */
export const organizationMock = {
  request: { query: OrganizationPageDocument },
  result: {
    data: {
      organization: {
        __typename: 'Organization' as const,
        id: 'o1',
        name: 'Acme',
        settings: {
          __typename: 'OrganizationSettings' as const,
          maxCallsPerNumberPerDay: 3,
          maxCallsPerNumberPerWeek: null,
        },
      },
    },
  },
  maxUsageCount: Number.POSITIVE_INFINITY,
};

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

/** The campaign page's query for a DRAFT campaign `c1` ("Spring promo", 3 queued contacts). */
export const campaignPageMock = {
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

/** Renders `element` at route `path` with Apollo answering from `mocks`; subscriptions stay silent. */
export function renderWithMocks(
  element: ReactNode,
  mocks: ConstructorParameters<typeof MockLink>[0],
  path: string,
  url = path,
) {
  return renderRoute(
    <MockedProvider
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
