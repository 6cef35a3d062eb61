import { graphql } from '../gql';
import type { ContactRow_ContactFragment } from '../gql/graphql';
import { formatDateTime, humanize } from '../shell/format';
import { StatusBadge } from '../shell/status-badge';

export const ContactRowFragment = graphql(`
  fragment ContactRow_contact on Contact {
    id
    phoneNumber
    name
    email
    priority
    timezone
    status
    skipReason
    waitReason
    attempts
    lastOutcome
    nextAttemptAt
  }
`);

export interface ContactRowProps {
  contact: ContactRow_ContactFragment;
  canCall: boolean;
  /** False for a VIEWER: the button is not shown at all. Default true. */
  showCall?: boolean;
  calling: boolean;
  onCall(contactId: string): void;
}

/** One contact, with "Call now". */
export function ContactRow({ contact, canCall, showCall = true, calling, onCall }: ContactRowProps) {
  const label = contact.name || contact.phoneNumber;
  return (
    <tr>
      <td data-label="Contact">
        <span className="row-title">{contact.name || '—'}</span>
        {contact.email && <span className="row-sub">{contact.email}</span>}
      </td>
      <td data-label="Phone" className="mono">
        {contact.phoneNumber}
      </td>
      <td data-label="Time zone">{contact.timezone ?? '—'}</td>
      <td data-label="Status">
        <StatusBadge status={contact.status} />
        {contact.status === 'SKIPPED' && contact.skipReason && (
          <span className="row-sub">{humanize(contact.skipReason)}</span>
        )}
        {/* Why a waiting contact is held until its next attempt, e.g. its number's frequency cap. */}
        {contact.waitReason && (
          <span className="row-sub">
            Waits: {humanize(contact.waitReason)}
            {contact.nextAttemptAt && ` until ${formatDateTime(contact.nextAttemptAt)}`}
          </span>
        )}
      </td>
      <td data-label="Attempts" className="num">
        {contact.attempts}
      </td>
      <td data-label="Last outcome">{contact.lastOutcome ? humanize(contact.lastOutcome) : '—'}</td>
      <td data-label="Next attempt">
        {/* A retry's time, when the calling window opens in the contact's zone, or when the frequency cap allows. */}
        {contact.nextAttemptAt && (contact.status === 'RETRY_SCHEDULED' || contact.status === 'QUEUED')
          ? formatDateTime(contact.nextAttemptAt)
          : '—'}
      </td>
      <td data-label="Priority" className="num">
        {contact.priority}
      </td>
      <td className="cell-action">
        {showCall && (
          <button
            type="button"
            className="button button-small"
            disabled={!canCall || calling || contact.status === 'CALLING'}
            onClick={() => onCall(contact.id)}
            aria-label={`Call ${label} now`}
          >
            {calling ? 'Calling…' : 'Call now'}
          </button>
        )}
      </td>
    </tr>
  );
}
