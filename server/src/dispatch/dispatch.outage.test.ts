import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { runRedisOutageScenario } from '../test/redis-outage';

/**
 * A 20 s Redis outage in the middle of a running campaign, as a restart: the test's
 * redis-server keeps an append-only file fsynced on every write (production's Redis runs with
 * `--appendonly yes`), is stopped (SIGTERM: the process exits, its port closes, every connection
 * drops mid-command) and started again on the same port 20 s later, with its data. The
 * assertions are in ../test/redis-outage.ts; dispatch.partition.test.ts runs them against a
 * paused Redis (a network partition).
 *
 * No unhandled rejection may occur (say ioredis or BullMQ failing a command whose connection
 * closed): Jest 30 fails the test for one, including a rejection of a promise created from
 * `beforeAll`, where the app opened its connections (it is charged to the tests of the describe).
 * A `process.on('unhandledRejection')` listener here could not check it: a test's `process` is
 * a sandboxed copy that never receives the event.
 */
describe('dispatch: a Redis restart', () => {
  let stack: TestStack;
  let down = false;

  beforeAll(async () => {
    stack = await startTestStack({}, { redis: { persist: true } });
  });

  afterAll(async () => {
    // Bring Redis back when an assertion failed mid-outage, so the app can close its connections.
    if (down) await stack.redis.startAgain().catch(() => undefined);
    await stack?.stop();
  });

  it('stops readiness while Redis is down, resumes dialling after it restarts, and loses or doubles nothing', async () => {
    await runRedisOutageScenario(stack, {
      begin: async () => {
        down = true;
        await stack.redis.stopProcess();
      },
      end: async () => {
        await stack.redis.startAgain();
        down = false;
      },
    });
  }, 90_000);
});
