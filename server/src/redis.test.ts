import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { checkEvictionPolicy, RedisServerMissingError, startRedisServer } from './redis';

describe('redis-server child', () => {
  it('starts on a free port without persistence, answers PING, and stops (twice is fine)', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url);
    try {
      expect(await client.ping()).toBe('PONG');
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      expect(await checkEvictionPolicy(client, false)).toBe('noeviction');
    } finally {
      client.disconnect();
      await server.stop();
      await server.stop();
    }
    const probe = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => undefined);
    // Refused, it has ended: no disconnect() (ioredis would arm a 2 s timer on the closed stream).
    await expect(probe.connect()).rejects.toThrow();
  });

  it('with persist, keeps its data across a stop and a start on the same port, and removes its directory', async () => {
    const server = await startRedisServer({ persist: true });
    const dir = server.dir!;
    const firstPid = server.pid;
    const client = new Redis(server.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
      expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'always']);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      await client.set('k', 'v');
      await server.stopProcess();
      const probe = new Redis(server.url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      probe.on('error', () => undefined);
      await expect(probe.connect()).rejects.toThrow();
      await server.startAgain();
      expect(server.pid).not.toBe(firstPid);
      // The same client reconnects by itself to the same port and finds the key.
      expect(await client.get('k')).toBe('v');
    } finally {
      client.disconnect();
      await server.stop();
    }
    expect(existsSync(dir)).toBe(false);
  });

  it('refuses stopProcess() without persist: the data would be lost', async () => {
    const server = await startRedisServer();
    try {
      expect(server.dir).toBeNull();
      await expect(server.stopProcess()).rejects.toThrow(/persist/);
    } finally {
      await server.stop();
    }
  });

  it('says how to fix a missing binary', async () => {
    const started = startRedisServer({ binary: 'redis-server-that-is-not-installed' });
    await expect(started).rejects.toThrow(RedisServerMissingError);
    await expect(started).rejects.toThrow('install redis-server or set REDIS_URL');
  });

  it('refuses an evicting Redis unless overridden', async () => {
    const server = await startRedisServer();
    const client = new Redis(server.url);
    try {
      await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
      await expect(checkEvictionPolicy(client, false)).rejects.toThrow(/REDIS_ALLOW_EVICTION=true/);
      await expect(checkEvictionPolicy(client, true)).resolves.toBe('allkeys-lru');
    } finally {
      client.disconnect();
      await server.stop();
    }
  });
});
