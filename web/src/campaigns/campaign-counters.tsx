import { graphql } from '../gql';
import type { CampaignCounters_CampaignFragment } from '../gql/graphql';
import { formatCount, formatPercent } from '../shell/format';
import { ProgressBar } from '../shell/progress-bar';
import { finishedContacts, OUTCOMES } from './outcomes';

/**
 * Every counter of a campaign: the one selection of them that the counters, the live progress
 * subscription and the mutations that move them (so the cache stays whole) all spread.
 */
export const CampaignStatsFragment = graphql(`
  fragment CampaignStats_stats on CampaignStats {
    totalContacts
    queuedCalls
    activeCalls
    retryScheduled
    completedCalls
    failedCalls
    voicemailCalls
    skippedContacts
    totalAttempts
    progress
    successRate
  }
`);

export const CampaignCountersFragment = graphql(`
  fragment CampaignCounters_campaign on Campaign {
    id
    name
    stats {
      ...CampaignStats_stats
    }
  }
`);

/** The campaign's live numbers: where every contact is, and how far along it is. */
export function CampaignCounters({ campaign }: { campaign: CampaignCounters_CampaignFragment }) {
  const { stats } = campaign;
  const final = finishedContacts(stats);
  const counters: { key: string; label: string; value: number; tone?: string; title?: string }[] = [
    { key: 'queued', label: 'Queued', value: stats.queuedCalls },
    { key: 'active', label: 'Active', value: stats.activeCalls, tone: 'accent' },
    { key: 'retry', label: 'Retrying', value: stats.retryScheduled, title: 'Waiting for their retry time' },
    ...OUTCOMES.map(({ key, label, tone, stat }) => ({ key, label, tone, value: stats[stat] })),
    { key: 'attempts', label: 'Attempts', value: stats.totalAttempts },
  ];
  return (
    <section className="card counters-card" aria-label="Live counters">
      <div className="counters-progress">
        <div className="counters-progress-label">
          <span>
            <strong>{formatCount(final)}</strong> of {formatCount(stats.totalContacts)} contacts done
          </span>
          <span className="muted">{final > 0 ? `${formatPercent(stats.successRate)} success` : 'No outcomes yet'}</span>
        </div>
        <ProgressBar value={stats.progress} label={`${campaign.name} progress`} size="large" />
      </div>
      <dl className="counters">
        {counters.map((counter) => (
          <div
            key={counter.key}
            className={`counter${counter.tone ? ` counter-${counter.tone}` : ''}`}
            data-testid={`counter-${counter.key}`}
            title={counter.title}
          >
            <dt>{counter.label}</dt>
            <dd>{formatCount(counter.value)}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
