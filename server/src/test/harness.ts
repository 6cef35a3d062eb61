import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { loadConfig } from '../config';
import type { Config } from '../config';
import { startRedisServer } from '../redis';
import type { RedisServerHandle, RedisServerOptions } from '../redis';
import { startEmbeddedMongo } from '../mongo/embedded';
import { startApp } from '../app';
import type { AppHandle } from '../app';

/**
 * Test infrastructure with real parts: its own redis-server on a free port, and the embedded
 * MongoDB-compatible server (or a real MongoDB with a random database when MONGODB_URI is set).
 */
export interface TestInfra {
  mongoUri: string;
  redisUrl: string;
  redis: RedisServerHandle;
  /** A random key prefix, so tests sharing a Redis never see each other's keys. */
  prefix: string;
  stop(): Promise<void>;
}

export interface TestInfraOptions {
  /**
   * The test redis-server's options. `{ persist: true }` gives it an AOF in a temporary
   * directory, so `redis.stopProcess()` / `redis.startAgain()` model a restart that keeps
   * the data, as production's Redis does.
   */
  redis?: RedisServerOptions;
}

export async function startTestInfra(options: TestInfraOptions = {}): Promise<TestInfra> {
  const dbName = `dialwave_test_${randomBytes(6).toString('hex')}`;
  const external = process.env['MONGODB_URI'];
  const mongo = external ? null : await startEmbeddedMongo({ port: 0 });
  const base = external ?? mongo!.uri;
  const mongoUri = withDatabase(base, dbName);
  const redis = await startRedisServer(options.redis);
  let stopped = false;
  return {
    mongoUri,
    redisUrl: redis.url,
    redis,
    prefix: `t${randomBytes(4).toString('hex')}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      if (external) {
        const conn = await mongoose.createConnection(mongoUri).asPromise();
        await conn.dropDatabase();
        await conn.close();
      }
      await redis.stop();
      await mongo?.stop();
    },
  };
}

function withDatabase(uri: string, db: string): string {
  const url = new URL(uri);
  url.pathname = `/${db}`;
  return url.toString();
}

/** A test configuration: random port, silent, fast defaults; `env` overrides variables. */
export function testConfig(infra: TestInfra, env: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    MONGODB_URI: infra.mongoUri,
    REDIS_URL: infra.redisUrl,
    REDIS_PREFIX: infra.prefix,
    JWT_SECRET: 'test-secret-test-secret-test-secret-0123',
    ENCRYPTION_KEY: '0'.repeat(64),
    ...env,
  });
}

export interface TestStack extends TestInfra {
  app: AppHandle;
  url: string;
  /** POSTs a GraphQL operation and returns the parsed body (`data` and `errors`). */
  graphql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<GraphQLResponse<T>>;
}

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

/** Infra plus one Dialwave process (API and workers) on a free port. */
export async function startTestStack(
  env: Record<string, string> = {},
  options: TestInfraOptions = {},
): Promise<TestStack> {
  const infra = await startTestInfra(options);
  try {
    const app = await startApp({
      config: testConfig(infra, env),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
      // Tests count the commands a request sends (DataLoader checks).
      monitorCommands: true,
    });
    return {
      ...infra,
      app,
      url: app.url,
      graphql: (query, variables, token) => postGraphQL(app.url, query, variables, token),
      async stop() {
        await app.stop();
        await infra.stop();
      },
    };
  } catch (error) {
    await infra.stop();
    throw error;
  }
}

export async function postGraphQL<T>(
  baseUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  token?: string,
): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${baseUrl}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}
