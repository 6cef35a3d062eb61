import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

/**
 * The events an endpoint may subscribe to. `contact.opted_out` fires when a call's analysis says
 * the contact asked not to be called again (issue 18, `dispatch/agent-verdict.ts applyOptOut`).
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

export type WebhookEndpoint = InferSchemaType<typeof endpointSchema>;
export type WebhookEndpointDoc = HydratedDocument<WebhookEndpoint>;
export const WebhookEndpointModel = model('WebhookEndpoint', endpointSchema);
export type WebhookMessage = InferSchemaType<typeof messageSchema>;
export type WebhookMessageDoc = HydratedDocument<WebhookMessage>;
export const WebhookMessageModel = model('WebhookMessage', messageSchema);
export type WebhookAttempt = InferSchemaType<typeof attemptSchema>;
export type WebhookAttemptDoc = HydratedDocument<WebhookAttempt>;
export const WebhookAttemptModel = model('WebhookAttempt', attemptSchema);
