/**
 * Update operators, implemented here rather than with mingo's updater because MongoDB's
 * rules matter to callers: `$setOnInsert` only on an upsert's insert, `_id` immutable,
 * unknown modifiers rejected, and a no-op detectable (the caller compares BSON bytes).
 * Every function works on a private copy of the document; stored documents are never mutated.
 */
import { Long, Timestamp } from 'bson';
import { Aggregator, ProcessingMode, Query } from 'mingo';
import { MongoCommandError, translateMingoError } from './errors';
import { compareValues, deepClone, getPath, isPlainObject, valuesEqual } from './values';
import type { Doc } from './values';

/** What an update needs besides the document: the matching filter for `$`, `arrayFilters`. */
export interface UpdateContext {
  filter: Doc;
  arrayFilters: Doc[] | undefined;
  /** True when the update builds a new document for an upsert (enables `$setOnInsert`). */
  isInsert: boolean;
}

const MODIFIERS = new Set([
  '$set',
  '$unset',
  '$inc',
  '$mul',
  '$min',
  '$max',
  '$rename',
  '$push',
  '$pull',
  '$pullAll',
  '$addToSet',
  '$pop',
  '$currentDate',
  '$setOnInsert',
  '$bit',
]);

/** Pipeline stages MongoDB allows in a pipeline-style update. */
const UPDATE_STAGES = new Set(['$addFields', '$set', '$project', '$unset', '$replaceRoot', '$replaceWith']);

export type UpdateSpec = Doc | Doc[];

/** An update document whose first key is an operator (`$set`…) rather than a replacement. */
export function isOperatorUpdate(update: UpdateSpec): boolean {
  if (Array.isArray(update)) return false;
  const first = Object.keys(update)[0];
  return first !== undefined && first.startsWith('$');
}

/** Throws mongod's errors for an update document that cannot be applied to any document. */
export function validateUpdate(update: UpdateSpec): void {
  if (Array.isArray(update)) {
    for (const stage of update) {
      const name = Object.keys(stage)[0] ?? '';
      if (!UPDATE_STAGES.has(name)) {
        throw new MongoCommandError('InvalidOptions', `${name} is not allowed to be used within an update`);
      }
    }
    return;
  }
  if (!isOperatorUpdate(update)) {
    for (const key of Object.keys(update)) {
      if (key.startsWith('$')) {
        throw new MongoCommandError(
          'BadValue',
          `The dollar ($) prefixed field '${key}' in '${key}' is not valid for storage.`,
        );
      }
    }
    return;
  }
  const seen: string[] = [];
  for (const [op, args] of Object.entries(update)) {
    if (!MODIFIERS.has(op)) {
      throw new MongoCommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
    }
    if (!isPlainObject(args)) {
      throw new MongoCommandError(
        'FailedToParse',
        `Modifiers operate on fields but we found type ${typeof args} instead. For example: {$mod: {<field>: ...}} not {${op}: ${String(args)}}`,
      );
    }
    const paths =
      op === '$rename' ? Object.entries(args).flatMap(([from, to]) => [from, String(to)]) : Object.keys(args);
    for (const path of paths) {
      for (const other of seen) {
        if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
          throw new MongoCommandError(
            'ConflictingUpdateOperators',
            `Updating the path '${path}' would create a conflict at '${other}'`,
          );
        }
      }
      seen.push(path);
    }
  }
}

/**
 * Applies `update` to a copy of `doc` and returns the copy. `_id` changes are rejected with
 * ImmutableField (66); a replacement keeps the original `_id` first.
 */
export function applyUpdate(doc: Doc, update: UpdateSpec, ctx: UpdateContext): Doc {
  let next: Doc;
  if (Array.isArray(update)) {
    try {
      const out = new Aggregator(update, { processingMode: ProcessingMode.CLONE_INPUT }).run([deepClone(doc)]);
      next = (out[0] ?? {}) as Doc;
    } catch (err) {
      throw translateMingoError(err);
    }
  } else if (isOperatorUpdate(update)) {
    next = deepClone(doc);
    for (const [op, args] of Object.entries(update)) {
      applyOperator(next, op, args as Doc, ctx);
    }
  } else {
    next = { _id: doc['_id'], ...deepClone(update) };
    if (doc['_id'] === undefined && update['_id'] === undefined) delete next['_id'];
  }
  if (!ctx.isInsert && !valuesEqual(doc['_id'], next['_id'])) {
    throw new MongoCommandError(
      'ImmutableField',
      "Performing an update on the path '_id' would modify the immutable field '_id'",
    );
  }
  return next;
}

/**
 * The document an upsert starts from: the filter's equality conditions (`{a: 1}`,
 * `{a: {$eq: 1}}`, inside `$and`), as mongod does before applying the update.
 */
export function upsertBase(filter: Doc): Doc {
  const base: Doc = {};
  const visit = (f: Doc): void => {
    for (const [key, cond] of Object.entries(f)) {
      if (key === '$and' && Array.isArray(cond)) {
        for (const part of cond) if (isPlainObject(part)) visit(part);
        continue;
      }
      if (key.startsWith('$')) continue;
      if (isPlainObject(cond)) {
        const ops = Object.keys(cond);
        if (ops.length > 0 && ops.every((k) => k.startsWith('$'))) {
          if ('$eq' in cond) setPath(base, key.split('.'), deepClone(cond['$eq']));
          continue;
        }
      }
      if (cond instanceof RegExp) continue;
      setPath(base, key.split('.'), deepClone(cond));
    }
  };
  visit(filter);
  return base;
}

function applyOperator(doc: Doc, op: string, args: Doc, ctx: UpdateContext): void {
  if (op === '$setOnInsert' && !ctx.isInsert) return;
  for (const [rawPath, arg] of Object.entries(args)) {
    if (op === '$rename') {
      applyRename(doc, rawPath, String(arg));
      continue;
    }
    for (const segs of expandPath(doc, rawPath, ctx)) {
      applyOne(doc, op, segs, arg);
    }
  }
}

function applyOne(doc: Doc, op: string, segs: string[], arg: unknown): void {
  const path = segs.join('.');
  const current = getPath(doc, path);
  const exists = current !== undefined || hasPath(doc, segs);
  switch (op) {
    case '$set':
    case '$setOnInsert':
      setPath(doc, segs, deepClone(arg));
      return;
    case '$unset':
      unsetPath(doc, segs);
      return;
    case '$inc':
    case '$mul': {
      if (!isNumeric(arg)) {
        throw new MongoCommandError(
          'TypeMismatch',
          `Cannot ${op === '$inc' ? 'increment' : 'multiply'} with non-numeric argument: {${path}: ${String(arg)}}`,
        );
      }
      if (!exists) {
        setPath(doc, segs, op === '$inc' ? arg : 0);
        return;
      }
      if (!isNumeric(current)) {
        throw new MongoCommandError(
          'TypeMismatch',
          `Cannot apply ${op} to a value of non-numeric type. {_id: ${String(doc['_id'])}} has the field '${segs[segs.length - 1] ?? path}' of non-numeric type ${typeName(current)}`,
        );
      }
      setPath(doc, segs, arithmetic(current, arg, op));
      return;
    }
    case '$min':
    case '$max': {
      const c = exists ? compareValues(arg, current) : 0;
      if (!exists || (op === '$min' ? c < 0 : c > 0)) setPath(doc, segs, deepClone(arg));
      return;
    }
    case '$currentDate': {
      const wantsTimestamp = isPlainObject(arg) && arg['$type'] === 'timestamp';
      const now = Date.now();
      setPath(doc, segs, wantsTimestamp ? new Timestamp({ t: Math.floor(now / 1000), i: 1 }) : new Date(now));
      return;
    }
    case '$push':
    case '$addToSet': {
      const arr = arrayAt(current, exists, op, path, doc);
      const hasEach = isPlainObject(arg) && '$each' in arg;
      const items = hasEach ? ((arg as Doc)['$each'] as unknown[]) : [arg];
      if (!Array.isArray(items))
        throw new MongoCommandError('BadValue', `The argument to $each in ${op} must be an array`);
      if (op === '$addToSet') {
        for (const item of items) if (!arr.some((el) => valuesEqual(el, item))) arr.push(deepClone(item));
      } else {
        const mods = hasEach ? (arg as Doc) : {};
        const position = typeof mods['$position'] === 'number' ? mods['$position'] : arr.length;
        const at = position < 0 ? Math.max(0, arr.length + position) : Math.min(position, arr.length);
        arr.splice(at, 0, ...items.map(deepClone));
        if (mods['$sort'] !== undefined) sortArray(arr, mods['$sort']);
        if (typeof mods['$slice'] === 'number') {
          const n = mods['$slice'];
          const kept = n >= 0 ? arr.slice(0, n) : arr.slice(Math.max(0, arr.length + n));
          arr.length = 0;
          arr.push(...kept);
        }
      }
      setPath(doc, segs, arr);
      return;
    }
    case '$pop': {
      if (!exists) return;
      const arr = arrayAt(current, exists, op, path, doc);
      if (Number(arg) === -1) arr.shift();
      else arr.pop();
      setPath(doc, segs, arr);
      return;
    }
    case '$pull':
    case '$pullAll': {
      if (!exists) return;
      const arr = arrayAt(current, exists, op, path, doc);
      let matches: (el: unknown) => boolean;
      if (op === '$pullAll') {
        if (!Array.isArray(arg))
          throw new MongoCommandError(
            'BadValue',
            `$pullAll requires an array argument but was given a ${typeName(arg)}`,
          );
        matches = (el) => arg.some((v) => valuesEqual(el, v));
      } else {
        matches = pullMatcher(arg);
      }
      setPath(
        doc,
        segs,
        arr.filter((el) => !matches(el)),
      );
      return;
    }
    case '$bit': {
      if (!isPlainObject(arg))
        throw new MongoCommandError('BadValue', `The $bit modifier is not compatible with a ${typeName(arg)}`);
      let value = exists ? Number(current) : 0;
      for (const [how, operand] of Object.entries(arg)) {
        const n = Number(operand);
        if (how === 'and') value &= n;
        else if (how === 'or') value |= n;
        else if (how === 'xor') value ^= n;
        else
          throw new MongoCommandError(
            'BadValue',
            `The $bit modifier only supports 'and', 'or', and 'xor', not '${how}'`,
          );
      }
      setPath(doc, segs, value);
      return;
    }
    default:
      throw new MongoCommandError(
        'FailedToParse',
        `Unknown modifier: ${op}. Expected a valid update modifier or pipeline-style update specified as an array`,
      );
  }
}

function applyRename(doc: Doc, from: string, to: string): void {
  const segs = from.split('.');
  if (!hasPath(doc, segs)) return;
  const value = getPath(doc, from);
  unsetPath(doc, segs);
  setPath(doc, to.split('.'), value);
}

function pullMatcher(cond: unknown): (el: unknown) => boolean {
  if (isPlainObject(cond)) {
    const keys = Object.keys(cond);
    const isOperatorExpr = keys.length > 0 && keys.every((k) => k.startsWith('$'));
    try {
      if (isOperatorExpr) {
        const q = new Query({ v: cond }, {});
        return (el) => q.test({ v: el });
      }
      // A document condition is a query against each element (subset match), as in mongod.
      const q = new Query(cond, {});
      return (el) => isPlainObject(el) && q.test(el);
    } catch (err) {
      throw translateMingoError(err);
    }
  }
  return (el) => valuesEqual(el, cond);
}

function sortArray(arr: unknown[], spec: unknown): void {
  if (typeof spec === 'number') {
    arr.sort((a, b) => compareValues(a, b) * spec);
    return;
  }
  if (!isPlainObject(spec))
    throw new MongoCommandError(
      'BadValue',
      'The $sort is invalid: use 1/-1 to sort the whole element, or {field:1/-1} to sort embedded fields',
    );
  const fields = Object.entries(spec);
  arr.sort((a, b) => {
    for (const [field, dir] of fields) {
      const c = compareValues(getPath(a, field), getPath(b, field));
      if (c !== 0) return c * Number(dir);
    }
    return 0;
  });
}

function arrayAt(current: unknown, exists: boolean, op: string, path: string, doc: Doc): unknown[] {
  if (!exists) return [];
  if (!Array.isArray(current)) {
    throw new MongoCommandError(
      'BadValue',
      `The field '${path}' must be an array but is of type ${typeName(current)} in document {_id: ${String(doc['_id'])}}`,
    );
  }
  // The caller writes the result back with setPath, so work on a copy of the array.
  void op;
  return [...current];
}

function isNumeric(value: unknown): boolean {
  if (typeof value === 'number') return true;
  const type = value !== null && typeof value === 'object' ? (value as { _bsontype?: string })._bsontype : undefined;
  return type === 'Long' || type === 'Decimal128' || type === 'Int32' || type === 'Double';
}

function arithmetic(a: unknown, b: unknown, op: string): unknown {
  if (typeof a === 'number' && typeof b === 'number') return op === '$inc' ? a + b : a * b;
  if (Long.isLong(a) || Long.isLong(b)) {
    const x = Long.isLong(a) ? a : Long.fromNumber(Number(String(a)));
    const y = Long.isLong(b) ? b : Long.fromNumber(Number(String(b)));
    return op === '$inc' ? x.add(y) : x.multiply(y);
  }
  const x = Number(String(a));
  const y = Number(String(b));
  return op === '$inc' ? x + y : x * y;
}

function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'double';
  if (value instanceof Date) return 'date';
  const type = (value as { _bsontype?: string })._bsontype;
  return type ? type.toLowerCase() : 'object';
}

function hasPath(doc: Doc, segs: string[]): boolean {
  let current: unknown = doc;
  for (const seg of segs) {
    if (current === null || typeof current !== 'object') return false;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(seg) || Number(seg) >= current.length) return false;
      current = current[Number(seg)];
    } else {
      if (!Object.prototype.hasOwnProperty.call(current, seg)) return false;
      current = (current as Doc)[seg];
    }
  }
  return true;
}

function setPath(doc: Doc, segs: string[], value: unknown): void {
  let current: unknown = doc;
  for (let i = 0; i < segs.length; i++) {
    const seg = segs[i] as string;
    const last = i === segs.length - 1;
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(seg)) {
        throw new MongoCommandError(
          'PathNotViable',
          `Cannot create field '${seg}' in element {${segs.slice(0, i).join('.')}: [...]}`,
        );
      }
      const idx = Number(seg);
      while (current.length < idx) current.push(null);
      if (last) current[idx] = value;
      else {
        if (current[idx] === undefined || current[idx] === null) current[idx] = {};
        current = current[idx];
      }
    } else if (isPlainObject(current)) {
      if (last) current[seg] = value;
      else {
        if (current[seg] === undefined || current[seg] === null) current[seg] = {};
        current = current[seg];
      }
    } else {
      throw new MongoCommandError(
        'PathNotViable',
        `Cannot create field '${seg}' in element {${segs.slice(0, i).join('.')}: ${String(current)}}`,
      );
    }
  }
}

function unsetPath(doc: Doc, segs: string[]): void {
  const parent = segs.length === 1 ? doc : getPath(doc, segs.slice(0, -1).join('.'));
  const last = segs[segs.length - 1] as string;
  if (Array.isArray(parent)) {
    // mongod sets an unset array element to null rather than shifting the array.
    if (/^\d+$/.test(last) && Number(last) < parent.length) parent[Number(last)] = null;
  } else if (isPlainObject(parent)) {
    delete parent[last];
  }
}

/** Resolves `$`, `$[]` and `$[id]` in an update path into the concrete paths it designates. */
function expandPath(doc: Doc, path: string, ctx: UpdateContext): string[][] {
  const segs = path.split('.');
  if (!segs.some((s) => s.startsWith('$'))) return [segs];
  let results: string[][] = [[]];
  for (const seg of segs) {
    if (!seg.startsWith('$')) {
      results = results.map((r) => [...r, seg]);
      continue;
    }
    const next: string[][] = [];
    for (const prefix of results) {
      const arr = getPath(doc, prefix.join('.'));
      if (!Array.isArray(arr)) {
        if (ctx.isInsert && seg === '$') {
          throw new MongoCommandError(
            'BadValue',
            'The positional operator did not find the match needed from the query.',
          );
        }
        if (arr === undefined && seg !== '$') continue;
        throw new MongoCommandError(
          'BadValue',
          `The path '${prefix.join('.')}' must exist in the document in order to apply array updates.`,
        );
      }
      for (const idx of positionalIndexes(arr, seg, prefix.join('.'), ctx)) next.push([...prefix, String(idx)]);
    }
    results = next;
  }
  return results;
}

function positionalIndexes(arr: unknown[], seg: string, arrayPath: string, ctx: UpdateContext): number[] {
  if (seg === '$[]') return arr.map((_, i) => i);
  if (seg === '$') {
    const idx = arr.findIndex((el) => elementMatchesFilter(el, arrayPath, ctx.filter));
    if (idx < 0)
      throw new MongoCommandError('BadValue', 'The positional operator did not find the match needed from the query.');
    return [idx];
  }
  const m = /^\$\[(\w+)\]$/.exec(seg);
  if (!m) throw new MongoCommandError('BadValue', `Invalid positional operator: ${seg}`);
  const ident = m[1] as string;
  const spec = (ctx.arrayFilters ?? []).find((f) =>
    Object.keys(f).some((k) => k === ident || k.startsWith(`${ident}.`)),
  );
  if (!spec)
    throw new MongoCommandError(
      'BadValue',
      `No array filter found for identifier '${ident}' in path '${arrayPath}.${seg}'`,
    );
  const conds: Doc = {};
  for (const [k, v] of Object.entries(spec)) conds[k === ident ? 'v' : `v${k.slice(ident.length)}`] = v;
  const q = new Query(conds, {});
  return arr.flatMap((el, i) => (q.test({ v: el }) ? [i] : []));
}

function elementMatchesFilter(el: unknown, arrayPath: string, filter: Doc): boolean {
  const conds: Doc = {};
  const gather = (f: Doc): void => {
    for (const [k, v] of Object.entries(f)) {
      if (k === '$and' && Array.isArray(v)) v.forEach((p) => isPlainObject(p) && gather(p));
      else if (k === arrayPath) conds['v'] = isPlainObject(v) && '$elemMatch' in v ? v['$elemMatch'] : v;
      else if (k.startsWith(`${arrayPath}.`)) conds[`v.${k.slice(arrayPath.length + 1)}`] = v;
    }
  };
  gather(filter);
  if (Object.keys(conds).length === 0) return false;
  const elemMatch = isPlainObject(conds['v']) && Object.keys(conds['v']).some((k) => !k.startsWith('$'));
  if (elemMatch) return isPlainObject(el) && new Query(conds['v'] as Doc, {}).test(el);
  return new Query(conds, {}).test({ v: el });
}
