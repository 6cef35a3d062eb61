import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { CampaignPageDocument, DuplicateCampaignDocument, ScheduleCampaignDocument } from '../gql/graphql';
import { campaignPageMock, renderWithMocks, roleMock } from '../test/mocks';
import { CampaignPage } from './campaign.page';

const copyPage = {
  ...campaignPageMock,
  request: { query: CampaignPageDocument, variables: { id: 'c2' } },
  result: {
    data: { campaign: { ...campaignPageMock.result.data.campaign, id: 'c2', name: 'Spring promo (copy)' } },
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
    renderWithMocks(
      <CampaignPage />,
      [campaignPageMock, roleMock('OPERATOR'), scheduled],
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
    renderWithMocks(
      <CampaignPage />,
      [campaignPageMock, roleMock('OPERATOR'), duplicated, copyPage],
      '/campaigns/:campaignId',
      '/campaigns/c1',
    );
    await user.click(await screen.findByLabelText('with its contacts'));
    await user.click(screen.getByRole('button', { name: 'Duplicate' }));
    expect(await screen.findByRole('heading', { name: 'Spring promo (copy)' })).toBeInTheDocument();
  });
});
