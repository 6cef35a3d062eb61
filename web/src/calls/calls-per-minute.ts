/** One bar of the calls-per-minute chart. */
export interface MinuteBucket {
  /** Start of the minute, ms since epoch. */
  minute: number;
  /** "14:05" */
  label: string;
  /** Calls placed in that minute. */
  calls: number;
}

/** The server's per-minute counts as the query and the cache hold them. */
export interface CallsPerMinuteData {
  /** Calls started before this instant are in the buckets; later ones are added live. */
  asOf: string;
  buckets: readonly { minute: string; calls: number }[];
}

const MINUTE = 60_000;

/**
 * The `minutes` bars ending with the minute of `now`, from the server's counts (plus the live
 * additions the cache holds); minutes without calls are zero bars so the time axis stays honest.
 */
export function minuteWindow(data: CallsPerMinuteData, now: number, minutes = 15): MinuteBucket[] {
  const counts = new Map<number, number>();
  for (const bucket of data.buckets) {
    const minute = Date.parse(bucket.minute);
    if (!Number.isNaN(minute)) counts.set(minute, (counts.get(minute) ?? 0) + bucket.calls);
  }
  const last = Math.floor(now / MINUTE) * MINUTE;
  const buckets: MinuteBucket[] = [];
  for (let minute = last - (minutes - 1) * MINUTE; minute <= last; minute += MINUTE) {
    const date = new Date(minute);
    const label = `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    buckets.push({ minute, label, calls: counts.get(minute) ?? 0 });
  }
  return buckets;
}

/**
 * Adds a call seen for the first time on `callUpdated` to the counts, when it started at or
 * after `asOf` (earlier ones are already in the server's buckets). Returns the new counts, or
 * null when nothing changes. The caller decides "first time" (the call was not in its list).
 */
export function countLiveCall<T extends CallsPerMinuteData>(data: T, call: { startedAt: string }): T | null {
  const started = Date.parse(call.startedAt);
  if (Number.isNaN(started) || started < Date.parse(data.asOf)) return null;
  const minute = new Date(Math.floor(started / MINUTE) * MINUTE).toISOString();
  const index = data.buckets.findIndex((bucket) => Date.parse(bucket.minute) === Date.parse(minute));
  const buckets =
    index >= 0
      ? data.buckets.map((bucket, i) => (i === index ? { ...bucket, calls: bucket.calls + 1 } : bucket))
      : [...data.buckets, { ...(data.buckets[0] ?? {}), minute, calls: 1 }];
  return { ...data, buckets };
}
