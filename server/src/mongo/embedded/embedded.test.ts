/**
 * Drives the embedded server through mongoose over TCP. With MONGODB_URI set, the same suite
 * runs against a real MongoDB (in a random database, dropped after), so every assertion here
 * is MongoDB's behaviour, not the embedded server's.
 */
import { randomBytes } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { Connection, Model } from 'mongoose';
import { startEmbeddedMongo } from './server';
import type { EmbeddedMongo } from './server';

let mongo: EmbeddedMongo | null = null;
let conn: Connection;
const commandsStarted: string[] = [];
let modelCounter = 0;

beforeAll(async () => {
  const external = process.env['MONGODB_URI'];
  if (!external) mongo = await startEmbeddedMongo({ port: 0 });
  const uri = external ?? (mongo as EmbeddedMongo).uri;
  conn = await mongoose
    .createConnection(uri, {
      dbName: `embedded_test_${randomBytes(6).toString('hex')}`,
      monitorCommands: true,
      autoIndex: true,
    })
    .asPromise();
  conn.getClient().on('commandStarted', (event) => commandsStarted.push(event.commandName));
});

afterAll(async () => {
  await conn?.dropDatabase();
  await conn?.close();
  await mongo?.stop();
});

/** A fresh model on its own collection, indexes built. */
async function freshModel<T>(schema: Schema<T>): Promise<Model<T>> {
  modelCounter++;
  const name = `M${modelCounter}_${randomBytes(3).toString('hex')}`;
  const model = conn.model<T>(name, schema, name.toLowerCase());
  await model.init();
  return model;
}

interface Item {
  name: string;
  qty?: number;
  tags?: string[];
  size?: { h?: number; w?: number; uom?: string };
  status?: string;
  note?: unknown;
}

const itemSchema = () =>
  new Schema<Item>({
    name: String,
    qty: Number,
    tags: [String],
    size: { h: Number, w: Number, uom: String },
    status: String,
    note: Schema.Types.Mixed,
  });

async function seedItems(): Promise<Model<Item>> {
  const Items = await freshModel(itemSchema());
  await Items.insertMany([
    { name: 'journal', qty: 25, tags: ['blank', 'red'], size: { h: 14, w: 21, uom: 'cm' }, status: 'A' },
    { name: 'notebook', qty: 50, tags: ['red', 'blank'], size: { h: 8.5, w: 11, uom: 'in' }, status: 'A' },
    { name: 'paper', qty: 100, tags: ['red', 'blank', 'plain'], size: { h: 8.5, w: 11, uom: 'in' }, status: 'D' },
    { name: 'planner', qty: 75, tags: ['blank', 'red'], size: { h: 22.85, w: 30, uom: 'cm' }, status: 'D' },
    { name: 'postcard', qty: 45, tags: ['blue'], size: { h: 10, w: 15.25, uom: 'cm' }, status: 'A', note: null },
    { name: 'sticker' },
  ]);
  return Items;
}

const names = (docs: Array<{ name?: string }>): string[] => docs.map((d) => d.name ?? '').sort();

describe('filters', () => {
  let Items: Model<Item>;
  beforeAll(async () => {
    Items = await seedItems();
  });

  it('supports comparison operators', async () => {
    expect(names(await Items.find({ qty: { $gt: 50 } }).lean())).toEqual(['paper', 'planner']);
    expect(names(await Items.find({ qty: { $gte: 50 } }).lean())).toEqual(['notebook', 'paper', 'planner']);
    expect(names(await Items.find({ qty: { $lt: 45 } }).lean())).toEqual(['journal']);
    expect(names(await Items.find({ qty: { $lte: 45 } }).lean())).toEqual(['journal', 'postcard']);
    expect(names(await Items.find({ qty: { $eq: 25 } }).lean())).toEqual(['journal']);
    expect(names(await Items.find({ status: { $ne: 'A' } }).lean())).toEqual(['paper', 'planner', 'sticker']);
  });

  it('supports $in, $nin, $regex, $exists and $size', async () => {
    expect(names(await Items.find({ qty: { $in: [25, 100] } }).lean())).toEqual(['journal', 'paper']);
    expect(names(await Items.find({ status: { $nin: ['A'] } }).lean())).toEqual(['paper', 'planner', 'sticker']);
    expect(names(await Items.find({ name: { $regex: '^p', $options: 'i' } }).lean())).toEqual([
      'paper',
      'planner',
      'postcard',
    ]);
    expect(names(await Items.find({ name: /card$/ }).lean())).toEqual(['postcard']);
    expect(names(await Items.find({ qty: { $exists: false } }).lean())).toEqual(['sticker']);
    expect(names(await Items.find({ tags: { $size: 3 } }).lean())).toEqual(['paper']);
  });

  it('supports logical operators and $elemMatch on arrays', async () => {
    expect(names(await Items.find({ $or: [{ qty: 25 }, { status: 'D' }] }).lean())).toEqual([
      'journal',
      'paper',
      'planner',
    ]);
    expect(names(await Items.find({ $and: [{ status: 'A' }, { qty: { $gt: 30 } }] }).lean())).toEqual([
      'notebook',
      'postcard',
    ]);
    expect(names(await Items.find({ $nor: [{ status: 'A' }, { qty: { $exists: false } }] }).lean())).toEqual([
      'paper',
      'planner',
    ]);
    expect(names(await Items.find({ qty: { $not: { $gt: 45 } } }).lean())).toEqual(['journal', 'postcard', 'sticker']);
    expect(names(await Items.find({ tags: 'plain' }).lean())).toEqual(['paper']);
    const Scores = await freshModel(new Schema({ name: String, results: [{ product: String, score: Number }] }));
    await Scores.insertMany([
      {
        name: 'a',
        results: [
          { product: 'abc', score: 10 },
          { product: 'xyz', score: 5 },
        ],
      },
      {
        name: 'b',
        results: [
          { product: 'abc', score: 8 },
          { product: 'xyz', score: 7 },
        ],
      },
    ]);
    const found = await Scores.find({ results: { $elemMatch: { product: 'xyz', score: { $gte: 6 } } } }).lean();
    expect(found.map((d) => d.name)).toEqual(['b']);
  });

  it('matches dotted paths and null against missing fields', async () => {
    expect(names(await Items.find({ 'size.uom': 'in' }).lean())).toEqual(['notebook', 'paper']);
    expect(names(await Items.find({ 'size.h': { $lt: 10 } }).lean())).toEqual(['notebook', 'paper']);
    // null matches both an explicit null and a missing field
    expect(names(await Items.find({ note: null }).lean())).toEqual([
      'journal',
      'notebook',
      'paper',
      'planner',
      'postcard',
      'sticker',
    ]);
    expect(names(await Items.find({ note: { $exists: true } }).lean())).toEqual(['postcard']);
    expect(names(await Items.find({ 'size.uom': null }).lean())).toEqual(['sticker']);
  });

  it('sorts (including mixed types), skips, limits and projects', async () => {
    const sorted = await Items.find({ qty: { $exists: true } })
      .sort({ qty: -1 })
      .skip(1)
      .limit(2)
      .lean();
    expect(sorted.map((d) => d.name)).toEqual(['planner', 'notebook']);
    const bySize = await Items.find({}).sort({ 'size.h': 1, name: 1 }).lean();
    expect(bySize.map((d) => d.name)).toEqual(['sticker', 'notebook', 'paper', 'postcard', 'journal', 'planner']);
    const projected = await Items.find({ name: 'journal' }, { name: 1, 'size.uom': 1, _id: 0 }).lean();
    expect(projected).toEqual([{ name: 'journal', size: { uom: 'cm' } }]);
    const excluded = await Items.findOne({ name: 'journal' }, { tags: 0, size: 0, qty: 0, status: 0 }).lean();
    expect(Object.keys(excluded ?? {}).sort()).toEqual(['__v', '_id', 'name']);

    const Mixed = conn.collection(`mixed_${randomBytes(3).toString('hex')}`);
    await Mixed.insertMany([
      { _id: 1 as never, v: 'text' },
      { _id: 2 as never, v: true },
      { _id: 3 as never, v: 10 },
      { _id: 4 as never, v: null },
      { _id: 5 as never, v: new Date(0) },
      { _id: 6 as never, v: { a: 1 } },
      { _id: 7 as never },
      { _id: 8 as never, v: 2.5 },
      { _id: 9 as never, v: new mongoose.Types.ObjectId('000000000000000000000001') },
    ]);
    const order = (await Mixed.find({}).sort({ v: 1, _id: 1 }).toArray()).map((d) => d._id as unknown as number);
    // MongoDB order: null/missing < numbers < string < object < ObjectId < bool < Date
    expect(order).toEqual([4, 7, 8, 3, 1, 6, 9, 2, 5]);
  });
});

describe('indexes and duplicate keys', () => {
  it('enforces a unique compound index with MongoDB’s error shape', async () => {
    const schema = new Schema({ tenant: String, phone: String, n: Number });
    schema.index({ tenant: 1, phone: 1 }, { unique: true });
    const Contacts = await freshModel(schema);
    await Contacts.create({ tenant: 't1', phone: '+100', n: 1 });
    await Contacts.create({ tenant: 't2', phone: '+100', n: 2 });
    const err = await Contacts.create({ tenant: 't1', phone: '+100', n: 3 }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 11000,
      keyPattern: { tenant: 1, phone: 1 },
      keyValue: { tenant: 't1', phone: '+100' },
    });
    expect(String((err as Error).message)).toMatch(
      /E11000 duplicate key error collection: .* index: tenant_1_phone_1 dup key: \{ tenant: "t1", phone: "\+100" \}/,
    );
    // updating into a duplicate fails too, and findOneAndUpdate reports the same code
    const upd = await Contacts.updateOne({ tenant: 't2' }, { $set: { tenant: 't1' } }).catch((e: unknown) => e);
    expect(upd).toMatchObject({ code: 11000 });
    const fam = await Contacts.findOneAndUpdate({ tenant: 't2' }, { $set: { tenant: 't1' } }).catch((e: unknown) => e);
    expect(fam).toMatchObject({ code: 11000, keyValue: { tenant: 't1', phone: '+100' } });
    expect(await Contacts.countDocuments()).toBe(2);
  });

  it('enforces _id uniqueness', async () => {
    const Plain = await freshModel(new Schema({ _id: String, v: Number }));
    await Plain.create({ _id: 'x', v: 1 });
    const err = await Plain.create({ _id: 'x', v: 2 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 11000, keyPattern: { _id: 1 }, keyValue: { _id: 'x' } });
  });

  it('lets a sparse unique index hold many documents without the field', async () => {
    const schema = new Schema({ name: String, email: String });
    schema.index({ email: 1 }, { unique: true, sparse: true });
    const Users = await freshModel(schema);
    await Users.create([{ name: 'a' }, { name: 'b' }, { name: 'c', email: 'c@x' }]);
    await expect(Users.create({ name: 'd', email: 'c@x' })).rejects.toMatchObject({ code: 11000 });
    expect(await Users.countDocuments()).toBe(3);
  });

  it('keeps the good documents of an unordered insertMany around a duplicate', async () => {
    const schema = new Schema({ key: String });
    schema.index({ key: 1 }, { unique: true });
    const Keys = await freshModel(schema);
    await Keys.create({ key: 'b' });
    const err = (await Keys.insertMany([{ key: 'a' }, { key: 'b' }, { key: 'c' }], { ordered: false }).catch(
      (e: unknown) => e,
    )) as {
      code?: number;
      insertedDocs?: unknown[];
      writeErrors?: Array<{ index: number; code: number }>;
    };
    expect(err.code).toBe(11000);
    expect(err.insertedDocs).toHaveLength(2);
    expect(err.writeErrors?.map((w) => [w.index, w.code])).toEqual([[1, 11000]]);
    expect((await Keys.find().sort({ key: 1 }).lean()).map((d) => d.key)).toEqual(['a', 'b', 'c']);
    // ordered (the default) stops at the first error
    await expect(Keys.insertMany([{ key: 'd' }, { key: 'a' }, { key: 'e' }])).rejects.toMatchObject({ code: 11000 });
    expect((await Keys.find().sort({ key: 1 }).lean()).map((d) => d.key)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('syncs, lists and drops indexes; a missing collection has none', async () => {
    const schema = new Schema({ a: Number, b: String });
    schema.index({ a: 1 });
    schema.index({ b: 1, a: -1 }, { unique: true });
    const Indexed = await freshModel(schema);
    await Indexed.syncIndexes();
    const listed = await Indexed.listIndexes();
    expect(listed.map((i) => i['name']).sort()).toEqual(['_id_', 'a_1', 'b_1_a_-1']);
    expect(listed.find((i) => i['name'] === 'b_1_a_-1')).toMatchObject({ key: { b: 1, a: -1 }, unique: true });
    await Indexed.collection.dropIndex('a_1');
    expect((await Indexed.listIndexes()).map((i) => i['name']).sort()).toEqual(['_id_', 'b_1_a_-1']);
    await Indexed.syncIndexes();
    expect((await Indexed.listIndexes()).map((i) => i['name']).sort()).toEqual(['_id_', 'a_1', 'b_1_a_-1']);

    const Never = conn.model(
      `never_${randomBytes(3).toString('hex')}`,
      new Schema({ a: Number }, { autoCreate: false, autoIndex: false }),
    );
    await expect(Never.listIndexes()).rejects.toMatchObject({ code: 26, codeName: 'NamespaceNotFound' });
  });
});

describe('updates', () => {
  it('upserts with $setOnInsert and $inc', async () => {
    const Counters = await freshModel(new Schema({ key: String, count: Number, createdBy: String }));
    const first = await Counters.updateOne(
      { key: 'k' },
      { $setOnInsert: { createdBy: 'first' }, $inc: { count: 1 } },
      { upsert: true },
    );
    expect(first).toMatchObject({ matchedCount: 0, modifiedCount: 0, upsertedCount: 1 });
    expect(first.upsertedId).toBeTruthy();
    const second = await Counters.updateOne(
      { key: 'k' },
      { $setOnInsert: { createdBy: 'second' }, $inc: { count: 1 } },
      { upsert: true },
    );
    expect(second).toMatchObject({ matchedCount: 1, modifiedCount: 1, upsertedCount: 0 });
    const doc = await Counters.findOne({ key: 'k' }).lean();
    expect(doc).toMatchObject({ key: 'k', count: 2, createdBy: 'first' });
    expect(String(doc?._id)).toBe(String(first.upsertedId));
  });

  it('lets exactly one of 25 concurrent conditional updates win', async () => {
    const Calls = await freshModel(new Schema({ status: String, attempts: Number }));
    const call = await Calls.create({ status: 'QUEUED', attempts: 0 });
    const results = await Promise.all(
      Array.from({ length: 25 }, () =>
        Calls.findOneAndUpdate(
          { _id: call._id, status: 'QUEUED' },
          { $set: { status: 'CALLING' }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        ).lean(),
      ),
    );
    expect(results.filter((r) => r !== null)).toHaveLength(1);
    expect(await Calls.findById(call._id).lean()).toMatchObject({ status: 'CALLING', attempts: 1 });
  });

  it('applies array and field operators', async () => {
    const Docs = await freshModel(
      new Schema({
        tags: [String],
        nums: [Number],
        profile: { name: String, city: String },
        lo: Number,
        hi: Number,
        gone: String,
        at: Date,
      }),
    );
    const doc = await Docs.create({
      tags: ['a', 'b'],
      nums: [1, 2, 3, 2],
      profile: { name: 'x', city: 'y' },
      lo: 5,
      hi: 5,
      gone: 'bye',
    });
    const before = Date.now();
    await Docs.updateOne(
      { _id: doc._id },
      {
        $push: { tags: 'c' },
        $pull: { nums: 2 },
        $set: { 'profile.city': 'z' },
        $unset: { gone: '' },
        $min: { lo: 3 },
        $max: { hi: 9 },
        $currentDate: { at: true },
      },
    );
    await Docs.updateOne({ _id: doc._id }, { $addToSet: { tags: { $each: ['a', 'd'] } } });
    const after = await Docs.findById(doc._id).lean();
    expect(after).toMatchObject({
      tags: ['a', 'b', 'c', 'd'],
      nums: [1, 3],
      profile: { name: 'x', city: 'z' },
      lo: 3,
      hi: 9,
    });
    expect(after).not.toHaveProperty('gone');
    expect(after?.at).toBeInstanceOf(Date);
    expect((after?.at as Date).getTime()).toBeGreaterThanOrEqual(before - 1000);
    // $min/$max that would not change anything leave the document alone
    const noop = await Docs.updateOne({ _id: doc._id }, { $min: { lo: 4 }, $max: { hi: 1 } });
    expect(noop).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
  });

  it('counts a document modified only when its BSON changes', async () => {
    const coll = conn.db!.collection(`bson_${randomBytes(3).toString('hex')}`);
    const at = new Date(1_700_000_000_000);
    const { insertedId } = await coll.insertOne({ n: 1.5, at, sub: { a: 1, b: [1, 2] }, nil: null, z: 0 });
    const modified = async (update: Record<string, unknown>) =>
      (await coll.updateOne({ _id: insertedId }, update)).modifiedCount;
    expect(await modified({ $set: { n: 1.5, at: new Date(at.getTime()), sub: { a: 1, b: [1, 2] }, nil: null } })).toBe(
      0,
    );
    expect(await modified({ $set: { 'sub.b': [1, 2, 3] } })).toBe(1);
    expect(await modified({ $set: { sub: { b: [1, 2, 3], a: 1 } } })).toBe(1); // field order is BSON too
    expect(await modified({ $set: { nil: 0 } })).toBe(1);
    expect(await modified({ $set: { at: new Date(at.getTime() + 1) } })).toBe(1);
    expect(await coll.findOne({ at: new Date(at.getTime() + 1) })).toMatchObject({ nil: 0, n: 1.5 });
  });

  it('reports matched, modified and deleted counts', async () => {
    const Items = await seedItems();
    const many = await Items.updateMany({ status: 'A' }, { $set: { status: 'B' } });
    expect(many).toMatchObject({ matchedCount: 3, modifiedCount: 3 });
    const again = await Items.updateMany({ status: { $in: ['B', 'D'] } }, { $set: { status: 'B' } });
    expect(again).toMatchObject({ matchedCount: 5, modifiedCount: 2 });
    const none = await Items.updateOne({ name: 'journal' }, { $set: { qty: 25 } });
    expect(none).toMatchObject({ matchedCount: 1, modifiedCount: 0 });
    const deleted = await Items.deleteMany({ status: 'B' });
    expect(deleted.deletedCount).toBe(5);
    expect((await Items.deleteOne({ name: 'sticker' })).deletedCount).toBe(1);
    expect(await Items.estimatedDocumentCount()).toBe(0);
  });

  it('rejects changing _id', async () => {
    const Coll = conn.collection(`immutable_${randomBytes(3).toString('hex')}`);
    await Coll.insertOne({ _id: 'a' as never, v: 1 });
    await expect(Coll.updateOne({ _id: 'a' as never }, { $set: { _id: 'b' as never } })).rejects.toMatchObject({
      code: 66,
    });
    await expect(Coll.replaceOne({ _id: 'a' as never }, { _id: 'c', v: 2 } as never)).rejects.toMatchObject({
      code: 66,
    });
    await Coll.replaceOne({ _id: 'a' as never }, { v: 3 });
    expect(await Coll.findOne({ _id: 'a' as never })).toEqual({ _id: 'a', v: 3 });
  });

  it('supports findOneAndUpdate with new/upsert/sort and findOneAndDelete', async () => {
    const Jobs = await freshModel(new Schema({ name: String, priority: Number, state: String }));
    await Jobs.insertMany([
      { name: 'low', priority: 1, state: 'new' },
      { name: 'high', priority: 9, state: 'new' },
      { name: 'mid', priority: 5, state: 'new' },
    ]);
    const oldDoc = await Jobs.findOneAndUpdate(
      { state: 'new' },
      { $set: { state: 'taken' } },
      { sort: { priority: -1 } },
    ).lean();
    expect(oldDoc).toMatchObject({ name: 'high', state: 'new' });
    const newDoc = await Jobs.findOneAndUpdate(
      { state: 'new' },
      { $set: { state: 'taken' } },
      { sort: { priority: -1 }, returnDocument: 'after' },
    ).lean();
    expect(newDoc).toMatchObject({ name: 'mid', state: 'taken' });
    const upserted = await Jobs.findOneAndUpdate(
      { name: 'fresh' },
      { $set: { priority: 3 } },
      { upsert: true, returnDocument: 'after' },
    ).lean();
    expect(upserted).toMatchObject({ name: 'fresh', priority: 3 });
    const missing = await Jobs.findOneAndUpdate({ name: 'nope' }, { $set: { priority: 3 } }).lean();
    expect(missing).toBeNull();
    const removed = await Jobs.findOneAndDelete({ state: 'new' }).lean();
    expect(removed).toMatchObject({ name: 'low' });
    expect(await Jobs.countDocuments()).toBe(3);
  });
});

describe('aggregation and counting', () => {
  it('runs $match, $group, $sort, $project, $limit, $count and $facet', async () => {
    const Items = await seedItems();
    const groups = await Items.aggregate<{
      _id: string;
      total: number;
      avg: number;
      min: number;
      max: number;
      names: string[];
    }>([
      { $match: { qty: { $exists: true } } },
      {
        $group: {
          _id: '$status',
          total: { $sum: '$qty' },
          avg: { $avg: '$qty' },
          min: { $min: '$qty' },
          max: { $max: '$qty' },
          names: { $push: '$name' },
        },
      },
      { $sort: { _id: 1 } },
    ]);
    expect(groups).toEqual([
      { _id: 'A', total: 120, avg: 40, min: 25, max: 50, names: ['journal', 'notebook', 'postcard'] },
      { _id: 'D', total: 175, avg: 87.5, min: 75, max: 100, names: ['paper', 'planner'] },
    ]);
    const top = await Items.aggregate([
      { $sort: { qty: -1 } },
      { $limit: 2 },
      { $project: { _id: 0, name: 1, double: { $multiply: ['$qty', 2] } } },
    ]);
    expect(top).toEqual([
      { name: 'paper', double: 200 },
      { name: 'planner', double: 150 },
    ]);
    expect(await Items.aggregate([{ $match: { status: 'A' } }, { $count: 'n' }])).toEqual([{ n: 3 }]);
    const [facets] = await Items.aggregate([
      {
        $facet: {
          inches: [{ $match: { 'size.uom': 'in' } }, { $count: 'n' }],
          first: [{ $sort: { name: 1 } }, { $limit: 1 }, { $project: { _id: 0, name: 1 } }],
        },
      },
    ]);
    expect(facets).toEqual({ inches: [{ n: 2 }], first: [{ name: 'journal' }] });
  });

  it('counts and lists distinct values', async () => {
    const Items = await seedItems();
    expect(await Items.countDocuments({ status: 'A' })).toBe(3);
    expect(await Items.countDocuments()).toBe(6);
    expect(await Items.estimatedDocumentCount()).toBe(6);
    expect((await Items.distinct('status')).sort()).toEqual(['A', 'D']);
    expect((await Items.distinct('tags', { status: 'A' })).sort()).toEqual(['blank', 'blue', 'red']);
  });
});

describe('cursors and types', () => {
  it('iterates 1,000 documents in batches of 100 through getMore', async () => {
    const Many = await freshModel(new Schema({ i: Number }));
    await Many.insertMany(Array.from({ length: 1000 }, (_, i) => ({ i })));
    const getMoresBefore = commandsStarted.filter((c) => c === 'getMore').length;
    let seen = 0;
    let sum = 0;
    for await (const doc of Many.find().sort({ i: 1 }).batchSize(100).lean().cursor()) {
      expect(doc.i).toBe(seen);
      sum += doc.i ?? 0;
      seen++;
    }
    expect(seen).toBe(1000);
    expect(sum).toBe((999 * 1000) / 2);
    expect(commandsStarted.filter((c) => c === 'getMore').length - getMoresBefore).toBeGreaterThanOrEqual(9);
  });

  it('keeps every batch under 16 MiB, whatever its size in documents (GridFS reads 255 KiB chunks)', async () => {
    const Big = await freshModel(new Schema({ n: Number, data: Buffer }));
    const chunk = Buffer.alloc(255 * 1024, 7);
    // 120 documents of 255 KiB: a first batch of 101 (the default) would be 25 MiB, a batch of
    // 110 asked for by getMore 27 MiB; MongoDB stops each batch at 16 MiB.
    for (let n = 0; n < 120; n += 20)
      await Big.insertMany(Array.from({ length: 20 }, (_, i) => ({ n: n + i, data: chunk })));
    let seen = 0;
    for await (const doc of Big.find().sort({ n: 1 }).lean().cursor()) {
      expect(doc.n).toBe(seen);
      expect(doc.data).toBeTruthy();
      seen++;
    }
    expect(seen).toBe(120);
    seen = 0;
    for await (const doc of Big.find().sort({ n: 1 }).batchSize(110).lean().cursor()) {
      expect(doc.n).toBe(seen);
      seen++;
    }
    expect(seen).toBe(120);
  });

  it('round-trips Dates, ObjectIds, nested values, Long and Decimal128', async () => {
    const Typed = await freshModel(
      new Schema({
        when: Date,
        ref: Schema.Types.ObjectId,
        nested: { list: [{ k: String, v: [Number] }] },
        big: BigInt,
        price: Schema.Types.Decimal128,
      }),
    );
    const ref = new mongoose.Types.ObjectId();
    const when = new Date('2024-02-29T12:34:56.789Z');
    const big = 2n ** 62n + 7n;
    const created = await Typed.create({
      when,
      ref,
      nested: { list: [{ k: 'a', v: [1, 2.5] }] },
      big,
      price: mongoose.Types.Decimal128.fromString('19.99'),
    });
    const doc = await Typed.findById(created._id).lean();
    expect(doc?.when).toEqual(when);
    expect(String(doc?.ref)).toBe(String(ref));
    expect(doc?.nested).toEqual({ list: [{ _id: expect.anything(), k: 'a', v: [1, 2.5] }] });
    expect(BigInt(String(doc?.big))).toBe(big);
    expect(String(doc?.price)).toBe('19.99');
    expect(await Typed.countDocuments({ ref })).toBe(1);
    expect(await Typed.countDocuments({ when: { $gte: new Date('2024-01-01') } })).toBe(1);
    // documents handed out are copies: mutating one does not change the stored one
    const hydrated = await Typed.findById(created._id);
    hydrated?.nested?.list[0]?.v.push(99);
    expect((await Typed.findById(created._id).lean())?.nested?.list[0]?.v).toEqual([1, 2.5]);
  });
});

describe('strictness', () => {
  it('rejects an unknown query operator with code 2', async () => {
    const Coll = conn.collection(`strict_${randomBytes(3).toString('hex')}`);
    await Coll.insertOne({ a: 1 });
    await expect(Coll.find({ a: { $foo: 1 } } as never).toArray()).rejects.toMatchObject({
      code: 2,
      codeName: 'BadValue',
      message: expect.stringContaining('unknown operator: $foo'),
    });
  });

  it('rejects an unknown update operator with code 9', async () => {
    const Coll = conn.collection(`strict_${randomBytes(3).toString('hex')}`);
    await Coll.insertOne({ a: 1 });
    await expect(Coll.updateOne({ a: 1 }, { $foo: { a: 2 } } as never)).rejects.toMatchObject({
      code: 9,
      message: expect.stringContaining('Unknown modifier: $foo'),
    });
  });

  it('rejects an unknown pipeline stage with code 40324', async () => {
    const Items = await seedItems();
    await expect(Items.aggregate([{ $foo: {} } as never])).rejects.toMatchObject({
      code: 40324,
      message: expect.stringContaining("Unrecognized pipeline stage name: '$foo'"),
    });
  });

  it('refuses transactions like a standalone mongod (code 20)', async () => {
    const Coll = conn.collection(`txn_${randomBytes(3).toString('hex')}`);
    await Coll.insertOne({ a: 1 });
    const session = conn.getClient().startSession();
    try {
      session.startTransaction();
      // mongod answers code 20 "Transaction numbers are only allowed on a replica set member or
      // mongos"; the driver rewrites that into its retryable-writes advice.
      await expect(Coll.insertOne({ a: 2 }, { session })).rejects.toThrow(
        /does not support retryable writes|Transaction numbers are only allowed/,
      );
      await session.abortTransaction().catch(() => undefined);
    } finally {
      await session.endSession();
    }
    expect(await Coll.countDocuments()).toBe(1);
  });

  it('rejects an unknown command with code 59', async () => {
    await expect(conn.db!.command({ foo: 1 })).rejects.toMatchObject({
      code: 59,
      codeName: 'CommandNotFound',
      message: expect.stringContaining("no such command: 'foo'"),
    });
  });
});

describe('serverStatus', () => {
  it('counts operations as mongod does: documents inserted, statements updated, finds, other commands', async () => {
    const Coll = await freshModel(itemSchema());
    type Status = { opcounters: Record<string, number>; network: { numRequests: number } };
    const status = async () => (await conn.db!.admin().command({ serverStatus: 1 })) as Status;
    const ops = async () => (await status()).opcounters;
    const requestsBefore = (await status()).network.numRequests;
    const before = await ops();
    await Coll.insertMany([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    await Coll.updateOne({ name: 'a' }, { $set: { qty: 1 } });
    await Coll.find({ name: 'b' }).lean();
    await Coll.findOneAndUpdate({ name: 'c' }, { $set: { qty: 2 } }).lean();
    const after = await ops();
    // At least: a real MongoDB may count other clients' operations meanwhile.
    expect(after['insert']! - before['insert']!).toBeGreaterThanOrEqual(3);
    expect(after['update']! - before['update']!).toBeGreaterThanOrEqual(1);
    expect(after['query']! - before['query']!).toBeGreaterThanOrEqual(1);
    // findAndModify and the serverStatus itself are commands.
    expect(after['command']! - before['command']!).toBeGreaterThanOrEqual(2);
    // Round trips: the insertMany is one, with the three other operations and two serverStatus.
    expect((await status()).network.numRequests - requestsBefore).toBeGreaterThanOrEqual(6);
  });
});

describe('databases', () => {
  it('drops a database', async () => {
    const other = conn.useDb(`embedded_drop_${randomBytes(4).toString('hex')}`, { useCache: false });
    await other.collection('things').insertOne({ a: 1 });
    expect((await other.listCollections()).map((c) => c.name)).toEqual(['things']);
    await other.dropDatabase();
    expect(await other.listCollections()).toEqual([]);
  });
});

describe('speed', () => {
  it('inserts 20,000 documents in batches and finds by an indexed field quickly', async () => {
    const schema = new Schema({ phone: String, i: Number });
    schema.index({ phone: 1 }, { unique: true });
    const Big = await freshModel(schema);
    const start = Date.now();
    for (let b = 0; b < 20; b++) {
      await Big.insertMany(
        Array.from({ length: 1000 }, (_, k) => ({
          phone: `+1555${String(b * 1000 + k).padStart(7, '0')}`,
          i: b * 1000 + k,
        })),
        { lean: true },
      );
    }
    expect(Date.now() - start).toBeLessThan(20_000);
    // Timed against a lookup by the non-indexed field `i` in the same run, so the check holds on
    // a loaded machine: an index that is not used would make both take as long as a scan.
    const timeLookups = async (byIndex: boolean) => {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < 100; k++) {
        const i = (k * 97) % 20000;
        const filter = byIndex ? { phone: `+1555${String(i).padStart(7, '0')}` } : { i };
        const doc = await Big.findOne(filter).lean();
        expect(doc?.i).toBe(i);
      }
      return Number(process.hrtime.bigint() - t0) / 1e6 / 100;
    };
    await timeLookups(true); // warm-up
    const indexed = await timeLookups(true);
    const scanned = await timeLookups(false);
    expect(indexed).toBeLessThan(scanned / 2);
    expect(indexed).toBeLessThan(50); // generous: `npm run bench -- mongo` measures the 2 ms goal
  });
});
