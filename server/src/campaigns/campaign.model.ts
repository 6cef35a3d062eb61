import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';
import { AMBIGUOUS_TIMEZONE_MODES, PRIORITY_MODES, SETTINGS_DEFAULTS } from './campaign.settings';
import { BACKOFFS, RETRY_OUTCOMES } from '../dispatch/retry-policy';

export const CAMPAIGN_STATUSES = ['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

const callingWindowSchema = new Schema(
  {
    /** "HH:mm" local time the window opens. */
    start: { type: String, required: true },
    /** "HH:mm" local time the window closes (exclusive). */
    end: { type: String, required: true },
    /** ISO weekdays 1 (Monday) … 7 (Sunday). */
    days: { type: [Number], default: [1, 2, 3, 4, 5] },
    /** IANA zone of the window when a contact has none of its own. */
    timezone: { type: String, required: true },
  },
  { _id: false },
);

const retryRuleSchema = new Schema(
  {
    outcome: { type: String, enum: RETRY_OUTCOMES, required: true },
    maxAttempts: { type: Number, required: true },
    delayMinutes: { type: Number, required: true },
    backoff: { type: String, enum: BACKOFFS, default: 'FIXED' },
  },
  { _id: false },
);

const settingsSchema = new Schema(
  {
    concurrentCallsLimit: { type: Number, default: SETTINGS_DEFAULTS.concurrentCallsLimit },
    retryFailedCalls: { type: Boolean, default: SETTINGS_DEFAULTS.retryFailedCalls },
    maxRetryAttempts: { type: Number, default: SETTINGS_DEFAULTS.maxRetryAttempts },
    retryDelayMinutes: { type: Number, default: SETTINGS_DEFAULTS.retryDelayMinutes },
    excludeVoicemail: { type: Boolean, default: SETTINGS_DEFAULTS.excludeVoicemail },
    priorityMode: { type: String, enum: PRIORITY_MODES, default: SETTINGS_DEFAULTS.priorityMode },
    /** Optional pacing: calls started per minute (the sequential design's delayBetweenCalls). */
    callsPerMinute: { type: Number, default: null },
    callingWindow: { type: callingWindowSchema, default: null },
    /** Explicit retry rules per outcome class; null: built from the four shorthand fields above. */
    retryRules: { type: [retryRuleSchema], default: null },
    ambiguousTimezones: {
      type: String,
      enum: AMBIGUOUS_TIMEZONE_MODES,
      default: SETTINGS_DEFAULTS.ambiguousTimezones,
    },
  },
  { _id: false },
);

/**
 * Contact counts by state. They always add up:
 * queued + active + retryScheduled + completed + failed + voicemail + skipped = totalContacts.
 * Moved with `$inc` beside each conditional contact update; rebuilt by `recountCampaign`.
 */
const statsSchema = new Schema(
  {
    totalContacts: { type: Number, default: 0 },
    queuedCalls: { type: Number, default: 0 },
    activeCalls: { type: Number, default: 0 },
    retryScheduled: { type: Number, default: 0 },
    completedCalls: { type: Number, default: 0 },
    failedCalls: { type: Number, default: 0 },
    voicemailCalls: { type: Number, default: 0 },
    skippedContacts: { type: Number, default: 0 },
    /** Calls placed (every attempt). */
    totalAttempts: { type: Number, default: 0 },
  },
  { _id: false },
);

const campaignSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    name: { type: String, required: true, trim: true },
    description: { type: String, default: null },
    agentId: { type: Types.ObjectId, required: true, ref: 'Agent' },
    phoneId: { type: Types.ObjectId, required: true, ref: 'Phone' },
    status: { type: String, enum: CAMPAIGN_STATUSES, default: 'DRAFT', required: true },
    settings: { type: settingsSchema, default: () => ({}) },
    stats: { type: statsSchema, default: () => ({}) },
    /**
     * Bumped by the dialing engine's counter updates, which publish the updated numbers with
     * their revision: an API process keeps the highest it has seen instead of reading MongoDB.
     */
    revision: { type: Number, default: 0 },
    /** Bumped on every start/resume/limit change: slot jobs of an older generation stop. */
    dispatchGeneration: { type: Number, default: 0 },
    scheduledAt: { type: Date, default: null },
    startedAt: { type: Date, default: null },
    completedAt: { type: Date, default: null },
    lastCallAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// Campaign list: by organization, newest first, with an _id tie-breaker for stable cursors.
campaignSchema.index({ organizationId: 1, createdAt: -1, _id: -1 });
campaignSchema.index({ organizationId: 1, status: 1, createdAt: -1, _id: -1 });
// Scheduler: SCHEDULED campaigns whose start time has come.
campaignSchema.index({ status: 1, scheduledAt: 1 });

export type Campaign = InferSchemaType<typeof campaignSchema>;
export type CampaignDoc = HydratedDocument<Campaign>;
export const CampaignModel = model('Campaign', campaignSchema);
