import { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { TurnBatch } from '../turn-batch';
import { WebhookOutboxModel } from './webhook.model';
import type { WebhookEventType } from './webhook.model';
import { configureSubscriptions, isSubscribed } from './webhook.subscriptions';

/**
 * The writing side of the outbox: outgoing webhook events are derived from state written to
 * MongoDB, by the code path that wrote it, instead of from the Redis event stream (at most once:
 * an event published while no API instance listened was lost). The path writes its state, then
 * calls `enqueueWebhookEvent`, which inserts one `webhookoutbox` document when an enabled
 * endpoint of the organization subscribes to the type, and nothing otherwise. The relay
 * (webhook.relay.ts) turns documents into deliveries.
 *
 * No multi-document transactions (a standalone MongoDB must do), so a process that dies between
 * the state write and this insert loses the event, the same window as the counters' `$inc`
 * (campaigns/campaign.counters.ts). Inserts of one turn of the event loop go out as one
 * unordered insertMany (turn-batch.ts), then one PUBLISH nudges the relay.
 */

/** The channel on which writers nudge the relay: new outbox documents are there. */
export const outboxChannel = (prefix: string): string => `${prefix}:webhooks:outbox`;

interface OutboxInsert {
  _id: Types.ObjectId;
  organizationId: Types.ObjectId;
  type: WebhookEventType;
  dedupeKey: string;
  orderKey: string;
  at: number;
  data: Record<string, unknown>;
  callId: Types.ObjectId | null;
  relayedAt: null;
  relayAttempts: 0;
  relayError: null;
  createdAt: Date;
  __v: 0;
}

interface Nudger {
  redis: Redis;
  channel: string;
}
/** Apps of this process (tests run several); the newest one's Redis nudges. */
const nudgers: Nudger[] = [];

/**
 * Gives the outbox (and the subscription cache) the Redis of a running app, to nudge the relay
 * and to follow endpoint changes. Without it, writes still land and the relay's poll finds them.
 * Returns the undo (app shutdown).
 */
export function configureOutbox(redis: Redis, prefix: string): () => void {
  const nudger: Nudger = { redis, channel: outboxChannel(prefix) };
  nudgers.push(nudger);
  const unsubscribe = configureSubscriptions(redis, prefix);
  return () => {
    unsubscribe();
    const i = nudgers.indexOf(nudger);
    if (i >= 0) nudgers.splice(i, 1);
  };
}

const isDuplicate = (e: { code?: number }) => e.code === 11000;

const inserts = new TurnBatch<OutboxInsert, boolean>(
  async (_key, docs) => {
    let results: boolean[];
    try {
      await WebhookOutboxModel.collection.insertMany(docs, { ordered: false });
      results = docs.map(() => true);
    } catch (error) {
      // A duplicate dedupeKey (the same event written twice) fails alone; anything else fails all.
      const raw = (error as { writeErrors?: { index: number; code?: number } | { index: number; code?: number }[] })
        .writeErrors;
      const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      if (writeErrors.length === 0 || !writeErrors.every(isDuplicate)) throw error;
      const refused = new Set(writeErrors.map((e) => e.index));
      results = docs.map((_d, i) => !refused.has(i));
    }
    const nudger = nudgers.at(-1);
    if (nudger && results.some(Boolean))
      // Only a latency hint: the relay's poll finds the documents anyway.
      await nudger.redis.publish(nudger.channel, '1').catch(() => undefined);
    return results;
  },
  { maxItems: 1000 },
);

/** Options of an outgoing event. */
export interface WebhookEventOptions {
  /**
   * Events with the same order key are delivered to an endpoint one after another, in `at`
   * order. Default: `contact:<id>` from `data.contact.id` or `data.contactId`, else
   * `campaign:<data.campaignId>`, else the organization.
   */
  orderKey?: string;
  /** When the state changed (ms). Default now. */
  at?: number;
  /** A call whose stored state the relay adds to `data` as `call` (with its conversation). */
  callId?: Types.ObjectId | string;
}

function defaultOrderKey(organizationId: string, data: Record<string, unknown>): string {
  const contact = data['contact'];
  const contactId = typeof contact === 'object' && contact !== null && 'id' in contact ? contact.id : data['contactId'];
  if (typeof contactId === 'string' && contactId) return `contact:${contactId}`;
  const campaignId = data['campaignId'];
  if (typeof campaignId === 'string' && campaignId) return `campaign:${campaignId}`;
  return `organization:${organizationId}`;
}

/**
 * Records an outgoing webhook event in the outbox, for delivery to every enabled endpoint of the
 * organization that subscribes to `type`; when none does, writes nothing (a check from memory,
 * see webhook.subscriptions.ts). Call it right after the state write the event reports.
 *
 * `dedupeKey` names the event (`contact.opted_out:<contactId>:<callId>`): a second call with the
 * same key records nothing, and receivers see one `webhook-id` per endpoint however often it is
 * attempted. `data` is the payload's `data` (JSON). Never throws: the state change it reports
 * has happened, whatever becomes of its webhook; failures are logged.
 * @returns whether a document was written (false: nobody subscribes, a duplicate, or an error)
 */
export async function enqueueWebhookEvent(
  organizationId: Types.ObjectId | string,
  type: WebhookEventType,
  dedupeKey: string,
  data: Record<string, unknown>,
  options: WebhookEventOptions = {},
): Promise<boolean> {
  const org = String(organizationId);
  try {
    if (!(await isSubscribed(org, type))) return false;
    return await inserts.add('outbox', {
      _id: new Types.ObjectId(),
      organizationId: new Types.ObjectId(org),
      type,
      dedupeKey,
      orderKey: options.orderKey ?? defaultOrderKey(org, data),
      at: options.at ?? Date.now(),
      data,
      callId: options.callId ? new Types.ObjectId(String(options.callId)) : null,
      relayedAt: null,
      relayAttempts: 0,
      relayError: null,
      createdAt: new Date(),
      __v: 0,
    });
  } catch (error) {
    logger.warn({ err: (error as Error).message, type, dedupeKey }, 'could not record a webhook event');
    return false;
  }
}
