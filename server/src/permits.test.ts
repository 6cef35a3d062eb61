import { Permits } from './permits';

describe('Permits', () => {
  it('admits at most max at once and the rest in the order they asked', async () => {
    const permits = new Permits(2);
    const a = await permits.acquire();
    const b = await permits.acquire();
    const order: string[] = [];
    const c = permits.acquire().then((release) => (order.push('c'), release));
    const d = permits.acquire().then((release) => (order.push('d'), release));
    await new Promise((r) => setImmediate(r));
    expect(order).toEqual([]);
    expect(permits.active).toBe(2);
    expect(permits.queued).toBe(2);
    b();
    const releaseC = await c;
    expect(order).toEqual(['c']);
    a();
    const releaseD = await d;
    expect(order).toEqual(['c', 'd']);
    expect(permits.active).toBe(2);
    releaseC();
    releaseD();
    expect(permits.active).toBe(0);
    expect(permits.queued).toBe(0);
  });

  it('counts a permit released twice once (a slot releases after the place-call and again when done)', async () => {
    const permits = new Permits(1);
    const a = await permits.acquire();
    const waiting = permits.acquire();
    a();
    a();
    const b = await waiting;
    // Had the second release counted, a third dial would get in beside b.
    let third = false;
    void permits.acquire().then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    b();
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(true);
  });

  it('never has more than max in flight under a long churn', async () => {
    const permits = new Permits(3);
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 3_000 }, async (_, i) => {
        const release = await permits.acquire();
        most = Math.max(most, ++inFlight);
        await new Promise((r) => (i % 2 ? setImmediate(r) : process.nextTick(r)));
        inFlight -= 1;
        release();
      }),
    );
    expect(most).toBe(3);
    expect(permits.active).toBe(0);
  });

  it('refuses a bound below one', () => {
    expect(() => new Permits(0)).toThrow(/at least 1/);
  });
});
