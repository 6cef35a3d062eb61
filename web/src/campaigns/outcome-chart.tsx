import { Cell, Pie, PieChart, ResponsiveContainer, Tooltip } from 'recharts';
import { graphql } from '../gql';
import type { OutcomeChart_CampaignFragment } from '../gql/graphql';
import { formatCount } from '../shell/format';
import { OUTCOMES } from './outcomes';

export const OutcomeChartFragment = graphql(`
  fragment OutcomeChart_campaign on Campaign {
    id
    stats {
      ...CampaignStats_stats
    }
  }
`);

/** Where every contact ended up, as a donut with its numbers beside it. */
export function OutcomeChart({ campaign }: { campaign: OutcomeChart_CampaignFragment }) {
  const { stats } = campaign;
  const data = [
    ...OUTCOMES.map((outcome) => ({ name: outcome.label, value: stats[outcome.stat], color: outcome.color })),
    { name: 'Not finished', value: stats.queuedCalls + stats.activeCalls + stats.retryScheduled, color: '#e2e8f0' },
  ];
  const total = stats.totalContacts;

  return (
    <div className="outcome">
      <div className="outcome-chart" aria-hidden="true">
        {total > 0 ? (
          <ResponsiveContainer width="100%" height={180} initialDimension={{ width: 180, height: 180 }}>
            <PieChart>
              <Pie
                data={data.filter((d) => d.value > 0)}
                dataKey="value"
                nameKey="name"
                innerRadius={52}
                outerRadius={80}
                paddingAngle={1}
                isAnimationActive={false}
                stroke="none"
              >
                {data
                  .filter((d) => d.value > 0)
                  .map((d) => (
                    <Cell key={d.name} fill={d.color} />
                  ))}
              </Pie>
              <Tooltip formatter={(value) => formatCount(Number(value))} />
            </PieChart>
          </ResponsiveContainer>
        ) : (
          <div className="outcome-empty" />
        )}
      </div>
      <ul className="legend">
        {data.map((d) => (
          <li key={d.name}>
            <span className="legend-swatch" style={{ background: d.color }} aria-hidden="true" />
            <span className="legend-label">{d.name}</span>
            <span className="legend-value">{formatCount(d.value)}</span>
            <span className="legend-share muted">{total > 0 ? `${Math.round((d.value / total) * 100)}%` : ''}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
