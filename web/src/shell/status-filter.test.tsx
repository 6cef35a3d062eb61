import { describe, expect, it } from 'vitest';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router';
import { renderRoute } from '../test/render';
import { StatusSelect, useStatusParam } from './status-filter';

const STATUSES = ['QUEUED', 'COMPLETED'] as const;
type Status = (typeof STATUSES)[number];
const isStatus = (value: string | null): value is Status => STATUSES.includes(value as Status);

function Filtered() {
  const [status, setStatus] = useStatusParam(isStatus);
  const location = useLocation();
  return (
    <>
      <StatusSelect id="s" label="Contact status" statuses={STATUSES} value={status} onChange={setStatus} />
      <output aria-label="status">{status ?? 'none'}</output>
      <output aria-label="search">{location.search}</output>
    </>
  );
}

describe('status filter', () => {
  it('keeps the status in the URL, beside the other parameters, and clears it', async () => {
    const user = userEvent.setup();
    renderRoute(<Filtered />, { path: '/list', url: '/list?q=oslo' });
    const select = screen.getByLabelText('Contact status');
    expect(screen.getByLabelText('status')).toHaveTextContent('none');

    await user.selectOptions(select, 'Completed');
    expect(screen.getByLabelText('status')).toHaveTextContent('COMPLETED');
    expect(screen.getByLabelText('search')).toHaveTextContent('?q=oslo&status=COMPLETED');

    await user.selectOptions(select, 'All statuses');
    expect(screen.getByLabelText('status')).toHaveTextContent('none');
    expect(screen.getByLabelText('search')).toHaveTextContent('?q=oslo');
  });

  it('ignores a status that is not one of the list', () => {
    renderRoute(<Filtered />, { path: '/list', url: '/list?status=BOGUS' });
    expect(screen.getByLabelText('status')).toHaveTextContent('none');
    expect(screen.getByLabelText('Contact status')).toHaveValue('');
  });
});
