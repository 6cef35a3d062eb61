import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  /**
   * The running child's process id (tests pause it with SIGSTOP / SIGCONT to model a network
   * partition). Follows `startAgain()`.
   */
  readonly pid: number;
  /** The AOF directory when started with `persist`, else null. */
  readonly dir: string | null;
  /** Stops the server for good (and removes a temporary `persist` directory); safe to call twice. */
  stop(): Promise<void>;
  /**
   * Stops the process (SIGTERM; resolves once it has exited, so the port is closed) and keeps
   * its directory, for `startAgain()`: a Redis outage with a restart. Requires `persist`.
   */
  stopProcess(): Promise<void>;
  /** Starts the server again on the same port and directory; resolves once it answers PING. */
  startAgain(): Promise<void>;
  /** Kills the child at once (SIGKILL), synchronously: for a forced exit, where nothing can be awaited. */
  killNow(): void;
}

export class RedisServerMissingError extends Error {
  override name = 'RedisServerMissingError';
  constructor() {
    super('redis-server was not found on the PATH: install redis-server or set REDIS_URL');
  }
}

export interface RedisServerOptions {
  /** Default: a free port. */
  port?: number;
  /** The executable, looked up on the PATH. Default `redis-server`. */
  binary?: string;
  /**
   * Run it in its own process group. Default false. `npm start` sets it: Ctrl-C signals the
   * terminal's whole foreground group, and a redis-server that dies with the first SIGINT would
   * leave the graceful shutdown nothing to hand jobs back to. The caller then owns stopping it
   * (including on a forced exit: `killNow`).
   */
  detached?: boolean;
  /**
   * Keep the data across a restart, like production's Redis: an append-only file fsynced on
   * every write (`--appendonly yes --appendfsync always`) in this directory, or in a new
   * temporary one (`true`) that the final `stop()` removes. Default: nothing is persisted.
   */
  persist?: string | true;
  /**
   * A configuration file, given first (redis-server's usage: `redis-server [file] [options]`):
   * `redis-server --sentinel` needs one it can rewrite. Default: none.
   */
  configFile?: string;
  /** More command-line options, after the defaults (e.g. `--replicaof`, `--sentinel`). Default: none. */
  args?: string[];
}

/** A spawned redis-server child, up to its answering PING. */
interface Launched {
  child: ChildProcess;
  exited: Promise<void>;
}

const alive = (child: ChildProcess): boolean =>
  child.pid !== undefined && child.exitCode === null && child.signalCode === null;

/** SIGTERM (SIGKILL after 5 s), resolving once the child has exited. */
async function terminate({ child, exited }: Launched): Promise<void> {
  // A child that never spawned (ENOENT) has no pid and may never emit 'exit'.
  if (!alive(child)) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

async function launch(binary: string, args: string[], port: number, detached: boolean): Promise<Launched> {
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'], detached });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (output.length < 10_000) output += chunk.toString();
  });
  const launched: Launched = { child, exited: new Promise<void>((resolve) => child.once('exit', () => resolve())) };
  let failed = false;
  const spawnError = new Promise<never>((_, reject) =>
    child.once('error', (error: NodeJS.ErrnoException) => {
      failed = true;
      reject(error.code === 'ENOENT' ? new RedisServerMissingError() : error);
    }),
  );
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !failed) {
      if (child.exitCode !== null) throw new Error(`redis-server exited at start:\n${output}`);
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        // LOADING (replaying the AOF after a restart) rejects: not ready yet.
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        // Not after a refused connection (status 'end'): ioredis would then arm a 2 s timer to
        // destroy a stream that has closed already, and that timer keeps the process alive.
        if (probe.status !== 'end') probe.disconnect();
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`redis-server did not answer PING on port ${port} within 10 s:\n${output}`);
  })();
  try {
    await Promise.race([ready, spawnError]);
  } catch (error) {
    await terminate(launched);
    throw error;
  }
  return launched;
}

/**
 * Starts `redis-server` from the PATH as a child process (embedded mode and tests).
 * Nothing is persisted (`--save "" --appendonly no`) unless `persist` is given, and eviction is
 * off (`noeviction`: BullMQ loses jobs otherwise). Resolves once the server answers PING.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServerHandle> {
  const port = options.port ?? (await freePort());
  const binary = options.binary ?? 'redis-server';
  const detached = options.detached ?? false;
  const tempDir = options.persist === true ? await mkdtemp(join(tmpdir(), 'dialwave-redis-')) : null;
  const dir = tempDir ?? (typeof options.persist === 'string' ? options.persist : null);
  const args = [
    ...(options.configFile ? [options.configFile] : []),
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    ...(dir ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir] : ['--appendonly', 'no']),
    '--maxmemory-policy',
    'noeviction',
    '--protected-mode',
    'no',
    ...(options.args ?? []),
  ];
  const removeTempDir = async () => {
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };

  let current: Launched;
  try {
    current = await launch(binary, args, port, detached);
  } catch (error) {
    await removeTempDir();
    throw error;
  }
  logger.debug({ port, dir }, 'redis-server started');

  let stopped = false;
  let starting: Promise<void> | null = null;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await starting?.catch(() => undefined);
    await terminate(current);
    await removeTempDir();
  };
  const stopProcess = async (): Promise<void> => {
    if (!dir) throw new Error('stopProcess() needs a redis-server started with `persist`: its data would be lost');
    await terminate(current);
    logger.debug({ port }, 'redis-server process stopped');
  };
  const startAgain = async (): Promise<void> => {
    if (stopped) throw new Error('redis-server was stopped for good');
    if (alive(current.child)) throw new Error('redis-server is still running');
    starting = launch(binary, args, port, detached).then((launched) => {
      current = launched;
    });
    try {
      await starting;
    } finally {
      starting = null;
    }
    logger.debug({ port, pid: current.child.pid }, 'redis-server started again');
  };
  const killNow = () => {
    if (alive(current.child)) current.child.kill('SIGKILL');
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return current.child.pid!;
    },
    dir,
    stop,
    stopProcess,
    startAgain,
    killNow,
  };
}

/** Scheme of the Sentinel descriptor config.ts builds from REDIS_SENTINELS and REDIS_SENTINEL_NAME. */
const SENTINEL_SCHEME = 'redis+sentinel://';

/**
 * The Sentinel set of a `redis+sentinel://h1:p1,h2:p2/<name>` descriptor, or null for a plain
 * redis:// or rediss:// URL.
 */
export function parseSentinelUrl(url: string): { sentinels: { host: string; port: number }[]; name: string } | null {
  if (!url.startsWith(SENTINEL_SCHEME)) return null;
  const rest = url.slice(SENTINEL_SCHEME.length);
  const slash = rest.indexOf('/');
  const name = slash < 0 ? '' : rest.slice(slash + 1);
  const sentinels = (slash < 0 ? rest : rest.slice(0, slash)).split(',').map((entry) => {
    const colon = entry.lastIndexOf(':');
    return { host: entry.slice(0, colon), port: Number(entry.slice(colon + 1)) };
  });
  if (name === '' || sentinels.some((s) => s.host === '' || !Number.isInteger(s.port) || s.port <= 0)) {
    throw new Error(`bad Redis Sentinel descriptor "${url}": expected ${SENTINEL_SCHEME}host:port[,host:port…]/name`);
  }
  return { sentinels, name };
}

/**
 * A new ioredis connection. BullMQ's blocking connections need `maxRetriesPerRequest: null`;
 * we use it everywhere so a command waits through a short outage instead of failing.
 *
 * `url` is a redis:// or rediss:// URL, or the `redis+sentinel://` descriptor of REDIS_SENTINELS:
 * the connection then asks the sentinels for the current primary, and after a failover asks
 * again (ioredis' Sentinel connector, https://github.com/redis/ioredis#sentinel: `sentinels` and
 * `name`). BullMQ takes these connections as they are and `duplicate()`s them for its blocking
 * clients, which keeps the Sentinel options (https://docs.bullmq.io/guide/connections); its
 * production guidance for high availability is Sentinel or a managed failover
 * (https://docs.bullmq.io/guide/going-to-production). A primary that is demoted while still
 * reachable (a partition healed) answers writes with READONLY: `reconnectOnError` then reconnects,
 * which asks the sentinels again, and resends the command (ioredis README, "Reconnect on Error").
 * ioredis' `failoverDetector` (subscribing to `+switch-master`) is left off: in 5.11 its sentinel
 * subscriber connections can outlive `quit()` (seen here: a process that never exits).
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  const sentinel = parseSentinelUrl(url);
  const common: RedisOptions = {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    // 2: reconnect and resend the command (ioredis' documented return value for reconnectOnError).
    reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
  };
  const redis = sentinel
    ? new Redis({ ...common, sentinels: sentinel.sentinels, name: sentinel.name, ...options })
    : new Redis(url, { ...common, ...options });
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
