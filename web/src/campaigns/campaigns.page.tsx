import { useEffect, useId, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import type { CampaignStatus } from '../gql/graphql';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { StatusSelect, useStatusParam } from '../shell/status-filter';
import { CampaignRow } from './campaign-row';
import { CAMPAIGN_STATUSES } from './campaign-status';
import { useCan } from '../settings/use-role';

const PAGE_SIZE = 20;

const CampaignsPageQuery = graphql(`
  query CampaignsPage($status: CampaignStatus, $search: String, $first: Int, $after: String) {
    campaigns(status: $status, search: $search, first: $first, after: $after) {
      nodes {
        id
        ...CampaignRow_campaign
      }
      pageInfo {
        hasNextPage
        endCursor
      }
      totalCount
    }
  }
`);

const CampaignsPageSubscription = graphql(`
  subscription CampaignsPageUpdated {
    campaignUpdated {
      id
      ...CampaignRow_campaign
    }
  }
`);

function isStatus(value: string | null): value is CampaignStatus {
  return value !== null && (CAMPAIGN_STATUSES as string[]).includes(value);
}

/** All campaigns, live: filter by status, search by name, load more. */
export function CampaignsPage() {
  const canOperate = useCan('OPERATOR');
  const id = useId();
  const [params, setParams] = useSearchParams();
  const [status, setStatus] = useStatusParam(isStatus);
  const search = params.get('q') ?? '';
  const [searchInput, setSearchInput] = useState(search);

  // Debounced: one request per pause in typing, not per key.
  useEffect(() => {
    const timer = setTimeout(() => {
      if (searchInput.trim() === search) return;
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          if (searchInput.trim()) next.set('q', searchInput.trim());
          else next.delete('q');
          return next;
        },
        { replace: true },
      );
    }, 300);
    return () => clearTimeout(timer);
  }, [searchInput, search, setParams]);

  const variables = { status, search: search || null, first: PAGE_SIZE };
  const { data, error, loading, fetchMore, refetch, subscribeToMore } = useQuery(CampaignsPageQuery, { variables });
  const [loadingMore, setLoadingMore] = useState(false);

  useEffect(
    () =>
      subscribeToMore({
        document: CampaignsPageSubscription,
        updateQuery: (_, { subscriptionData, previousData, complete }) => {
          const updated = subscriptionData.data.campaignUpdated;
          if (!complete) return undefined;
          // Known campaigns update through the normalized cache; only a new one needs adding.
          if (previousData.campaigns.nodes.some((node) => node.id === updated.id)) return undefined;
          if (status && updated.status !== status) return undefined;
          if (search && !updated.name.toLowerCase().includes(search.toLowerCase())) return undefined;
          return {
            ...previousData,
            campaigns: {
              ...previousData.campaigns,
              nodes: [updated, ...previousData.campaigns.nodes],
              totalCount: previousData.campaigns.totalCount + 1,
            },
          };
        },
      }),
    [subscribeToMore, status, search],
  );

  const campaigns = data?.campaigns;
  const filtered = Boolean(status || search);

  return (
    <section aria-labelledby={`${id}-title`}>
      <div className="page-header">
        <div>
          <h1 id={`${id}-title`}>Campaigns</h1>
          <p className="muted">
            {campaigns
              ? `${campaigns.totalCount} ${campaigns.totalCount === 1 ? 'campaign' : 'campaigns'}`
              : 'Your outbound call campaigns'}
          </p>
        </div>
        {canOperate && (
          <Link to="/campaigns/new" className="button button-primary">
            New campaign
          </Link>
        )}
      </div>

      <div className="toolbar card">
        <div className="field field-inline">
          <label htmlFor={`${id}-search`}>Search</label>
          <input
            id={`${id}-search`}
            type="search"
            placeholder="Campaign name"
            value={searchInput}
            onChange={(event) => setSearchInput(event.target.value)}
          />
        </div>
        <div className="field field-inline">
          <StatusSelect
            id={`${id}-status`}
            label="Status"
            statuses={CAMPAIGN_STATUSES}
            value={status}
            onChange={setStatus}
          />
        </div>
      </div>

      {error && !campaigns ? (
        <ErrorState error={error} onRetry={() => void refetch()} title="Could not load campaigns" />
      ) : !campaigns ? (
        <Loading label="Loading campaigns…" />
      ) : campaigns.nodes.length === 0 ? (
        filtered ? (
          <EmptyState title="No campaigns match">Try another status or name.</EmptyState>
        ) : (
          <EmptyState
            title="No campaigns yet"
            action={
              canOperate ? (
                <Link to="/campaigns/new" className="button button-primary">
                  Create your first campaign
                </Link>
              ) : undefined
            }
          >
            A campaign dials a list of contacts with one of your voice agents.
          </EmptyState>
        )
      ) : (
        <div className="card table-card">
          <table className="table table-responsive">
            <caption className="visually-hidden">Campaigns</caption>
            <thead>
              <tr>
                <th scope="col">Campaign</th>
                <th scope="col">Status</th>
                <th scope="col">Progress</th>
                <th scope="col" className="num">
                  Contacts
                </th>
                <th scope="col" className="num">
                  Live
                </th>
                <th scope="col" className="num">
                  Completed
                </th>
                <th scope="col" className="num">
                  Failed
                </th>
                <th scope="col" className="num">
                  Success
                </th>
              </tr>
            </thead>
            <tbody>
              {campaigns.nodes.map((campaign) => (
                <CampaignRow key={campaign.id} campaign={campaign} />
              ))}
            </tbody>
          </table>
          {campaigns.pageInfo.hasNextPage && (
            <div className="table-footer">
              <button
                type="button"
                className="button"
                disabled={loadingMore || loading}
                onClick={async () => {
                  setLoadingMore(true);
                  try {
                    await fetchMore({ variables: { after: campaigns.pageInfo.endCursor } });
                  } finally {
                    setLoadingMore(false);
                  }
                }}
              >
                {loadingMore ? 'Loading…' : 'Load more'}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}
