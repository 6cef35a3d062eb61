import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ContactRow } from './contact-row';
import type { ContactRow_ContactFragment } from '../gql/graphql';

const base: ContactRow_ContactFragment = {
  __typename: 'Contact',
  id: 'c1',
  phoneNumber: '+14155550100',
  name: 'Ada',
  email: null,
  priority: 0,
  timezone: 'America/Los_Angeles',
  status: 'SKIPPED',
  skipReason: 'MISSING_VARIABLE',
  waitReason: null,
  attempts: 0,
  lastOutcome: null,
  nextAttemptAt: null,
};

function renderRow(contact: ContactRow_ContactFragment) {
  return render(
    <table>
      <tbody>
        <ContactRow contact={contact} canCall={false} calling={false} onCall={() => {}} />
      </tbody>
    </table>,
  );
}

describe('contact row', () => {
  it('says why a skipped contact was skipped, beside its time zone', () => {
    renderRow(base);
    expect(screen.getByText('Missing variable')).toBeInTheDocument();
    expect(screen.getByText('America/Los_Angeles')).toBeInTheDocument();
  });

  it('shows no reason for a contact that was not skipped', () => {
    renderRow({ ...base, status: 'QUEUED', skipReason: null });
    expect(screen.queryByText('Missing variable')).toBeNull();
  });

  it('says why a waiting contact waits, and until when', () => {
    const until = '2030-01-02T10:00:00.000Z';
    renderRow({ ...base, status: 'QUEUED', skipReason: null, waitReason: 'FREQUENCY_CAP', nextAttemptAt: until });
    expect(screen.getByText(/^Waits: Frequency cap until /)).toBeInTheDocument();
  });
});
