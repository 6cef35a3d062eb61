import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import type { RedisOptions } from 'ioredis';
import { logger } from './logger';

/** Finds a free TCP port on 127.0.0.1 by binding port 0 and releasing it. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerHandle {
  url: string;
  port: number;
  /** The child's process id (tests pause it with SIGSTOP / SIGCONT to model an outage without data loss). */
  pid: number;
  /** Stops the child process; safe to call twice. */
  stop(): Promise<void>;
  /** Kills the child at once (SIGKILL), synchronously: for a forced exit, where nothing can be awaited. */
  killNow(): void;
}

export class RedisServerMissingError extends Error {
  override name = 'RedisServerMissingError';
  constructor() {
    super('redis-server was not found on the PATH: install redis-server or set REDIS_URL');
  }
}

/**
 * Starts `redis-server` from the PATH as a child process (embedded mode and tests).
 * Nothing is persisted (`--save "" --appendonly no`) and eviction is off
 * (`noeviction`: BullMQ loses jobs otherwise). Resolves once the server answers PING.
 * @param options.port default: a free port
 * @param options.binary the executable, looked up on the PATH. Default `redis-server`.
 * @param options.detached run it in its own process group. Default false. `npm start` sets it:
 *   Ctrl-C signals the terminal's whole foreground group, and a redis-server that dies with the
 *   first SIGINT would leave the graceful shutdown nothing to hand jobs back to. The caller then
 *   owns stopping it (including on a forced exit: `killNow`).
 */
export async function startRedisServer(
  options: { port?: number; binary?: string; detached?: boolean } = {},
): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const child: ChildProcess = spawn(
    options.binary ?? 'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--maxmemory-policy',
      'noeviction',
      '--protected-mode',
      'no',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: options.detached ?? false },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let failed = false;
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) => {
      failed = true;
      reject(error.code === 'ENOENT' ? new RedisServerMissingError() : error);
    }),
  );

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // A child that never spawned (ENOENT) has no pid and may never emit 'exit'.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };

  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !failed) {
      if (child.exitCode !== null) throw new Error(`redis-server exited at start:\n${output}`);
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await stop();
    throw error;
  }
  logger.debug({ port }, 'redis-server started');
  const killNow = () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { url, port, pid: child.pid!, stop, killNow };
}

/**
 * A new ioredis connection. BullMQ's blocking connections need `maxRetriesPerRequest: null`;
 * we use it everywhere so a command waits through a short outage instead of failing.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...options });
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  return redis;
}

/**
 * Refuses a Redis whose eviction policy could drop queue keys, unless overridden.
 * @returns the policy found
 */
export async function checkEvictionPolicy(redis: Redis, allowEviction: boolean): Promise<string> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  const policy = reply[1] ?? 'unknown';
  if (policy !== 'noeviction') {
    const message = `Redis maxmemory-policy is "${policy}"; Dialwave needs "noeviction" or queued calls can be lost`;
    if (!allowEviction) throw new Error(`${message}. Fix the Redis configuration or set REDIS_ALLOW_EVICTION=true.`);
    logger.warn({ policy }, `${message}. Continuing because REDIS_ALLOW_EVICTION=true.`);
  }
  return policy;
}
