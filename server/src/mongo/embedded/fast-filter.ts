/**
 * A matcher for the filters the app sends most (equality, `$in`, `$ne`, `$nin`, comparisons and
 * `$exists` on scalars, combined with `$and` / `$or` / `$nor`), without mingo. mingo compiles
 * every filter into a fresh query object with its own operator context: about 14% of the
 * server's CPU under the dialling engine's load (`npm run bench -- dispatch`), for filters
 * that are one or two equalities.
 *
 * It decides only what it can decide exactly as MongoDB does: a path that meets an array, a
 * NaN, or a BSON number class (Long, Decimal128, …) makes it answer "undecided", and the
 * caller falls back to mingo for that document. A filter outside this grammar is not compiled
 * here at all (`null`), so mingo also keeps reporting invalid filters with mongod's errors.
 */
import { bsonTypeOf, compareValues, isPlainObject, typeRank } from './values';
import type { Doc } from './values';

/** true / false: matched or not; undefined: this document needs the full matcher. */
export type FastTest = (doc: Doc) => boolean | undefined;

type Scalar = string | number | boolean | null | Date | { _bsontype: 'ObjectId' };

const UNDECIDED = Symbol('undecided');

const isObjectId = (value: unknown): boolean => bsonTypeOf(value) === 'ObjectId';

/** A query operand this matcher understands. */
function isScalar(value: unknown): value is Scalar {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      if (value === null) return true;
      if (value instanceof Date) return !Number.isNaN(value.getTime());
      return isObjectId(value);
    default:
      return false;
  }
}

/**
 * The value at a dotted path, walking plain documents only: `undefined` when missing (a
 * scalar or null on the way also means missing, as in MongoDB), UNDECIDED when the walk meets
 * an array or the value is one whose equality or order this matcher does not handle.
 */
function read(doc: Doc, parts: string[]): unknown | typeof UNDECIDED {
  let current: unknown = doc;
  for (const part of parts) {
    if (Array.isArray(current)) return UNDECIDED;
    if (!isPlainObject(current)) return undefined;
    current = current[part];
  }
  switch (typeof current) {
    case 'undefined':
    case 'string':
    case 'boolean':
      return current;
    case 'number':
      return current === current ? current : UNDECIDED;
    case 'object':
      if (current === null || current instanceof Date || isObjectId(current) || isPlainObject(current)) return current;
      return UNDECIDED;
    default:
      return UNDECIDED;
  }
}

/** MongoDB equality of a decided stored value and a scalar operand. */
function equals(value: unknown, q: Scalar): boolean {
  if (q === null) return value === null || value === undefined;
  if (typeof q !== 'object') return value === q;
  if (q instanceof Date) return value instanceof Date && value.getTime() === q.getTime();
  return isObjectId(value) && compareValues(value, q) === 0;
}

/** `$lt` and friends: only values of the operand's canonical type compare (type bracketing). */
function compares(value: unknown, q: Scalar, accept: (c: number) => boolean): boolean {
  if (value === undefined || value === null || isPlainObject(value)) return false;
  if (typeRank(value) !== typeRank(q)) return false;
  return accept(compareValues(value, q));
}

const COMPARISONS: Record<string, (c: number) => boolean> = {
  $lt: (c) => c < 0,
  $lte: (c) => c <= 0,
  $gt: (c) => c > 0,
  $gte: (c) => c >= 0,
};

type ValueTest = (value: unknown) => boolean;

/** One operator of `{field: {$op: operand}}`, or null when outside the grammar. */
function operatorTest(op: string, operand: unknown): ValueTest | null {
  switch (op) {
    case '$eq':
      return isScalar(operand) ? (v) => equals(v, operand) : null;
    case '$ne':
      return isScalar(operand) ? (v) => !equals(v, operand) : null;
    case '$in':
    case '$nin': {
      if (!Array.isArray(operand) || !operand.every(isScalar)) return null;
      const list = operand as Scalar[];
      const any = (v: unknown) => list.some((q) => equals(v, q));
      return op === '$in' ? any : (v) => !any(v);
    }
    case '$exists':
      if (typeof operand !== 'boolean') return null;
      return operand ? (v) => v !== undefined : (v) => v === undefined;
    default: {
      const accept = COMPARISONS[op];
      // A null operand has its own rules ($lte: null matches missing fields): mingo's.
      if (!accept || !isScalar(operand) || operand === null) return null;
      return (v) => compares(v, operand, accept);
    }
  }
}

function fieldTest(path: string, condition: unknown): FastTest | null {
  const parts = path.split('.');
  if (parts.some((p) => p === '' || p.startsWith('$'))) return null;
  let test: ValueTest;
  if (isScalar(condition)) {
    test = (v) => equals(v, condition);
  } else if (isPlainObject(condition)) {
    const ops = Object.entries(condition);
    // `{field: {}}` or `{field: {a: 1}}` is equality with a document: mingo's.
    if (ops.length === 0 || ops.some(([k]) => !k.startsWith('$'))) return null;
    const tests: ValueTest[] = [];
    for (const [op, operand] of ops) {
      const t = operatorTest(op, operand);
      if (!t) return null;
      tests.push(t);
    }
    test = tests.length === 1 ? (tests[0] as ValueTest) : (v) => tests.every((t) => t(v));
  } else {
    return null;
  }
  return (doc) => {
    const value = read(doc, parts);
    return value === UNDECIDED ? undefined : test(value);
  };
}

/** Compiles `filter` when every part of it is in the grammar above; null otherwise. */
export function compileFast(filter: Doc): FastTest | null {
  const tests: FastTest[] = [];
  for (const [key, condition] of Object.entries(filter)) {
    let test: FastTest | null;
    if (key === '$and' || key === '$or' || key === '$nor') {
      if (!Array.isArray(condition) || condition.length === 0) return null;
      const branches: FastTest[] = [];
      for (const branch of condition) {
        const t = isPlainObject(branch) && Object.keys(branch).length > 0 ? compileFast(branch) : null;
        if (!t) return null;
        branches.push(t);
      }
      test = combine(key, branches);
    } else if (key.startsWith('$')) {
      return null;
    } else {
      test = fieldTest(key, condition);
    }
    if (!test) return null;
    tests.push(test);
  }
  return combine('$and', tests);
}

/** Three-valued and / or / nor: undecided only when the decided branches leave the answer open. */
function combine(kind: '$and' | '$or' | '$nor', tests: FastTest[]): FastTest {
  if (kind === '$and' && tests.length === 1) return tests[0] as FastTest;
  const stopOn = kind !== '$and';
  return (doc) => {
    let open = false;
    for (const t of tests) {
      const r = t(doc);
      if (r === undefined) open = true;
      else if (r === stopOn) return kind === '$nor' ? false : r;
    }
    if (open) return undefined;
    return kind === '$nor' ? true : !stopOn;
  };
}
