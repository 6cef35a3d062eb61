/** One bar of the calls-per-minute chart. */
export interface MinuteBucket {
  /** Start of the minute, ms since epoch. */
  minute: number;
  /** "14:05" */
  label: string;
  /** Calls placed in that minute. */
  calls: number;
}

const MINUTE = 60_000;

/**
 * Counts calls by the minute they started, for the `minutes` minutes ending with the
 * minute of `now`; minutes without calls are zero bars so the time axis stays honest.
 */
export function bucketCallsByMinute(
  calls: readonly { startedAt: string }[],
  now: number,
  minutes = 15,
): MinuteBucket[] {
  const last = Math.floor(now / MINUTE) * MINUTE;
  const first = last - (minutes - 1) * MINUTE;
  const counts = new Map<number, number>();
  for (const call of calls) {
    const time = Date.parse(call.startedAt);
    if (Number.isNaN(time)) continue;
    const minute = Math.floor(time / MINUTE) * MINUTE;
    if (minute < first || minute > last) continue;
    counts.set(minute, (counts.get(minute) ?? 0) + 1);
  }
  const buckets: MinuteBucket[] = [];
  for (let minute = first; minute <= last; minute += MINUTE) {
    const date = new Date(minute);
    const label = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    buckets.push({ minute, label, calls: counts.get(minute) ?? 0 });
  }
  return buckets;
}
