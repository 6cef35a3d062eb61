import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

/**
 * The events an endpoint may subscribe to. `contact.opted_out` fires when a call's analysis says
 * the contact asked not to be called again (issue 18, `dispatch/agent-verdict.ts applyOptOut`,
 * through `enqueueWebhookEvent`, webhook.outbox.ts).
 */
export const WEBHOOK_EVENTS = [
  'call.ended',
  'campaign.status_changed',
  'campaign.completed',
  'contact.opted_out',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

const endpointSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    url: { type: String, required: true },
    events: { type: [String], required: true },
    /** The `whsec_` signing secret, sealed with ENCRYPTION_KEY (phones/phone.crypto.ts): it must be read back to sign. */
    secretSealed: { type: String, required: true },
    enabled: { type: Boolean, default: true },
    /** Why the endpoint was disabled (shown to the customer). */
    disabledReason: { type: String, default: null },
    /** When its current run of failed attempts began; null after any success. */
    failingSince: { type: Date, default: null },
    /** Set by deleteWebhookEndpoint: pending messages stop, the delivery log stays readable. */
    deletedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
endpointSchema.index({ organizationId: 1, deletedAt: 1 });

/**
 * One event for one endpoint. State: PENDING (waiting behind an earlier message with the same
 * order key) → QUEUED (a BullMQ job will send attempt `attempts + 1`) → DELIVERED or FAILED.
 */
const messageSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true },
    endpointId: { type: Types.ObjectId, required: true },
    /** `msg_…`, sent as `webhook-id`: the same on every attempt, so receivers can drop duplicates. */
    messageId: { type: String, required: true },
    event: { type: String, required: true },
    /** What makes this event unique (`call.ended:<callId>`): several API instances may see it. */
    dedupeKey: { type: String, required: true },
    /** Messages with the same key (a contact, a campaign) are delivered one after another, in `at` order. */
    orderKey: { type: String, required: true },
    /** When the event happened (ms), the delivery order within an order key. */
    at: { type: Number, required: true },
    /** The JSON body, exactly as signed. */
    body: { type: String, required: true },
    state: { type: String, enum: ['PENDING', 'QUEUED', 'DELIVERED', 'FAILED'], default: 'PENDING' },
    attempts: { type: Number, default: 0 },
  },
  { timestamps: true },
);
messageSchema.index({ endpointId: 1, dedupeKey: 1 }, { unique: true });
// The head of an order key: its oldest unfinished message.
messageSchema.index({ endpointId: 1, orderKey: 1, state: 1, at: 1, _id: 1 });

/** One HTTP attempt of a message: what `webhookDeliveries` lists. */
const attemptSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true },
    endpointId: { type: Types.ObjectId, required: true },
    messageId: { type: Types.ObjectId, required: true },
    event: { type: String, required: true },
    attempt: { type: Number, required: true },
    /** HTTP status; null when the receiver did not answer (timeout, refused, bad address). */
    responseStatus: { type: Number, default: null },
    delivered: { type: Boolean, required: true },
    error: { type: String, default: null },
    durationMs: { type: Number, required: true },
    /** When the next attempt is due; null when delivered or given up. */
    nextAttemptAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// A re-run job (at least once) must not log the same attempt twice.
attemptSchema.index({ messageId: 1, attempt: 1 }, { unique: true });
attemptSchema.index({ endpointId: 1, createdAt: -1, _id: -1 });

/**
 * The outbox: one document per event, written by the code path that made the state change
 * (the engine when a call's outcome is recorded, the campaign lifecycle when a status changes)
 * right after its write, and only when an enabled endpoint of the organization subscribes to
 * the type (webhook.outbox.ts). The relay (webhook.relay.ts) turns each into messages per
 * endpoint and marks it relayed; relayed documents expire after RELAYED_TTL_SECONDS.
 */
const outboxSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true },
    type: { type: String, enum: WEBHOOK_EVENTS, required: true },
    /** Unique per event (`call.ended:<callId>`): a second write of the same event is refused. */
    dedupeKey: { type: String, required: true },
    /** Events with the same key (a contact, a campaign) are delivered in `at` order. */
    orderKey: { type: String, required: true },
    /** When the state changed (ms): the event's `timestamp` and its order within the order key. */
    at: { type: Number, required: true },
    /** The event's `data`, as known where it was written. */
    data: { type: Schema.Types.Mixed, required: true },
    /** A call whose stored state (status, times, conversation) the relay adds to `data` when it relays. */
    callId: { type: Types.ObjectId, default: null },
    /** When the relay recorded the event's messages; null until then. */
    relayedAt: { type: Date, default: null },
    /** Failed relay attempts (the document stays unrelayed and is tried again), and the last error. */
    relayAttempts: { type: Number, default: 0 },
    relayError: { type: String, default: null },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'webhookoutbox', minimize: false },
);
/** How long a relayed outbox document is kept (for inspection) before MongoDB's TTL monitor deletes it: 7 days. */
export const RELAYED_TTL_SECONDS = 7 * 24 * 3600;
outboxSchema.index({ dedupeKey: 1 }, { unique: true });
// The relay's poll: unrelayed documents, oldest first.
outboxSchema.index({ relayedAt: 1, at: 1, _id: 1 });
// Unrelayed documents (relayedAt null) never expire: a TTL index skips documents without a date.
outboxSchema.index({ relayedAt: 1 }, { expireAfterSeconds: RELAYED_TTL_SECONDS, name: 'relayedAt_ttl' });

export type WebhookEndpoint = InferSchemaType<typeof endpointSchema>;
export type WebhookEndpointDoc = HydratedDocument<WebhookEndpoint>;
export const WebhookEndpointModel = model('WebhookEndpoint', endpointSchema);
export type WebhookMessage = InferSchemaType<typeof messageSchema>;
export type WebhookMessageDoc = HydratedDocument<WebhookMessage>;
export const WebhookMessageModel = model('WebhookMessage', messageSchema);
export type WebhookAttempt = InferSchemaType<typeof attemptSchema>;
export type WebhookAttemptDoc = HydratedDocument<WebhookAttempt>;
export const WebhookAttemptModel = model('WebhookAttempt', attemptSchema);
export type WebhookOutbox = InferSchemaType<typeof outboxSchema>;
export const WebhookOutboxModel = model('WebhookOutbox', outboxSchema);
