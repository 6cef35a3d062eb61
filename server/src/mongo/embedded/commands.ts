/**
 * Command handlers. Each handler runs synchronously from first read to last write, so a
 * command is atomic with respect to every other client (Node runs one at a time).
 * Handlers throw `MongoCommandError` for `ok: 0` replies; write commands report per-statement
 * failures in `writeErrors` with `ok: 1`, as mongod does.
 */
import { Long, ObjectId, calculateObjectSize, serialize } from 'bson';
import { Aggregator, ProcessingMode, Query } from 'mingo';
import type { Collection, Entry } from './collection';
import { logger } from '../../logger';
import { MongoCommandError, translateMingoError } from './errors';
import { compileFilter, projectDoc, sortDocs } from './query';
import type { Filter, SortSpec } from './query';
import { DEFAULT_FIRST_BATCH } from './store';
import type { Store } from './store';
import { applyUpdate, isOperatorUpdate, upsertBase, validateUpdate } from './update';
import type { UpdateSpec } from './update';
import { canonicalKey, compareValues, deepClone, getPathValues, isPlainObject, quickSame } from './values';
import type { Doc } from './values';

/** The wire version of MongoDB 7.0; the driver (7.x) accepts 9–29. */
const MAX_WIRE_VERSION = 21;
/** The MongoDB version this server answers as (buildInfo, serverStatus). */
const SERVER_VERSION = '7.0.0';
const MAX_BSON_OBJECT_SIZE = 16 * 1024 * 1024;
const MAX_MESSAGE_SIZE = 48_000_000;
const MAX_WRITE_BATCH_SIZE = 100_000;
/**
 * Every batch (first or getMore, whatever its batchSize) stops before its documents pass about
 * this many bytes, as mongod's do (16 MiB), so a reply always fits one BSON document: 101
 * GridFS chunks of 255 KiB in a first batch overflowed the encoder and killed the server.
 */
const BATCH_BYTES = MAX_BSON_OBJECT_SIZE - 64 * 1024;

/** What a handler can see besides its command. */
export interface CommandContext {
  store: Store;
  connectionId: number;
}

type Handler = (cmd: Doc, db: string, ctx: CommandContext) => Doc;

/** Runs one command and returns the reply document (`ok: 1` or an `ok: 0` error). */
export function runCommand(cmd: Doc, db: string, ctx: CommandContext): Doc {
  ctx.store.counters.commands++;
  const name = Object.keys(cmd)[0] ?? '';
  countOp(ctx.store.opcounters, name, cmd);
  const handler = Object.prototype.hasOwnProperty.call(HANDLERS, name) ? HANDLERS[name] : undefined;
  try {
    if (!handler) {
      // Logged because a driver upgrade may start sending a command this server lacks.
      logger.warn({ command: name, db }, 'embedded mongo: unknown command');
      throw new MongoCommandError('CommandNotFound', `no such command: '${name}'`);
    }
    // A standalone mongod refuses transaction numbers (retryable writes and transactions).
    if (cmd['txnNumber'] !== undefined || cmd['startTransaction'] !== undefined || cmd['autocommit'] !== undefined) {
      throw new MongoCommandError(
        'IllegalOperation',
        'Transaction numbers are only allowed on a replica set member or mongos',
      );
    }
    return handler(cmd, db, ctx);
  } catch (err) {
    if (err instanceof MongoCommandError) return err.toReply();
    return translateMingoError(err).toReply();
  }
}

/** Counts a command as mongod's opcounters do (writes by document or statement). */
function countOp(op: Store['opcounters'], name: string, cmd: Doc): void {
  const many = (field: string) => (Array.isArray(cmd[field]) ? (cmd[field] as unknown[]).length : 0);
  if (name === 'insert') op.insert += many('documents');
  else if (name === 'update') op.update += many('updates');
  else if (name === 'delete') op.delete += many('deletes');
  else if (name === 'find') op.query++;
  else if (name === 'getMore') op.getmore++;
  else op.command++;
}

/** The part of mongod's serverStatus that tools read most: operation counters and requests received. */
function serverStatus(_cmd: Doc, _db: string, ctx: CommandContext): Doc {
  return {
    process: 'mongod',
    version: SERVER_VERSION,
    opcounters: { ...ctx.store.opcounters },
    // mongod: "the total number of distinct requests that the server has received" (round trips).
    network: { numRequests: ctx.store.counters.commands },
    ok: 1,
  };
}

function hello(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  return {
    ...(cmd['helloOk'] === true ? { helloOk: true } : {}),
    ismaster: true,
    isWritablePrimary: true,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    maxMessageSizeBytes: MAX_MESSAGE_SIZE,
    maxWriteBatchSize: MAX_WRITE_BATCH_SIZE,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    connectionId: ctx.connectionId,
    minWireVersion: 0,
    maxWireVersion: MAX_WIRE_VERSION,
    readOnly: false,
    ok: 1,
  };
}

function collName(cmd: Doc, name: string): string {
  const value = cmd[name];
  if (typeof value !== 'string' || value === '') {
    throw new MongoCommandError('InvalidNamespace', `collection name has invalid type ${typeof value}`);
  }
  return value;
}

function docArray(cmd: Doc, field: string): Doc[] {
  const value = cmd[field];
  if (!Array.isArray(value))
    throw new MongoCommandError('BadValue', `BSON field '${field}' is missing but a required field`);
  return value as Doc[];
}

function optionalDoc(value: unknown, field: string): Doc | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isPlainObject(value))
    throw new MongoCommandError(
      'TypeMismatch',
      `BSON field '${field}' is the wrong type '${typeof value}', expected type 'object'`,
    );
  return value;
}

function num(value: unknown, fallback: number): number {
  if (value === undefined || value === null) return fallback;
  return Number(typeof value === 'object' ? String(value) : value);
}

/** Entries matching `filter`, in natural order, through an index when one fits. */
function matching(coll: Collection | undefined, filterDoc: Doc | undefined, filter: Filter, limit = Infinity): Entry[] {
  if (!coll) return [];
  const found = coll.lookup(filterDoc);
  if (!found) return firstMatches(coll.all(), filter, limit);
  return firstMatches(found.entries, restFilter(filterDoc, found.covered, filter), limit);
}

/** Entries matching a filter with an optional sort, of which the caller wants the first `limit`. */
function select(
  coll: Collection | undefined,
  filterDoc: Doc | undefined,
  sort: SortSpec | undefined,
  limit = Infinity,
): Entry[] {
  const filter = compileFilter(filterDoc);
  const hasSort = sort !== undefined && Object.keys(sort).length > 0;
  if (!hasSort) return matching(coll, filterDoc, filter, limit);
  // Walking an index in sort order stops after `limit` matches: a claim reads a few contacts of
  // its bucket instead of testing and sorting all of them (130 ms among 100,000).
  const ordered = coll?.ordered(filterDoc, sort);
  if (ordered) return firstMatches(ordered.entries, restFilter(filterDoc, ordered.covered, filter), limit);
  const entries = matching(coll, filterDoc, filter);
  sortDocs(entries, sort, (e) => e.doc);
  return entries.length > limit ? entries.slice(0, limit) : entries;
}

/**
 * `filter` without the conditions an index already decided for every candidate it gives
 * (`filter` is the full filter, compiled by the caller, which also validated it). It matters for
 * `{_id: {$in: [...1,000 ids]}}`, which mingo tests by hashing the whole list per document.
 */
function restFilter(filterDoc: Doc | undefined, covered: string[], filter: Filter): Filter {
  if (!filterDoc || covered.length === 0) return filter;
  const rest: Doc = {};
  for (const [k, v] of Object.entries(filterDoc)) if (!covered.includes(k)) rest[k] = v;
  return compileFilter(rest);
}

/** The first `limit` entries of `source` that pass `filter`, in its order. */
function firstMatches(source: Iterable<Entry>, filter: Filter, limit: number): Entry[] {
  const out: Entry[] = [];
  for (const entry of source) {
    if (filter.test(entry.doc)) {
      out.push(entry);
      if (out.length >= limit) break;
    }
  }
  return out;
}

/** Builds a `cursor` reply: a first batch now, the rest kept for getMore. */
function cursorReply(
  ctx: CommandContext,
  ns: string,
  docs: Doc[],
  batchSize: number,
  singleBatch: boolean,
  transform: (d: Doc) => Doc,
): Doc {
  const size = batchSize > 0 ? batchSize : DEFAULT_FIRST_BATCH;
  const first: Doc[] = [];
  let bytes = 0;
  while (first.length < size && first.length < docs.length) {
    const doc = transform(docs[first.length] as Doc);
    bytes += calculateObjectSize(doc);
    if (first.length > 0 && bytes > BATCH_BYTES) break;
    first.push(doc);
  }
  let id = 0;
  if (!singleBatch && docs.length > first.length) id = ctx.store.openCursor(ns, docs, first.length, transform);
  return { cursor: { firstBatch: first, id: Long.fromNumber(id), ns }, ok: 1 };
}

function find(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'find');
  const filterDoc = optionalDoc(cmd['filter'], 'filter');
  const sort = optionalDoc(cmd['sort'], 'sort');
  const projection = optionalDoc(cmd['projection'], 'projection');
  const skip = num(cmd['skip'], 0);
  let limit = num(cmd['limit'], 0);
  let singleBatch = cmd['singleBatch'] === true;
  if (limit < 0) {
    limit = -limit;
    singleBatch = true;
  }
  if (skip < 0) throw new MongoCommandError('BadValue', 'skip value must be non-negative');
  const entries = select(ctx.store.collection(db, name), filterDoc, sort, limit > 0 ? skip + limit : Infinity);
  const docs = entries.slice(skip).map((e) => e.doc);
  if (projection) projectDoc({}, projection); // validate the projection even when nothing matches
  // Stored documents are immutable (updates swap in new objects), so cursors may hold them
  // and BSON encoding at send time is the copy a client gets.
  const transform = projection ? (d: Doc) => projectDoc(d, projection) : (d: Doc) => d;
  return cursorReply(
    ctx,
    `${db}.${name}`,
    docs,
    num(cmd['batchSize'], 0),
    singleBatch || (limit > 0 && docs.length <= limit && num(cmd['batchSize'], 0) >= limit),
    transform,
  );
}

function getMore(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const id = num(cmd['getMore'], 0);
  const name = collName(cmd, 'collection');
  const cursor = ctx.store.cursor(id);
  if (!cursor || cursor.ns !== `${db}.${name}`)
    throw new MongoCommandError('CursorNotFound', `cursor id ${id} not found`);
  ctx.store.counters.getMores++;
  const batchSize = num(cmd['batchSize'], 0);
  const batch: Doc[] = [];
  let bytes = 0;
  while (cursor.pos < cursor.docs.length) {
    if (batchSize > 0 && batch.length >= batchSize) break;
    const doc = cursor.transform(cursor.docs[cursor.pos] as Doc);
    bytes += calculateObjectSize(doc);
    if (batch.length > 0 && bytes > BATCH_BYTES) break;
    batch.push(doc);
    cursor.pos++;
  }
  cursor.lastUsed = Date.now();
  const exhausted = cursor.pos >= cursor.docs.length;
  if (exhausted) ctx.store.closeCursor(id);
  return { cursor: { nextBatch: batch, id: Long.fromNumber(exhausted ? 0 : id), ns: cursor.ns }, ok: 1 };
}

function killCursors(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  const killed: Long[] = [];
  const notFound: Long[] = [];
  for (const raw of (cmd['cursors'] as unknown[]) ?? []) {
    const id = num(raw, 0);
    (ctx.store.closeCursor(id) ? killed : notFound).push(Long.fromNumber(id));
  }
  return { cursorsKilled: killed, cursorsNotFound: notFound, cursorsAlive: [], cursorsUnknown: [], ok: 1 };
}

function insert(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'insert');
  const docs = docArray(cmd, 'documents');
  const ordered = cmd['ordered'] !== false;
  const coll = ctx.store.ensureCollection(db, name);
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < docs.length; i++) {
    try {
      const doc = docs[i];
      if (!isPlainObject(doc)) throw new MongoCommandError('TypeMismatch', 'document must be an object');
      coll.insert(doc);
      n++;
    } catch (err) {
      writeErrors.push({ index: i, ...asCommandError(err).toWriteError() });
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

function asCommandError(err: unknown): MongoCommandError {
  return err instanceof MongoCommandError ? err : translateMingoError(err);
}

/** Whether two documents serialize to the same BSON (what makes an update "not modified"). */
function sameBson(a: Doc, b: Doc): boolean {
  // Most updates change something a field-by-field walk finds at once; serializing both
  // documents only settles what it cannot (other BSON classes, e.g. Int32 vs a number).
  const quick = quickSame(a, b);
  return quick === 'unknown' ? Buffer.from(serialize(a)).equals(Buffer.from(serialize(b))) : quick;
}

/** Builds and inserts the document of an upsert that matched nothing. */
function upsertInsert(coll: Collection, filterDoc: Doc, update: UpdateSpec, arrayFilters: Doc[] | undefined): Doc {
  let doc: Doc;
  if (isOperatorUpdate(update) || Array.isArray(update)) {
    doc = applyUpdate(upsertBase(filterDoc), update, { filter: filterDoc, arrayFilters, isInsert: true });
  } else {
    doc = deepClone(update);
    const base = upsertBase(filterDoc);
    if (doc['_id'] === undefined && base['_id'] !== undefined) doc = { _id: base['_id'], ...doc };
  }
  // `_id` goes first, as mongod stores it.
  const { _id: id, ...rest } = doc;
  return coll.insert({ _id: id === undefined ? new ObjectId() : id, ...rest });
}

interface UpdateOutcome {
  matched: number;
  modified: number;
  upserted?: Doc;
  before?: Doc;
  after?: Doc;
}

/** One update statement (`multi` or not); shared by `update` and `findAndModify`. */
function updateStatement(
  coll: Collection,
  filterDoc: Doc,
  update: UpdateSpec,
  opts: { multi: boolean; upsert: boolean; arrayFilters: Doc[] | undefined; sort?: SortSpec },
): UpdateOutcome {
  validateUpdate(update);
  if (opts.multi && !isOperatorUpdate(update) && !Array.isArray(update)) {
    throw new MongoCommandError('FailedToParse', 'multi update is not supported for replacement-style update');
  }
  const entries = select(coll, filterDoc, opts.sort, opts.multi ? Infinity : 1);
  if (entries.length === 0) {
    if (!opts.upsert) return { matched: 0, modified: 0 };
    const doc = upsertInsert(coll, filterDoc, update, opts.arrayFilters);
    return { matched: 0, modified: 0, upserted: doc, after: doc };
  }
  let modified = 0;
  let before: Doc | undefined;
  let after: Doc | undefined;
  for (const entry of entries) {
    const prev = entry.doc;
    const next = applyUpdate(prev, update, { filter: filterDoc, arrayFilters: opts.arrayFilters, isInsert: false });
    before ??= prev;
    if (sameBson(prev, next)) {
      after ??= prev;
      continue;
    }
    coll.replace(entry, next);
    after ??= next;
    modified++;
  }
  return { matched: entries.length, modified, before, after };
}

function update(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'update');
  const statements = docArray(cmd, 'updates');
  const ordered = cmd['ordered'] !== false;
  const coll = ctx.store.ensureCollection(db, name);
  const writeErrors: Doc[] = [];
  const upserted: Doc[] = [];
  let n = 0;
  let nModified = 0;
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i] as Doc;
    try {
      const u = st['u'];
      if (!isPlainObject(u) && !Array.isArray(u))
        throw new MongoCommandError('FailedToParse', 'Update argument must be either an object or an array');
      const outcome = updateStatement(coll, optionalDoc(st['q'], 'q') ?? {}, u as UpdateSpec, {
        multi: st['multi'] === true,
        upsert: st['upsert'] === true,
        arrayFilters: st['arrayFilters'] as Doc[] | undefined,
      });
      n += outcome.matched;
      nModified += outcome.modified;
      if (outcome.upserted) {
        n++;
        upserted.push({ index: i, _id: outcome.upserted['_id'] });
      }
    } catch (err) {
      writeErrors.push({ index: i, ...asCommandError(err).toWriteError() });
      if (ordered) break;
    }
  }
  const reply: Doc = { n, nModified };
  if (upserted.length > 0) reply['upserted'] = upserted;
  if (writeErrors.length > 0) reply['writeErrors'] = writeErrors;
  reply['ok'] = 1;
  return reply;
}

function deleteCmd(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'delete');
  const statements = docArray(cmd, 'deletes');
  const ordered = cmd['ordered'] !== false;
  const coll = ctx.store.collection(db, name);
  const writeErrors: Doc[] = [];
  let n = 0;
  for (let i = 0; i < statements.length; i++) {
    const st = statements[i] as Doc;
    try {
      const limit = num(st['limit'], 0);
      if (limit !== 0 && limit !== 1)
        throw new MongoCommandError('FailedToParse', `The limit field in delete objects must be 0 or 1. Got ${limit}`);
      const entries = select(coll, optionalDoc(st['q'], 'q') ?? {}, undefined, limit === 1 ? 1 : Infinity);
      for (const entry of entries) coll?.remove(entry);
      n += entries.length;
    } catch (err) {
      writeErrors.push({ index: i, ...asCommandError(err).toWriteError() });
      if (ordered) break;
    }
  }
  return writeErrors.length > 0 ? { n, writeErrors, ok: 1 } : { n, ok: 1 };
}

function findAndModify(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, Object.keys(cmd)[0] as string);
  const filterDoc = optionalDoc(cmd['query'], 'query') ?? {};
  const sort = optionalDoc(cmd['sort'], 'sort');
  const fields = optionalDoc(cmd['fields'], 'fields');
  const remove = cmd['remove'] === true;
  const upd = cmd['update'];
  // Stored documents are never changed in place (an update builds a new one), and the reply is
  // serialized before anything else runs: without a projection it needs no copy.
  const project = (d: Doc | undefined): Doc | null => (d ? (fields ? projectDoc(d, fields) : d) : null);
  if (remove) {
    if (upd !== undefined)
      throw new MongoCommandError('FailedToParse', 'Cannot specify both an update and remove=true');
    if (cmd['upsert'] === true)
      throw new MongoCommandError('FailedToParse', 'Cannot specify both upsert=true and remove=true');
    const coll = ctx.store.collection(db, name);
    const [entry] = select(coll, filterDoc, sort, 1);
    if (!entry || !coll) return { lastErrorObject: { n: 0 }, value: null, ok: 1 };
    coll.remove(entry);
    return { lastErrorObject: { n: 1 }, value: project(entry.doc), ok: 1 };
  }
  if (!isPlainObject(upd) && !Array.isArray(upd))
    throw new MongoCommandError('FailedToParse', 'Either an update or remove=true must be specified');
  const coll = ctx.store.ensureCollection(db, name);
  const outcome = updateStatement(coll, filterDoc, upd as UpdateSpec, {
    multi: false,
    upsert: cmd['upsert'] === true,
    arrayFilters: cmd['arrayFilters'] as Doc[] | undefined,
    sort,
  });
  const wantNew = cmd['new'] === true;
  if (outcome.upserted) {
    return {
      lastErrorObject: { n: 1, updatedExisting: false, upserted: outcome.upserted['_id'] },
      value: wantNew ? project(outcome.upserted) : null,
      ok: 1,
    };
  }
  return {
    lastErrorObject: { n: outcome.matched, updatedExisting: outcome.matched > 0 },
    value: project(wantNew ? outcome.after : outcome.before),
    ok: 1,
  };
}

/** Stage names mongod accepts; mingo implements most of them. */
const STAGES = new Set([
  '$addFields',
  '$bucket',
  '$bucketAuto',
  '$count',
  '$densify',
  '$facet',
  '$fill',
  '$graphLookup',
  '$group',
  '$limit',
  '$lookup',
  '$match',
  '$project',
  '$redact',
  '$replaceRoot',
  '$replaceWith',
  '$sample',
  '$set',
  '$setWindowFields',
  '$skip',
  '$sort',
  '$sortByCount',
  '$unionWith',
  '$unset',
  '$unwind',
  '$documents',
]);
const ACCUMULATORS = new Set([
  '$sum',
  '$avg',
  '$min',
  '$max',
  '$push',
  '$addToSet',
  '$first',
  '$last',
  '$count',
  '$mergeObjects',
  '$stdDevPop',
  '$stdDevSamp',
  '$top',
  '$bottom',
  '$topN',
  '$bottomN',
  '$firstN',
  '$lastN',
  '$maxN',
  '$minN',
  '$median',
  '$percentile',
]);

function validatePipeline(pipeline: unknown): Doc[] {
  if (!Array.isArray(pipeline))
    throw new MongoCommandError('TypeMismatch', "'pipeline' option must be specified as an array");
  for (const stage of pipeline) {
    if (!isPlainObject(stage) || Object.keys(stage).length !== 1) {
      throw new MongoCommandError(
        'Location40323',
        'A pipeline stage specification object must contain exactly one field.',
      );
    }
    const [stageName, spec] = Object.entries(stage)[0] as [string, unknown];
    if (stageName === '$out' || stageName === '$merge') {
      throw new MongoCommandError('IllegalOperation', `${stageName} is not supported by the embedded MongoDB server`);
    }
    if (!STAGES.has(stageName))
      throw new MongoCommandError('UnrecognizedPipelineStage', `Unrecognized pipeline stage name: '${stageName}'`);
    if (stageName === '$group' && isPlainObject(spec)) {
      for (const [field, acc] of Object.entries(spec)) {
        if (field === '_id' || !isPlainObject(acc)) continue;
        const op = Object.keys(acc)[0] ?? '';
        if (!ACCUMULATORS.has(op))
          throw new MongoCommandError('UnknownGroupOperator', `unknown group operator '${op}'`);
      }
    }
    if (stageName === '$facet' && isPlainObject(spec)) for (const sub of Object.values(spec)) validatePipeline(sub);
  }
  return pipeline as Doc[];
}

function aggregate(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const target = cmd['aggregate'];
  if (typeof target !== 'string')
    throw new MongoCommandError(
      'InvalidNamespace',
      'collection-less aggregate is not supported by the embedded MongoDB server',
    );
  const pipeline = validatePipeline(cmd['pipeline']);
  if (cmd['explain'] === true)
    throw new MongoCommandError('IllegalOperation', 'explain is not supported by the embedded MongoDB server');
  const cursorOpt = optionalDoc(cmd['cursor'], 'cursor');
  if (!cursorOpt)
    throw new MongoCommandError(
      'FailedToParse',
      "The 'cursor' option is required, except for aggregate with the explain argument",
    );
  const coll = ctx.store.collection(db, target);
  // A leading $match (and $sort) run here, through indexes and in BSON order, without copying
  // the collection; mingo then gets private copies of only the matching documents.
  let stages = pipeline;
  let filterDoc: Doc | undefined;
  let sort: SortSpec | undefined;
  if (stages[0] && isPlainObject(stages[0]['$match'])) {
    filterDoc = stages[0]['$match'];
    stages = stages.slice(1);
  }
  if (stages[0] && isPlainObject(stages[0]['$sort'])) {
    sort = stages[0]['$sort'];
    stages = stages.slice(1);
  }
  const input = select(coll, filterDoc, sort).map((e) => deepClone(e.doc));
  let output: Doc[];
  try {
    output =
      stages.length === 0
        ? input
        : (new Aggregator(stages, {
            processingMode: ProcessingMode.CLONE_OFF,
            collectionResolver: (name: string) =>
              [...(ctx.store.collection(db, name)?.all() ?? [])].map((e) => deepClone(e.doc)),
          }).run(input) as Doc[]);
  } catch (err) {
    throw translateMingoError(err);
  }
  return cursorReply(ctx, `${db}.${target}`, output, num(cursorOpt['batchSize'], 0), false, (d) => d);
}

function count(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'count');
  const filterDoc = optionalDoc(cmd['query'], 'query');
  const coll = ctx.store.collection(db, name);
  const skip = num(cmd['skip'], 0);
  const limit = Math.abs(num(cmd['limit'], 0));
  let n: number;
  if (!filterDoc || Object.keys(filterDoc).length === 0) n = coll?.size ?? 0;
  else n = matching(coll, filterDoc, compileFilter(filterDoc)).length;
  n = Math.max(0, n - skip);
  if (limit > 0) n = Math.min(n, limit);
  return { n, ok: 1 };
}

function distinct(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'distinct');
  const key = cmd['key'];
  if (typeof key !== 'string')
    throw new MongoCommandError('TypeMismatch', "BSON field 'distinct.key' is missing but a required field");
  const filterDoc = optionalDoc(cmd['query'], 'query');
  const seen = new Map<string, unknown>();
  for (const entry of matching(ctx.store.collection(db, name), filterDoc, compileFilter(filterDoc))) {
    for (const v of getPathValues(entry.doc, key)) {
      if (v === undefined || (Array.isArray(v) && v.length === 0)) continue;
      const k = canonicalKey(v);
      if (!seen.has(k)) seen.set(k, v);
    }
  }
  const values = [...seen.values()].sort(compareValues);
  return { values, ok: 1 };
}

function create(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'create');
  if (ctx.store.collection(db, name))
    throw new MongoCommandError('NamespaceExists', `Collection ${db}.${name} already exists.`);
  ctx.store.ensureCollection(db, name);
  return { ok: 1 };
}

function drop(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'drop');
  const coll = ctx.store.collection(db, name);
  // Since MongoDB 7.0 dropping a missing collection succeeds.
  if (!coll) return { ok: 1 };
  const nIndexesWas = coll.indexSpecs().length;
  ctx.store.dropCollection(db, name);
  return { nIndexesWas, ns: `${db}.${name}`, ok: 1 };
}

function createIndexes(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'createIndexes');
  const specs = docArray(cmd, 'indexes');
  const created = !ctx.store.collection(db, name);
  const coll = ctx.store.ensureCollection(db, name);
  const before = coll.indexSpecs().length;
  for (const spec of specs) coll.createIndex(spec);
  const after = coll.indexSpecs().length;
  const reply: Doc = { numIndexesBefore: before, numIndexesAfter: after, createdCollectionAutomatically: created };
  if (before === after) reply['note'] = 'all indexes already exist';
  reply['ok'] = 1;
  return reply;
}

function listIndexes(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, 'listIndexes');
  const coll = ctx.store.collection(db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns does not exist: ${db}.${name}`);
  const cursorOpt = optionalDoc(cmd['cursor'], 'cursor') ?? {};
  return cursorReply(ctx, `${db}.${name}`, coll.indexSpecs(), num(cursorOpt['batchSize'], 0), false, (d) => d);
}

function dropIndexes(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const name = collName(cmd, Object.keys(cmd)[0] as string);
  const coll = ctx.store.collection(db, name);
  if (!coll) throw new MongoCommandError('NamespaceNotFound', `ns not found ${db}.${name}`);
  const nIndexesWas = coll.indexSpecs().length;
  const which = cmd['index'];
  const names: string[] = [];
  if (which === '*') {
    coll.dropIndexes();
    return { nIndexesWas, msg: 'non-_id indexes dropped for collection', ok: 1 };
  }
  if (typeof which === 'string') names.push(which);
  else if (Array.isArray(which)) names.push(...which.map(String));
  else if (isPlainObject(which)) {
    const found = coll.findIndexByKey(which);
    if (!found) throw new MongoCommandError('IndexNotFound', `can't find index with key: ${JSON.stringify(which)}`);
    names.push(found);
  } else throw new MongoCommandError('TypeMismatch', "BSON field 'index' is missing or of the wrong type");
  for (const n of names) {
    if (n === '_id_') throw new MongoCommandError('InvalidOptions', 'cannot drop _id index');
    if (!coll.indexSpecs().some((s) => s['name'] === n))
      throw new MongoCommandError('IndexNotFound', `index not found with name [${n}]`);
  }
  for (const n of names) coll.dropIndex(n);
  return { nIndexesWas, ok: 1 };
}

function listCollections(cmd: Doc, db: string, ctx: CommandContext): Doc {
  const filterDoc = optionalDoc(cmd['filter'], 'filter');
  const nameOnly = cmd['nameOnly'] === true;
  const infos: Doc[] = ctx.store.collections(db).map((c) =>
    nameOnly
      ? { name: c.name, type: 'collection' }
      : {
          name: c.name,
          type: 'collection',
          options: {},
          info: { readOnly: false },
          idIndex: { v: 2, key: { _id: 1 }, name: '_id_' },
        },
  );
  let filtered = infos;
  if (filterDoc) {
    let q: Query;
    try {
      q = new Query(filterDoc, {});
    } catch (err) {
      throw translateMingoError(err);
    }
    filtered = infos.filter((i) => q.test(i));
  }
  const cursorOpt = optionalDoc(cmd['cursor'], 'cursor') ?? {};
  return cursorReply(ctx, `${db}.$cmd.listCollections`, filtered, num(cursorOpt['batchSize'], 0), false, (d) => d);
}

function listDatabases(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  const databases = ctx.store.databaseNames().map((name) => ({ name, sizeOnDisk: 0, empty: false }));
  if (cmd['nameOnly'] === true) return { databases: databases.map((d) => ({ name: d.name })), ok: 1 };
  return { databases, totalSize: 0, totalSizeMb: 0, ok: 1 };
}

function dropDatabase(_cmd: Doc, db: string, ctx: CommandContext): Doc {
  ctx.store.dropDatabase(db);
  return { ok: 1 };
}

function renameCollection(cmd: Doc, _db: string, ctx: CommandContext): Doc {
  const split = (ns: unknown): [string, string] => {
    const s = String(ns);
    const dot = s.indexOf('.');
    if (dot <= 0) throw new MongoCommandError('InvalidNamespace', `Invalid namespace specified '${s}'`);
    return [s.slice(0, dot), s.slice(dot + 1)];
  };
  const [fromDb, from] = split(cmd['renameCollection']);
  const [toDb, to] = split(cmd['to']);
  if (!ctx.store.collection(fromDb, from))
    throw new MongoCommandError('NamespaceNotFound', 'Source collection does not exist');
  if (ctx.store.collection(toDb, to)) {
    if (cmd['dropTarget'] !== true) throw new MongoCommandError('NamespaceExists', 'target namespace exists');
    ctx.store.dropCollection(toDb, to);
  }
  ctx.store.renameCollection(fromDb, from, toDb, to);
  return { ok: 1 };
}

function dbStats(_cmd: Doc, db: string, ctx: CommandContext): Doc {
  const colls = ctx.store.collections(db);
  const objects = colls.reduce((sum, c) => sum + c.size, 0);
  const indexes = colls.reduce((sum, c) => sum + c.indexSpecs().length, 0);
  return { db, collections: colls.length, views: 0, objects, indexes, ok: 1 };
}

function ok(): Doc {
  return { ok: 1 };
}

function buildInfo(): Doc {
  return {
    version: SERVER_VERSION,
    gitVersion: 'embedded',
    versionArray: [7, 0, 0, 0],
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_OBJECT_SIZE,
    storageEngines: ['embedded'],
    ok: 1,
  };
}

function getParameter(cmd: Doc): Doc {
  const reply: Doc = {};
  if (cmd['featureCompatibilityVersion'] !== undefined || cmd['getParameter'] === '*') {
    reply['featureCompatibilityVersion'] = { version: '7.0' };
  }
  reply['ok'] = 1;
  return reply;
}

const HANDLERS: Record<string, Handler> = {
  hello,
  isMaster: hello,
  ismaster: hello,
  ping: ok,
  buildInfo,
  buildinfo: buildInfo,
  serverStatus,
  getParameter,
  insert,
  find,
  getMore,
  killCursors,
  update,
  delete: deleteCmd,
  findAndModify,
  findandmodify: findAndModify,
  aggregate,
  count,
  distinct,
  create,
  drop,
  createIndexes,
  listIndexes,
  dropIndexes,
  deleteIndexes: dropIndexes,
  listCollections,
  listDatabases,
  dropDatabase,
  renameCollection,
  dbStats,
  endSessions: ok,
  killSessions: ok,
  refreshSessions: ok,
  killAllSessions: ok,
};
