import { Redis } from 'ioredis';
import { startRedisServer } from '../redis';
import type { RedisServerHandle } from '../redis';
import { Leases } from './leases';

// The Lua fences of the dialing engine against a real redis-server.
describe('Leases: confirm and revoke', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let leases: Leases;
  let n = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    leases = new Leases(redis, 'lt');
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** A fresh campaign with one lease taken for a new call. */
  const take = async (limit = 1) => {
    n += 1;
    const ids = { campaignId: `c${n}`, phoneId: `p${n}`, callId: `call${n}` };
    const lease = await leases.acquire({
      ...ids,
      leaseMs: 60_000,
      campaignLimit: limit,
      phoneCap: 0,
      globalCap: 1_000,
      phoneRatePerSecond: 0,
      campaignCallsPerMinute: 0,
    });
    expect(lease.ok).toBe(true);
    return ids;
  };

  it('a confirmed call keeps its line: revoke refuses', async () => {
    const { campaignId, phoneId, callId } = await take();
    expect(await leases.confirm(campaignId, callId, 1)).toBe('ok');
    expect(await leases.revoke(campaignId, phoneId, callId)).toBe(false);
    expect(await leases.count(campaignId)).toBe(1);
  });

  it('a revoked lease cannot be confirmed, so the slow holder never dials', async () => {
    const { campaignId, phoneId, callId } = await take();
    expect(await leases.revoke(campaignId, phoneId, callId)).toBe(true);
    expect(await leases.count(campaignId)).toBe(0);
    expect(await leases.confirm(campaignId, callId, 1)).toBe('lost');
  });

  it('a stopped campaign confirms no call of its generation or older, still a manual one, and again once unstopped', async () => {
    const { campaignId, callId } = await take();
    await leases.stop(campaignId, 3);
    expect(await leases.confirm(campaignId, callId, 3)).toBe('stopped');
    expect(await leases.confirm(campaignId, callId, 2)).toBe('stopped');
    expect(await leases.confirm(campaignId, callId, null)).toBe('ok');
    await leases.unstop(campaignId);
    const again = await take();
    expect(await leases.confirm(again.campaignId, again.callId, 3)).toBe('ok');
  });

  it('a mark that lands after the resume that followed its pause stops nothing of the new generation', async () => {
    const { campaignId, callId } = await take();
    // resume (generation 5) cleared the mark, then the slow pause of generation 4 set it
    await leases.unstop(campaignId);
    await leases.stop(campaignId, 4);
    expect(await leases.confirm(campaignId, callId, 5)).toBe('ok');
  });

  it('release forgets the placing mark with the lease', async () => {
    const { campaignId, phoneId, callId } = await take();
    expect(await leases.confirm(campaignId, callId, 1)).toBe('ok');
    await leases.release(campaignId, phoneId, callId, false);
    expect(await leases.count(campaignId)).toBe(0);
    expect(await redis.scard(`lt:lease:placing:${campaignId}`)).toBe(0);
    expect(await leases.confirm(campaignId, callId, 1)).toBe('lost');
  });
});
