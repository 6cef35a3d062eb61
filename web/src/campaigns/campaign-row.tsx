import { Link } from 'react-router';
import { graphql } from '../gql';
import type { CampaignRow_CampaignFragment } from '../gql/graphql';
import { formatCount, formatPercent } from '../shell/format';
import { ProgressBar } from '../shell/progress-bar';
import { StatusBadge } from '../shell/status-badge';
import { finishedContacts } from './outcomes';

export const CampaignRowFragment = graphql(`
  fragment CampaignRow_campaign on Campaign {
    id
    name
    status
    createdAt
    agent {
      id
      name
    }
    stats {
      totalContacts
      activeCalls
      completedCalls
      failedCalls
      voicemailCalls
      skippedContacts
      progress
      successRate
    }
  }
`);

/** One campaign in the list: status, progress and the counts an operator scans for. */
export function CampaignRow({ campaign }: { campaign: CampaignRow_CampaignFragment }) {
  const { stats } = campaign;
  return (
    <tr>
      <td data-label="Campaign">
        <Link to={`/campaigns/${campaign.id}`} className="row-title">
          {campaign.name}
        </Link>
        <span className="row-sub">{campaign.agent.name}</span>
      </td>
      <td data-label="Status">
        <StatusBadge status={campaign.status} />
      </td>
      <td data-label="Progress" className="cell-progress">
        <ProgressBar value={stats.progress} label={`${campaign.name} progress`} />
      </td>
      <td data-label="Contacts" className="num">
        {formatCount(stats.totalContacts)}
      </td>
      <td data-label="Live" className="num">
        {stats.activeCalls > 0 ? <span className="live-count">{formatCount(stats.activeCalls)}</span> : '0'}
      </td>
      <td data-label="Completed" className="num">
        {formatCount(stats.completedCalls)}
      </td>
      <td data-label="Failed" className="num">
        {formatCount(stats.failedCalls)}
      </td>
      <td data-label="Success" className="num">
        {finishedContacts(stats) > 0 ? formatPercent(stats.successRate) : '—'}
      </td>
    </tr>
  );
}
