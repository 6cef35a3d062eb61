import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import { CallDetailPageDocument } from '../gql/graphql';
import { formatDateTime } from '../shell/format';
import { renderWithMocks } from '../test/mocks';
import { CallDetailPage } from './call-detail.page';

const call = (over: { callbackAt?: string | null; optOut?: boolean | null; disposition?: string | null }) => ({
  request: { query: CallDetailPageDocument, variables: { id: 'call1' } },
  result: {
    data: {
      call: {
        __typename: 'Call' as const,
        id: 'call1',
        campaignId: 'camp1',
        attempt: 1,
        status: 'COMPLETED' as const,
        providerCallId: 'sim-1',
        startedAt: '2026-12-07T10:00:00.000Z',
        answeredAt: '2026-12-07T10:00:05.000Z',
        endedAt: '2026-12-07T10:01:05.000Z',
        durationSeconds: 60,
        error: null,
        variables: {},
        transcript: [],
        recordingUrl: null,
        summary: 'The contact asked us to ring back.',
        disposition: over.disposition ?? null,
        callbackAt: over.callbackAt ?? null,
        optOut: over.optOut ?? null,
        analysis: null,
        endedReason: 'customer-ended-call',
        contact: { __typename: 'Contact' as const, id: 'c1', name: 'Ada', phoneNumber: '+14155550100' },
      },
    },
  },
});

describe('call detail page', () => {
  it('shows the callback time the contact asked for', async () => {
    const at = '2026-12-08T15:00:00.000Z';
    renderWithMocks(
      <CallDetailPage />,
      [call({ disposition: 'CALLBACK', callbackAt: at })],
      '/calls/:callId',
      '/calls/call1',
    );
    expect(await screen.findByTestId('call-callback-at')).toHaveTextContent(formatDateTime(at));
    expect(screen.queryByTestId('call-opt-out')).toBeNull();
  });

  it('says when the contact opted out', async () => {
    renderWithMocks(
      <CallDetailPage />,
      [call({ disposition: 'DO_NOT_CALL', optOut: true })],
      '/calls/:callId',
      '/calls/call1',
    );
    expect(await screen.findByTestId('call-opt-out')).toHaveTextContent(/do-not-call list/);
    expect(screen.queryByTestId('call-callback-at')).toBeNull();
  });
});
