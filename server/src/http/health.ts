import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express } from 'express';
import mongoose from 'mongoose';
import type { Redis } from 'ioredis';
import { within } from '../deadline';
import { createAppRegistry, renderMetrics } from '../metrics';
import type { MetricSources, QueueCounts } from '../metrics';

/** What readiness asks: the shared Redis connection, and the dispatch queue on its own connection. */
export interface ReadinessSources {
  redis: Redis;
  /** The dispatcher's BullMQ queue answers (a `getJobCounts` round trip). */
  queueCounts: () => Promise<QueueCounts>;
  /** True once shutdown began: the load balancer should stop sending traffic at once. */
  draining?: () => boolean;
}

/**
 * `/readyz`: 200 when MongoDB, Redis and the dispatch queue answer, 503 naming what does not
 * (a load balancer stops sending traffic during an outage and resumes after). `/healthz` only
 * says the process lives.
 */
export function mountReadiness(app: Express, sources: ReadinessSources): void {
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    const run = async (name: string, check: () => Promise<unknown>) => {
      try {
        await within(1_000, check);
        checks[name] = 'ok';
      } catch (error) {
        checks[name] = error instanceof Error ? error.message : String(error);
      }
    };
    await Promise.all([
      run('mongodb', async () => {
        const db = mongoose.connection.db;
        if (!db || mongoose.connection.readyState !== 1) throw new Error('not connected');
        await db.admin().ping();
      }),
      run('redis', () => sources.redis.ping()),
      run('queue', () => sources.queueCounts()),
    ]);
    if (sources.draining?.()) checks['shutdown'] = 'shutting down';
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ ready, checks });
  });
}

/**
 * `/metrics` in Prometheus format: the process registry (see metrics.ts) plus this app's
 * gauges (WebSocket connections, subscriptions, queue depth).
 */
export function mountMetrics(app: Express, sources: MetricSources): void {
  const registry = createAppRegistry(sources);
  app.get('/metrics', async (_req, res) => {
    const { contentType, body } = await renderMetrics(registry);
    res.type(contentType).send(body);
  });
}

/**
 * The optional HTTP listener of a ROLE=worker process (METRICS_PORT): `/healthz`, `/readyz`
 * and `/metrics` only, so a worker can be scraped and health-checked without serving the API.
 */
export async function startWorkerHttp(
  options: { port: number; host: string } & ReadinessSources,
): Promise<{ port: number; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  mountReadiness(app, options);
  mountMetrics(app, { queueCounts: options.queueCounts });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  let stopped: Promise<void> | null = null;
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      (stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Scrapers keep connections alive; nothing here is worth waiting for.
        server.closeAllConnections();
      })),
  };
}
