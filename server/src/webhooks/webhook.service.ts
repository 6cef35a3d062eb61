import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import type { Config } from '../config';
import { badInput, notFound } from '../errors';
import { logger } from '../logger';
import { parseObjectId } from '../object-id';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../pagination';
import type { Page } from '../pagination';
import { decryptCredentials, encryptCredentials } from '../phones/phone.crypto';
import { WEBHOOK_EVENTS, WebhookAttemptModel, WebhookEndpointModel, WebhookMessageModel } from './webhook.model';
import type { WebhookAttemptDoc, WebhookEndpointDoc, WebhookEventType } from './webhook.model';
import { checkWebhookUrl } from './webhook.url';
import { sendWebhook } from './webhook.send';
import { endpointsChanged } from './webhook.subscriptions';

/** Schedules attempt `attempt` of a message after `delayMs` (the BullMQ queue; idempotent per message and attempt). */
export type EnqueueAttempt = (messageId: string, attempt: number, delayMs: number) => Promise<void>;

export interface WebhookDeps {
  config: Pick<Config, 'encryptionKey' | 'webhooks'>;
  enqueue: EnqueueAttempt;
}

const aadOf = (endpointId: string) => `webhook-endpoint:${endpointId}`;
const isDuplicateKey = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;

export interface CreatedEndpoint {
  endpoint: WebhookEndpointDoc;
  /** `whsec_` + base64 of 24 random bytes; shown once. */
  secret: string;
}

/** Creates an endpoint (ADMIN, checked by the caller) with a new `whsec_` secret. */
export async function createEndpoint(
  config: WebhookDeps['config'],
  organizationId: string,
  input: { url: string; events: string[] },
): Promise<CreatedEndpoint> {
  const url = checkWebhookUrl(input.url, config.webhooks.allowLoopback);
  if (!Array.isArray(input.events) || input.events.length === 0) throw badInput('events', 'name at least one event');
  const unknown = input.events.find((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e));
  if (unknown !== undefined) throw badInput('events', `"${unknown}" is not one of ${WEBHOOK_EVENTS.join(', ')}`);
  const secret = `whsec_${randomBytes(24).toString('base64')}`;
  const _id = new Types.ObjectId();
  const endpoint = await WebhookEndpointModel.create({
    _id,
    organizationId,
    url,
    events: [...new Set(input.events)],
    secretSealed: encryptCredentials(config.encryptionKey, { secret }, aadOf(String(_id))),
  });
  // From now on the engine writes this organization's events of these types to the outbox.
  await endpointsChanged(organizationId);
  return { endpoint, secret };
}

export function listEndpoints(organizationId: string): Promise<WebhookEndpointDoc[]> {
  return WebhookEndpointModel.find({ organizationId, deletedAt: null }).sort({ createdAt: -1, _id: -1 }).exec();
}

/** Deletes an endpoint: nothing more is sent to it; its unfinished messages are marked failed. */
export async function deleteEndpoint(organizationId: string, id: string): Promise<boolean> {
  const _id = parseObjectId(id);
  const endpoint = _id
    ? await WebhookEndpointModel.findOneAndUpdate(
        { _id, organizationId, deletedAt: null },
        { $set: { deletedAt: new Date(), enabled: false, disabledReason: 'Deleted' } },
      ).exec()
    : null;
  if (!endpoint) throw notFound('Webhook endpoint');
  await endpointsChanged(organizationId);
  await WebhookMessageModel.updateMany(
    { endpointId: _id, state: { $in: ['PENDING', 'QUEUED'] } },
    { $set: { state: 'FAILED' } },
  ).exec();
  return true;
}

/** A page of an endpoint's delivery attempts, newest first. */
export async function listAttempts(
  organizationId: string,
  endpointId: string,
  options: { first?: number | null; after?: string | null },
): Promise<Page<WebhookAttemptDoc>> {
  const _id = parseObjectId(endpointId);
  if (!_id || !(await WebhookEndpointModel.exists({ _id, organizationId }))) throw notFound('Webhook endpoint');
  const first = pageSize(options.first, 50);
  const filter = { endpointId: _id };
  const query: Record<string, unknown> = { ...filter };
  if (options.after) {
    const [ms, hex] = decodeCursor(options.after, ['number', 'string'] as const);
    const afterId = parseObjectId(hex);
    if (!afterId) throw badInput('after', 'is not a cursor this server issued');
    query['$or'] = [{ createdAt: { $lt: new Date(ms) } }, { createdAt: new Date(ms), _id: { $lt: afterId } }];
  }
  const [rows, totalCount] = await Promise.all([
    WebhookAttemptModel.find(query)
      .sort({ createdAt: -1, _id: -1 })
      .limit(first + 1)
      .exec(),
    WebhookAttemptModel.countDocuments(filter).exec(),
  ]);
  return toPage(rows, first, totalCount, (a) => encodeCursor([a.createdAt.getTime(), String(a._id)]));
}

export interface OutgoingEvent {
  organizationId: string;
  type: WebhookEventType;
  /** Unique per event, so instances that all see it record it once (`call.ended:<callId>`). */
  dedupeKey: string;
  /** Events with the same key (a contact, a campaign) are delivered in `at` order. */
  orderKey: string;
  /** When it happened (ms). */
  at: number;
  data: Record<string, unknown>;
}

/**
 * Records an event for every enabled endpoint of the organization that subscribed to it and
 * starts its delivery (or leaves it PENDING behind an earlier message with the same order key).
 * Called by the relay (webhook.relay.ts), never from the dialing path. Idempotent: recording
 * the same event again (a relay that died before marking it) adds no message.
 */
export async function recordEvent(deps: WebhookDeps, event: OutgoingEvent): Promise<number> {
  const endpoints = await WebhookEndpointModel.find(
    { organizationId: event.organizationId, enabled: true, deletedAt: null, events: event.type },
    { _id: 1 },
  )
    .lean()
    .exec();
  let recorded = 0;
  for (const endpoint of endpoints) {
    // The payload of the Standard Webhooks examples: {type, timestamp, data}.
    const body = JSON.stringify({ type: event.type, timestamp: new Date(event.at).toISOString(), data: event.data });
    try {
      await WebhookMessageModel.create({
        organizationId: event.organizationId,
        endpointId: endpoint._id,
        messageId: `msg_${randomBytes(16).toString('hex')}`,
        event: event.type,
        dedupeKey: event.dedupeKey,
        orderKey: event.orderKey,
        at: event.at,
        body,
      });
      recorded += 1;
    } catch (error) {
      // Recorded before (a relay that died before marking its batch): no second message. Still
      // advance, in case that relay died between recording and queueing.
      if (!isDuplicateKey(error)) throw error;
    }
    await advance(deps, String(endpoint._id), event.orderKey);
  }
  return recorded;
}

/**
 * Queues the head of an order key (its oldest unfinished message) if it is still PENDING.
 * Safe to race: the PENDING → QUEUED step is conditional, and the job id is per message and attempt.
 */
async function advance(deps: WebhookDeps, endpointId: string, orderKey: string): Promise<void> {
  const head = await WebhookMessageModel.findOne(
    { endpointId, orderKey, state: { $in: ['PENDING', 'QUEUED'] } },
    { _id: 1, state: 1 },
  )
    .sort({ at: 1, _id: 1 })
    .lean()
    .exec();
  if (!head || head.state !== 'PENDING') return;
  const claimed = await WebhookMessageModel.updateOne(
    { _id: head._id, state: 'PENDING' },
    { $set: { state: 'QUEUED' } },
  ).exec();
  if (claimed.modifiedCount === 1) await deps.enqueue(String(head._id), 1, 0);
}

/**
 * Runs attempt `attempt` of a message (the BullMQ job). At least once: a re-run after a crash
 * finds the attempt already logged and only makes sure the next step was scheduled.
 */
export async function attemptDelivery(deps: WebhookDeps, id: string, attempt: number): Promise<void> {
  const { webhooks } = deps.config;
  const message = await WebhookMessageModel.findById(id).exec();
  if (!message || message.state !== 'QUEUED') return;
  if (message.attempts >= attempt) {
    // This attempt ran and was recorded before a crash: schedule the next one again (same job id).
    const last = await WebhookAttemptModel.findOne({ messageId: message._id, attempt: message.attempts }).lean().exec();
    if (last?.nextAttemptAt)
      await deps.enqueue(id, message.attempts + 1, Math.max(0, last.nextAttemptAt.getTime() - Date.now()));
    return;
  }
  const endpoint = await WebhookEndpointModel.findById(message.endpointId).exec();
  if (!endpoint || !endpoint.enabled || endpoint.deletedAt) {
    await finish(deps, message, 'FAILED');
    return;
  }
  const { secret } = decryptCredentials(deps.config.encryptionKey, endpoint.secretSealed, aadOf(String(endpoint._id)));
  const result = await sendWebhook({
    url: endpoint.url,
    secret: String(secret),
    messageId: message.messageId,
    body: message.body,
    timeoutMs: webhooks.timeoutMs,
    allowLoopback: webhooks.allowLoopback,
  });
  const now = new Date();
  const retryDelay = webhooks.retryScheduleMs[attempt - 1];
  let nextAttemptAt: Date | null = null;
  let disabled = false;
  if (result.delivered) {
    await WebhookEndpointModel.updateOne({ _id: endpoint._id }, { $set: { failingSince: null } }).exec();
  } else {
    // The failing run starts at the first failure after a success; every instance agrees on it.
    await WebhookEndpointModel.updateOne(
      { _id: endpoint._id, failingSince: null },
      { $set: { failingSince: now } },
    ).exec();
    const since = (await WebhookEndpointModel.findById(endpoint._id, { failingSince: 1 }).lean().exec())?.failingSince;
    if (since && now.getTime() - since.getTime() >= webhooks.disableAfterMs) {
      disabled = true;
    } else if (retryDelay !== undefined) {
      nextAttemptAt = new Date(now.getTime() + retryDelay);
    }
  }
  try {
    await WebhookAttemptModel.create({
      organizationId: message.organizationId,
      endpointId: endpoint._id,
      messageId: message._id,
      event: message.event,
      attempt,
      responseStatus: result.status,
      delivered: result.delivered,
      error: result.error,
      durationMs: result.durationMs,
      nextAttemptAt,
    });
  } catch (error) {
    if (isDuplicateKey(error)) return; // a concurrent run of the same attempt logged it
    throw error;
  }
  const moved = await WebhookMessageModel.updateOne(
    { _id: message._id, state: 'QUEUED', attempts: attempt - 1 },
    { $set: { attempts: attempt } },
  ).exec();
  if (moved.modifiedCount === 0) return;
  message.attempts = attempt;
  if (disabled) {
    await disableEndpoint(endpoint, result.error ?? `HTTP ${String(result.status)}`, webhooks.disableAfterMs);
    return;
  }
  if (result.delivered) await finish(deps, message, 'DELIVERED');
  else if (nextAttemptAt) await deps.enqueue(id, attempt + 1, retryDelay!);
  else await finish(deps, message, 'FAILED');
}

async function finish(
  deps: WebhookDeps,
  message: { _id: Types.ObjectId; endpointId: Types.ObjectId; orderKey: string },
  state: 'DELIVERED' | 'FAILED',
): Promise<void> {
  await WebhookMessageModel.updateOne({ _id: message._id, state: 'QUEUED' }, { $set: { state } }).exec();
  await advance(deps, String(message.endpointId), message.orderKey);
}

async function disableEndpoint(endpoint: WebhookEndpointDoc, lastError: string, afterMs: number): Promise<void> {
  const hours = Math.round(afterMs / 3600_000);
  const reason = `Disabled after failing every attempt for ${hours >= 1 ? `${hours} hours` : `${afterMs} ms`} (last: ${lastError}). Fix the receiver and create the endpoint again.`;
  await WebhookEndpointModel.updateOne(
    { _id: endpoint._id, enabled: true },
    { $set: { enabled: false, disabledReason: reason } },
  ).exec();
  await endpointsChanged(String(endpoint.organizationId));
  await WebhookMessageModel.updateMany(
    { endpointId: endpoint._id, state: { $in: ['PENDING', 'QUEUED'] } },
    { $set: { state: 'FAILED' } },
  ).exec();
  logger.warn({ endpointId: String(endpoint._id), reason }, 'webhook endpoint disabled');
}
