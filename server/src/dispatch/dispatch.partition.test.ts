import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { runRedisOutageScenario } from '../test/redis-outage';

/**
 * A 20 s network partition from Redis in the middle of a running campaign: the test's
 * redis-server is paused (SIGSTOP, then SIGCONT), so its connections stay open and unanswered
 * and nothing is lost. The assertions are in ../test/redis-outage.ts; dispatch.outage.test.ts
 * runs them against a restart of Redis. Its own file, so Jest runs the two in parallel.
 */
describe('dispatch: a network partition from Redis', () => {
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

  it('stops readiness during the partition, resumes dialling after it, and loses or doubles nothing', async () => {
    await runRedisOutageScenario(stack, {
      begin: async () => {
        process.kill(stack.redis.pid, 'SIGSTOP');
        paused = true;
      },
      end: async () => {
        process.kill(stack.redis.pid, 'SIGCONT');
        paused = false;
      },
    });
  }, 90_000);
});
