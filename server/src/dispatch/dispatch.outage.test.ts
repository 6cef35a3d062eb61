import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from './dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';

/**
 * A 20 s Redis outage in the middle of a running campaign. The test's redis-server is paused
 * (SIGSTOP, then SIGCONT): its connections stay open and unanswered, as in a network partition,
 * and nothing is lost. Restarting it would not be honest: the test Redis has no persistence, so
 * BullMQ's jobs would vanish, where production Redis keeps them in its AOF.
 */
const OUTAGE_MS = 20_000;

describe('dispatch: a Redis outage', () => {
  let stack: TestStack;
  let paused = false;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    // Never leave a stopped redis-server behind, even when an assertion failed mid-outage.
    if (paused) process.kill(stack.redis.pid, 'SIGCONT');
    await stack?.stop();
  });

  const ready = async (): Promise<{ status: number; checks: Record<string, string> }> => {
    const res = await fetch(`${stack.url}/readyz`);
    return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
  };

  it('stops readiness during the outage, resumes dialling after it, and loses or doubles nothing', async () => {
    const dispatcher = stack.app.services.dispatcher as DispatchService;
    const sim = dispatcher.simulator;
    // Enough contacts that the campaign is still dialling when the outage starts and ends.
    const f = await createFixture({
      contacts: 120,
      settings: { concurrentCallsLimit: 5 },
      simulation: { minDurationMs: 300, maxDurationMs: 800 },
    });
    const placed = () => sim.ledger.filter((e) => e.campaignId === f.campaignId);
    await dispatcher.startCampaign(f.orgId, f.campaignId);
    await waitFor('15 calls placed', () => placed().length >= 15);
    expect((await ready()).status).toBe(200);

    process.kill(stack.redis.pid, 'SIGSTOP');
    paused = true;
    const pausedAt = Date.now();
    const during = await ready();
    expect(during.status).toBe(503);
    expect(during.checks['redis']).not.toBe('ok');
    expect(during.checks['queue']).not.toBe('ok');
    expect(during.checks['mongodb']).toBe('ok');
    // The outage's length is the scenario, not a wait for a condition.
    await new Promise((r) => setTimeout(r, Math.max(0, pausedAt + OUTAGE_MS - Date.now())));
    // Leases live in Redis: nothing can have been dialled once the calls in flight were placed.
    const placedDuring = placed().filter((e) => e.placedAt > pausedAt + 1_000).length;
    expect(placedDuring).toBe(0);
    expect(placed().length).toBeLessThan(120);

    process.kill(stack.redis.pid, 'SIGCONT');
    paused = false;
    const resumedAt = Date.now();
    await waitFor('dialling resumed', () => placed().some((e) => e.placedAt >= resumedAt), 30_000);
    await waitFor('ready again', async () => (await ready()).status === 200, 10_000);

    await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 60_000);
    expect(sim.dialCounts(f.campaignId).size).toBe(120);
    expect([...sim.dialCounts(f.campaignId).values()].filter((n) => n > 1)).toEqual([]);
    expect(sim.maxConcurrent(f.campaignId)).toBeLessThanOrEqual(5);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    expect(stored.completedCalls).toBe(120);
    expect(await dispatcher.leases.count(f.campaignId)).toBe(0);
  }, 90_000);
});
