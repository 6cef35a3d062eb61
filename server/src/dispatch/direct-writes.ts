import { Types } from 'mongoose';
import type { Call } from '../calls/call.model';
import { CallModel } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import type { Contact } from '../contacts/contact.model';

/**
 * The dialing loop's per-call writes, sent through the MongoDB driver instead of mongoose.
 *
 * Why: a dialled call costs seven writes, and mongoose casts every filter and update against
 * the schema, runs its query machinery and (for `create`) builds, validates and saves a full
 * document. At a few hundred calls a second that was the largest share of the engine's CPU
 * (about 40% in `npm run bench -- dispatch`'s instant-call profile, mongoose alone ~13%). These
 * writes are the engine's own, with values already typed (ObjectIds, Dates, enum strings), so
 * casting buys nothing. What mongoose would have added is added here, explicitly:
 * - `updatedAt` on every update (`timestamps: true`; the sweeper finds orphaned CALLING
 *   contacts by it);
 * - on insert, `createdAt`, `updatedAt`, `__v` and every schema default (see `newCallDoc`,
 *   whose field set a test compares with what mongoose builds).
 * Everything else (API writes, the sweeper, rare paths) keeps using the models.
 */

type Doc = Record<string, unknown>;
type Update = { $set?: Doc; $inc?: Record<string, number> };

const withUpdatedAt = (update: Update, now: Date): Update => ({ ...update, $set: { ...update.$set, updatedAt: now } });

/** findOneAndUpdate on contacts; returns the document before or after, or null. */
export function contactFindAndUpdate(
  filter: Doc,
  update: Update,
  options: { sort?: Record<string, 1 | -1>; returnDocument: 'before' | 'after' },
): Promise<(Contact & { _id: Types.ObjectId }) | null> {
  return ContactModel.collection.findOneAndUpdate(filter, withUpdatedAt(update, new Date()), options) as Promise<
    (Contact & { _id: Types.ObjectId }) | null
  >;
}

/** updateOne on contacts; whether a document changed. */
export async function contactUpdate(filter: Doc, update: Update): Promise<boolean> {
  const res = await ContactModel.collection.updateOne(filter, withUpdatedAt(update, new Date()));
  return res.modifiedCount === 1;
}

/** findOneAndUpdate on a campaign by id, returning it after the update (optionally projected). */
export function campaignUpdate<T = Doc>(
  campaignId: Types.ObjectId,
  update: Update,
  projection?: Record<string, 1>,
): Promise<T | null> {
  return CampaignModel.collection.findOneAndUpdate(
    { _id: campaignId },
    withUpdatedAt(update, new Date()),
    projection ? { returnDocument: 'after', projection } : { returnDocument: 'after' },
  ) as Promise<T | null>;
}

/** findOneAndUpdate on calls, returning the call after the update, or null. */
export function callFindAndUpdate(filter: Doc, update: Update): Promise<(Call & { _id: Types.ObjectId }) | null> {
  if (typeof filter['_id'] === 'string') filter = { ...filter, _id: new Types.ObjectId(filter['_id']) };
  return CallModel.collection.findOneAndUpdate(filter, withUpdatedAt(update, new Date()), {
    returnDocument: 'after',
  }) as Promise<(Call & { _id: Types.ObjectId }) | null>;
}

/** What the engine sets on a new call; the rest are the schema's defaults. */
export type NewCall = Pick<
  Call,
  | 'organizationId'
  | 'campaignId'
  | 'contactId'
  | 'phoneId'
  | 'attempt'
  | 'provider'
  | 'callbackToken'
  | 'startedAt'
  | 'leaseExpiresAt'
  | 'slotId'
> & { _id: Types.ObjectId };

/** The document `CallModel.create(fields)` would store (defaults, timestamps, version key). */
export function newCallDoc(fields: NewCall, now = new Date()): Call & { _id: Types.ObjectId } {
  return {
    status: 'INITIATED',
    providerCallId: null,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    error: null,
    ...fields,
    createdAt: now,
    updatedAt: now,
    __v: 0,
  } as Call & { _id: Types.ObjectId };
}

/** Inserts a new call; a duplicate (campaign, contact, attempt) throws the driver's E11000 error. */
export async function insertCall(fields: NewCall): Promise<Call & { _id: Types.ObjectId }> {
  const doc = newCallDoc(fields);
  // The driver would add an _id to the object it is given; ours has one already.
  await CallModel.collection.insertOne(doc);
  return doc;
}
