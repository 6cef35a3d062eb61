import { Link } from 'react-router';
import { graphql } from '../gql';
import type { CallFeed_CallFragment } from '../gql/graphql';
import { formatDuration, formatTime, humanize } from '../shell/format';
import { EmptyState } from '../shell/states';
import { StatusBadge } from '../shell/status-badge';
import { isLive } from './call-status';

export const CallFeedFragment = graphql(`
  fragment CallFeed_call on Call {
    id
    attempt
    status
    startedAt
    answeredAt
    endedAt
    durationSeconds
    error
    disposition
    summary
    contact {
      id
      name
      phoneNumber
      status
      attempts
      lastOutcome
      nextAttemptAt
    }
  }
`);

/** When the call last changed, for ordering the feed. */
export function lastChange(call: CallFeed_CallFragment): number {
  return Date.parse(call.endedAt ?? call.answeredAt ?? call.startedAt) || 0;
}

/** The most recent call events, newest first. */
export function CallFeed({ calls, limit = 12 }: { calls: readonly CallFeed_CallFragment[]; limit?: number }) {
  const recent = [...calls].sort((a, b) => lastChange(b) - lastChange(a)).slice(0, limit);
  if (recent.length === 0)
    return <EmptyState title="No calls yet">Calls appear here the moment they are placed.</EmptyState>;
  return (
    <ol className="feed" aria-label="Live call feed" aria-live="off">
      {recent.map((call) => (
        <li key={call.id} className={`feed-item${isLive(call.status) ? ' feed-item-live' : ''}`}>
          <div className="feed-main">
            <Link className="feed-who" to={`/calls/${call.id}`}>
              {call.contact.name || call.contact.phoneNumber}
            </Link>
            {call.contact.name && <span className="feed-number">{call.contact.phoneNumber}</span>}
          </div>
          <div className="feed-meta">
            {call.disposition && <span className="badge">{humanize(call.disposition)}</span>}
            <StatusBadge status={call.status} />
            <span className="muted">
              {call.attempt > 1 ? `attempt ${call.attempt} · ` : ''}
              {isLive(call.status)
                ? `since ${formatTime(call.startedAt)}`
                : `${formatDuration(call.durationSeconds)} · ${formatTime(call.endedAt ?? call.startedAt)}`}
            </span>
          </div>
          {call.error && <p className="feed-error">{call.error}</p>}
          {call.summary && <p className="feed-summary muted">{call.summary}</p>}
        </li>
      ))}
    </ol>
  );
}

/** Calls on the line right now. */
export function ActiveCalls({ calls }: { calls: readonly CallFeed_CallFragment[] }) {
  const live = calls.filter((call) => isLive(call.status));
  if (live.length === 0) return <p className="muted empty-inline">No calls on the line.</p>;
  return (
    <ul className="active-calls" aria-label="Active calls">
      {live.map((call) => (
        <li key={call.id}>
          <span className="pulse" aria-hidden="true" />
          <span className="feed-who">{call.contact.name || call.contact.phoneNumber}</span>
          <StatusBadge status={call.status} />
          <span className="muted">since {formatTime(call.startedAt)}</span>
        </li>
      ))}
    </ul>
  );
}
