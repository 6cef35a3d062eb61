/**
 * BSON value helpers shared by the query, update and index code: MongoDB's cross-type sort
 * order, a canonical string key for equality (index keys, `$addToSet`), deep copies that keep
 * BSON classes intact, and dotted-path access.
 *
 * Stored documents are what `bson.deserialize` returns with `promoteValues: true`: numbers for
 * int32/double (and int64 within ±2^53), `Long` beyond that, plus `ObjectId`, `Decimal128`,
 * `Binary`, `Timestamp`, `Date`, `RegExp`/`BSONRegExp`, `MinKey`/`MaxKey`.
 */

import { ObjectId } from 'bson';

export type Doc = Record<string, unknown>;

interface BsonTagged {
  _bsontype: string;
  toString(): string;
}

/** The BSON class name of a bson value (`ObjectId`, `Long`, …), undefined for anything else. */
export function bsonTypeOf(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && '_bsontype' in value) {
    return (value as BsonTagged)._bsontype;
  }
  return undefined;
}

/** A plain embedded document (not an array, Date, RegExp or BSON class instance). */
export function isPlainObject(value: unknown): value is Doc {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Date || value instanceof RegExp) return false;
  return bsonTypeOf(value) === undefined;
}

/** MongoDB's canonical type order used by sort and by comparisons across types. */
export function typeRank(value: unknown): number {
  if (value === undefined || value === null) return 2;
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return 3;
    case 'string':
      return 4;
    case 'boolean':
      return 9;
    default:
      break;
  }
  // BSON classes (never arrays, Dates or RegExps) first: ObjectIds are the objects index trees
  // compare most, and `instanceof` is slow where globals come from another realm (jest's vm).
  switch (bsonTypeOf(value)) {
    case undefined:
      break;
    case 'MinKey':
      return 1;
    case 'Long':
    case 'Int32':
    case 'Double':
    case 'Decimal128':
      return 3;
    case 'BSONSymbol':
      return 4;
    case 'Binary':
      return 7;
    case 'ObjectId':
      return 8;
    case 'Timestamp':
      return 11;
    case 'BSONRegExp':
      return 12;
    case 'MaxKey':
      return 13;
    default:
      return 5;
  }
  if (Array.isArray(value)) return 6;
  if (value instanceof Date) return 10;
  if (value instanceof RegExp) return 12;
  return 5;
}

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return Number((value as BsonTagged).toString());
}

function compareScalars(a: number | string | bigint, b: number | string | bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two values in MongoDB's BSON order (arrays compared element by element). */
export function compareValues(a: unknown, b: unknown): number {
  // Index trees compare keys by the million: the common same-type cases skip the rank lookup.
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number' && a === a && b === b) return a < b ? -1 : a > b ? 1 : 0;
  if (a == null && b == null) return 0;
  // Stored documents hold this bson's ObjectIds (the server decodes every message itself): an
  // instanceof is far cheaper than `bsonTypeOf`'s "in" (5.5% of the server's CPU under an
  // import, where every tree comparison starts with the same campaignId).
  if (a instanceof ObjectId && b instanceof ObjectId) return compareObjectIds(a, b);
  // A contact's `updatedAt` in the `{status, updatedAt}` tree: Dates went through `bsonTypeOf`
  // and `typeRank` twice per comparison (4.6% of the server's CPU under an import).
  if (a instanceof Date && b instanceof Date) return compareScalars(a.getTime(), b.getTime());
  if (bsonTypeOf(a) === 'ObjectId' && bsonTypeOf(b) === 'ObjectId') return compareObjectIds(a, b);
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 1:
    case 2:
    case 13:
      return 0;
    case 3: {
      const x = toNumber(a);
      const y = toNumber(b);
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1;
      return compareScalars(x, y);
    }
    case 4:
      return compareScalars(String(a), String(b));
    case 5:
      return compareObjects(a as Doc, b as Doc);
    case 6: {
      const x = a as unknown[];
      const y = b as unknown[];
      for (let i = 0; i < Math.min(x.length, y.length); i++) {
        const c = compareValues(x[i], y[i]);
        if (c !== 0) return c;
      }
      return compareScalars(x.length, y.length);
    }
    case 7: {
      const x = (a as { buffer: Uint8Array }).buffer;
      const y = (b as { buffer: Uint8Array }).buffer;
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      return Buffer.compare(Buffer.from(x), Buffer.from(y));
    }
    case 8:
      return compareObjectIds(a, b);
    case 9:
      return compareScalars(Number(a), Number(b));
    case 10:
      return compareScalars((a as Date).getTime(), (b as Date).getTime());
    case 11: {
      const x = a as { t: number; i: number };
      const y = b as { t: number; i: number };
      return x.t !== y.t ? compareScalars(x.t, y.t) : compareScalars(x.i, y.i);
    }
    default:
      return compareScalars(String(a), String(b));
  }
}

/** bson 7's ObjectId internals: its 12 bytes as four 24-bit integers, most significant first. */
interface PackedObjectId {
  i0?: unknown;
  i1?: unknown;
  i2?: unknown;
  i3?: unknown;
}

/**
 * ObjectIds in byte order (which is their hex strings' order). Building two hex strings costs
 * about 0.8 µs per comparison, and index trees compare ids by the million, so ids of this bson
 * build compare by the packed integers its own `equals` reads; any other id goes through the
 * hex strings (values.test.ts checks both agree).
 */
function compareObjectIds(a: unknown, b: unknown): number {
  const x = a as PackedObjectId;
  const y = b as PackedObjectId;
  if (
    typeof x.i0 === 'number' &&
    typeof x.i1 === 'number' &&
    typeof x.i2 === 'number' &&
    typeof x.i3 === 'number' &&
    typeof y.i0 === 'number' &&
    typeof y.i1 === 'number' &&
    typeof y.i2 === 'number' &&
    typeof y.i3 === 'number'
  ) {
    if (x.i0 !== y.i0) return x.i0 < y.i0 ? -1 : 1;
    if (x.i1 !== y.i1) return x.i1 < y.i1 ? -1 : 1;
    if (x.i2 !== y.i2) return x.i2 < y.i2 ? -1 : 1;
    return x.i3 === y.i3 ? 0 : x.i3 < y.i3 ? -1 : 1;
  }
  return compareScalars(String(a), String(b));
}

function compareObjects(a: Doc, b: Doc): number {
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
    const fa = ka[i] as string;
    const fb = kb[i] as string;
    const ta = typeRank(a[fa]);
    const tb = typeRank(b[fb]);
    if (ta !== tb) return ta < tb ? -1 : 1;
    if (fa !== fb) return fa < fb ? -1 : 1;
    const c = compareValues(a[fa], b[fb]);
    if (c !== 0) return c;
  }
  return compareScalars(ka.length, kb.length);
}

/**
 * A string that is equal for two values exactly when MongoDB considers them equal
 * (1, 1.0 and Long(1) share a key; field order matters in embedded documents).
 */
export function canonicalKey(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  switch (typeof value) {
    case 'number':
      return `n:${value === 0 ? 0 : value}`;
    case 'bigint':
      return `n:${value}`;
    case 'string':
      return `s:${JSON.stringify(value)}`;
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      break;
  }
  if (value instanceof ObjectId) return `o:${value.toHexString()}`;
  if (Array.isArray(value)) return `[${value.map(canonicalKey).join(',')}]`;
  if (value instanceof Date) return `d:${value.getTime()}`;
  if (value instanceof RegExp) return `r:${value.source}/${value.flags}`;
  const type = bsonTypeOf(value);
  switch (type) {
    case undefined: {
      const doc = value as Doc;
      return `{${Object.keys(doc)
        .map((k) => `${JSON.stringify(k)}:${canonicalKey(doc[k])}`)
        .join(',')}}`;
    }
    case 'Long':
    case 'Int32':
    case 'Double':
      return `n:${Number((value as BsonTagged).toString())}`;
    case 'Decimal128': {
      // Decimals equal to a double share its key, so 1 and Decimal128("1.0") collide as in MongoDB.
      const n = Number((value as BsonTagged).toString());
      return Number.isFinite(n) ? `n:${n}` : `dec:${(value as BsonTagged).toString()}`;
    }
    case 'Binary': {
      const bin = value as { sub_type: number; buffer: Uint8Array };
      return `b:${bin.sub_type}:${Buffer.from(bin.buffer).toString('base64')}`;
    }
    case 'ObjectId':
      return `o:${(value as BsonTagged).toString()}`;
    case 'Timestamp':
      return `t:${(value as BsonTagged).toString()}`;
    case 'BSONRegExp': {
      const re = value as { pattern: string; options: string };
      return `r:${re.pattern}/${re.options}`;
    }
    default:
      return `${type}:${(value as BsonTagged).toString()}`;
  }
}

export function valuesEqual(a: unknown, b: unknown): boolean {
  return canonicalKey(a) === canonicalKey(b);
}

/**
 * Deep copy that keeps BSON class instances (ObjectId, Long, Decimal128 are immutable and are
 * shared; Dates and Binary buffers are copied because callers can mutate them).
 */
export function deepClone<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(deepClone) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (value instanceof RegExp) return value;
  const type = bsonTypeOf(value);
  if (type === 'Binary') {
    const bin = value as unknown as {
      sub_type: number;
      buffer: Uint8Array;
      constructor: new (b: Uint8Array, s: number) => T;
    };
    return new bin.constructor(Uint8Array.from(bin.buffer), bin.sub_type);
  }
  if (type !== undefined) return value;
  const out: Doc = {};
  for (const key of Object.keys(value)) out[key] = deepClone((value as Doc)[key]);
  return out as T;
}

/** The value at a dotted path, without array traversal (numeric segments index arrays). */
export function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(part)) return undefined;
      current = current[Number(part)];
    } else {
      current = (current as Doc)[part];
    }
  }
  return current;
}

/**
 * Every value a dotted path reaches, descending into arrays as MongoDB does for queries and
 * multikey indexes: `a.b` on `{a: [{b: 1}, {b: 2}]}` reaches 1 and 2. A terminal array
 * yields its elements (and nothing for an empty array). A missing field yields `undefined`.
 */
export function getPathValues(doc: unknown, path: string): unknown[] {
  // A top-level field of a document (every index key of every insert): what `collect` gives,
  // without splitting the path.
  if (!path.includes('.') && isPlainObject(doc)) {
    const value = doc[path];
    if (!Array.isArray(value)) return [value];
    return value.length === 0 ? [value] : value.slice();
  }
  const out: unknown[] = [];
  collect(doc, path.split('.'), 0, out);
  return out;
}

function collect(current: unknown, parts: string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(current)) {
      if (current.length === 0) out.push(current);
      else for (const el of current) out.push(el);
    } else {
      out.push(current);
    }
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(current)) {
    if (/^\d+$/.test(part) && Number(part) < current.length) {
      collect(current[Number(part)], parts, i + 1, out);
      return;
    }
    let any = false;
    for (const el of current) {
      if (isPlainObject(el)) {
        collect(el[part], parts, i + 1, out);
        any = true;
      }
    }
    if (!any) out.push(undefined);
    return;
  }
  if (isPlainObject(current)) {
    collect(current[part], parts, i + 1, out);
    return;
  }
  out.push(undefined);
}

/** Same BSON, as far as a structural walk can tell: plain objects, arrays, primitives, Dates, shared instances. */
export function quickSame(a: unknown, b: unknown): boolean | 'unknown' {
  if (Object.is(a, b)) return true;
  // undefined serializes as null.
  if (a == null || b == null) return a == null && b == null ? 'unknown' : false;
  if (typeof a !== 'object' || typeof b !== 'object') {
    // Distinct primitives (or a primitive and an object): different bytes, unless a number
    // meets a BSON number class.
    return typeof a === 'object' || typeof b === 'object' ? 'unknown' : false;
  }
  if (a instanceof Date || b instanceof Date)
    return a instanceof Date && b instanceof Date ? Object.is(a.getTime(), b.getTime()) : 'unknown';
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return 'unknown';
    if (a.length !== b.length) return false;
    let result: boolean | 'unknown' = true;
    for (let i = 0; i < a.length; i++) {
      const r = quickSame(a[i], b[i]);
      if (r === false) return false;
      if (r === 'unknown') result = 'unknown';
    }
    return result;
  }
  if (!isPlainObject(a) || !isPlainObject(b)) return 'unknown';
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  // Field order is part of BSON.
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  let result: boolean | 'unknown' = true;
  for (const k of ka) {
    const r = quickSame(a[k], b[k]);
    if (r === false) return false;
    if (r === 'unknown') result = 'unknown';
  }
  return result;
}
