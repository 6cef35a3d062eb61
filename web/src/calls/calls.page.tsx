import { useEffect, useId, useState } from 'react';
import { Link, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CallStatus } from '../gql/graphql';
import { downloadBlob, slug } from '../shell/csv';
import { errorMessage } from '../shell/errors';
import { formatDateTime, formatDuration, humanize } from '../shell/format';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { StatusSelect, useStatusParam } from '../shell/status-filter';
import { StatusBadge } from '../shell/status-badge';
import { CALL_STATUSES } from './call-status';
import { downloadCsv } from './download-calls-csv';
import type { ExportProgress } from './download-calls-csv';
import { ProgressBar } from '../shell/progress-bar';
import { useSession } from '../session/session.context';
import { prependCall } from './prepend-call';

const PAGE_SIZE = 50;

const CampaignCallsPageQuery = graphql(`
  query CampaignCallsPage($id: ID!, $status: CallStatus, $first: Int, $after: String) {
    campaign(id: $id) {
      id
      name
      calls(status: $status, first: $first, after: $after) {
        nodes {
          id
          providerCallId
          ...CallFeed_call
        }
        pageInfo {
          hasNextPage
          endCursor
        }
        totalCount
      }
    }
  }
`);

const CampaignCallsSubscription = graphql(`
  subscription CampaignCallsUpdated($campaignId: ID!) {
    callUpdated(campaignId: $campaignId) {
      id
      providerCallId
      ...CallFeed_call
    }
  }
`);

function isCallStatus(value: string | null): value is CallStatus {
  return value !== null && (CALL_STATUSES as string[]).includes(value);
}

/** Every call of the campaign (each attempt is one call), filterable, exportable as CSV. */
export function CallsPage() {
  const id = useId();
  const { campaignId = '' } = useParams();
  const [status, setStatus] = useStatusParam(isCallStatus);
  const { data, error, loading, refetch, fetchMore, subscribeToMore } = useQuery(CampaignCallsPageQuery, {
    variables: { id: campaignId, status, first: PAGE_SIZE },
  });
  const [busy, setBusy] = useState<'more' | 'export' | null>(null);
  const [exportError, setExportError] = useState<string | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const { token } = useSession();

  useEffect(
    () =>
      subscribeToMore({
        document: CampaignCallsSubscription,
        variables: { campaignId },
        updateQuery: (_, { subscriptionData, previousData, complete }) => {
          if (!complete || !previousData.campaign) return undefined;
          const calls = prependCall(previousData.campaign.calls, subscriptionData.data.callUpdated, status);
          return calls ? { ...previousData, campaign: { ...previousData.campaign, calls } } : undefined;
        },
      }),
    [subscribeToMore, campaignId, status],
  );

  const campaign = data?.campaign;

  /**
   * Downloads every call (of the chosen status) as the server streams it, showing progress:
   * the server reads its database in batches, so the size of the campaign does not matter.
   */
  const exportCsv = async () => {
    if (!campaign) return;
    setBusy('export');
    setExportError(null);
    setProgress(null);
    try {
      const query = status ? `?status=${encodeURIComponent(status)}` : '';
      const blob = await downloadCsv({
        url: `/api/campaigns/${encodeURIComponent(campaign.id)}/calls.csv${query}`,
        token,
        onProgress: setProgress,
      });
      const suffix = status ? `-${status.toLowerCase()}` : '';
      downloadBlob(`${slug(campaign.name)}-calls${suffix}.csv`, blob);
    } catch (e) {
      setExportError(errorMessage(e));
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  return (
    <section className="card table-card" aria-labelledby={`${id}-title`}>
      <div className="card-header">
        <h2 id={`${id}-title`}>Calls {campaign && <span className="muted count">{campaign.calls.totalCount}</span>}</h2>
        <div className="card-header-tools">
          <StatusSelect
            id={`${id}-status`}
            label="Call status"
            hideLabel
            statuses={CALL_STATUSES}
            value={status}
            onChange={setStatus}
          />
          <button
            type="button"
            className="button"
            onClick={() => void exportCsv()}
            disabled={!campaign || campaign.calls.nodes.length === 0 || busy !== null}
          >
            {busy === 'export' ? 'Exporting…' : 'Export CSV'}
          </button>
        </div>
      </div>
      {busy === 'export' && progress && (
        <div className="export-progress">
          {progress.total ? (
            <ProgressBar value={(100 * progress.rows) / progress.total} label="Export progress" />
          ) : null}
          <p className="muted" role="status">
            {progress.rows.toLocaleString()} of {progress.total?.toLocaleString() ?? '?'} calls downloaded
          </p>
        </div>
      )}
      {exportError && (
        <p className="form-error" role="alert">
          {exportError}
        </p>
      )}
      {error && !campaign ? (
        <ErrorState error={error} onRetry={() => void refetch()} />
      ) : !data ? (
        <Loading label="Loading calls…" />
      ) : !campaign ? (
        <EmptyState title="Campaign not found" />
      ) : campaign.calls.nodes.length === 0 ? (
        <EmptyState title={status ? `No ${humanize(status).toLowerCase()} calls` : 'No calls yet'}>
          {status ? 'Try another status.' : 'Calls show up here as soon as the campaign dials.'}
        </EmptyState>
      ) : (
        <>
          <table className="table table-responsive">
            <thead>
              <tr>
                <th scope="col">Contact</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Attempt
                </th>
                <th scope="col">Started</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {campaign.calls.nodes.map((call) => (
                <tr key={call.id}>
                  <td data-label="Contact">
                    <span className="row-title">{call.contact.name || call.contact.phoneNumber}</span>
                    {call.contact.name && <span className="row-sub mono">{call.contact.phoneNumber}</span>}
                  </td>
                  <td data-label="Status">
                    <StatusBadge status={call.status} />
                  </td>
                  <td data-label="Attempt" className="num">
                    {call.attempt}
                  </td>
                  <td data-label="Started">{formatDateTime(call.startedAt)}</td>
                  <td data-label="Duration" className="num">
                    {formatDuration(call.durationSeconds)}
                  </td>
                  <td data-label="Details" className="muted">
                    <Link
                      to={`/calls/${call.id}`}
                      aria-label={`Call details: ${call.contact.name || call.contact.phoneNumber}, attempt ${call.attempt}`}
                    >
                      {call.disposition ? humanize(call.disposition) : 'Details'}
                    </Link>
                    {call.error ? ` · ${call.error}` : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {campaign.calls.pageInfo.hasNextPage && (
            <div className="table-footer">
              <button
                type="button"
                className="button"
                disabled={busy !== null || loading}
                onClick={async () => {
                  setBusy('more');
                  try {
                    await fetchMore({ variables: { after: campaign.calls.pageInfo.endCursor } });
                  } finally {
                    setBusy(null);
                  }
                }}
              >
                {busy === 'more' ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
