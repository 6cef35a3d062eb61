import { ReadCache } from './read-cache';

/** A database of one key whose reads resolve when the test says (`settle`), on a clock the test moves. */
function setUp(ttlMs = 2_000) {
  let now = 1_000;
  let value = 'v1';
  const pending: { resolve: (v: string | null) => void; snapshot: string }[] = [];
  let reads = 0;
  const cache = new ReadCache<string>(
    ttlMs,
    () => {
      reads += 1;
      // What the database holds when the read is sent is what it answers.
      const snapshot = value;
      return new Promise((resolve) => pending.push({ resolve, snapshot }));
    },
    () => now,
  );
  return {
    cache,
    reads: () => reads,
    edit: (v: string) => (value = v),
    advance: (ms: number) => (now += ms),
    /** Answers the pending reads, in the order they were sent or (`lastFirst`) the reverse. */
    settle: async (lastFirst = false) => {
      const answering = pending.splice(0);
      for (const p of lastFirst ? answering.reverse() : answering) {
        p.resolve(p.snapshot);
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

describe('ReadCache', () => {
  it('answers from one read for ttlMs, and concurrent askers share that read', async () => {
    const t = setUp();
    const both = Promise.all([t.cache.get('a'), t.cache.get('a')]);
    await t.settle();
    expect(await both).toEqual(['v1', 'v1']);
    expect(t.reads()).toBe(1);
    t.advance(1_999);
    expect(await t.cache.get('a')).toBe('v1');
    expect(t.reads()).toBe(1);
  });

  it('an edit applies to every ask ttlMs after the read that preceded it, however slow that read', async () => {
    const t = setUp();
    const first = t.cache.get('a');
    // The read is slow: it answers 1.5 s after it was sent, and the edit lands meanwhile.
    t.advance(1_000);
    t.edit('v2');
    t.advance(500);
    await t.settle();
    expect(await first).toBe('v1');
    // Within the bound the old value may still be served...
    t.advance(499);
    expect(await t.cache.get('a')).toBe('v1');
    // ...but at ttlMs after the read was sent (not after it answered), it is read again.
    t.advance(1);
    const after = t.cache.get('a');
    await t.settle();
    expect(await after).toBe('v2');
    expect(t.reads()).toBe(2);
  });

  it('does not join a read sent more than ttlMs ago, and caches no missing document', async () => {
    const t = setUp();
    const slow = t.cache.get('a');
    t.advance(2_000);
    t.edit('v2');
    const fresh = t.cache.get('a');
    expect(t.reads()).toBe(2);
    await t.settle(true);
    expect([await slow, await fresh]).toEqual(['v1', 'v2']);
    // The older read answered last must not overwrite the newer entry.
    expect(await t.cache.get('a')).toBe('v2');
    expect(t.reads()).toBe(2);

    let missingReads = 0;
    const missing = new ReadCache<string>(2_000, () => {
      missingReads += 1;
      return Promise.resolve(null);
    });
    expect(await missing.get('gone')).toBeNull();
    expect(await missing.get('gone')).toBeNull();
    expect(missingReads).toBe(2);
  });
});
