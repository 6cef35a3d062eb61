import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { DAY_MS, FREQUENCY_CAP_LUA, WEEK_MS, frequencyKey, parseCapped } from './frequency-caps';
import type { FrequencyCapCheck, FrequencyCapped } from './frequency-caps';

/**
 * Concurrency leases and rate buckets in Redis. A lease is one live call, a member (the call
 * id: the fence) of three sorted sets scored by its expiry: the campaign's, the phone's and the
 * deployment's. Taking one checks every cap and both rate buckets in one Lua script, so two
 * workers can never both take the last line. Expired members are dropped on every take, so a
 * lease whose holder died frees its line after at most the lease length.
 */

const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = now + tonumber(ARGV[2])
for i = 1, 3 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  for i = 1, 3 do redis.call('ZADD', KEYS[i], expiry, ARGV[1]) end
  return {1, 'ok', 0}
end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {0, 'campaign', 0} end
local phoneCap = tonumber(ARGV[4])
if phoneCap > 0 and redis.call('ZCARD', KEYS[2]) >= phoneCap then return {0, 'phone', 0} end
if redis.call('ZCARD', KEYS[3]) >= tonumber(ARGV[5]) then return {0, 'global', 0} end
local function level(key, perMs, burst)
  local b = redis.call('HMGET', key, 'tokens', 'ts')
  local tokens = tonumber(b[1]) or burst
  local ts = tonumber(b[2]) or now
  return math.min(burst, tokens + math.max(0, now - ts) * perMs)
end
local wait = 0
local pr = tonumber(ARGV[6])
local cr = tonumber(ARGV[7])
local pt, ct
if pr > 0 then
  pt = level(KEYS[4], pr / 1000, math.max(1, pr))
  if pt < 1 then wait = math.max(wait, math.ceil((1 - pt) * 1000 / pr)) end
end
if cr > 0 then
  ct = level(KEYS[5], cr / 60000, 1)
  if ct < 1 then wait = math.max(wait, math.ceil((1 - ct) * 60000 / cr)) end
end
if wait > 0 then return {0, 'rate', wait} end
if pr > 0 then
  redis.call('HSET', KEYS[4], 'tokens', tostring(pt - 1), 'ts', now)
  redis.call('PEXPIRE', KEYS[4], 600000)
end
if cr > 0 then
  redis.call('HSET', KEYS[5], 'tokens', tostring(ct - 1), 'ts', now)
  redis.call('PEXPIRE', KEYS[5], 3600000)
end
for i = 1, 3 do redis.call('ZADD', KEYS[i], expiry, ARGV[1]) end
return {1, 'ok', 0}
`;

// Removes the member everywhere and, when asked, tells waiting slots a line is free.
const RELEASE = `
local n = redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('SREM', KEYS[4], ARGV[1])
if ARGV[3] == '1' then redis.call('PUBLISH', ARGV[2], ARGV[4]) end
return n
`;

// Right before a call is placed: the campaign must not be stopped (pause, cancel) at this
// slot's generation or later, and the lease must still be this call's (not taken back by the
// sweeper, not lapsed). Then the call is marked as placing, which REVOKE respects.
const FENCE_HEAD = `
if ARGV[2] ~= '' then
  local stopped = redis.call('GET', KEYS[3])
  if stopped and tonumber(stopped) >= tonumber(ARGV[2]) then return 'stopped' end
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local expiry = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not expiry or tonumber(expiry) <= now then return 'lost' end
`;
const FENCE_PASS = `
redis.call('SADD', KEYS[2], ARGV[1])
return 'ok'
`;
const CONFIRM = FENCE_HEAD + FENCE_PASS;
// The same fence with the organization's frequency caps (frequency-caps.ts): checked and the
// dial recorded in this one script, so two campaigns racing for a number cannot both pass. A
// separate script, so an organization without caps runs exactly the fence it ran before.
const CONFIRM_CAPPED = FENCE_HEAD + FREQUENCY_CAP_LUA + FENCE_PASS;

// Takes back the lease of a call that may never have been placed (its holder looks dead),
// unless the holder confirmed it: exactly one of CONFIRM and REVOKE wins.
const REVOKE = `
if redis.call('SISMEMBER', KEYS[4], ARGV[1]) == 1 then return 0 end
for i = 1, 3 do redis.call('ZREM', KEYS[i], ARGV[1]) end
return 1
`;

// A re-run job re-takes the lease of its own live call whatever the counts: the call is live.
const RENEW = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, 3 do redis.call('ZADD', KEYS[i], now + tonumber(ARGV[2]), ARGV[1]) end
return 1
`;

export type LeaseBlocker = 'campaign' | 'phone' | 'global' | 'rate';

export type LeaseResult = { ok: true } | { ok: false; blocker: LeaseBlocker; retryInMs: number };

export interface LeaseRequest {
  campaignId: string;
  phoneId: string;
  /** The fence: the call this line is for. */
  callId: string;
  leaseMs: number;
  campaignLimit: number;
  /** 0: the phone has no cap of its own. */
  phoneCap: number;
  globalCap: number;
  /** Calls per second the phone may start; 0: no limit. */
  phoneRatePerSecond: number;
  /** Calls per minute the campaign may start; 0: no limit. */
  campaignCallsPerMinute: number;
}

type LeaseRedis = Redis & {
  dwAcquire(...args: (string | number)[]): Promise<[number, string, number]>;
  dwRelease(...args: (string | number)[]): Promise<number>;
  dwRenew(...args: (string | number)[]): Promise<number>;
  dwConfirm(...args: (string | number)[]): Promise<'ok' | 'stopped' | 'lost'>;
  dwConfirmCapped(...args: (string | number)[]): Promise<string>;
  dwRevoke(...args: (string | number)[]): Promise<number>;
};

/**
 * What `confirm` found: go ahead, the campaign was stopped, the lease is no longer this call's,
 * (with `LeaseDurability.replicas` > 0) fewer replicas than asked acknowledged the lease, or the
 * number reached its organization's frequency cap (when and why, `FrequencyCapped`).
 */
export type Confirmation = 'ok' | 'stopped' | 'lost' | 'unreplicated' | FrequencyCapped;

/**
 * How many Redis replicas must hold a call's lease before the call is placed (Redis `WAIT`,
 * https://redis.io/docs/latest/commands/wait/). Replication is asynchronous: a primary that dies
 * before its replica received a lease takes it along, the promoted replica counts one line fewer
 * than are live, and another slot can dial above the limit. With `replicas` > 0 a call whose
 * lease (and its confirmation) did not reach that many replicas within `timeoutMs` is not
 * placed. WAIT is best effort, not consensus (see the page above): Sentinel promotes the most
 * up-to-date replica, so with one replica it closes the window; with several it narrows it.
 */
export interface LeaseDurability {
  /** Replicas that must acknowledge. Default 0: no wait (a single Redis, or risk accepted). */
  replicas: number;
  /** How long to wait for them, ms. Default 500. */
  timeoutMs: number;
}

/** The channel on which released lines are announced: message `<campaignId>|<phoneId>`. */
export const releasedChannel = (prefix: string): string => `${prefix}:lease-released`;

export class Leases {
  private readonly redis: LeaseRedis;
  /**
   * With durability: the connection that confirms and WAITs. Its own, because WAIT blocks the
   * connection it is sent on (every command queued behind it waits too), and waits for what that
   * connection wrote (the confirmation, and so the lease written before it).
   */
  private fence: LeaseRedis | null;
  private readonly durability: LeaseDurability;

  constructor(
    redis: Redis,
    private readonly prefix: string,
    durability: Partial<LeaseDurability> = {},
  ) {
    this.redis = defineScripts(redis);
    this.durability = { replicas: durability.replicas ?? 0, timeoutMs: durability.timeoutMs ?? 500 };
    this.fence = null;
    if (this.durability.replicas > 0) {
      // Not pipelined: WAIT blocks its connection, and it should hold up no other turn's fence.
      const fence = redis.duplicate({ enableAutoPipelining: false });
      fence.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error (lease fence)'));
      this.fence = defineScripts(fence);
    }
  }

  /** Closes the fence connection (durability only); safe to call twice. */
  close(): void {
    if (this.fence && this.fence.status !== 'end') this.fence.disconnect();
  }

  campaignKey(campaignId: string): string {
    return `${this.prefix}:lease:campaign:${campaignId}`;
  }

  private keys(campaignId: string, phoneId: string): [string, string, string] {
    return [this.campaignKey(campaignId), `${this.prefix}:lease:phone:${phoneId}`, `${this.prefix}:lease:global`];
  }

  /** The calls of a campaign whose slot confirmed them for placing (members until released). */
  private placingKey(campaignId: string): string {
    return `${this.prefix}:lease:placing:${campaignId}`;
  }

  /** Set while a campaign is paused or cancelled: slots confirm no new call. */
  private stopKey(campaignId: string): string {
    return `${this.prefix}:stop:${campaignId}`;
  }

  /**
   * Marks a campaign stopped (pause, cancel) before the transition returns: from then on no
   * slot of `generation` or older confirms a new call, so nothing is dialled after the
   * operator's pause. Resume starts a newer generation, so a mark that lands late (a pause
   * slower than the resume after it) stops nothing of it. Expires after a day: by then no slot
   * of that time is left, and the campaign's status keeps them idle.
   */
  async stop(campaignId: string, generation: number): Promise<void> {
    await this.redis.set(this.stopKey(campaignId), String(generation), 'EX', 86_400);
  }

  /** Clears the stop mark (start, resume, reopen), before the new slots are added. */
  async unstop(campaignId: string): Promise<void> {
    await this.redis.del(this.stopKey(campaignId));
  }

  /**
   * The fence right before a call is placed (one round trip): 'stopped' when the campaign was
   * paused or cancelled at the slot's `generation` or later (null: a manual call, which may be
   * made on a paused campaign), 'lost' when the lease was taken back or lapsed; with `cap` (the
   * organization has frequency caps), `FrequencyCapped` when the number has had its calls, else
   * the dial is recorded against them. Otherwise the call is marked as placing and `revoke` can
   * no longer take its lease.
   */
  async confirm(
    campaignId: string,
    callId: string,
    generation: number | null,
    cap: FrequencyCapCheck | null = null,
  ): Promise<Confirmation> {
    const connection = this.fence ?? this.redis;
    const fenceKeys = [this.campaignKey(campaignId), this.placingKey(campaignId), this.stopKey(campaignId)];
    const gen = generation === null ? '' : String(generation);
    let gate: Exclude<Confirmation, 'unreplicated'>;
    if (cap) {
      const answer = await connection.dwConfirmCapped(
        ...fenceKeys,
        this.frequencyKey(cap),
        callId,
        gen,
        cap.perDay ?? 0,
        cap.perWeek ?? 0,
        DAY_MS,
        WEEK_MS,
      );
      gate = answer === 'ok' || answer === 'stopped' || answer === 'lost' ? answer : capped(answer, cap);
    } else {
      gate = await connection.dwConfirm(...fenceKeys, callId, gen);
    }
    if (gate !== 'ok') return gate;
    if (!this.fence) return 'ok';
    const { replicas, timeoutMs } = this.durability;
    const acknowledged = await this.fence.wait(replicas, timeoutMs);
    if (acknowledged >= replicas) return 'ok';
    // The caller gives the line back (release), as for any refused confirmation; the call is not
    // placed, so its dial no longer counts against the number (best effort: Redis is struggling).
    logger.warn({ callId, acknowledged, replicas }, 'lease not replicated in time; not placing the call');
    if (cap) await this.redis.zrem(this.frequencyKey(cap), callId).catch(() => undefined);
    return 'unreplicated';
  }

  private frequencyKey(cap: FrequencyCapCheck): string {
    return frequencyKey(this.prefix, cap.organizationId, cap.phoneNumber);
  }

  /**
   * Takes back the lease of a call its holder may not have placed (the sweeper, a re-run slot):
   * false when the holder confirmed it (it is placing or placed the call, and keeps the line).
   */
  async revoke(campaignId: string, phoneId: string, callId: string): Promise<boolean> {
    return (await this.redis.dwRevoke(...this.keys(campaignId, phoneId), this.placingKey(campaignId), callId)) === 1;
  }

  async acquire(r: LeaseRequest): Promise<LeaseResult> {
    const [ok, blocker, wait] = await this.redis.dwAcquire(
      ...this.keys(r.campaignId, r.phoneId),
      `${this.prefix}:rate:phone:${r.phoneId}`,
      `${this.prefix}:rate:campaign:${r.campaignId}`,
      r.callId,
      r.leaseMs,
      r.campaignLimit,
      r.phoneCap,
      r.globalCap,
      r.phoneRatePerSecond,
      r.campaignCallsPerMinute,
    );
    return ok === 1 ? { ok: true } : { ok: false, blocker: blocker as LeaseBlocker, retryInMs: Number(wait) };
  }

  /** Gives the line back. `announce` wakes waiting slots (skip it when no call was made). */
  async release(campaignId: string, phoneId: string, callId: string, announce = true): Promise<void> {
    await this.redis.dwRelease(
      ...this.keys(campaignId, phoneId),
      this.placingKey(campaignId),
      callId,
      releasedChannel(this.prefix),
      announce ? '1' : '0',
      `${campaignId}|${phoneId}`,
    );
  }

  async renew(campaignId: string, phoneId: string, callId: string, leaseMs: number): Promise<void> {
    await this.redis.dwRenew(...this.keys(campaignId, phoneId), callId, leaseMs);
  }

  /**
   * Every call holding a lease anywhere (the deployment-wide set): the sweeper checks them
   * against MongoDB, since a Redis failover can bring back a lease whose release was lost.
   */
  async leasedCallIds(limit = 10_000): Promise<string[]> {
    return this.redis.zrange(`${this.prefix}:lease:global`, 0, limit - 1);
  }

  /** Unexpired leases of a campaign (tests, progress). */
  async count(campaignId: string): Promise<number> {
    return this.redis.zcount(this.campaignKey(campaignId), Date.now(), '+inf');
  }
}

function defineScripts(redis: Redis): LeaseRedis {
  if (!('dwAcquire' in redis)) {
    redis.defineCommand('dwAcquire', { numberOfKeys: 5, lua: ACQUIRE });
    redis.defineCommand('dwRelease', { numberOfKeys: 4, lua: RELEASE });
    redis.defineCommand('dwRenew', { numberOfKeys: 3, lua: RENEW });
    redis.defineCommand('dwConfirm', { numberOfKeys: 3, lua: CONFIRM });
    redis.defineCommand('dwConfirmCapped', { numberOfKeys: 4, lua: CONFIRM_CAPPED });
    redis.defineCommand('dwRevoke', { numberOfKeys: 4, lua: REVOKE });
  }
  return redis as LeaseRedis;
}

/** The capped script's refusal; anything else it could answer is a bug in the script. */
function capped(answer: string, cap: FrequencyCapCheck): FrequencyCapped {
  const refusal = parseCapped(answer, cap);
  if (!refusal) throw new Error(`lease fence: unexpected answer ${answer}`);
  return refusal;
}
