/**
 * One collection: documents in insertion (natural) order keyed by their `_id`, plus per index a
 * B+ tree of its keys in index order (and a hash map for unique checks). Unique checks are O(1)
 * per key and equality lookups read only their bucket instead of scanning (a scan made 5,000
 * unique inserts take 49 s in the feasibility study); a sort matching an index is answered by
 * walking it in order, so a claim among 100,000 waiting contacts reads a few of them.
 */
import { ObjectId } from 'bson';
import { Query } from 'mingo';
import BTree from 'sorted-btree';
import { MongoCommandError, replyError, translateMingoError } from './errors';
import type { SortSpec } from './query';
import { canonicalKey, compareValues, getPathValues, isPlainObject, quickSame } from './values';
import type { Doc } from './values';

/** A stored document and its insertion sequence (natural order). */
export interface Entry {
  doc: Doc;
  seq: number;
}

/** Index keys separator: canonical keys never contain a raw NUL (JSON escapes it). */
const SEP = '\u0000';
/** Cap on the cartesian product of `$in` lists an index lookup will expand. */
const MAX_LOOKUP_KEYS = 10_000;
/** Cap on the buckets an ordered walk merges (one cursor each); beyond it, collect and sort. */
const MAX_MERGED_BUCKETS = 1_000;

/** A key in an index tree: the indexed values, then the entry's natural order. */
interface TreeKey {
  values: unknown[];
  /** The entry's seq; ±Infinity in a probe, which then bounds the keys starting with its values. */
  seq: number;
}

/** The values of an index's leading fields that one equality bucket holds. */
interface Bucket {
  values: unknown[];
  /** Canonical key of each value (equality is decided by these, as in the maps). */
  parts: string[];
  /** The parts joined: a key of the unique map when the bucket covers every field. */
  key: string;
}

/** A document's key in one index: the bucket of every field's values. */
type IndexKey = Bucket;

/** `parts` of an index key built without canonical keys (its `key` is then ''). */
const NO_PARTS: string[] = [];

/** A secondary index: its keys in index order, plus canonical key → ids for unique checks. */
class Index {
  readonly name: string;
  readonly fields: string[];
  /** Direction of each field (1 for anything but -1, e.g. 'hashed', which only equality uses). */
  readonly dirs: number[];
  readonly spec: Doc;
  readonly unique: boolean;
  readonly sparse: boolean;
  private readonly partial: Query | undefined;
  /**
   * Full canonical key → ids: the unique constraint, and the equality lookups of sparse and
   * partial indexes (which have no tree). Not kept otherwise: the tree answers those lookups.
   */
  readonly map: Map<string, Ids> | undefined;
  /**
   * Every key in index order (each field by `compareValues` in its direction), equal keys in
   * natural order, as MongoDB's B-tree orders them by record id. The keys sharing leading values
   * are one range, so the tree is the bucket of an equality lookup on any prefix (the
   * dispatcher's `{campaignId, status}` claim on `{campaignId, status, _id}`), and a range read
   * in order is sorted by the following fields. Not kept for sparse or partial indexes, which
   * omit documents.
   */
  readonly tree: BTree<TreeKey, Entry> | undefined;
  /**
   * False once a document had several keys (an array on an indexed path) or a key value whose
   * BSON order and equality could disagree (Decimal128, Binary, ...): `sortDocs` would then
   * sort it by another value than the tree holds, so walks are not used. Never reset, like
   * MongoDB's multikey flag.
   */
  plainKeys = true;
  /** Whether every field is ascending or descending, so walks can stand in for a sort. */
  readonly orderable: boolean;
  /** Whether every field is a top-level one (no dotted path): `plainValuesOf` can read them directly. */
  private readonly topLevel: boolean;
  /**
   * The last value keyed on each field (see `intern`): keys of one campaign's contacts then hold
   * one campaignId and one status instance, which the tree's comparator finds equal by identity.
   */
  private readonly lastValues: unknown[];
  /** The canonical key of each `lastValues` entry once computed (a campaignId's hex, say), else undefined. */
  private readonly lastParts: Array<string | undefined>;

  constructor(spec: Doc) {
    this.spec = spec;
    this.name = String(spec['name']);
    const key = spec['key'] as Doc;
    this.fields = Object.keys(key);
    this.dirs = this.fields.map((f) => (key[f] === -1 ? -1 : 1));
    this.orderable = this.fields.every((f) => key[f] === 1 || key[f] === -1);
    this.topLevel = this.fields.every((f) => !f.includes('.'));
    this.lastValues = this.fields.map(() => undefined);
    this.lastParts = this.fields.map(() => undefined);
    this.unique = spec['unique'] === true;
    this.sparse = spec['sparse'] === true;
    const partial = spec['partialFilterExpression'];
    this.partial = isPlainObject(partial) ? new Query(partial, {}) : undefined;
    const dirs = this.dirs;
    this.tree =
      this.sparse || this.partial
        ? undefined
        : new BTree<TreeKey, Entry>(undefined, (a, b) => {
            const n = Math.min(a.values.length, b.values.length);
            for (let i = 0; i < n; i++) {
              const x = a.values[i];
              const y = b.values[i];
              // The same instance (a value `keysOf` interned: the campaignId and status every key
              // of an import shares) is equal without comparing it.
              if (x === y) continue;
              const c = compareValues(x, y);
              if (c !== 0) return c * (dirs[i] as number);
            }
            return a.seq - b.seq;
          });
    this.map = this.unique || !this.tree ? new Map() : undefined;
  }

  /** Whether equality lookups may use this index (a partial index does not hold every doc). */
  get usableForLookup(): boolean {
    return this.partial === undefined;
  }

  /** Whether an equality lookup can read the buckets of the first `p` fields. */
  canLookup(p: number): boolean {
    return this.tree !== undefined || p === this.fields.length;
  }

  /** The keys `doc` is indexed under (several for array values); none when sparse/partial skips it. */
  keysOf(doc: Doc): IndexKey[] {
    if (this.partial && !this.partial.test(doc)) return [];
    const values = this.plainValuesOf(doc);
    if (values) {
      // What the general path below gives for one value per field, without a list per field
      // (every insert builds every index's keys: those lists were most of its garbage).
      if (this.sparse && values.every((v) => v === undefined)) return [];
      if (!this.map) return [{ values, parts: NO_PARTS, key: '' }];
      const parts = values.map((value, i) => this.partOf(i, value));
      return [{ values, parts, key: parts.join(SEP) }];
    }
    const perField = this.fields.map((f) => getPathValues(doc, f));
    if (this.sparse && perField.every((vals) => vals.length === 1 && vals[0] === undefined)) return [];
    // A tree-only index of plain values needs no canonical keys (only maps are keyed by them):
    // building them was a string per field per index for every insert, then garbage.
    if (!this.map && perField.every((list) => list.length === 1)) {
      return [{ values: perField.map((list) => list[0]), parts: NO_PARTS, key: '' }];
    }
    // Every combination of the fields' values (several only for arrays): no cap, a document has them all.
    return bucketsOf(perField, Infinity)!;
  }

  /**
   * The values of `doc`'s indexed fields when they are all top-level and none is an array (the
   * document has one key), each interned (`intern`); undefined otherwise.
   */
  private plainValuesOf(doc: Doc): unknown[] | undefined {
    if (!this.topLevel) return undefined;
    const values: unknown[] = [];
    for (let i = 0; i < this.fields.length; i++) {
      const value = doc[this.fields[i] as string];
      if (Array.isArray(value)) return undefined;
      values.push(this.intern(i, value));
    }
    return values;
  }

  /**
   * `value`, or the equal value last keyed on field `i` when it is a string or an ObjectId of the
   * same kind: a key then shares the instance the keys before it hold (stored documents keep their
   * own). Only the key changes, not what it is equal to, so this is safe for any value.
   */
  private intern(i: number, value: unknown): unknown {
    const last = this.lastValues[i];
    if (value === last) return typeof value === 'string' ? last : value;
    if (value instanceof ObjectId && last instanceof ObjectId && value.equals(last)) return last;
    this.lastValues[i] = value;
    this.lastParts[i] = undefined;
    return value;
  }

  /** `canonicalKey(value)` of field `i`, computed once for the value `intern` last kept. */
  private partOf(i: number, value: unknown): string {
    if (value !== this.lastValues[i]) return canonicalKey(value);
    return (this.lastParts[i] ??= canonicalKey(value));
  }

  add(keys: IndexKey[], id: string, entry: Entry): void {
    if (this.tree && this.plainKeys && (keys.length > 1 || !keys.every((k) => k.values.every(isPlainScalar))))
      this.plainKeys = false;
    for (const { key, values } of keys) {
      if (this.map) addTo(this.map, key, id);
      this.tree?.set({ values, seq: entry.seq }, entry);
    }
  }

  remove(keys: IndexKey[], id: string, entry: Entry): void {
    for (const { key, values } of keys) {
      if (this.map) removeFrom(this.map, key, id);
      this.tree?.delete({ values, seq: entry.seq });
    }
  }

  /** The first key already held by another document, if any. */
  conflict(keys: IndexKey[], id: string): IndexKey | undefined {
    for (const k of keys) {
      const ids = this.map?.get(k.key);
      if (ids !== undefined && (typeof ids === 'string' ? ids !== id : ids.size > 1 || !ids.has(id))) return k;
    }
    return undefined;
  }

  /**
   * The tree's `[key, entry]` pairs of one bucket (its leading fields equal `bucket`), in index
   * order or reversed. A multikey document may come more than once.
   */
  *range(bucket: Bucket, reverse: boolean): Generator<[TreeKey, Entry]> {
    if (!this.tree) return;
    const { values, parts } = bucket;
    const probe: TreeKey = { values, seq: reverse ? Infinity : -Infinity };
    for (const pair of reverse ? this.tree.entriesReversed(probe) : this.tree.entries(probe)) {
      const held = pair[0].values;
      for (let i = 0; i < values.length; i++) if (compareValues(held[i], values[i]) !== 0) return;
      // The range is equal by BSON order; equality is canonical keys', as in the maps. They
      // differ only for odd pairs (a Decimal128 and a double infinity): skip those.
      if (values.every((v, i) => sameKey(held[i], v, parts[i] as string))) yield pair;
    }
  }

  /**
   * Whether every indexed field of `next` holds what it held in `prev` (the same primitives,
   * the same shared BSON instances, equal Dates and subdocuments: `quickSame`), so the keys are the same without computing
   * them. A partial index's membership depends on other fields too: never skipped.
   */
  fieldsUnchanged(prev: Doc, next: Doc): boolean {
    if (this.partial) return false;
    for (const field of this.fields) {
      const a = getPathValues(prev, field);
      const b = getPathValues(next, field);
      if (a.length !== b.length) return false;
      for (let i = 0; i < a.length; i++) if (quickSame(a[i], b[i]) !== true) return false;
    }
    return true;
  }

  /** Whether keys `a` and `b` (one document's, before and after an update) index it alike. */
  sameKeys(a: IndexKey[], b: IndexKey[]): boolean {
    if (a.length !== b.length) return false;
    return a.every((k, i) => {
      const other = b[i] as IndexKey;
      if (k.key !== other.key) return false;
      // Keys without canonical parts (`keysOf` of a tree-only index): compare them here.
      if (k.parts === NO_PARTS && other.parts === NO_PARTS) {
        if (!k.values.every((v, f) => canonicalKey(v) === canonicalKey(other.values[f]))) return false;
      } else if (k.parts === NO_PARTS || other.parts === NO_PARTS) return false;
      // The tree keeps the old values: skipping is only safe if the new ones compare equal to
      // them, or a later removal would miss the key. Canonical keys and BSON order agree for
      // the types documents normally hold; checking both is cheap insurance for odd ones.
      return !this.tree || k.values.every((v, f) => compareValues(v, other.values[f]) === 0);
    });
  }
}

/**
 * A value whose BSON order decides equality exactly as its canonical key does, and which sorts
 * as itself (arrays sort by an element): what walks require of every key value.
 */
function isPlainScalar(v: unknown): boolean {
  switch (typeof v) {
    case 'undefined':
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      if (v === null) return true;
      if (v instanceof Date) return !Number.isNaN(v.getTime());
      return (v as { _bsontype?: string })._bsontype === 'ObjectId';
    default:
      return false;
  }
}

/** Whether `held`, equal to `wanted` in BSON order, has its canonical key `part`. */
function sameKey(held: unknown, wanted: unknown, part: string): boolean {
  if (isPlainScalar(held) && isPlainScalar(wanted)) return true;
  return canonicalKey(held) === part;
}

/**
 * The buckets of the cartesian product of each field's values (deduplicated by canonical key),
 * or `undefined` when there would be more than `max`.
 */
function bucketsOf(lists: unknown[][], max: number): Bucket[] | undefined {
  // One value per field (no arrays): every insert's keys for every index, so no sets or copies.
  if (max >= 1 && lists.every((list) => list.length === 1)) {
    const values = lists.map((list) => list[0]);
    const parts = values.map(canonicalKey);
    return [{ values, parts, key: parts.join(SEP) }];
  }
  let buckets: Bucket[] = [{ values: [], parts: [], key: '' }];
  for (const list of lists) {
    const next: Bucket[] = [];
    const seen = new Set<string>();
    for (const v of list) {
      const part = canonicalKey(v);
      if (seen.has(part)) continue;
      seen.add(part);
      for (const b of buckets)
        next.push({
          values: [...b.values, v],
          parts: [...b.parts, part],
          key: b.parts.length === 0 ? part : `${b.key}${SEP}${part}`,
        });
      if (next.length > max) return undefined;
    }
    buckets = next;
  }
  return buckets;
}

/**
 * The entries of several buckets of `index` in one order: each bucket's range is in index order,
 * so a k-way merge comparing the fields from `from` on (then natural order) gives the order of
 * the whole. Lazy: a caller wanting the first few reads about that many per bucket.
 */
function* mergeRanges(index: Index, buckets: Bucket[], from: number, reverse: boolean): Generator<Entry> {
  if (buckets.length === 1) {
    for (const [, entry] of index.range(buckets[0] as Bucket, reverse)) yield entry;
    return;
  }
  const sign = reverse ? -1 : 1;
  const before = (a: TreeKey, b: TreeKey): boolean => {
    for (let i = from; i < a.values.length; i++) {
      const c = compareValues(a.values[i], b.values[i]);
      if (c !== 0) return c * (index.dirs[i] as number) * sign < 0;
    }
    return (a.seq - b.seq) * sign < 0;
  };
  interface Head {
    key: TreeKey;
    entry: Entry;
    rest: Iterator<[TreeKey, Entry]>;
  }
  // A binary min-heap of each bucket's next pair.
  const heap: Head[] = [];
  const siftDown = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before((heap[l] as Head).key, (heap[m] as Head).key)) m = l;
      if (r < heap.length && before((heap[r] as Head).key, (heap[m] as Head).key)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as Head, heap[i] as Head];
      i = m;
    }
  };
  for (const bucket of buckets) {
    const rest = index.range(bucket, reverse);
    const first = rest.next();
    if (!first.done) heap.push({ key: first.value[0], entry: first.value[1], rest });
  }
  for (let i = Math.floor(heap.length / 2) - 1; i >= 0; i--) siftDown(i);
  while (heap.length > 0) {
    const top = heap[0] as Head;
    yield top.entry;
    const next = top.rest.next();
    if (next.done) {
      const last = heap.pop() as Head;
      if (heap.length === 0) break;
      heap[0] = last;
    } else {
      top.key = next.value[0];
      top.entry = next.value[1];
    }
    siftDown(0);
  }
}

export class Collection {
  readonly db: string;
  readonly name: string;
  private readonly entries = new Map<string, Entry>();
  private readonly indexes = new Map<string, Index>();
  private seq = 0;

  constructor(db: string, name: string) {
    this.db = db;
    this.name = name;
  }

  get size(): number {
    return this.entries.size;
  }

  /** All entries in natural order. */
  all(): IterableIterator<Entry> {
    return this.entries.values();
  }

  indexSpecs(): Doc[] {
    return [{ v: 2, key: { _id: 1 }, name: '_id_' }, ...[...this.indexes.values()].map((i) => i.spec)];
  }

  /** Inserts a document (given `_id` first, generated if missing); throws DuplicateKey. */
  insert(doc: Doc): Doc {
    const stored: Doc = doc['_id'] === undefined ? { _id: new ObjectId(), ...doc } : doc;
    const id = this.idKeyOf(stored);
    if (this.entries.has(id)) throw this.duplicate('_id_', ['_id'], [stored['_id']]);
    const keys = this.checkUnique(stored, id);
    const entry: Entry = { doc: stored, seq: this.seq++ };
    for (const [index, k] of keys) index.add(k, id, entry);
    this.entries.set(id, entry);
    return stored;
  }

  /** Swaps in `next` for the document of `entry` (same `_id`); throws DuplicateKey. */
  replace(entry: Entry, next: Doc): void {
    const id = this.idKeyOf(entry.doc);
    const moves: Array<[Index, IndexKey[], IndexKey[]]> = [];
    // Checked for every index before any moves, so a clash changes nothing.
    for (const index of this.indexes.values()) {
      // Most updates leave most indexes' fields as they were (a status change touches two of a
      // contact's six indexes): then its keys cannot have changed, and none are computed.
      if (index.fieldsUnchanged(entry.doc, next)) continue;
      const keys = index.keysOf(next);
      if (index.unique) {
        const clash = index.conflict(keys, id);
        if (clash) throw this.duplicate(index.name, index.fields, clash.values);
      }
      const old = index.keysOf(entry.doc);
      if (!index.sameKeys(old, keys)) moves.push([index, old, keys]);
    }
    for (const [index, old, keys] of moves) {
      index.remove(old, id, entry);
      index.add(keys, id, entry);
    }
    entry.doc = next;
  }

  remove(entry: Entry): void {
    const id = this.idKeyOf(entry.doc);
    for (const index of this.indexes.values()) index.remove(index.keysOf(entry.doc), id, entry);
    this.entries.delete(id);
  }

  /**
   * Creates an index from a `createIndexes` spec. Returns false when an identical index exists;
   * throws on a conflicting spec or when existing documents violate a unique constraint.
   */
  createIndex(spec: Doc): boolean {
    const key = spec['key'];
    const name = spec['name'];
    if (!isPlainObject(key) || Object.keys(key).length === 0)
      throw new MongoCommandError('BadValue', "Error in specification: the 'key' field must be a non-empty object");
    if (typeof name !== 'string' || name === '')
      throw new MongoCommandError(
        'BadValue',
        "Error in specification: the 'name' field is a required property of an index specification",
      );
    const keyKey = canonicalKey(key);
    for (const existing of this.indexSpecs()) {
      const sameKey = canonicalKey(existing['key']) === keyKey;
      const sameOpts =
        Boolean(existing['unique']) === Boolean(spec['unique']) &&
        Boolean(existing['sparse']) === Boolean(spec['sparse']);
      if (existing['name'] === name) {
        if (sameKey && sameOpts) return false;
        throw new MongoCommandError(
          'IndexKeySpecsConflict',
          `An existing index has the same name as the requested index. When index names are not specified, they are auto generated and can cause conflicts. Please refer to our documentation. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing)}`,
        );
      }
      if (
        sameKey &&
        existing['partialFilterExpression'] === undefined &&
        spec['partialFilterExpression'] === undefined
      ) {
        if (sameOpts) return false;
        throw new MongoCommandError(
          'IndexOptionsConflict',
          `An equivalent index already exists with a different name and options. Requested index: ${JSON.stringify(spec)}, existing index: ${JSON.stringify(existing)}`,
        );
      }
    }
    const stored: Doc = { v: 2, key, name };
    for (const [k, v] of Object.entries(spec))
      if (k !== 'key' && k !== 'name' && k !== 'v' && k !== 'background') stored[k] = v;
    let index: Index;
    try {
      index = new Index(stored);
    } catch (err) {
      throw translateMingoError(err);
    }
    for (const entry of this.entries.values()) {
      const id = this.idKeyOf(entry.doc);
      const keys = index.keysOf(entry.doc);
      if (index.unique) {
        const clash = index.conflict(keys, id);
        if (clash) throw this.duplicate(index.name, index.fields, clash.values);
      }
      index.add(keys, id, entry);
    }
    this.indexes.set(name, index);
    return true;
  }

  dropIndex(name: string): boolean {
    return this.indexes.delete(name);
  }

  dropIndexes(): void {
    this.indexes.clear();
  }

  findIndexByKey(key: Doc): string | undefined {
    const wanted = canonicalKey(key);
    if (wanted === canonicalKey({ _id: 1 })) return '_id_';
    for (const index of this.indexes.values()) if (canonicalKey(index.spec['key']) === wanted) return index.name;
    return undefined;
  }

  /**
   * The entries that may match `filter`, found through an index when the filter has equality
   * (or `$in` of scalars) conditions on every field of one, or on a leading part of a compound
   * one (the longest such match wins); `undefined` means "scan them all".
   * The caller still tests every candidate against the full filter.
   */
  candidates(filter: Doc | undefined): Entry[] | undefined {
    return this.lookup(filter)?.entries;
  }

  /**
   * {@link candidates}, plus the top-level fields of `filter` that every candidate is known to
   * satisfy because the lookup went through them (plain equality or `$in` of scalars, found by
   * canonical key, which is MongoDB equality): the caller need not test those again. It matters
   * for `{_id: {$in: [...1,000 ids]}}`, which mingo tests by hashing the whole list per document.
   */
  lookup(filter: Doc | undefined): { entries: Entry[]; covered: string[] } | undefined {
    if (!filter) return undefined;
    const eq = equalityConditions(filter);
    if (eq.size === 0) return undefined;
    const ids = eq.get('_id');
    if (ids)
      return {
        entries: this.naturalOrder(ids.map((v) => this.entries.get(canonicalKey(v)))),
        covered: coveredOf(filter, ['_id']),
      };
    const plan = this.lookupPlan(eq);
    if (!plan) return undefined;
    const { index, p } = plan;
    const fields = index.fields.slice(0, p);
    const buckets = bucketsOf(
      fields.map((f) => eq.get(f) as unknown[]),
      MAX_LOOKUP_KEYS,
    );
    if (!buckets) return undefined;
    const found: Array<Entry | undefined> = [];
    if (index.map && p === index.fields.length) {
      for (const { key } of buckets) {
        const ids = index.map.get(key);
        if (typeof ids === 'string') found.push(this.entries.get(ids));
        else for (const id of ids ?? []) found.push(this.entries.get(id));
      }
    } else {
      for (const bucket of buckets) for (const [, entry] of index.range(bucket, false)) found.push(entry);
    }
    return { entries: this.naturalOrder(found), covered: coveredOf(filter, fields) };
  }

  /**
   * The entries that may match `filter`, lazily in `sort` order, read by walking an index whose
   * leading fields have equality (or `$in` of scalars) conditions and whose next fields are the
   * sort, in its directions or all reversed (several buckets, from `$in`, are merged). A caller
   * wanting the first few stops there instead of reading and sorting the whole bucket.
   * `undefined` unless the walk gives exactly the order `sortDocs` gives the candidates (ties in
   * natural order), and the plan is no worse than an equality lookup: then collect and sort.
   * `covered` is as in {@link lookup}.
   */
  ordered(filter: Doc | undefined, sort: SortSpec): { entries: Iterable<Entry>; covered: string[] } | undefined {
    const spec = Object.entries(sort);
    // `$natural`, `$meta` and bad directions go the way that handles (or rejects) them.
    if (spec.length === 0 || spec.some(([path, dir]) => path.startsWith('$') || (dir !== 1 && dir !== -1)))
      return undefined;
    const eq = filter ? equalityConditions(filter) : new Map<string, unknown[]>();
    // An `_id` lookup reads a handful of documents: sorting them is cheaper than any walk.
    if (eq.has('_id')) return undefined;
    const plan = this.lookupPlan(eq);
    const lookupFields = plan ? plan.index.fields.slice(0, plan.p) : [];
    let best: { index: Index; p: number; from: number; reverse: boolean } | undefined;
    for (const index of this.indexes.values()) {
      if (!index.tree || !index.plainKeys || !index.orderable) continue;
      // The sort is fields[from, from + k); the buckets are the values of the first p fields,
      // which all have equality conditions. The sort may start inside them (`{status: 1,
      // updatedAt: 1}` with `status: {$in: [...]}`): the merge orders the buckets then.
      const from = index.fields.indexOf(spec[0]![0]);
      const k = spec.length;
      if (from < 0 || from + k > index.fields.length) continue;
      let p = 0;
      while (p < index.fields.length && eq.has(index.fields[p]!)) p++;
      if (from > p) continue;
      const reverse = spec[0]![1] !== index.dirs[from];
      if (
        !spec.every(([path, dir], j) => index.fields[from + j] === path && (dir === index.dirs[from + j]) !== reverse)
      )
        continue;
      // Ties (equal sort values) must come in natural order, as `sortDocs` leaves them. The tree
      // orders equal keys by seq, so a forward walk gives that when the sort runs to the key's
      // end; with `_id` among the sorted fields there are no ties at all. A reversed walk
      // reverses ties too, so it needs the latter.
      const total = index.fields.slice(from, from + k).includes('_id');
      if (!total && (reverse || from + k < index.fields.length)) continue;
      // An equality lookup narrowing on a field this walk does not (`{phoneNumber, campaignId}`
      // sorted by `_id`) may read far fewer documents than the walk would.
      const prefix = index.fields.slice(0, p);
      if (!lookupFields.every((f) => prefix.includes(f))) continue;
      if (!best || p > best.p) best = { index, p, from, reverse };
    }
    if (!best) return undefined;
    const { index, p, from, reverse } = best;
    const fields = index.fields.slice(0, p);
    const buckets = bucketsOf(
      fields.map((f) => eq.get(f) as unknown[]),
      MAX_MERGED_BUCKETS,
    );
    if (!buckets) return undefined;
    return { entries: mergeRanges(index, buckets, from, reverse), covered: filter ? coveredOf(filter, fields) : [] };
  }

  /**
   * The index (and how many of its leading fields) an equality lookup reads: the one whose
   * equality-conditioned prefix is longest.
   */
  private lookupPlan(eq: Map<string, unknown[]>): { index: Index; p: number } | undefined {
    let best: { index: Index; p: number } | undefined;
    for (const index of this.indexes.values()) {
      if (!index.usableForLookup) continue;
      let p = 0;
      while (p < index.fields.length && eq.has(index.fields[p]!)) p++;
      if (p === 0 || !index.canLookup(p)) continue;
      const lists = index.fields.slice(0, p).map((f) => eq.get(f) as unknown[]);
      if (index.sparse && lists.some((l) => l.some((v) => v === null))) continue;
      if (!best || p > best.p) best = { index, p };
    }
    return best;
  }

  /** Distinct entries, in natural order whatever the plan that found them (so results do not depend on it). */
  private naturalOrder(found: Array<Entry | undefined>): Entry[] {
    const out: Entry[] = [];
    const seen = new Set<Entry>();
    for (const entry of found) {
      if (!entry || seen.has(entry)) continue;
      seen.add(entry);
      out.push(entry);
    }
    if (out.length > 1) out.sort((a, b) => a.seq - b.seq);
    return out;
  }

  private idKeyOf(doc: Doc): string {
    const id = doc['_id'];
    if (Array.isArray(id)) throw new MongoCommandError('BadValue', "The '_id' value cannot be of type array");
    return canonicalKey(id);
  }

  /** Computes every unique index's keys for `doc`, throwing on a clash; returns all indexes' keys. */
  private checkUnique(doc: Doc, id: string): Array<[Index, IndexKey[]]> {
    const out: Array<[Index, IndexKey[]]> = [];
    for (const index of this.indexes.values()) {
      const keys = index.keysOf(doc);
      if (index.unique) {
        const clash = index.conflict(keys, id);
        if (clash) throw this.duplicate(index.name, index.fields, clash.values);
      }
      out.push([index, keys]);
    }
    return out;
  }

  private duplicate(indexName: string, fields: string[], values: unknown[]): MongoCommandError {
    const keyPattern: Doc = {};
    const keyValue: Doc = {};
    const index = this.indexes.get(indexName);
    fields.forEach((f, i) => {
      keyPattern[f] = index ? (index.spec['key'] as Doc)[f] : 1;
      keyValue[f] = values[i] === undefined ? null : values[i];
    });
    const shown = fields.map((f, i) => `${f}: ${formatValue(values[i])}`).join(', ');
    return replyError(
      'DuplicateKey',
      `E11000 duplicate key error collection: ${this.db}.${this.name} index: ${indexName} dup key: { ${shown} }`,
      { keyPattern, keyValue },
    );
  }
}

/**
 * The ids under one key of an index's map: the id itself while it is the only one (always, in
 * a unique index), a Set once there are several. A Set per key cost a Set per inserted
 * document per unique index (a million of them after a million-row import: GC time).
 */
type Ids = string | Set<string>;

function addTo(map: Map<string, Ids>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === undefined) map.set(key, id);
  else if (typeof ids !== 'string') ids.add(id);
  else if (ids !== id) map.set(key, new Set([ids, id]));
}

/**
 * The top-level fields of `filter`, among `fields`, whose condition an index lookup on them
 * decides exactly (plain equality or `$in` of scalars, found by canonical key, which is MongoDB
 * equality).
 */
function coveredOf(filter: Doc, fields: string[]): string[] {
  return fields.filter((f) => isSimpleCondition(filter[f]));
}

function removeFrom(map: Map<string, Ids>, key: string, id: string): void {
  const ids = map.get(key);
  if (ids === undefined) return;
  if (typeof ids === 'string') {
    if (ids === id) map.delete(key);
    return;
  }
  ids.delete(id);
  if (ids.size === 1) map.set(key, ids.values().next().value as string);
  else if (ids.size === 0) map.delete(key);
}

/** mongod's rendering of a key value in E11000 messages. */
function formatValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  const type = typeof value === 'object' ? (value as { _bsontype?: string })._bsontype : undefined;
  if (type === 'ObjectId') return `ObjectId('${String(value)}')`;
  if (type === 'Decimal128') return `Decimal128("${String(value)}")`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function isLookupValue(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object') return v !== undefined;
  if (Array.isArray(v) || v instanceof RegExp) return false;
  return !isPlainObject(v) && (v as { _bsontype?: string })._bsontype !== 'BSONRegExp';
}

/** A top-level condition that is only equality or `$in` of scalars (what an index lookup decides exactly). */
function isSimpleCondition(cond: unknown): boolean {
  if (isLookupValue(cond)) return true;
  if (!isPlainObject(cond)) return false;
  const ops = Object.keys(cond);
  if (ops.length !== 1) return false;
  if (ops[0] === '$eq') return isLookupValue(cond['$eq']);
  return ops[0] === '$in' && Array.isArray(cond['$in']) && cond['$in'].every(isLookupValue);
}

/** Field → the scalar values it must equal, from `{f: v}`, `{f: {$eq: v}}`, `{f: {$in: [...]}}` and `$and`. */
function equalityConditions(filter: Doc): Map<string, unknown[]> {
  const out = new Map<string, unknown[]>();
  const visit = (f: Doc): void => {
    for (const [field, cond] of Object.entries(f)) {
      if (field === '$and' && Array.isArray(cond)) {
        for (const part of cond) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (field.startsWith('$') || out.has(field)) continue;
      if (isLookupValue(cond)) {
        out.set(field, [cond]);
      } else if (isPlainObject(cond)) {
        if ('$eq' in cond && isLookupValue(cond['$eq'])) out.set(field, [cond['$eq']]);
        else if (Array.isArray(cond['$in']) && cond['$in'].every(isLookupValue)) out.set(field, cond['$in']);
      }
    }
  };
  visit(filter);
  return out;
}
