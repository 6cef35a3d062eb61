import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from './dispatch.service';
import { createFixture, waitFor } from './test-fixtures';

/**
 * Stopping a process whose Redis has gone (a SIGTERM during an outage): nothing can be handed
 * back through Redis, so the process lets go at once instead of waiting on QUIT and a graceful
 * BullMQ close (each cut at 10 s, 30 s in all before). Its jobs stay in Redis, active: another
 * worker recovers them as stalled once Redis is back, as after a crash (dispatch.crash.test.ts).
 */
describe.each([
  ['stopped', (stack: TestStack) => stack.redis.stopProcess()],
  ['unreachable (paused)', async (stack: TestStack) => void process.kill(stack.redis.pid, 'SIGSTOP')],
])('stop while Redis is %s', (_, takeRedisAway) => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ MAX_CALL_DURATION_SECONDS: '30' }, { redis: { persist: true } });
  });

  afterAll(async () => {
    if (stack) {
      try {
        process.kill(stack.redis.pid, 'SIGCONT');
      } catch {
        // stopped, not paused
      }
      await stack.stop();
      // ioredis arms a 2 s timer to destroy the stream of every client disconnected after its
      // connection had closed (Redis stopped): let those run out, so the jest worker exits cleanly.
      await new Promise((resolve) => setTimeout(resolve, 2_100));
    }
  });

  it('returns within a few seconds, with live calls', async () => {
    const dispatcher = stack.app.services.dispatcher as DispatchService;
    const f = await createFixture({
      contacts: 10,
      settings: { concurrentCallsLimit: 3 },
      simulation: { minDurationMs: 20_000, maxDurationMs: 20_000 },
    });
    await dispatcher.startCampaign(f.orgId, f.campaignId);
    await waitFor(
      'three live calls',
      async () => dispatcher.simulator.ledger.filter((e) => e.campaignId === f.campaignId).length === 3,
    );
    await takeRedisAway(stack);
    const t0 = Date.now();
    await stack.app.stop();
    // Generous for a loaded machine; the reachability check itself waits 1 s.
    expect(Date.now() - t0).toBeLessThan(5_000);
  });
});
