import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './redis';
import { startTestInfra } from './test/harness';
import type { TestInfra } from './test/harness';
import { startWorker } from './test/cluster';
import { ensureServerBuilt, spawnDialwave, waitForHttp } from './test/processes';
import type { DialwaveProcess } from './test/processes';

/**
 * `npm start` in embedded mode, stopped the way a person or an orchestrator stops it: the
 * process exits 0 and leaves nothing running (its redis-server child runs in its own process
 * group so Ctrl-C does not kill it before the graceful shutdown needs it).
 */
describe('main: embedded start and stop', () => {
  let proc: DialwaveProcess | null = null;

  beforeAll(() => {
    ensureServerBuilt();
  }, 120_000);

  afterAll(async () => {
    await proc?.stop('SIGKILL');
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'stops everything it started on %s and exits 0',
    async (signal) => {
      const port = await freePort();
      proc = spawnDialwave({ PORT: String(port), HOST: '127.0.0.1', DEMO_DATA: 'false' });
      await waitForHttp(`http://127.0.0.1:${port}/readyz`, proc);
      const redisUrl = /"url":"(redis:\/\/[^"]+)"/.exec(proc.output())?.[1];
      expect(redisUrl).toBeDefined();

      expect(await proc.stop(signal)).toBe(0);
      expect(proc.output()).toMatch(/"msg":"stopped"/);
      // The redis-server child is gone: its port refuses connections.
      const { port: redisPort } = new URL(redisUrl!);
      const refused = await new Promise<string>((resolve) => {
        const socket = connect(Number(redisPort), '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      });
      expect(refused).toBe('ECONNREFUSED');
    },
    60_000,
  );

  // ROLE=all runs the worker role on a thread of its own (worker-thread.ts): the demo campaign's
  // calls are dialled there, through the API's simulator over HTTP, and the thread's metrics are
  // in the process's one /metrics, labelled with their thread.
  const graphql = async (base: string, query: string, variables: object, token?: string) => {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown };
    expect(body.errors).toBeUndefined();
    return body.data!;
  };

  it('dials the demo campaign from the worker thread and serves its metrics', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    proc = spawnDialwave({ PORT: String(port), HOST: '127.0.0.1' });
    await waitForHttp(`${base}/readyz`, proc);
    // The banner comes once the worker thread runs.
    const started = Date.now();
    while (!/demo login: (\S+) \/ (\S+)/.test(proc.output()) && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const [, email, password] = /demo login: (\S+) \/ (\S+)/.exec(proc.output())!;
    const campaignId = /"campaignId":"([0-9a-f]{24})"/.exec(proc.output())![1]!;
    const { login } = await graphql(
      base,
      'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }',
      { e: email, p: password },
    );
    const token = login!['token'] as string;
    await graphql(base, 'mutation($id: ID!) { startCampaign(id: $id) { id } }', { id: campaignId }, token);

    const placedByWorker = /^dialwave_calls_placed_total\{[^}]*thread="worker"[^}]*\} ([0-9]+)/m;
    let metrics = '';
    while (Date.now() - started < 45_000) {
      metrics = await (await fetch(`${base}/metrics`)).text();
      if (Number(placedByWorker.exec(metrics)?.[1] ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(Number(placedByWorker.exec(metrics)?.[1] ?? 0)).toBeGreaterThan(0);
    // Each thread's own event loop; the process-wide series once, from the main thread.
    expect(metrics).toMatch(/^dialwave_nodejs_eventloop_lag_p99_seconds\{thread="worker"\} /m);
    expect(metrics).toMatch(/^dialwave_nodejs_eventloop_lag_p99_seconds /m);
    expect(metrics).not.toMatch(/^dialwave_process_cpu_seconds_total\{[^}]*thread=/m);
    expect(metrics.match(/^# TYPE dialwave_calls_placed_total /gm)).toHaveLength(1);

    expect(await proc.stop('SIGTERM')).toBe(0);
    expect(proc.output()).toMatch(/"msg":"stopped"/);
  }, 90_000);
});

describe('main: configuration', () => {
  beforeAll(() => {
    ensureServerBuilt();
  }, 120_000);

  it('reads .env from its working directory and refuses a non-embedded start without JWT_SECRET', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dialwave-main-'));
    try {
      // Only the file says MONGODB_URI: the process must have read it to leave embedded mode.
      writeFileSync(path.join(dir, '.env'), 'MONGODB_URI=mongodb://127.0.0.1:1/x\nREDIS_URL=redis://127.0.0.1:1\n');
      const proc = spawnDialwave({}, dir);
      const code = await new Promise<number | null>((resolve) => {
        if (proc.child.exitCode !== null) resolve(proc.child.exitCode);
        else proc.child.once('exit', (c) => resolve(c));
      });
      expect(code).toBe(2);
      expect(proc.output()).toMatch(/JWT_SECRET: required outside embedded mode/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});

/**
 * A shutdown that cannot finish (its Redis hangs: the process is paused) is cut short by a
 * second signal or by SHUTDOWN_TIMEOUT_MS, with exit code 1.
 */
describe('main: forced exit', () => {
  let infra: TestInfra;
  const procs: DialwaveProcess[] = [];
  let paused = false;

  beforeAll(async () => {
    ensureServerBuilt();
    infra = await startTestInfra();
  }, 120_000);

  afterEach(() => {
    if (paused) process.kill(infra.redis.pid, 'SIGCONT');
    paused = false;
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await infra?.stop();
  });

  const hungWorker = async (env: Record<string, string> = {}) => {
    const { proc } = await startWorker(infra, procs, 'http://127.0.0.1:9', env);
    process.kill(infra.redis.pid, 'SIGSTOP');
    paused = true;
    const exited = new Promise<number | null>((resolve) => proc.child.once('exit', (code) => resolve(code)));
    return { proc, exited };
  };

  it('exits at once on a second signal', async () => {
    const { proc, exited } = await hungWorker();
    proc.child.kill('SIGTERM');
    // The shutdown waits on Redis; a second signal (not the same Ctrl-C delivered twice) forces it.
    await new Promise((r) => setTimeout(r, 700));
    expect(proc.child.exitCode).toBeNull();
    const secondAt = Date.now();
    proc.child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(Date.now() - secondAt).toBeLessThan(2_000);
    expect(proc.output()).toMatch(/second SIGTERM/);
  }, 60_000);

  it('exits after SHUTDOWN_TIMEOUT_MS when the shutdown cannot finish', async () => {
    const { proc, exited } = await hungWorker({ SHUTDOWN_TIMEOUT_MS: '1000' });
    const signalledAt = Date.now();
    proc.child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(Date.now() - signalledAt).toBeLessThan(5_000);
    expect(proc.output()).toMatch(/shutdown took longer than 1000 ms/);
  }, 60_000);
});
