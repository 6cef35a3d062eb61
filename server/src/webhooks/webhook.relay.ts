import { randomBytes } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { subscribeRedis } from '../pubsub';
import type { RedisSubscription } from '../pubsub';
import { CallModel } from '../calls/call.model';
import { toCallEventPayload } from '../calls/call.service';
import { WebhookOutboxModel } from './webhook.model';
import type { WebhookOutbox } from './webhook.model';
import { outboxChannel } from './webhook.outbox';
import { recordEvent } from './webhook.service';
import type { WebhookDeps } from './webhook.service';

/**
 * The relay: turns outbox documents (webhook.outbox.ts) into messages per endpoint
 * (`recordEvent`, which starts their delivery) and marks them relayed. Runs in API processes:
 * a worker's event loop belongs to its slots (a stall there delays refills and can let a BullMQ
 * lock lapse), and the relay's reads and writes are the API's kind of work. Events written while
 * no API process runs wait in MongoDB and go out when one starts.
 *
 * One relay leads at a time (a lease in Redis, renewed at every round; another API process takes
 * over within `leaseMs` of the leader's death): events of one order key (a contact, a campaign)
 * must be recorded in order, and two relays recording side by side could record a later one
 * first. Within a round, order keys are relayed in parallel and each key's events one after
 * another. A round runs every `pollMs` and at once when a writer nudges (Redis pub/sub, at most
 * once: the poll covers a lost nudge).
 *
 * Exactly once per endpoint: a relay that dies after recording and before marking leaves the
 * document unrelayed; the next round records it again, and the unique (endpoint, dedupeKey)
 * index of messages turns that into nothing new.
 */

export interface WebhookRelayOptions {
  /** Commands: the leadership lease. */
  redis: Redis;
  /** A connection of its own: it enters subscriber mode for the nudges. */
  subscriber: Redis;
  prefix: string;
  deps: WebhookDeps;
  /** How often a round runs without a nudge (a lost nudge, a leader that died). Default 250 ms. */
  pollMs?: number;
  /** How long leadership lasts unless renewed: another relay takes over this long after the leader died. Default 10 s. */
  leaseMs?: number;
  /** Most outbox documents read per batch. Default 200. */
  batchSize?: number;
  /** Tests: runs after a batch's events were recorded, before they are marked (a throw models a crash there). */
  afterRecord?: (ids: string[]) => Promise<void> | void;
}

export interface WebhookRelay {
  /**
   * Stops: no new round; waits for the running one, then gives leadership up, unless `force`
   * (Redis unreachable, or a test playing a crash: the lease then lapses by itself). Idempotent.
   */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Renews the lease if this relay holds it. */
const RENEW = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0`;
/** Gives the lease up if this relay holds it. */
const RESIGN = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

type OutboxRow = WebhookOutbox & { _id: Types.ObjectId };

export const relayLeaseKey = (prefix: string): string => `${prefix}:webhooks:relay`;

export async function startWebhookRelay(options: WebhookRelayOptions): Promise<WebhookRelay> {
  const { redis, prefix, deps, pollMs = 250, leaseMs = 10_000, batchSize = 200 } = options;
  const key = relayLeaseKey(prefix);
  const token = randomBytes(12).toString('hex');
  let leading = false;
  let closed = false;
  let running: Promise<void> | null = null;
  let again = false;
  let failing = false;

  const lead = async (): Promise<boolean> => {
    if (leading) leading = (await redis.eval(RENEW, 1, key, token, String(leaseMs))) === 1;
    else leading = (await redis.set(key, token, 'PX', leaseMs, 'NX')) === 'OK';
    return leading;
  };

  const round = async (): Promise<void> => {
    try {
      if (!(await lead())) return;
      // A full batch that went through means more may be waiting: go on at once.
      while (!closed && (await relayBatch(deps, batchSize, options.afterRecord)) === 'more') {
        if (!(await lead())) return;
      }
      failing = false;
    } catch (error) {
      // Logged once per run of failures (a Redis or MongoDB outage would repeat it every poll).
      if (!failing) logger.warn({ err: (error as Error).message }, 'webhook relay round failed; retrying');
      failing = true;
    }
  };

  /** Runs a round, or another one right after the running one (a nudge that came meanwhile). */
  const trigger = (): void => {
    if (closed) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await round();
      } while (again && !closed);
    })().finally(() => {
      running = null;
    });
  };

  let subscription: RedisSubscription | null = null;
  try {
    subscription = await subscribeRedis(options.subscriber, [outboxChannel(prefix)], trigger);
  } catch (error) {
    options.subscriber.disconnect();
    throw error;
  }
  const timer = setInterval(trigger, pollMs);
  timer.unref();
  trigger(); // what was written while no relay ran

  let closing: Promise<void> | null = null;
  return {
    close: ({ force = false } = {}) =>
      (closing ??= (async () => {
        closed = true;
        clearInterval(timer);
        if (force) {
          await subscription?.close({ force: true });
          return;
        }
        await running;
        await subscription?.close();
        if (leading) await redis.eval(RESIGN, 1, key, token).catch(() => undefined);
      })()),
  };
}

/**
 * One batch: the oldest unrelayed documents, recorded per order key in order, then marked.
 * A document that fails stays unrelayed, and so do the later ones of its order key (they would
 * overtake it); the error is kept on it and it is tried again next round.
 * @returns 'more' when the batch was full and nothing failed, else 'done'
 */
export async function relayBatch(
  deps: WebhookDeps,
  batchSize: number,
  afterRecord?: (ids: string[]) => Promise<void> | void,
): Promise<'more' | 'done'> {
  const docs = await WebhookOutboxModel.find({ relayedAt: null })
    .sort({ at: 1, _id: 1 })
    .limit(batchSize)
    .lean<OutboxRow[]>()
    .exec();
  if (docs.length === 0) return 'done';
  const calls = await callsOf(docs);
  const byKey = new Map<string, OutboxRow[]>();
  for (const doc of docs) {
    const group = byKey.get(doc.orderKey);
    if (group) group.push(doc);
    else byKey.set(doc.orderKey, [doc]);
  }
  const relayed: Types.ObjectId[] = [];
  const failed: { doc: OutboxRow; error: Error }[] = [];
  await Promise.all(
    [...byKey.values()].map(async (group) => {
      for (const doc of group) {
        try {
          await relayOne(deps, doc, calls);
          relayed.push(doc._id);
        } catch (error) {
          failed.push({ doc, error: error as Error });
          return;
        }
      }
    }),
  );
  await afterRecord?.(relayed.map(String));
  if (relayed.length > 0)
    await WebhookOutboxModel.updateMany(
      { _id: { $in: relayed }, relayedAt: null },
      { $set: { relayedAt: new Date() } },
    );
  for (const { doc, error } of failed) {
    if (doc.relayAttempts === 0)
      logger.warn({ err: error.message, type: doc.type, dedupeKey: doc.dedupeKey }, 'could not relay a webhook event');
    await WebhookOutboxModel.updateOne(
      { _id: doc._id },
      { $inc: { relayAttempts: 1 }, $set: { relayError: error.message } },
    ).exec();
  }
  return docs.length === batchSize && failed.length === 0 ? 'more' : 'done';
}

type StoredCall = Parameters<typeof toCallEventPayload>[0] & { summary?: string | null; disposition?: string | null };

/** The calls the batch's documents refer to, in one read. */
async function callsOf(docs: OutboxRow[]): Promise<Map<string, StoredCall>> {
  const ids = docs.flatMap((d) => (d.callId ? [d.callId] : []));
  if (ids.length === 0) return new Map();
  const rows = await CallModel.find({ _id: { $in: ids } }).lean<(StoredCall & { _id: Types.ObjectId })[]>();
  return new Map(rows.map((c) => [String(c._id), c]));
}

/** Records one document's event for the organization's subscribed endpoints. */
async function relayOne(deps: WebhookDeps, doc: OutboxRow, calls: Map<string, StoredCall>): Promise<void> {
  let data: Record<string, unknown> = doc.data;
  if (doc.callId) {
    const call = calls.get(String(doc.callId));
    if (!call) {
      // Deleted with its campaign since: nothing left to report.
      logger.info({ type: doc.type, dedupeKey: doc.dedupeKey }, 'webhook event dropped: its call no longer exists');
      return;
    }
    const summary = call.summary ?? null;
    data = {
      ...data,
      // The call as stored, with the agent's disposition (INTERESTED, CALLBACK…) and summary.
      call: { ...toCallEventPayload(call), summary, disposition: call.disposition ?? null },
      outcome: call.status,
      summary,
    };
  }
  await recordEvent(deps, {
    organizationId: String(doc.organizationId),
    type: doc.type,
    dedupeKey: doc.dedupeKey,
    orderKey: doc.orderKey,
    at: doc.at,
    data,
  });
}
