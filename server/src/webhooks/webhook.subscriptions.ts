import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { WebhookEndpointModel } from './webhook.model';

/**
 * Which event types an organization's enabled endpoints subscribe to, as this process last saw
 * them. The engine asks at every ended call whether to write an outbox document, so the answer
 * must cost nothing in the common case (nobody listens): it comes from memory.
 *
 * Freshness: each process holds one entry per organization, stamped with the deployment's
 * endpoints version, a Redis counter that every endpoint change increments after its MongoDB
 * write. The version is read at most once per VERSION_CHECK_MS per process (one GET shared by
 * every organization and every check meanwhile), so an endpoint created in one process is seen by
 * the others within about a second, and at once by the process that created it. An entry also
 * lapses after MAX_AGE_MS, in case an increment was lost (a crash between the two writes).
 *
 * Module state, like the models: every part of a process (API resolvers, engine, delivery
 * worker) shares one cache. `configureSubscriptions` gives it the Redis of the running app.
 */

/** How often a process reads the deployment's endpoints version: at most once a second. */
const VERSION_CHECK_MS = 1_000;
/** Longest an organization's entry is trusted without a version change: a minute. */
const MAX_AGE_MS = 60_000;

interface Entry {
  types: ReadonlySet<string>;
  /** The deployment's version it was loaded at. */
  version: string;
  /** This process's own change count it was loaded at. */
  local: number;
  loadedAt: number;
}

interface Source {
  redis: Redis;
  key: string;
}

/** Apps of this process (tests run several); the newest one's Redis is used. */
const sources: Source[] = [];
const entries = new Map<string, Entry>();
const loads = new Map<string, Promise<Entry>>();
/** Endpoint changes made in this process: they apply here at once, without waiting for the version. */
let localChanges = 0;
let version = { value: '0', readAt: 0 };
let versionRead: Promise<string> | null = null;

/** The key of the deployment's endpoints version. */
export const endpointsVersionKey = (prefix: string): string => `${prefix}:webhooks:endpoints-version`;

/** Lets the cache read and bump the deployment's version through `redis`; returns the undo. */
export function configureSubscriptions(redis: Redis, prefix: string): () => void {
  const source: Source = { redis, key: endpointsVersionKey(prefix) };
  sources.push(source);
  version = { value: '0', readAt: 0 };
  return () => {
    const i = sources.indexOf(source);
    if (i >= 0) sources.splice(i, 1);
  };
}

function deploymentVersion(): Promise<string> | string {
  const source = sources.at(-1);
  // No app (a script, or a process shutting down): entries hold until MAX_AGE_MS.
  if (!source) return version.value;
  if (Date.now() - version.readAt < VERSION_CHECK_MS) return version.value;
  versionRead ??= source.redis
    .get(source.key)
    .then(
      (value) => value ?? '0',
      // Redis unreachable: keep what we had; MAX_AGE_MS still bounds how stale an entry gets.
      () => version.value,
    )
    .then((value) => {
      version = { value, readAt: Date.now() };
      return value;
    })
    .finally(() => {
      versionRead = null;
    });
  return versionRead;
}

/** Whether an enabled endpoint of the organization subscribes to `type` (from memory, mostly). */
export async function isSubscribed(organizationId: string, type: string): Promise<boolean> {
  const current = await deploymentVersion();
  const entry = entries.get(organizationId);
  if (entry && entry.version === current && entry.local === localChanges && Date.now() - entry.loadedAt < MAX_AGE_MS)
    return entry.types.has(type);
  return (await load(organizationId, current)).types.has(type);
}

/** One read per organization and version, shared by the checks that ask meanwhile. */
function load(organizationId: string, current: string): Promise<Entry> {
  const local = localChanges;
  const key = `${organizationId}|${current}|${local}`;
  let loading = loads.get(key);
  if (!loading) {
    loading = WebhookEndpointModel.find({ organizationId, enabled: true, deletedAt: null }, { events: 1 })
      .lean()
      .exec()
      .then((rows) => {
        const entry: Entry = {
          types: new Set(rows.flatMap((r) => r.events)),
          version: current,
          local,
          loadedAt: Date.now(),
        };
        entries.set(organizationId, entry);
        return entry;
      })
      .finally(() => loads.delete(key));
    loads.set(key, loading);
  }
  return loading;
}

/**
 * An organization's endpoints changed (created, deleted, disabled): this process sees it at
 * once, the others at their next version read. Call after the MongoDB write.
 */
export async function endpointsChanged(organizationId: string): Promise<void> {
  localChanges += 1;
  entries.delete(organizationId);
  const source = sources.at(-1);
  if (!source) return;
  try {
    await source.redis.incr(source.key);
  } catch (error) {
    // The others see it when their entry lapses (MAX_AGE_MS) instead.
    logger.warn({ err: (error as Error).message, organizationId }, 'could not announce a webhook endpoint change');
  }
}
