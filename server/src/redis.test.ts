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
    await expect(probe.connect()).rejects.toThrow();
    probe.disconnect();
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
