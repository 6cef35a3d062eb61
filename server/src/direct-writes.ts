import { Types } from 'mongoose';
import type { Call } from './calls/call.model';
import { CallModel } from './calls/call.model';
import { CampaignModel } from './campaigns/campaign.model';
import { ContactModel } from './contacts/contact.model';
import { TurnBatch } from './turn-batch';
import type { Contact } from './contacts/contact.model';

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

/** A campaign counter update: `$inc` and `$set` only (merged with others of the same turn). */
interface CampaignWrite {
  update: Update;
  projection?: Record<string, 1>;
}

/** Top-level and dotted paths a write touches, with the operator touching each. */
function pathsOf(update: Update): [string, '$set' | '$inc'][] {
  return [
    ...Object.keys(update.$set ?? {}).map((p) => [p, '$set'] as [string, '$set']),
    ...Object.keys(update.$inc ?? {}).map((p) => [p, '$inc'] as [string, '$inc']),
  ];
}

/**
 * The paths an open group's writes touch, kept per group (its items array) and brought up to
 * date with the writes that joined since, so a join is checked against the group's few distinct
 * paths rather than against each of its writes again. Checking every write cost 10.6 µs per
 * write in groups of 50 (the average group under load), twice per dialled call.
 */
const groupPaths = new WeakMap<readonly CampaignWrite[], { counted: number; paths: Map<string, '$set' | '$inc'> }>();

/**
 * Whether `w` can join `writes` in one update. MongoDB refuses one update touching a path twice
 * through different operators, or a path and its parent.
 */
function canJoin(writes: readonly CampaignWrite[], w: CampaignWrite): boolean {
  let seen = groupPaths.get(writes);
  if (!seen) groupPaths.set(writes, (seen = { counted: 0, paths: new Map() }));
  for (; seen.counted < writes.length; seen.counted++)
    for (const [p, op] of pathsOf(writes[seen.counted]!.update)) seen.paths.set(p, op);
  for (const [p, op] of pathsOf(w.update)) {
    const other = seen.paths.get(p);
    if (other !== undefined ? other !== op : nestsWith(p, seen.paths.keys())) return false;
  }
  return true;
}

/** Whether `path` is a parent or a child of one of `paths`. */
function nestsWith(path: string, paths: Iterable<string>): boolean {
  for (const q of paths) if (path.startsWith(`${q}.`) || q.startsWith(`${path}.`)) return true;
  return false;
}

/** The writes of one group as one update: increments summed, later `$set` values winning. */
function mergeWrites(writes: CampaignWrite[]): { update: Update; projection?: Record<string, 1> } {
  const $inc: Record<string, number> = {};
  const $set: Doc = {};
  let projection: Record<string, 1> | undefined = {};
  for (const w of writes) {
    for (const [k, v] of Object.entries(w.update.$inc ?? {})) $inc[k] = ($inc[k] ?? 0) + v;
    Object.assign($set, w.update.$set);
    projection = w.projection && projection ? { ...projection, ...w.projection } : undefined;
  }
  const update: Update = { $set };
  if (Object.keys($inc).length > 0) update.$inc = $inc;
  return projection ? { update, projection } : { update };
}

/** A counter update queued for its turn, with the campaign it is for. */
interface QueuedCampaignWrite extends CampaignWrite {
  campaignId: string;
}

/**
 * A turn's counter updates, split into the groups that go out as one update each: per campaign,
 * in order, a write joining the group before it unless MongoDB would refuse them together
 * (canJoin).
 */
function groupsOf(writes: QueuedCampaignWrite[]): { campaignId: string; items: number[]; writes: CampaignWrite[] }[] {
  const open = new Map<string, { campaignId: string; items: number[]; writes: CampaignWrite[] }>();
  const groups: { campaignId: string; items: number[]; writes: CampaignWrite[] }[] = [];
  writes.forEach((w, i) => {
    let group = open.get(w.campaignId);
    if (!group || !canJoin(group.writes, w)) {
      group = { campaignId: w.campaignId, items: [], writes: [] };
      open.set(w.campaignId, group);
      groups.push(group);
    }
    group.items.push(i);
    group.writes.push(w);
  });
  return groups;
}

/**
 * Counter updates made in the same turn of the event loop go out together (TurnBatch): under load
 * a burst of replies wakes dozens of slots at once, each with a claim's or an outcome's `$inc`.
 * One campaign's updates are merged into one; when the turn touched one campaign that is one
 * findOneAndUpdate, as before. When it touched several (a worker dialling many campaigns, where
 * a findOneAndUpdate each was about one MongoDB round trip per call), they go out as one ordered
 * update command and the campaigns are read back with one find: two round trips whatever their
 * number. Every caller gets its campaign after all of the turn's updates (numbers that include its
 * own; read after the write, so perhaps also a later one of another process, as a separate read
 * would), with the union of the fields asked for. The writes leave at the next check phase of the
 * loop, as the claim's or outcome's own write would have a moment later; a process that dies in
 * between loses them as it would lose a write in flight, and the recount at completion rebuilds
 * the numbers.
 */
const campaignWrites = new TurnBatch<QueuedCampaignWrite, Doc | null>(
  async (_key, writes) => {
    const groups = groupsOf(writes);
    const now = new Date();
    const merged = groups.map((g) => ({ id: new Types.ObjectId(g.campaignId), ...mergeWrites(g.writes) }));
    const results: (Doc | null)[] = new Array<Doc | null>(writes.length).fill(null);
    if (merged.length === 1) {
      const { id, update, projection } = merged[0]!;
      const after = await CampaignModel.collection.findOneAndUpdate(
        { _id: id },
        withUpdatedAt(update, now),
        projection ? { returnDocument: 'after', projection } : { returnDocument: 'after' },
      );
      return results.fill(after);
    }
    await CampaignModel.collection.bulkWrite(
      merged.map(({ id, update }) => ({ updateOne: { filter: { _id: id }, update: withUpdatedAt(update, now) } })),
      // In order: two groups of one campaign were split because they conflict, and the later wins.
      { ordered: true },
    );
    const projection = merged.every((m) => m.projection)
      ? (Object.assign({}, ...merged.map((m) => m.projection)) as Record<string, 1>)
      : undefined;
    const found = await CampaignModel.collection
      .find(
        { _id: { $in: [...new Set(groups.map((g) => g.campaignId))].map((id) => new Types.ObjectId(id)) } },
        projection ? { projection } : {},
      )
      .toArray();
    const byId = new Map(found.map((d) => [String(d._id), d as Doc]));
    for (const g of groups) for (const i of g.items) results[i] = byId.get(g.campaignId) ?? null;
    return results;
  },
  { maxItems: 1000 },
);

/**
 * A campaign counter update (`$inc`, `$set`), returning the campaign after it, with at least the
 * projected fields (all when no projection), or null when it does not exist. Callers share the
 * returned object: read it, never change it.
 */
export function campaignUpdate<T = Doc>(
  campaignId: Types.ObjectId,
  update: Update,
  projection?: Record<string, 1>,
): Promise<T | null> {
  const id = String(campaignId);
  return campaignWrites.add(
    'campaigns',
    projection ? { campaignId: id, update, projection } : { campaignId: id, update },
  ) as Promise<T | null>;
}

/**
 * findOneAndUpdate on calls, returning the call after the update (only `projection`'s fields
 * when given), or null.
 */
export function callFindAndUpdate(
  filter: Doc,
  update: Update,
  projection?: Doc,
): Promise<(Call & { _id: Types.ObjectId }) | null> {
  if (typeof filter['_id'] === 'string') filter = { ...filter, _id: new Types.ObjectId(filter['_id']) };
  return CallModel.collection.findOneAndUpdate(filter, withUpdatedAt(update, new Date()), {
    returnDocument: 'after',
    ...(projection ? { projection } : {}),
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
> &
  Partial<Pick<Call, 'variables'>> & { _id: Types.ObjectId };

/** The document `CallModel.create(fields)` would store (defaults, timestamps, version key). */
export function newCallDoc(fields: NewCall, now = new Date()): Call & { _id: Types.ObjectId } {
  return {
    status: 'INITIATED',
    providerCallId: null,
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    error: null,
    invalidNumber: false,
    reconciledAt: null,
    // The conversation fields' defaults (call.model.ts; transcript has none, so no key).
    variables: null,
    recordingUrl: null,
    summary: null,
    disposition: null,
    analysis: null,
    endedReason: null,
    ...fields,
    createdAt: now,
    updatedAt: now,
    __v: 0,
  } as Call & { _id: Types.ObjectId };
}

/** A write error of an unordered insertMany (the driver's WriteError). */
interface InsertWriteError {
  index: number;
  code?: number;
  errmsg?: string;
}

/**
 * New calls of one turn of the event loop go out as one unordered insertMany (TurnBatch): the
 * driver's per-command cost was the largest part of the engine's CPU per call, and under load
 * dozens of slots create their calls in the same turn. Each document keeps its own fate: a
 * duplicate (campaign, contact, attempt) fails that insert alone with E11000, as insertOne would.
 */
const callInserts = new TurnBatch<Call & { _id: Types.ObjectId }, true>(
  async (_key, docs) => {
    try {
      await CallModel.collection.insertMany(docs, { ordered: false });
      return docs.map(() => true as const);
    } catch (error) {
      const raw = (error as { writeErrors?: InsertWriteError | InsertWriteError[] }).writeErrors;
      const writeErrors = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
      // A failure that is not per document (network, write concern): every insert reports it.
      if (writeErrors.length === 0 || (error as { writeConcernErrors?: unknown[] }).writeConcernErrors?.length)
        throw error;
      const byIndex = new Map(writeErrors.map((e) => [e.index, e]));
      return docs.map((_doc, i) => {
        const e = byIndex.get(i);
        return e ? Object.assign(new Error(e.errmsg ?? 'insert failed'), { code: e.code }) : (true as const);
      });
    }
  },
  { maxItems: 1000 },
);

/** Inserts a new call; a duplicate (campaign, contact, attempt) throws an error with code 11000 (E11000). */
export async function insertCall(fields: NewCall): Promise<Call & { _id: Types.ObjectId }> {
  const doc = newCallDoc(fields);
  // The driver would add an _id to the object it is given; ours has one already.
  await callInserts.add('calls', doc);
  return doc;
}

/**
 * What `recordProviderCallId` did: `set` (the call was still INITIATED without a provider id:
 * it is now exactly the caller's call with that id), `taken` (a webhook got there first: the
 * call moved on with its id and was announced by that write), `unset` (the call moved on without
 * an id, a platform whose webhooks do not name it, or is gone: the caller writes it alone).
 */
export type ProviderIdWrite = 'set' | 'taken' | 'unset';

/**
 * Provider ids of the calls accepted in one turn of the event loop go out as one unordered update
 * command (TurnBatch): under load a burst of place-call answers wakes dozens of slots at once, and
 * a findOneAndUpdate each was one of the engine's five MongoDB round trips per call. An update
 * command tells only how many documents it changed, not which, so each write is conditional on
 * the call still being INITIATED: when all changed, each caller knows its call's state without a
 * read; otherwise the group's calls are read back (one find) to tell which.
 */
const providerIds = new TurnBatch<{ _id: Types.ObjectId; providerCallId: string }, ProviderIdWrite>(
  async (_key, items) => {
    const now = new Date();
    const res = await CallModel.collection.bulkWrite(
      items.map((i) => ({
        updateOne: {
          filter: { _id: i._id, providerCallId: null, status: 'INITIATED' },
          update: { $set: { providerCallId: i.providerCallId, updatedAt: now } },
        },
      })),
      { ordered: false },
    );
    if (res.modifiedCount === items.length) return items.map(() => 'set' as const);
    const found = await CallModel.collection
      .find({ _id: { $in: items.map((i) => i._id) } }, { projection: { status: 1, providerCallId: 1 } })
      .toArray();
    const byId = new Map(found.map((d) => [String(d._id), d]));
    return items.map((i) => {
      const doc = byId.get(String(i._id));
      if (!doc || doc['providerCallId'] === null || doc['providerCallId'] === undefined) return 'unset' as const;
      // Webhooks write an id only with a status past INITIATED: INITIATED with ours is our write.
      return doc['status'] === 'INITIATED' && doc['providerCallId'] === i.providerCallId ? 'set' : 'taken';
    });
  },
  { maxItems: 1000 },
);

/** Records a placed call's provider id (conditional on the call still INITIATED without one); see ProviderIdWrite. */
export function recordProviderCallId(callId: Types.ObjectId, providerCallId: string): Promise<ProviderIdWrite> {
  return providerIds.add('calls', { _id: callId, providerCallId });
}
