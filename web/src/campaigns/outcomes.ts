import type { CampaignStats_StatsFragment } from '../gql/graphql';

/**
 * Where a contact can end up, in the order the counters and the outcome chart show them: the
 * stats field that counts it, its label, the counter's tone (styles.css) and the same colour as
 * a value for the chart's SVG.
 */
export const OUTCOMES = [
  { key: 'completed', stat: 'completedCalls', label: 'Completed', tone: 'success', color: '#16a34a' },
  { key: 'failed', stat: 'failedCalls', label: 'Failed', tone: 'danger', color: '#dc2626' },
  { key: 'voicemail', stat: 'voicemailCalls', label: 'Voicemail', tone: 'warning', color: '#d97706' },
  { key: 'skipped', stat: 'skippedContacts', label: 'Skipped', tone: undefined, color: '#94a3b8' },
] as const satisfies readonly {
  key: string;
  stat: keyof CampaignStats_StatsFragment;
  label: string;
  tone: string | undefined;
  color: string;
}[];

/** Contacts with an outcome: every counter of OUTCOMES added up. */
export function finishedContacts(stats: Pick<CampaignStats_StatsFragment, (typeof OUTCOMES)[number]['stat']>): number {
  return OUTCOMES.reduce((sum, outcome) => sum + stats[outcome.stat], 0);
}
