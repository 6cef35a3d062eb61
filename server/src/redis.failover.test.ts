import { Redis } from 'ioredis';
import { startApp } from './app';
import type { AppHandle } from './app';
import { loadConfig } from './config';
import type { DispatchService } from './dispatch/dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './dispatch/test-fixtures';
import { startTestInfra } from './test/harness';
import type { TestInfra } from './test/harness';
import { startSentinelSet } from './test/sentinel';
import type { SentinelSet } from './test/sentinel';

/**
 * A Redis Sentinel failover in the middle of a running campaign: every connection of the app
 * (its own, BullMQ's queue and worker, pub/sub) goes through three real sentinels; the primary is
 * killed (SIGKILL) while the campaign dials, and a sentinel promotes the replica.
 *
 * It also provokes what asynchronous replication can lose: the replica is paused (SIGSTOP) for
 * 2.5 s before the primary dies, so every write of those 2.5 s (leases taken and released, the
 * placing marks, BullMQ's job moves) dies with the primary. Two guards hold the invariants:
 * REDIS_WAIT_REPLICAS=1 (no call is placed before its lease reached the replica: a lease of a
 * live call cannot be lost, so the limit holds) and the sweeper's check of leases against
 * MongoDB (a lease whose release was lost, of a call final in MongoDB, is released).
 */
describe('Redis Sentinel: the primary dies while a campaign dials', () => {
  let infra: TestInfra;
  let set: SentinelSet;
  let app: AppHandle;
  let replicaPaused = false;

  beforeAll(async () => {
    infra = await startTestInfra();
    set = await startSentinelSet();
    const config = loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: infra.mongoUri,
      REDIS_SENTINELS: set.sentinelList,
      REDIS_SENTINEL_NAME: set.name,
      REDIS_WAIT_REPLICAS: '1',
      REDIS_WAIT_TIMEOUT_MS: '200',
      REDIS_PREFIX: infra.prefix,
      DISPATCH_SWEEP_INTERVAL_MS: '500',
      MAX_CONCURRENT_OUTBOUND_CALLS: '5',
      // Leases of about 20 s (calls last at most 6 s): see the last wait below.
      MAX_CALL_DURATION_SECONDS: '10',
      PLACE_CALL_TIMEOUT_MS: '2000',
      JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
      ENCRYPTION_KEY: '0'.repeat(64),
    });
    app = await startApp({ config, mongoUri: infra.mongoUri, redisUrl: config.redisUrl! });
  }, 60_000);

  afterAll(async () => {
    if (replicaPaused) process.kill(set.replica.pid, 'SIGCONT');
    await app?.stop();
    await set?.stop();
    await infra?.stop();
  }, 60_000);

  it('resumes dialling within 30 s of the promotion and loses, doubles or exceeds nothing (limit and global cap)', async () => {
    const dispatcher = app.services.dispatcher as DispatchService;
    const sim = dispatcher.simulator;
    // Two campaigns of 5 lines under a deployment-wide cap of 5 (MAX_CONCURRENT_OUTBOUND_CALLS):
    // ten slots compete for five leases, so a lease lost with the primary is a line another slot
    // takes at once. Calls are long enough (4–6 s) that some placed before the failover are
    // still live after it.
    const fixtures = [];
    for (let i = 0; i < 2; i++) {
      fixtures.push(
        await createFixture({
          contacts: 15,
          settings: { concurrentCallsLimit: 5 },
          simulation: { minDurationMs: 4_000, maxDurationMs: 6_000 },
        }),
      );
    }
    const ids = new Set(fixtures.map((f) => f.campaignId));
    const placed = () => sim.ledger.filter((e) => ids.has(e.campaignId));
    for (const f of fixtures) await dispatcher.startCampaign(f.orgId, f.campaignId);
    // Mid-way through the first calls' ends, so lines are freed and taken during the lost writes.
    await waitFor('7 calls placed', () => placed().length >= 7);
    expect(await set.primaryPort()).toBe(set.primary.port);

    // Writes the replica never receives: it is paused, and its link cut so that nothing waits
    // for it in a socket buffer either (a paused process's kernel still receives). It cannot
    // reconnect before the primary is dead. A marker shows these writes were lost with it.
    process.kill(set.replica.pid, 'SIGSTOP');
    replicaPaused = true;
    const marker = `${infra.prefix}:failover-marker`;
    const direct = new Redis(set.primary.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    direct.on('error', () => undefined);
    try {
      await direct.client('KILL', 'TYPE', 'replica');
      await direct.set(marker, '1');
    } finally {
      direct.disconnect();
    }
    await new Promise((r) => setTimeout(r, 2_500));
    set.primary.killNow();
    const killedAt = Date.now();
    process.kill(set.replica.pid, 'SIGCONT');
    replicaPaused = false;

    await waitFor(
      'a sentinel promoted the replica',
      async () => (await set.primaryPort()) === set.replica.port,
      30_000,
    );
    const promotedAt = Date.now();
    expect(promotedAt - killedAt).toBeLessThan(30_000);
    const promoted = new Redis(set.replica.port, '127.0.0.1', { maxRetriesPerRequest: 0 });
    promoted.on('error', () => undefined);
    try {
      expect(await promoted.get(marker)).toBeNull();
      // What the limit rests on: every call live now holds its lease on the new primary. A call
      // placed in the lost writes' time without REDIS_WAIT_REPLICAS would be live with no lease,
      // and another slot could take its line.
      const leased = new Set(await promoted.zrange(`${infra.prefix}:lease:global`, 0, -1));
      const now = Date.now();
      const liveUnleased = placed().filter((e) => e.placedAt <= now && e.endedAt > now && !leased.has(e.callId));
      expect(liveUnleased.map((e) => e.callId)).toEqual([]);
    } finally {
      promoted.disconnect();
    }

    // The old primary's machine comes back (empty: it kept no data), and the sentinels turn it
    // into a replica of the new primary. Until then REDIS_WAIT_REPLICAS=1 holds every dial: no
    // replica, no lease that would survive a second failover.
    await set.primary.startAgain();
    await waitFor('dialling resumed', () => placed().some((e) => e.placedAt >= promotedAt), 30_000);
    for (const f of fixtures) {
      await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 60_000);
      expect(sim.dialCounts(f.campaignId).size).toBe(15);
      expect([...sim.dialCounts(f.campaignId).values()].filter((n) => n > 1)).toEqual([]);
      expect(sim.maxConcurrent(f.campaignId)).toBeLessThanOrEqual(5);
      const { stored, recount } = await countersAndRecount(f.campaignId);
      expect(stored).toEqual(recount);
      expect(stored.completedCalls).toBe(15);
      // A release lost with the primary came back as a lease: the sweeper gives it back when its
      // call is final in MongoDB. A call that was never placed (refused at the fence) has no record
      // left to check, so its lease lapses instead: bounded by the lease length (about 20 s here).
      await waitFor('no lease left', async () => (await dispatcher.leases.count(f.campaignId)) === 0, 25_000);
    }
    // The deployment-wide cap, over both campaigns: the one a lost lease would break.
    expect(sim.maxConcurrent()).toBeLessThanOrEqual(5);
  }, 140_000);
});
