import { Redis } from 'ioredis';
import { startRedisServer } from '../redis';
import type { RedisServerHandle } from '../redis';
import { DAY_MS, WEEK_MS, frequencyKey } from './frequency-caps';
import type { FrequencyCapCheck } from './frequency-caps';
import { Leases } from './leases';

// The frequency-cap check of the lease fence (Leases.confirm with caps) against a real redis-server:
// counting per rolling window, the moment a number may be called again, and what the record keeps.
describe('Leases: the fence with frequency caps', () => {
  let server: RedisServerHandle;
  let redis: Redis;
  let leases: Leases;
  let n = 0;

  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
    leases = new Leases(redis, 'fq');
  });

  afterAll(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  /** A lease taken for a new call of `campaignId`. */
  const take = async (campaignId: string) => {
    n += 1;
    const callId = `call${n}`;
    const lease = await leases.acquire({
      campaignId,
      phoneId: `p-${campaignId}`,
      callId,
      leaseMs: 60_000,
      campaignLimit: 100,
      phoneCap: 0,
      globalCap: 1_000,
      phoneRatePerSecond: 0,
      campaignCallsPerMinute: 0,
    });
    expect(lease.ok).toBe(true);
    return callId;
  };

  /** Redis's clock (the fence's), ms. */
  const redisNow = async () => {
    const [s, us] = await redis.time();
    return Number(s) * 1000 + Math.floor(Number(us) / 1000);
  };

  const check = (org: string, caps: Partial<FrequencyCapCheck>): FrequencyCapCheck => ({
    organizationId: org,
    phoneNumber: '+14155550100',
    perDay: null,
    perWeek: null,
    ...caps,
  });

  it('lets N calls a day through, then names the window and the moment the oldest leaves it', async () => {
    const cap = check('org-day', { perDay: 2 });
    const key = frequencyKey('fq', 'org-day', '+14155550100');
    expect(await leases.confirm('a', await take('a'), 1, cap)).toBe('ok');
    // Another campaign of the organization counts against the same number.
    expect(await leases.confirm('b', await take('b'), 1, cap)).toBe('ok');
    const first = Number((await redis.zrange(key, 0, 0, 'WITHSCORES'))[1]);
    const refused = await leases.confirm('a', await take('a'), 1, cap);
    expect(refused).toEqual({ capped: 'day', limit: 2, allowedAt: new Date(first + DAY_MS + 1) });
    // Refused dials are not recorded.
    expect(await redis.zcard(key)).toBe(2);
    // Another number, another organization: their own counts.
    expect(await leases.confirm('a', await take('a'), 1, { ...cap, phoneNumber: '+14155550199' })).toBe('ok');
    expect(await leases.confirm('c', await take('c'), 1, check('org-other', { perDay: 2 }))).toBe('ok');
  });

  it('counts a call once when the fence is asked twice for it', async () => {
    const cap = check('org-twice', { perDay: 1 });
    const callId = await take('t');
    expect(await leases.confirm('t', callId, 1, cap)).toBe('ok');
    expect(await leases.confirm('t', callId, 1, cap)).toBe('ok');
    expect(await redis.zcard(frequencyKey('fq', 'org-twice', '+14155550100'))).toBe(1);
  });

  it('counts dials of the last 7 days for the weekly cap, forgets older ones, and expires the record', async () => {
    const cap = check('org-week', { perDay: 3, perWeek: 3 });
    const key = frequencyKey('fq', 'org-week', '+14155550100');
    const now = await redisNow();
    // Made earlier: one 8 days ago (forgotten), two within the week but not today.
    await redis.zadd(key, now - 8 * DAY_MS, 'old', now - 3 * DAY_MS, 'd3', now - 2 * DAY_MS, 'd2');
    expect(await leases.confirm('w', await take('w'), 1, cap)).toBe('ok');
    expect(await redis.zscore(key, 'old')).toBeNull();
    const refused = await leases.confirm('w', await take('w'), 1, cap);
    // Three in 7 days: allowed again when the one of 3 days ago is 7 days old.
    expect(refused).toEqual({ capped: 'week', limit: 3, allowedAt: new Date(now - 3 * DAY_MS + WEEK_MS + 1) });
    const ttl = await redis.pttl(key);
    expect(ttl).toBeGreaterThan(WEEK_MS - 60_000);
    expect(ttl).toBeLessThanOrEqual(WEEK_MS);
  });

  it('names the later moment when both windows are full', async () => {
    const cap = check('org-both', { perDay: 1, perWeek: 2 });
    const key = frequencyKey('fq', 'org-both', '+14155550100');
    const now = await redisNow();
    await redis.zadd(key, now - 5 * DAY_MS, 'd5', now - 60_000, 'm1');
    const refused = await leases.confirm('x', await take('x'), 1, cap);
    expect(refused).toEqual({ capped: 'week', limit: 2, allowedAt: new Date(now - 5 * DAY_MS + WEEK_MS + 1) });
  });

  it('still stops first: a stopped campaign or a lost lease records no dial', async () => {
    const cap = check('org-stop', { perDay: 5 });
    const key = frequencyKey('fq', 'org-stop', '+14155550100');
    const callId = await take('s');
    await leases.stop('s', 2);
    expect(await leases.confirm('s', callId, 2, cap)).toBe('stopped');
    expect(await leases.confirm('s', 'never-leased', null, cap)).toBe('lost');
    expect(await redis.exists(key)).toBe(0);
  });

  it('without caps runs the plain fence and keeps no record', async () => {
    const before = (await redis.keys('fq:freq:*')).sort();
    expect(await leases.confirm('plain', await take('plain'), 1)).toBe('ok');
    expect(await leases.confirm('plain', await take('plain'), 1, null)).toBe('ok');
    expect((await redis.keys('fq:freq:*')).sort()).toEqual(before);
  });
});
