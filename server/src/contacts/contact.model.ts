import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';
import { CALL_STATUSES } from '../calls/call.model';

export const CONTACT_STATUSES = [
  'QUEUED',
  'CALLING',
  'RETRY_SCHEDULED',
  'COMPLETED',
  'FAILED',
  'VOICEMAIL',
  'SKIPPED',
] as const;
export type ContactStatus = (typeof CONTACT_STATUSES)[number];

/**
 * Why a contact is SKIPPED: one code each, as `Contact.skipReason` shows them (the contract names
 * DO_NOT_CALL, INVALID_NUMBER, MISSING_VARIABLE and NO_TIMEZONE as examples; the last two of those
 * come with issue 18's outcome rules).
 */
export const SKIP_REASONS = {
  /** The number is on the organization's do-not-call list (checked at dial). */
  doNotCall: 'DO_NOT_CALL',
  /** The campaign's agent needs a variable the contact does not supply. */
  missingVariable: 'MISSING_VARIABLE',
  /** The contact's calling window never opens (zones whose windows never overlap). */
  windowNeverOpens: 'WINDOW_NEVER_OPENS',
  /** The campaign was cancelled before the contact was dialled. */
  campaignCancelled: 'CAMPAIGN_CANCELLED',
} as const;
export type SkipReason = (typeof SKIP_REASONS)[keyof typeof SKIP_REASONS];

/**
 * Why a waiting contact (QUEUED or RETRY_SCHEDULED) is not dialled before `nextAttemptAt`, when
 * it is not its retry delay: `Contact.waitReason`. Cleared when the contact is claimed.
 */
export const WAIT_REASONS = {
  /** Its number reached the organization's frequency cap; `nextAttemptAt` is when a call is allowed again. */
  frequencyCap: 'FREQUENCY_CAP',
} as const;
export type WaitReason = (typeof WAIT_REASONS)[keyof typeof WAIT_REASONS];

const contactSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    campaignId: { type: Types.ObjectId, required: true, ref: 'Campaign' },
    /** E.164. */
    phoneNumber: { type: String, required: true },
    name: { type: String, default: null },
    email: { type: String, default: null },
    priority: { type: Number, default: 0 },
    customData: { type: Schema.Types.Mixed, default: null },
    /** IANA zone of the contact: given, or the one zone its number's prefix lies in. */
    timezone: { type: String, default: null },
    /**
     * The zones the number's prefix spans when there are several (and no zone was given): the
     * campaign's `ambiguousTimezones` setting says which applies. Null otherwise.
     */
    prefixTimezones: { type: [String], default: null },
    status: { type: String, enum: CONTACT_STATUSES, default: 'QUEUED', required: true },
    /** Calls placed to this contact so far. */
    attempts: { type: Number, default: 0 },
    /** When a RETRY_SCHEDULED contact becomes due. */
    nextAttemptAt: { type: Date, default: null },
    lastOutcome: { type: String, enum: [...CALL_STATUSES, null], default: null },
    /** Why a contact was SKIPPED: one of SKIP_REASONS. */
    skipReason: { type: String, default: null },
    /** Why a waiting contact waits until `nextAttemptAt`: one of WAIT_REASONS (null: its turn or retry delay). */
    waitReason: { type: String, default: null },
    /** The call in flight (status CALLING), so a restarted job finds it instead of redialling. */
    currentCallId: { type: Types.ObjectId, default: null },
    /** The dispatch slot (`<generation>-<index>` or `manual`) that holds a CALLING contact, so a re-run slot job finds its own call. */
    slotId: { type: String, default: null },
    /** `attempts` when the current round began: retryFailedContacts opens a new round without forgetting past calls. */
    roundStartAttempts: { type: Number, default: 0 },
  },
  { timestamps: true },
);
// One contact per campaign and number.
contactSchema.index({ campaignId: 1, phoneNumber: 1 }, { unique: true });
// Dispatch claims: eligible contacts of a campaign in FIFO/LIFO (by _id) or PRIORITY order.
contactSchema.index({ campaignId: 1, status: 1, _id: 1 });
contactSchema.index({ campaignId: 1, status: 1, priority: -1, _id: 1 });
// Retry claims: due retries of a campaign.
contactSchema.index({ campaignId: 1, status: 1, nextAttemptAt: 1 });
// Sweeper: CALLING contacts untouched for too long (their slot died), across campaigns.
contactSchema.index({ status: 1, updatedAt: 1 });

export type Contact = InferSchemaType<typeof contactSchema>;
export type ContactDoc = HydratedDocument<Contact>;
export const ContactModel = model('Contact', contactSchema);
