import { startApp } from '../app';
import type { AppHandle } from '../app';
import { EventPublisher } from '../events';
import { createRedis } from '../redis';
import { startTestInfra, testConfig } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { createDispatcher } from './dispatch.service';
import type { DispatchService } from './dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';
import type { Fixture } from './test-fixtures';

/**
 * The engine against dying and stalling workers. Each test has its own Redis and database and
 * two dispatchers sharing them; the simulated provider lives in the API process (as a real
 * provider outlives our workers), so its ledger is the ground truth.
 */
const ENV = {
  MAX_CALL_DURATION_SECONDS: '3',
  DISPATCH_LOCK_MS: '1000',
  DISPATCH_STALLED_INTERVAL_MS: '400',
  DISPATCH_SWEEP_INTERVAL_MS: '300',
  PLACE_CALL_TIMEOUT_MS: '1000',
};

async function expectInvariants(
  sim: DispatchService['simulator'],
  f: Fixture,
  limit: number,
  dispatchers: DispatchService[],
) {
  expect(sim.maxConcurrent(f.campaignId)).toBeLessThanOrEqual(limit);
  const dials = [...sim.dialCounts(f.campaignId).entries()].filter(([, n]) => n > 1);
  expect(dials).toEqual([]);
  const { stored, recount } = await countersAndRecount(f.campaignId);
  expect(stored).toEqual(recount);
  for (const d of dispatchers) expect(d.engine.driftCorrections).toBe(0);
  expect(await dispatchers[0]!.leases.count(f.campaignId)).toBe(0);
}

describe('dispatch: crashes and stalls', () => {
  let infra: TestInfra;
  const stops: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    infra = await startTestInfra();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await infra.stop();
  });

  it('never dials a contact twice when a worker dies with 20 live calls and another takes over', async () => {
    const env = { ...ENV, MAX_CALL_DURATION_SECONDS: '6' };
    const a: AppHandle = await startApp({
      config: testConfig(infra, env),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => a.stop());
    const da = a.services.dispatcher as DispatchService;
    const sim = da.simulator;
    // Calls long enough for all 20 lines to be live at once on a slow machine.
    const f = await createFixture({
      contacts: 60,
      settings: { concurrentCallsLimit: 20 },
      simulation: { minDurationMs: 2500, maxDurationMs: 3500 },
    });
    await da.startCampaign(f.orgId, f.campaignId);
    await waitFor('20 live calls', () => sim.liveCalls(f.campaignId) === 20);
    await da.kill();
    const killedAt = Date.now();

    // Another worker process (no HTTP of its own: it reaches the API's simulator and webhooks at PUBLIC_URL).
    const b = await startApp({
      config: testConfig(infra, { ...env, ROLE: 'worker', PUBLIC_URL: a.url }),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => b.stop());
    const db = b.services.dispatcher as DispatchService;
    await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 60_000);
    expect(sim.ledger.filter((e) => e.campaignId === f.campaignId && e.placedAt > killedAt).length).toBeGreaterThan(0);
    expect(sim.dialCounts(f.campaignId).size).toBe(60);
    await expectInvariants(sim, f, 20, [da, db]);
  });

  it('keeps every invariant when slot handlers outlive their lock and run twice at once', async () => {
    const a: AppHandle = await startApp({
      config: testConfig(infra, ENV),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => a.stop());
    const da = a.services.dispatcher as DispatchService;
    // A second worker that never renews its locks: each of its jobs stalls after 1 s and is
    // re-run (by either worker) while the first handler is still waiting for its call.
    const config = testConfig(infra, { ...ENV, ROLE: 'worker', PUBLIC_URL: a.url });
    const redis = createRedis(infra.redisUrl);
    const dc = createDispatcher({
      config,
      redis,
      redisUrl: infra.redisUrl,
      events: new EventPublisher(redis, config.redisPrefix),
      options: { skipLockRenewal: true },
    });
    stops.push(async () => {
      await dc.close();
      await redis.quit();
    });
    await dc.startWorkers();
    const sim = da.simulator;
    const f = await createFixture({
      contacts: 40,
      settings: { concurrentCallsLimit: 6 },
      simulation: { minDurationMs: 600, maxDurationMs: 1200 },
    });
    await da.startCampaign(f.orgId, f.campaignId);
    await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 90_000);
    expect(sim.dialCounts(f.campaignId).size).toBe(40);
    await expectInvariants(sim, f, 6, [da, dc]);
  });
});
