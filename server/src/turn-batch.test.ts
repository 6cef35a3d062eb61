import { TurnBatch } from './turn-batch';

describe('TurnBatch', () => {
  it('runs what one turn queued as one group per key, results in order', async () => {
    const runs: [string, number[]][] = [];
    const batch = new TurnBatch<number, number>(async (key, items) => {
      runs.push([key, [...items]]);
      return items.map((n) => n * 10);
    });
    const answers = await Promise.all([batch.add('a', 1), batch.add('b', 2), batch.add('a', 3)]);
    expect(answers).toEqual([10, 20, 30]);
    expect(runs).toEqual([
      ['a', [1, 3]],
      ['b', [2]],
    ]);
    // The next turn starts new groups.
    await batch.add('a', 4);
    expect(runs[2]).toEqual(['a', [4]]);
  });

  it('rejects one item for its Error, every item when the run fails', async () => {
    const batch = new TurnBatch<number, number>(async (_key, items) => {
      if (items.includes(0)) throw new Error('run failed');
      return items.map((n) => (n < 0 ? new Error(`negative ${n}`) : n));
    });
    const one = await Promise.allSettled([batch.add('k', 1), batch.add('k', -2)]);
    expect(one.map((r) => r.status)).toEqual(['fulfilled', 'rejected']);
    expect((one[1] as PromiseRejectedResult).reason).toEqual(new Error('negative -2'));
    const all = await Promise.allSettled([batch.add('k', 1), batch.add('k', 0)]);
    expect(all.map((r) => (r as PromiseRejectedResult).reason?.message)).toEqual(['run failed', 'run failed']);
  });

  it('starts a new group when one is full or refuses an item, and runs them in order', async () => {
    const runs: number[][] = [];
    const batch = new TurnBatch<number, number>(
      async (_key, items) => {
        runs.push([...items]);
        return items;
      },
      { maxItems: 2, canJoin: (items, n) => !items.includes(n) },
    );
    await Promise.all([1, 2, 3, 3, 4].map((n) => batch.add('k', n)));
    expect(runs).toEqual([[1, 2], [3], [3, 4]]);
  });
});
