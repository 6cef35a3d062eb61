import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, startRedisServer } from '../redis';
import type { RedisServerHandle } from '../redis';

/**
 * A real Redis Sentinel set on loopback for failover tests: a primary, one replica and three
 * `redis-server --sentinel` processes (quorum 2), each on a free port. Sentinel's settings follow
 * https://redis.io/docs/latest/operate/oss_and_stack/management/sentinel/ ("sentinel monitor",
 * "down-after-milliseconds", "failover-timeout"), shortened so a failover takes seconds.
 */
export interface SentinelSet {
  /** The primary's name as the sentinels know it. */
  name: string;
  primary: RedisServerHandle;
  replica: RedisServerHandle;
  sentinels: RedisServerHandle[];
  /** REDIS_SENTINELS for this set: `127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3`. */
  sentinelList: string;
  /** The port the sentinels currently name as the primary's. */
  primaryPort(): Promise<number | null>;
  /** Stops every process (safe to call twice) and removes the sentinels' configuration files. */
  stop(): Promise<void>;
}

/** How long a primary must not answer before a sentinel considers it down. */
export const DOWN_AFTER_MS = 1_000;

async function ask<T>(port: number, run: (r: Redis) => Promise<T>): Promise<T> {
  const r = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    await r.connect();
    return await run(r);
  } finally {
    if (r.status !== 'end') r.disconnect();
  }
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`sentinel set: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts the set and resolves once every sentinel knows the replica and the other two sentinels. */
export async function startSentinelSet(name = 'dialwave'): Promise<SentinelSet> {
  const dir = await mkdtemp(join(tmpdir(), 'dialwave-sentinel-'));
  const started: RedisServerHandle[] = [];
  const stop = async () => {
    for (const handle of started.reverse()) await handle.stop();
    started.length = 0;
    await rm(dir, { recursive: true, force: true });
  };
  try {
    // Their own directory: a full resync writes dump.rdb to the working directory otherwise.
    const primary = await startRedisServer({ args: ['--dir', dir] });
    started.push(primary);
    const replica = await startRedisServer({
      args: ['--dir', dir, '--replicaof', '127.0.0.1', String(primary.port)],
    });
    started.push(replica);
    await until(
      'the replica to sync',
      async () => (await ask(replica.port, (r) => r.info('replication'))).includes('master_link_status:up'),
      10_000,
    );
    const sentinels: RedisServerHandle[] = [];
    for (let i = 0; i < 3; i++) {
      const port = await freePort();
      // Sentinel rewrites its file (discovered replicas and sentinels, epochs): one per process.
      const file = join(dir, `sentinel-${i}.conf`);
      await writeFile(
        file,
        [
          `sentinel monitor ${name} 127.0.0.1 ${primary.port} 2`,
          `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`,
          `sentinel failover-timeout ${name} 5000`,
          `sentinel parallel-syncs ${name} 1`,
          '',
        ].join('\n'),
      );
      const sentinel = await startRedisServer({ port, configFile: file, args: ['--sentinel', '--dir', dir] });
      started.push(sentinel);
      sentinels.push(sentinel);
    }
    // A failover needs the quorum to agree and a leader elected among the sentinels: each must
    // have found the others (hello messages every 2 s) and the replica (INFO every 10 s at first).
    await until(
      'the sentinels to find each other and the replica',
      async () => {
        for (const s of sentinels) {
          const others = (await ask(s.port, (r) => r.call('SENTINEL', 'SENTINELS', name))) as unknown[];
          const replicas = (await ask(s.port, (r) => r.call('SENTINEL', 'REPLICAS', name))) as unknown[];
          if (others.length < 2 || replicas.length < 1) return false;
        }
        return true;
      },
      30_000,
    );
    const sentinelList = sentinels.map((s) => `127.0.0.1:${s.port}`).join(',');
    return {
      name,
      primary,
      replica,
      sentinels,
      sentinelList,
      async primaryPort() {
        for (const s of sentinels) {
          try {
            const addr = (await ask(s.port, (r) => r.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name))) as
              [string, string] | null;
            if (addr) return Number(addr[1]);
          } catch {
            // that sentinel is not answering: ask the next
          }
        }
        return null;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
