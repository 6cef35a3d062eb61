import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { UpdateOrganizationSettingsDocument } from '../gql/graphql';
import { organizationMock, renderWithMocks, roleMock } from '../test/mocks';
import { OrganizationPage } from './organization.page';
import { SettingsPage } from './settings.page';

const settings = (day: number | null, week: number | null) => ({
  __typename: 'OrganizationSettings' as const,
  maxCallsPerNumberPerDay: day,
  maxCallsPerNumberPerWeek: week,
});

describe('organization settings page', () => {
  it('lets an ADMIN change and clear the frequency caps', async () => {
    const user = userEvent.setup();
    const save = {
      request: {
        query: UpdateOrganizationSettingsDocument,
        variables: { input: { maxCallsPerNumberPerDay: null, maxCallsPerNumberPerWeek: 5 } },
      },
      result: {
        data: {
          updateOrganizationSettings: { __typename: 'Organization' as const, id: 'o1', settings: settings(null, 5) },
        },
      },
    };
    renderWithMocks(<OrganizationPage />, [organizationMock, roleMock('ADMIN'), save], '/settings/organization');
    const day = await screen.findByLabelText('Calls per number in 24 hours');
    const week = screen.getByLabelText('Calls per number in 7 days');
    expect(day).toHaveValue('3');
    expect(week).toHaveValue('');
    await user.clear(day);
    await user.type(week, '5');
    await user.click(screen.getByRole('button', { name: 'Save caps' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Saved.');
    // The fields show what the server now holds.
    expect(screen.getByLabelText('Calls per number in 24 hours')).toHaveValue('');
    expect(screen.getByLabelText('Calls per number in 7 days')).toHaveValue('5');
  });

  it('names a cap that is not a whole number in range, and sends nothing', async () => {
    const user = userEvent.setup();
    renderWithMocks(<OrganizationPage />, [organizationMock, roleMock('ADMIN')], '/settings/organization');
    const week = await screen.findByLabelText('Calls per number in 7 days');
    await user.type(week, '2.5');
    await user.click(screen.getByRole('button', { name: 'Save caps' }));
    expect(await screen.findByText(/^Enter a whole number from 1 to 10080/)).toBeInTheDocument();
    expect(week).toHaveAttribute('aria-invalid', 'true');
  });

  it('shows a VIEWER the caps, with nothing to edit', async () => {
    renderWithMocks(<SettingsPage />, [organizationMock, roleMock('VIEWER')], '/settings');
    expect(await screen.findByText('3')).toBeInTheDocument();
    expect(screen.getByText('No cap')).toBeInTheDocument();
    // Give the role query its turn: nothing editable appears once the role is known.
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('button')).toBeNull();
    expect(screen.queryByRole('textbox')).toBeNull();
    expect(screen.getByText('Administrators only')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: 'API keys' })).toBeNull();
  });
});
