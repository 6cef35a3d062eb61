import { humanize } from './format';

/** A colored pill for a campaign, contact or call status. */
export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge badge-${status.toLowerCase().replace(/_/g, '-')}`}>{humanize(status)}</span>;
}
