/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { loadConfig } from '../config';
import { startRedisServer } from '../redis';
import { startEmbeddedMongo } from '../mongo/embedded';
import { startApp } from '../app';
import type { AppHandle } from '../app';

/**
 * A whole Dialwave process on free ports for benches: the embedded MongoDB-compatible
 * server (or MONGODB_URI), a redis-server child and the app. Lives outside src/test because
 * benches are compiled with tsconfig.build.json, which leaves tests out.
 */
export interface BenchStack {
  url: string;
  app: AppHandle;
  stop(): Promise<void>;
}

export async function startBenchStack(env: Record<string, string> = {}): Promise<BenchStack> {
  const mongo = await startEmbeddedMongo({ port: 0 });
  const redis = await startRedisServer();
  const mongoUri = `${mongo.uri.replace(/\/$/, '')}/dialwave_bench`;
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: mongoUri,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'silent',
      ...env,
    });
    const app = await startApp({ config, mongoUri, redisUrl: redis.url });
    return {
      url: app.url,
      app,
      async stop() {
        await app.stop();
        await redis.stop();
        await mongo.stop();
      },
    };
  } catch (error) {
    await redis.stop();
    await mongo.stop();
    throw error;
  }
}

/** POSTs a GraphQL operation; throws on errors (a bench must not time failures). */
export async function benchGraphQL<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/** The p-th percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
