import { startRedisServer } from '../redis';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';

describe('health, readiness and metrics', () => {
  let stack: TestStack;
  /** The Redis started again after the outage (same port); this test owns it. */
  let restarted: { stop(): Promise<void> } | null = null;

  beforeAll(async () => {
    stack = await startTestStack();
  });

  afterAll(async () => {
    await stack?.stop();
    await restarted?.stop();
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

    await stack.redis.stop();
    const during = await ready();
    expect(during.status).toBe(503);
    expect(during.body.checks['redis']).not.toBe('ok');
    expect(during.body.checks['queue']).not.toBe('ok');
    expect(during.body.checks['mongodb']).toBe('ok');
    expect((await fetch(`${stack.url}/healthz`)).status).toBe(200);

    restarted = await startRedisServer({ port: stack.redis.port });
    // ioredis reconnects on its own; readiness follows within its retry backoff.
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
