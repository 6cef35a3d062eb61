import { graphql } from '../gql';
import type { DispositionBreakdown_CampaignFragment } from '../gql/graphql';
import { formatCount, formatPercent, humanize } from '../shell/format';

export const DispositionBreakdownFragment = graphql(`
  fragment DispositionBreakdown_campaign on Campaign {
    id
    dispositions {
      disposition
      count
    }
  }
`);

/** Calls per disposition (the agents' outcome labels), as bars beside the outcomes. */
export function DispositionBreakdown({ campaign }: { campaign: DispositionBreakdown_CampaignFragment }) {
  const total = campaign.dispositions.reduce((sum, d) => sum + d.count, 0);
  if (total === 0) return <p className="muted empty-inline">No dispositions yet: they come with answered calls.</p>;
  return (
    <ul className="dispositions" aria-label="Dispositions">
      {campaign.dispositions.map((d) => (
        <li key={d.disposition}>
          <span className="disposition-label">{humanize(d.disposition)}</span>
          <span className="disposition-bar" aria-hidden="true">
            <span style={{ width: `${(100 * d.count) / total}%` }} />
          </span>
          <span className="disposition-count">
            {formatCount(d.count)}{' '}
            <span className="muted">({formatPercent(Math.round((1000 * d.count) / total) / 10)})</span>
          </span>
        </li>
      ))}
    </ul>
  );
}
