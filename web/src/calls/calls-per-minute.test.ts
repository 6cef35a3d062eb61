import { describe, expect, it } from 'vitest';
import { bucketCallsByMinute } from './calls-per-minute';

describe('bucketCallsByMinute', () => {
  const now = Date.parse('2030-01-01T10:05:30Z');

  it('counts calls per minute over the window, zeros included', () => {
    const buckets = bucketCallsByMinute(
      [
        { startedAt: '2030-01-01T10:05:01Z' },
        { startedAt: '2030-01-01T10:05:59Z' },
        { startedAt: '2030-01-01T10:03:10Z' },
        { startedAt: '2030-01-01T09:00:00Z' }, // before the window
        { startedAt: 'not a date' },
      ],
      now,
      3,
    );
    expect(buckets.map((b) => b.calls)).toEqual([1, 0, 2]);
    expect(buckets[2]?.minute).toBe(Date.parse('2030-01-01T10:05:00Z'));
  });

  it('returns one bucket per minute of the window', () => {
    expect(bucketCallsByMinute([], now)).toHaveLength(15);
  });
});
