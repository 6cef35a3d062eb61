import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

export const CALL_STATUSES = [
  'INITIATED',
  'RINGING',
  'IN_PROGRESS',
  'COMPLETED',
  'BUSY',
  'NO_ANSWER',
  'FAILED',
  'VOICEMAIL',
  'CANCELED',
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const FINAL_CALL_STATUSES: ReadonlySet<CallStatus> = new Set([
  'COMPLETED',
  'BUSY',
  'NO_ANSWER',
  'FAILED',
  'VOICEMAIL',
  'CANCELED',
]);
/** Rank of a status: a webhook may only move a call forward (a final status is never replaced). */
export const CALL_STATUS_RANK: Record<CallStatus, number> = {
  INITIATED: 0,
  RINGING: 1,
  IN_PROGRESS: 2,
  COMPLETED: 3,
  BUSY: 3,
  NO_ANSWER: 3,
  FAILED: 3,
  VOICEMAIL: 3,
  CANCELED: 3,
};

export const SPEAKERS = ['AGENT', 'CONTACT'] as const;
export type Speaker = (typeof SPEAKERS)[number];

/** One turn of a call's conversation; `at` is seconds from the moment the call was answered. */
const transcriptTurnSchema = new Schema(
  {
    speaker: { type: String, enum: SPEAKERS, required: true },
    text: { type: String, required: true },
    at: { type: Number, default: null },
  },
  { _id: false },
);

const callSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    campaignId: { type: Types.ObjectId, required: true, ref: 'Campaign' },
    contactId: { type: Types.ObjectId, required: true, ref: 'Contact' },
    phoneId: { type: Types.ObjectId, required: true, ref: 'Phone' },
    /** 1 for the first call to a contact, 2 for its first retry, … */
    attempt: { type: Number, required: true },
    provider: { type: String, required: true },
    status: { type: String, enum: CALL_STATUSES, default: 'INITIATED', required: true },
    providerCallId: { type: String, default: null },
    /** Unguessable token in callback URLs (Exotel does not sign its webhooks). */
    callbackToken: { type: String, required: true },
    startedAt: { type: Date, required: true, default: () => new Date() },
    answeredAt: { type: Date, default: null },
    endedAt: { type: Date, default: null },
    durationSeconds: { type: Number, default: null },
    error: { type: String, default: null },
    /** When the lease on this call's line expires if no final status has arrived. */
    leaseExpiresAt: { type: Date, default: null },
    /** When a worker last looked this call up because no webhook came (dispatch/reconcile.ts). */
    reconciledAt: { type: Date, default: null },
    /** The dispatch slot that placed this call (`<generation>-<index>`, or `manual`). */
    slotId: { type: String, default: null },
    /** The variables sent to the agent (agent.variables.ts), as strings. */
    variables: { type: Schema.Types.Mixed, default: null },
    // What the agent's platform reports of the conversation (call.conversation.ts), in its words.
    transcript: { type: [transcriptTurnSchema], default: undefined },
    recordingUrl: { type: String, default: null },
    summary: { type: String, default: null },
    disposition: { type: String, default: null },
    analysis: { type: Schema.Types.Mixed, default: null },
    endedReason: { type: String, default: null },
    // Issue 18: what the contact asked (call.conversation.ts). No defaults: calls without them
    // keep no keys, as the engine's direct inserts (direct-writes.ts newCallDoc) write them.
    /** The contact asked not to be called again. */
    optOut: { type: Boolean },
    /** The callback time the contact asked for, as the platform wrote it (ISO 8601, offset optional). */
    callbackRequest: { type: String },
    /** That time as the engine read it, in the contact's zone (dispatch/callback-time.ts). */
    callbackAt: { type: Date },
  },
  { timestamps: true },
);
// One call per contact attempt: a re-run job cannot place the same attempt twice.
callSchema.index({ campaignId: 1, contactId: 1, attempt: 1 }, { unique: true });
// Webhooks find calls by the provider's id.
callSchema.index({ providerCallId: 1 }, { sparse: true });
// Call logs: a campaign's calls, newest first, optionally by status.
callSchema.index({ campaignId: 1, startedAt: -1, _id: -1 });
callSchema.index({ campaignId: 1, status: 1, startedAt: -1, _id: -1 });
// Lease sweeper: live calls whose lease ran out.
callSchema.index({ status: 1, leaseExpiresAt: 1 });

export type Call = InferSchemaType<typeof callSchema>;
export type CallDoc = HydratedDocument<Call>;
export const CallModel = model('Call', callSchema);
