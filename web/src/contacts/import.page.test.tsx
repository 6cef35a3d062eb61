import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderRoute, TestSession } from '../test/render';
import { ImportPage } from './import.page';

function renderImport() {
  return renderRoute(
    <TestSession>
      <ImportPage />
    </TestSession>,
    { path: '/campaigns/:campaignId/import', url: '/campaigns/c1/import' },
  );
}

describe('contact import', () => {
  it('previews pasted CSV: first rows and how each column maps', async () => {
    const user = userEvent.setup();
    renderImport();
    const rows = Array.from({ length: 8 }, (_, i) => `+1415555010${i},Person ${i},p${i}@example.com,${i},Oslo`);
    const textarea = screen.getByLabelText('Or paste CSV');
    // user.paste keeps the newlines that typing would turn into key presses.
    await user.click(textarea);
    await user.paste(['Phone Number,name,email,priority,city', ...rows].join('\n'));

    const mapping = screen.getByRole('table', { name: 'Column mapping' });
    const mapped = within(mapping)
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.textContent);
    expect(mapped).toEqual([
      'Phone NumberPhone number',
      'nameName',
      'emailEmail',
      'priorityPriority',
      'cityCustom data · city',
    ]);

    const preview = screen.getByRole('table', { name: 'First rows' });
    const previewRows = within(preview).getAllByRole('row');
    expect(previewRows).toHaveLength(1 + 5); // header + first five
    expect(previewRows[1]).toHaveTextContent('+14155550100');
    expect(previewRows[1]).toHaveTextContent('Person 0');
    expect(screen.getByText('8 rows, first 5 shown')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Import 8 contacts' })).toBeEnabled();
  });

  it('refuses a CSV without a phone column and says why', async () => {
    const user = userEvent.setup();
    renderImport();
    await user.click(screen.getByLabelText('Or paste CSV'));
    await user.paste('name,email\nAnn,ann@example.com');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'No phone column: name one "phone", "phoneNumber" or "number".',
    );
    expect(screen.getByRole('button', { name: 'Import contacts' })).toBeDisabled();
  });
});
