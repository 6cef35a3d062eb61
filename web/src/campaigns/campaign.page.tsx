import { useEffect } from 'react';
import { Link, NavLink, Outlet, useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { EmptyState, ErrorState, Loading } from '../shell/states';
import { StatusBadge } from '../shell/status-badge';
import { CampaignActions } from './campaign-actions';
import { CampaignCounters } from './campaign-counters';
import { PRIORITY_MODE_LABELS } from './campaign-status';
import { useCan } from '../settings/use-role';

const CampaignPageQuery = graphql(`
  query CampaignPage($id: ID!) {
    campaign(id: $id) {
      id
      name
      description
      status
      agent {
        id
        name
      }
      phone {
        id
        name
        number
        provider
      }
      settings {
        ...CampaignForm_settings
      }
      ...CampaignActions_campaign
      ...CampaignCounters_campaign
    }
  }
`);

const CampaignProgressSubscription = graphql(`
  subscription CampaignPageProgress($campaignId: ID!) {
    campaignProgress(campaignId: $campaignId) {
      campaignId
      status
      updatedAt
      lastCallAt
      stats {
        ...CampaignStats_stats
      }
    }
  }
`);

/**
 * A campaign, live: header, actions and counters stay on top while the tabs below switch
 * between activity, contacts, calls and import. Progress snapshots from the subscription
 * are written onto the cached campaign, so every view of it (the list too) moves with them.
 */
export function CampaignPage() {
  const canOperate = useCan('OPERATOR');
  const { campaignId = '' } = useParams();
  const { data, error, refetch, subscribeToMore } = useQuery(CampaignPageQuery, { variables: { id: campaignId } });

  useEffect(
    () =>
      subscribeToMore({
        document: CampaignProgressSubscription,
        variables: { campaignId },
        updateQuery: (_, { subscriptionData, previousData, complete }) => {
          const progress = subscriptionData.data.campaignProgress;
          if (!complete || !previousData.campaign) return undefined;
          return {
            ...previousData,
            campaign: {
              ...previousData.campaign,
              status: progress.status,
              stats: { ...previousData.campaign.stats, ...progress.stats },
            },
          };
        },
      }),
    [subscribeToMore, campaignId],
  );

  if (error && !data)
    return <ErrorState error={error} onRetry={() => void refetch()} title="Could not load the campaign" />;
  if (!data) return <Loading label="Loading campaign…" />;
  const { campaign } = data;
  if (!campaign) {
    return (
      <EmptyState
        title="Campaign not found"
        action={
          <Link to="/campaigns" className="button">
            Back to campaigns
          </Link>
        }
      >
        It may have been deleted, or it belongs to another organization.
      </EmptyState>
    );
  }

  const { settings } = campaign;
  const base = `/campaigns/${campaign.id}`;
  return (
    <section className="campaign">
      <div className="page-header">
        <div className="page-title">
          <p className="breadcrumb">
            <Link to="/campaigns">Campaigns</Link>
          </p>
          <div className="title-row">
            <h1>{campaign.name}</h1>
            <StatusBadge status={campaign.status} />
          </div>
          <p className="muted meta">
            <span>Agent: {campaign.agent.name}</span>
            <span>
              Calling from {campaign.phone.name} · {campaign.phone.number}
            </span>
            <span>
              Up to {settings.concurrentCallsLimit} at once · {PRIORITY_MODE_LABELS[settings.priorityMode]}
              {settings.retryFailedCalls
                ? ` · ${settings.maxRetryAttempts} retries after ${settings.retryDelayMinutes} min`
                : ' · no retries'}
              {settings.excludeVoicemail ? ' · voicemail not retried' : ''}
            </span>
          </p>
          {campaign.description && <p className="description">{campaign.description}</p>}
        </div>
        <div className="page-header-actions">
          <CampaignActions campaign={campaign} hasContacts={campaign.stats.totalContacts > 0} />
          {canOperate && (
            <Link to={`${base}/edit`} className="button button-ghost">
              Edit settings
            </Link>
          )}
        </div>
      </div>

      <CampaignCounters campaign={campaign} />

      <nav className="tabs" aria-label="Campaign sections">
        <NavLink end to={base} className="tab">
          Activity
        </NavLink>
        <NavLink to={`${base}/contacts`} className="tab">
          Contacts
        </NavLink>
        <NavLink to={`${base}/calls`} className="tab">
          Calls
        </NavLink>
        {canOperate && (
          <NavLink to={`${base}/import`} className="tab">
            Import contacts
          </NavLink>
        )}
      </nav>
      <Outlet />
    </section>
  );
}
