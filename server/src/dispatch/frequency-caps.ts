import type { Types } from 'mongoose';
import { OrganizationModel } from '../organizations/organization.model';
import { organizationSettingsOf } from '../organizations/organization.settings';

/**
 * Frequency caps (issue 18): at most N calls to one number in any rolling 24 hours and M in any
 * rolling 7 days, across all of an organization's campaigns (organization settings, off by
 * default). They are checked in the fence right before a call is placed (`Leases.confirm`), in the
 * same Lua script that checks the stop mark and the lease, and that script records the dial when
 * it lets the call through: two campaigns (or two workers) racing for the same number are
 * serialized by Redis, so the cap can never be exceeded. A contact refused there is put back
 * waiting until the moment its number may be called again (slot.loop.ts), its attempt not counted.
 *
 * The record: one sorted set per (organization, number), members the call ids (unique per call
 * attempt), scored by the dial time (Redis TIME, the same clock for every worker); trimmed to 7
 * days at every check and expiring 7 days after the last dial.
 */

/** The short window: rolling 24 hours. */
export const DAY_MS = 24 * 60 * 60 * 1000;
/** The long window: rolling 7 days; also how long a dial is remembered. */
export const WEEK_MS = 7 * DAY_MS;

/** An organization's caps in force (each 0 or more; null: that cap is off). */
export interface FrequencyCaps {
  perDay: number | null;
  perWeek: number | null;
}

/** What the fence is asked to check for one call: whose number, and the caps. */
export interface FrequencyCapCheck extends FrequencyCaps {
  organizationId: string;
  /** E.164, as stored on the contact. */
  phoneNumber: string;
}

/** The fence's refusal: which window is full, its cap, and when the number may be called again. */
export interface FrequencyCapped {
  capped: 'day' | 'week';
  limit: number;
  allowedAt: Date;
}

/** The sorted set of an organization's dials to one number. */
export function frequencyKey(prefix: string, organizationId: string, phoneNumber: string): string {
  return `${prefix}:freq:${organizationId}:${phoneNumber}`;
}

/**
 * The cap check inside the fence (leases.ts CONFIRM_CAPPED), after the stop mark and the lease
 * were checked and `now` was read from Redis TIME. KEYS[4]: the number's set. ARGV[3], ARGV[4]:
 * the caps per day and per week (0: off); ARGV[5], ARGV[6]: the windows in ms. A dial already
 * recorded for this call (the fence asked twice for it) is not counted again. Refused: returns
 * `capped:<ms when allowed>:<day|week>`, the moment enough counted dials have left the window.
 */
export const FREQUENCY_CAP_LUA = `
local freq = KEYS[4]
local dayMs, weekMs = tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', freq, '-inf', now - weekMs)
if not redis.call('ZSCORE', freq, ARGV[1]) then
  local allowedAt, which = 0, ''
  local windows = { { tonumber(ARGV[3]), dayMs, 'day' }, { tonumber(ARGV[4]), weekMs, 'week' } }
  for _, w in ipairs(windows) do
    local cap, span = w[1], w[2]
    if cap > 0 then
      local from = '(' .. string.format('%.0f', now - span)
      local n = redis.call('ZCOUNT', freq, from, '+inf')
      if n >= cap then
        -- The dial whose leaving brings the count below the cap: the (n - cap + 1)-th oldest.
        local hit = redis.call('ZRANGEBYSCORE', freq, from, '+inf', 'WITHSCORES', 'LIMIT', n - cap, 1)
        local at = tonumber(hit[2]) + span + 1
        if at > allowedAt then allowedAt, which = at, w[3] end
      end
    end
  end
  if allowedAt > 0 then return 'capped:' .. string.format('%.0f', allowedAt) .. ':' .. which end
  redis.call('ZADD', freq, now, ARGV[1])
  redis.call('PEXPIRE', freq, weekMs)
end
`;

/** Parses the fence's `capped:<ms>:<window>` answer for these caps; null for any other answer. */
export function parseCapped(answer: string, caps: FrequencyCaps): FrequencyCapped | null {
  const [tag, at, window] = answer.split(':');
  if (tag !== 'capped' || (window !== 'day' && window !== 'week')) return null;
  const limit = (window === 'day' ? caps.perDay : caps.perWeek) ?? 0;
  return { capped: window, limit, allowedAt: new Date(Number(at)) };
}

/** Whether an organization has any cap on (the fence then runs its cap check). */
export function capsOn(caps: FrequencyCaps): boolean {
  return (caps.perDay ?? 0) > 0 || (caps.perWeek ?? 0) > 0;
}

/**
 * Each process's copy of the organizations' caps, read from MongoDB at most every two seconds
 * per organization (slots asking at once share one read): a dial must not cost a read, and a
 * change applies to the next dials within those two seconds.
 */
export class FrequencyCapCache {
  private readonly entries = new Map<string, { caps: FrequencyCaps | null; at: number }>();
  private readonly reads = new Map<string, Promise<FrequencyCaps | null>>();

  /**
   * @param ttlMs how long a read is used. Default 2000 ms.
   */
  constructor(private readonly ttlMs = 2_000) {}

  /** The organization's caps, or null when it has none on (then the fence checks nothing). */
  async get(organizationId: Types.ObjectId | string): Promise<FrequencyCaps | null> {
    const key = String(organizationId);
    const cached = this.entries.get(key);
    if (cached && Date.now() - cached.at < this.ttlMs) return cached.caps;
    let reading = this.reads.get(key);
    if (!reading) {
      reading = OrganizationModel.findById(organizationId, { settings: 1 })
        .lean()
        .then((org) => {
          const settings = organizationSettingsOf(org ?? {});
          const caps = { perDay: settings.maxCallsPerNumberPerDay, perWeek: settings.maxCallsPerNumberPerWeek };
          const inForce = capsOn(caps) ? caps : null;
          this.entries.set(key, { caps: inForce, at: Date.now() });
          return inForce;
        })
        .finally(() => this.reads.delete(key));
      this.reads.set(key, reading);
    }
    return reading;
  }
}
