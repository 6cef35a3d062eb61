import type { Express } from 'express';
import mongoose from 'mongoose';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { AppServices } from '../context';

/** Resolves `check` or rejects after `ms`, so a hung dependency fails readiness quickly. */
async function within<T>(ms: number, check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      check(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `/readyz`: 200 when MongoDB and Redis answer, 503 naming what does not (a load balancer
 * stops sending traffic during an outage and resumes after). `/healthz` (in app.ts) only says
 * the process lives.
 */
export function mountReadiness(app: Express, services: AppServices): void {
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
      run('redis', () => services.redis.ping()),
    ]);
    const ready = Object.values(checks).every((v) => v === 'ok');
    res.status(ready ? 200 : 503).json({ ready, checks });
  });
}

/**
 * `/metrics` in Prometheus format: process metrics, WebSocket connections and live
 * subscriptions of this API process.
 */
export function mountMetrics(app: Express, sources: { connections: () => number; subscriptions: () => number }): void {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'dialwave_' });
  new Gauge({
    name: 'dialwave_websocket_connections',
    help: 'Open GraphQL WebSocket connections (both protocols)',
    registers: [registry],
    collect() {
      this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'dialwave_subscriptions',
    help: 'Live GraphQL subscriptions served by this process',
    registers: [registry],
    collect() {
      this.set(sources.subscriptions());
    },
  });
  app.get('/metrics', async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
}
