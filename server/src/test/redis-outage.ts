import type { DispatchService } from '../dispatch/dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from '../dispatch/test-fixtures';
import type { TestStack } from './harness';

/** How long Redis is out, mid-campaign (issue 7: 20 s). */
export const OUTAGE_MS = 20_000;

/** How an outage begins and ends: a restart of the redis-server, or a pause of it. */
export interface RedisOutage {
  begin(): Promise<void>;
  end(): Promise<void>;
}

/**
 * The scenario of dispatch.outage.test.ts (restart) and dispatch.partition.test.ts (pause):
 * a campaign of 120 contacts at 5 lines loses Redis for OUTAGE_MS once 15 calls were placed.
 * `/readyz` must fail during it (Redis and queue, not MongoDB), nothing may be placed during it,
 * dialling must resume within 30 s after it, and the campaign must complete with every contact
 * dialled once, at most 5 at a time, counters equal to a recount and no lease left.
 */
export async function runRedisOutageScenario(stack: TestStack, outage: RedisOutage): Promise<void> {
  const dispatcher = stack.app.services.dispatcher as DispatchService;
  const sim = dispatcher.simulator;
  const ready = async (): Promise<{ status: number; checks: Record<string, string> }> => {
    const res = await fetch(`${stack.url}/readyz`);
    return { status: res.status, checks: ((await res.json()) as { checks: Record<string, string> }).checks };
  };
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

  const outageAt = Date.now();
  await outage.begin();
  const during = await ready();
  expect(during.status).toBe(503);
  expect(during.checks['redis']).not.toBe('ok');
  expect(during.checks['queue']).not.toBe('ok');
  expect(during.checks['mongodb']).toBe('ok');
  // The outage's length is the scenario, not a wait for a condition.
  await new Promise((r) => setTimeout(r, Math.max(0, outageAt + OUTAGE_MS - Date.now())));
  // Leases live in Redis: nothing can have been dialled once the calls in flight were placed.
  const placedDuring = placed().filter((e) => e.placedAt > outageAt + 1_000).length;
  expect(placedDuring).toBe(0);
  expect(placed().length).toBeLessThan(120);

  const endedAt = Date.now();
  await outage.end();
  await waitFor('dialling resumed', () => placed().some((e) => e.placedAt >= endedAt), endedAt + 30_000 - Date.now());
  await waitFor('ready again', async () => (await ready()).status === 200, 10_000);

  await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 60_000);
  expect(sim.dialCounts(f.campaignId).size).toBe(120);
  expect([...sim.dialCounts(f.campaignId).values()].filter((n) => n > 1)).toEqual([]);
  expect(sim.maxConcurrent(f.campaignId)).toBeLessThanOrEqual(5);
  const { stored, recount } = await countersAndRecount(f.campaignId);
  expect(stored).toEqual(recount);
  expect(stored.completedCalls).toBe(120);
  expect(await dispatcher.leases.count(f.campaignId)).toBe(0);
}
