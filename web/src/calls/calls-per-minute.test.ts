import { describe, expect, it } from 'vitest';
import { countLiveCall, minuteWindow } from './calls-per-minute';

describe('calls per minute', () => {
  const now = Date.parse('2030-01-01T10:05:30Z');
  const data = {
    asOf: '2030-01-01T10:05:30Z',
    buckets: [
      { minute: '2030-01-01T10:03:00Z', calls: 2 },
      { minute: '2030-01-01T10:04:00Z', calls: 0 },
      { minute: '2030-01-01T10:05:00Z', calls: 120 },
    ],
  };

  it('shows the server counts over the window ending now, zeros included', () => {
    const buckets = minuteWindow(data, now, 4);
    expect(buckets.map((b) => b.calls)).toEqual([0, 2, 0, 120]);
    expect(buckets[3]?.minute).toBe(Date.parse('2030-01-01T10:05:00Z'));
    expect(minuteWindow({ asOf: data.asOf, buckets: [] }, now)).toHaveLength(15);
  });

  it('rolls forward: older minutes leave the window, new ones start at zero', () => {
    expect(minuteWindow(data, now + 2 * 60_000, 3).map((b) => b.calls)).toEqual([120, 0, 0]);
  });

  it('adds calls placed after the counts were taken, into their minute', () => {
    const one = countLiveCall(data, { startedAt: '2030-01-01T10:05:40Z' });
    expect(one?.buckets[2]).toEqual({ minute: '2030-01-01T10:05:00Z', calls: 121 });
    const next = countLiveCall(one!, { startedAt: '2030-01-01T10:06:05Z' });
    expect(minuteWindow(next!, now + 60_000, 2).map((b) => b.calls)).toEqual([121, 1]);
    // Calls the server already counted are not counted again.
    expect(countLiveCall(data, { startedAt: '2030-01-01T10:05:10Z' })).toBeNull();
    expect(countLiveCall(data, { startedAt: 'not a date' })).toBeNull();
  });
});
