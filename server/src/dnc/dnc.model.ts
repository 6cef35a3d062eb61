import { Schema, Types, model } from 'mongoose';
import type { InferSchemaType, HydratedDocument } from 'mongoose';

/** How a number came onto the list. Entries written before sources existed read as MANUAL. */
export const DNC_SOURCE_KINDS = ['MANUAL', 'CSV', 'API', 'OPT_OUT'] as const;
export type DncSourceKind = (typeof DNC_SOURCE_KINDS)[number];

/** Where an entry came from: who added it, or the call in which the contact opted out. */
export interface DncSource {
  kind: DncSourceKind;
  /** The user that added it (MANUAL, CSV). */
  userId?: Types.ObjectId;
  /** The API key that added it (API, or CSV sent with a key): keys act for no user. */
  apiKeyId?: Types.ObjectId;
  /** OPT_OUT: the call in which the contact asked not to be called again, and its campaign. */
  callId?: Types.ObjectId;
  campaignId?: Types.ObjectId;
}

const sourceSchema = new Schema(
  {
    kind: { type: String, enum: DNC_SOURCE_KINDS, required: true },
    userId: { type: Types.ObjectId, ref: 'User' },
    apiKeyId: { type: Types.ObjectId, ref: 'ApiKey' },
    callId: { type: Types.ObjectId, ref: 'Call' },
    campaignId: { type: Types.ObjectId, ref: 'Campaign' },
  },
  { _id: false },
);

/** An organization's do-not-call list: numbers never dialled, checked at dial time. */
const dncSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    /** E.164. */
    phoneNumber: { type: String, required: true },
    /** Set once, by the first add: a later add of the same number keeps the original source. */
    source: { type: sourceSchema },
  },
  { timestamps: true },
);
// One entry per number and organization; dial-time checks look numbers up by it.
dncSchema.index({ organizationId: 1, phoneNumber: 1 }, { unique: true });

export type DoNotCall = InferSchemaType<typeof dncSchema>;
export type DoNotCallDoc = HydratedDocument<DoNotCall>;
export const DoNotCallModel = model('DoNotCall', dncSchema);
