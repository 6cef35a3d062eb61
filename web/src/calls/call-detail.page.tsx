import { useId } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CallDetailPageQuery } from '../gql/graphql';
import { formatDateTime, formatDuration, humanize } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { StatusBadge } from '../shell/status-badge';
import { isLive } from './call-status';

const CallDetailPageQuery = graphql(`
  query CallDetailPage($id: ID!) {
    call(id: $id) {
      id
      campaignId
      attempt
      status
      providerCallId
      startedAt
      answeredAt
      endedAt
      durationSeconds
      error
      variables
      transcript {
        speaker
        text
        at
      }
      recordingUrl
      summary
      disposition
      callbackAt
      optOut
      analysis
      endedReason
      contact {
        id
        name
        phoneNumber
      }
    }
  }
`);

type Call = NonNullable<CallDetailPageQuery['call']>;

/** Seconds from the answer as m:ss. */
function formatOffset(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '';
  const whole = Math.max(0, Math.round(seconds));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** "callbackRequested" or "call_successful" → "Callback requested", "Call successful". */
function keyLabel(key: string): string {
  return humanize(key.replace(/([a-z0-9])([A-Z])/g, '$1_$2'));
}

/** A value of the platform's analysis, readable in a table cell (nested values as compact JSON). */
function analysisValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function Timeline({ call }: { call: Call }) {
  const steps: { label: string; at: string | null | undefined }[] = [
    { label: 'Placed', at: call.startedAt },
    { label: 'Answered', at: call.answeredAt },
    { label: isLive(call.status) ? 'On the line' : humanize(call.status), at: call.endedAt },
  ];
  return (
    <ol className="timeline" aria-label="Status timeline">
      {steps
        .filter((step, i) => i === 0 || step.at || i === steps.length - 1)
        .map((step) => (
          <li key={step.label}>
            <span className="timeline-label">{step.label}</span>
            <span className="muted">{step.at ? formatDateTime(step.at) : 'not yet'}</span>
          </li>
        ))}
    </ol>
  );
}

/** One call: its timeline, the variables its agent got, and the conversation that came back. */
export function CallDetailPage() {
  const id = useId();
  const { callId = '' } = useParams();
  const { data, error, refetch } = useQuery(CallDetailPageQuery, { variables: { id: callId } });
  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data) return <Loading label="Loading the call…" />;
  const call = data.call;
  if (!call) return <EmptyState title="Call not found">It may belong to a deleted campaign.</EmptyState>;
  const variables = Object.entries((call.variables ?? {}) as Record<string, unknown>);
  const analysis = Object.entries((call.analysis ?? {}) as Record<string, unknown>);
  const who = call.contact.name || call.contact.phoneNumber;
  return (
    <section>
      <div className="page-header">
        <div>
          <p className="muted">
            <Link to={`/campaigns/${call.campaignId}/calls`}>← Calls of the campaign</Link>
          </p>
          <div className="title-row">
            <h1>Call with {who}</h1>
            <StatusBadge status={call.status} />
          </div>
          <p className="muted">
            {call.contact.phoneNumber} · attempt {call.attempt} · {formatDuration(call.durationSeconds)}
            {call.providerCallId ? ` · ${call.providerCallId}` : ''}
          </p>
        </div>
      </div>
      <div className="grid grid-sidebar">
        <div className="stack">
          <section className="card" aria-labelledby={`${id}-transcript`}>
            <h2 id={`${id}-transcript`}>Transcript</h2>
            {call.transcript && call.transcript.length > 0 ? (
              <ol className="transcript" aria-label="Conversation">
                {call.transcript.map((turn, i) => (
                  <li key={i} className={`turn turn-${turn.speaker.toLowerCase()}`}>
                    <span className="turn-who">{turn.speaker === 'AGENT' ? 'Agent' : who}</span>
                    <span className="turn-at muted">{formatOffset(turn.at)}</span>
                    <p className="turn-text">{turn.text}</p>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">
                {isLive(call.status) ? 'The conversation shows here when it ends.' : 'No transcript.'}
              </p>
            )}
          </section>
          <section className="card" aria-labelledby={`${id}-recording`}>
            <h2 id={`${id}-recording`}>Recording</h2>
            {call.recordingUrl ? (
              <audio controls preload="metadata" src={call.recordingUrl} aria-label="Call recording" />
            ) : (
              <p className="muted">No recording.</p>
            )}
          </section>
        </div>
        <div className="stack">
          <section className="card" aria-labelledby={`${id}-outcome`}>
            <h2 id={`${id}-outcome`}>Outcome</h2>
            <dl className="facts">
              <dt>Disposition</dt>
              <dd data-testid="call-disposition">{call.disposition ? humanize(call.disposition) : '—'}</dd>
              <dt>Summary</dt>
              <dd>{call.summary ?? '—'}</dd>
              <dt>Ended because</dt>
              <dd>{call.endedReason ?? '—'}</dd>
              {call.callbackAt && (
                <>
                  <dt>Callback asked for</dt>
                  <dd data-testid="call-callback-at">{formatDateTime(call.callbackAt)}</dd>
                </>
              )}
              {call.optOut && (
                <>
                  <dt>Opted out</dt>
                  <dd data-testid="call-opt-out">
                    Asked not to be called again; the number is on the do-not-call list.
                  </dd>
                </>
              )}
              {call.error && (
                <>
                  <dt>Error</dt>
                  <dd>{call.error}</dd>
                </>
              )}
            </dl>
          </section>
          <section className="card" aria-labelledby={`${id}-timeline`}>
            <h2 id={`${id}-timeline`}>Timeline</h2>
            <Timeline call={call} />
          </section>
          <section className="card table-card" aria-labelledby={`${id}-variables`}>
            <div className="card-header">
              <h2 id={`${id}-variables`}>Variables sent</h2>
            </div>
            {variables.length === 0 ? (
              <p className="muted empty-inline">None.</p>
            ) : (
              <table className="table" aria-label="Variables sent">
                <tbody>
                  {variables.map(([key, value]) => (
                    <tr key={key}>
                      <th scope="row" className="mono">
                        {key}
                      </th>
                      <td>{String(value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          {analysis.length > 0 && (
            <section className="card table-card" aria-labelledby={`${id}-analysis`}>
              <div className="card-header">
                <h2 id={`${id}-analysis`}>Analysis</h2>
              </div>
              <table className="table" aria-label="Analysis">
                <tbody>
                  {analysis.map(([key, value]) => (
                    <tr key={key}>
                      <th scope="row">{keyLabel(key)}</th>
                      <td>{analysisValue(value)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </div>
      </div>
    </section>
  );
}
