import type { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { TurnBatch } from '../turn-batch';
import type { DncSource } from './dnc.model';
import { DoNotCallModel } from './dnc.model';
import { addDoNotCall, insertDoNotCall, isDoNotCall, listDoNotCall, removeDoNotCall } from './dnc.service';

interface Cached {
  version: string;
  /** Null: the list is longer than the cache holds, so every check asks MongoDB. */
  numbers: Set<string> | null;
}

/**
 * The organization-wide do-not-call list, checked at every dial without a MongoDB query.
 *
 * Each process keeps an organization's numbers in memory, stamped with a version kept in Redis
 * that every add or remove increments after its MongoDB write. A check reads the version (one
 * Redis GET, sent beside the claim's counter update) and reloads the list when it moved, so a
 * number added before a dial's check is always seen, as with a query. Lists longer than
 * `maxCached` are not held: their checks query MongoDB, as before.
 */
export class DoNotCallList {
  private readonly cache = new Map<string, Cached>();
  private readonly loading = new Map<string, Promise<Cached>>();
  /**
   * The list's version, per organization. Slots dialling at once share one GET, sent on the next
   * turn of the event loop: after every check that joined it began, so each still sees any change
   * made before it (hundreds of dials a second of one organization cost a few GETs, not one each).
   */
  private readonly versionReads = new TurnBatch<null, string>(async (org, checks) => {
    const version = (await this.redis.get(this.versionKey(org))) ?? '0';
    return checks.map(() => version);
  });

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly maxCached = 100_000,
  ) {}

  private versionKey(organizationId: string): string {
    return `${this.prefix}:dnc:version:${organizationId}`;
  }

  /** Adds numbers to the organization's list; returns how many were new. */
  async add(organizationId: string, numbers: string[], defaultCountry: string, source?: DncSource): Promise<number> {
    const added = await addDoNotCall(organizationId, numbers, defaultCountry, source);
    if (added > 0) await this.redis.incr(this.versionKey(organizationId));
    return added;
  }

  /**
   * Adds numbers already in E.164 (one batch of a CSV import); returns how many were new. One
   * version bump per call, so a file costs every process one reload per batch, not per number.
   */
  async addE164(organizationId: string, e164: string[], source: DncSource): Promise<number> {
    const added = await insertDoNotCall(organizationId, e164, source);
    if (added > 0) await this.redis.incr(this.versionKey(organizationId));
    return added;
  }

  /** Removes numbers; returns how many were on the list. */
  async remove(organizationId: string, numbers: string[], defaultCountry: string): Promise<number> {
    const removed = await removeDoNotCall(organizationId, numbers, defaultCountry);
    if (removed > 0) await this.redis.incr(this.versionKey(organizationId));
    return removed;
  }

  list(organizationId: string): Promise<string[]> {
    return listDoNotCall(organizationId);
  }

  /** Whether a number may not be called (checked at dial time). */
  async has(organizationId: Types.ObjectId | string, phoneNumber: string): Promise<boolean> {
    const org = String(organizationId);
    const version = await this.versionReads.add(org, null);
    let cached = this.cache.get(org);
    if (cached?.version !== version) cached = await this.load(org, version);
    return cached.numbers ? cached.numbers.has(phoneNumber) : isDoNotCall(org, phoneNumber);
  }

  /** One load per organization and version, shared by the slots that ask meanwhile. */
  private load(org: string, version: string): Promise<Cached> {
    const key = `${org}|${version}`;
    let loading = this.loading.get(key);
    if (!loading) {
      loading = DoNotCallModel.find({ organizationId: org }, { phoneNumber: 1, _id: 0 })
        .limit(this.maxCached + 1)
        .lean()
        .then((rows) => {
          const cached: Cached = {
            version,
            numbers: rows.length > this.maxCached ? null : new Set(rows.map((r) => r.phoneNumber)),
          };
          // Loaded after the version was read, so it holds at least that version's numbers.
          this.cache.set(org, cached);
          return cached;
        })
        .finally(() => this.loading.delete(key));
      this.loading.set(key, loading);
    }
    return loading;
  }
}
