const integer = new Intl.NumberFormat('en-US');

/** 12,345 */
export function formatCount(value: number): string {
  return integer.format(value);
}

/** 42% / 99.5%: whole numbers without decimals, others with one. */
export function formatPercent(value: number): string {
  const clamped = Math.max(0, Math.min(100, value));
  return `${Number.isInteger(clamped) ? clamped : clamped.toFixed(1)}%`;
}

/** "Mar 4, 14:05" for today-ish timestamps, readable at a glance. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
}

/** "14:05:09" */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? '—'
    : date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** "1m 05s", "12s", "—" */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

/** "IN_PROGRESS" → "In progress" */
export function humanize(value: string): string {
  const lower = value.replace(/_/g, ' ').toLowerCase();
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}
