import { useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from '@apollo/client/react';
import { graphql } from '../gql';
import { ActiveCalls, CallFeed } from '../calls/call-feed';
import { countLiveCall, minuteWindow } from '../calls/calls-per-minute';
import { CallsPerMinuteChart } from '../calls/calls-per-minute-chart';
import { prependCall } from '../calls/prepend-call';
import { ErrorState, Loading } from '../shell/states';
import { OutcomeChart } from './outcome-chart';
import { DispositionBreakdown } from './disposition-breakdown';
import { countDisposition } from './count-disposition';

/** Calls kept for the feed: the first page, then every live one. */
const RECENT_CALLS = 50;
/** Minutes the calls-per-minute chart shows (counted by the server, then kept live here). */
const CHART_MINUTES = 15;

const CampaignActivityPageQuery = graphql(`
  query CampaignActivityPage($id: ID!, $first: Int, $minutes: Int) {
    campaign(id: $id) {
      id
      ...OutcomeChart_campaign
      ...DispositionBreakdown_campaign
      dispositions {
        disposition
        count
      }
      callsPerMinute(minutes: $minutes) {
        asOf
        buckets {
          minute
          calls
        }
      }
      calls(first: $first) {
        nodes {
          id
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

const CampaignActivitySubscription = graphql(`
  subscription CampaignActivityCalls($campaignId: ID!) {
    callUpdated(campaignId: $campaignId) {
      id
      ...CallFeed_call
    }
  }
`);

/** Re-renders every `ms` so time-based views (the per-minute chart) roll forward when idle. */
function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

/** The campaign as it happens: outcomes, calls per minute, calls on the line, the call feed. */
export function CampaignActivityPage() {
  const { campaignId = '' } = useParams();
  const { data, error, refetch, subscribeToMore } = useQuery(CampaignActivityPageQuery, {
    variables: { id: campaignId, first: RECENT_CALLS, minutes: CHART_MINUTES },
  });
  const now = useNow(15_000);
  // Calls whose disposition the breakdown holds: seeded from the page as loaded (see countDisposition).
  const counted = useRef<Set<string> | null>(null);
  const loaded = data?.campaign;
  useEffect(() => {
    if (loaded && counted.current === null)
      counted.current = new Set(loaded.calls.nodes.filter((c) => c.disposition).map((c) => c.id));
  }, [loaded]);

  useEffect(
    () =>
      subscribeToMore({
        document: CampaignActivitySubscription,
        variables: { campaignId },
        updateQuery: (_, { subscriptionData, previousData, complete }) => {
          if (!complete || !previousData.campaign) return undefined;
          const call = subscriptionData.data.callUpdated;
          // A call already in the list changes only in the cache, but may bring a disposition.
          const dispositions = counted.current
            ? countDisposition(previousData.campaign.dispositions, counted.current, call)
            : null;
          const calls = prependCall(previousData.campaign.calls, call);
          if (!calls)
            return dispositions ? { ...previousData, campaign: { ...previousData.campaign, dispositions } } : undefined;
          // A call not in the list yet is new to this page: count it in its minute, unless the
          // server's counts (taken at asOf) already hold it.
          const callsPerMinute = countLiveCall(previousData.campaign.callsPerMinute, call);
          return {
            ...previousData,
            campaign: {
              ...previousData.campaign,
              calls,
              ...(callsPerMinute ? { callsPerMinute } : {}),
              ...(dispositions ? { dispositions } : {}),
            },
          };
        },
      }),
    [subscribeToMore, campaignId],
  );

  if (error && !data) return <ErrorState error={error} onRetry={() => void refetch()} />;
  if (!data?.campaign) return <Loading label="Loading activity…" />;
  const { campaign } = data;
  const calls = campaign.calls.nodes;

  return (
    <div className="grid grid-activity">
      <section className="card" aria-labelledby="outcomes-title">
        <h2 id="outcomes-title">Outcomes</h2>
        <OutcomeChart campaign={campaign} />
      </section>
      <section className="card" aria-labelledby="dispositions-title">
        <h2 id="dispositions-title">Dispositions</h2>
        <DispositionBreakdown campaign={campaign} />
      </section>
      <section className="card" aria-labelledby="cpm-title">
        <h2 id="cpm-title">Calls per minute</h2>
        <CallsPerMinuteChart buckets={minuteWindow(campaign.callsPerMinute, now, CHART_MINUTES)} />
      </section>
      <section className="card" aria-labelledby="active-title">
        <h2 id="active-title">On the line</h2>
        <ActiveCalls calls={calls} />
      </section>
      <section className="card" aria-labelledby="feed-title">
        <h2 id="feed-title">Live call feed</h2>
        <CallFeed calls={calls} />
      </section>
    </div>
  );
}
