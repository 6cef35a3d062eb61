import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';

describe('health, readiness and metrics', () => {
  let stack: TestStack;
  /** Whether the test's redis-server is paused (SIGSTOP): it must be resumed before teardown. */
  let paused = false;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    if (paused) process.kill(stack.redis.pid, 'SIGCONT');
    await stack?.stop();
  });

  const ready = async () => {
    const res = await fetch(`${stack.url}/readyz`);
    return { status: res.status, body: (await res.json()) as { ready: boolean; checks: Record<string, string> } };
  };

  it('is ready when MongoDB, Redis and the dispatch queue answer, fails during a Redis outage and recovers after', async () => {
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);
    expect(await ready()).toEqual({
      status: 200,
      body: { ready: true, checks: { mongodb: 'ok', redis: 'ok', queue: 'ok' } },
    });

    // An outage without data loss: the server stops answering but keeps its connections and
    // keys (stopping it would close sockets mid-command and lose BullMQ's jobs on restart).
    process.kill(stack.redis.pid, 'SIGSTOP');
    paused = true;
    const during = await ready();
    expect(during.status).toBe(503);
    expect(during.body.checks['redis']).not.toBe('ok');
    expect(during.body.checks['queue']).not.toBe('ok');
    expect(during.body.checks['mongodb']).toBe('ok');
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);

    process.kill(stack.redis.pid, 'SIGCONT');
    paused = false;
    // Readiness follows as soon as Redis answers again.
    let last = 0;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline && last !== 200;) {
      last = (await ready()).status;
      if (last !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(last).toBe(200);
  });

  it('serves Prometheus metrics', async () => {
    const res = await fetch(`${stack.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^dialwave_websocket_connections \d+$/m);
    expect(text).toMatch(/^dialwave_subscriptions \d+$/m);
    expect(text).toMatch(/dialwave_process_cpu_seconds_total/);
    // Queue depth by BullMQ state, read from the dispatcher's queue at scrape time.
    expect(text).toMatch(/^dialwave_queue_jobs\{state="active"\} \d+$/m);
    for (const name of [
      'calls_placed_total',
      'call_outcomes_total',
      'live_calls',
      'refill_latency_seconds',
      'webhook_delay_seconds',
    ]) {
      expect(text).toContain(`# TYPE dialwave_${name} `);
    }
  });
});
