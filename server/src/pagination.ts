import type { Model } from 'mongoose';
import { badInput } from './errors';
import { parseObjectId } from './object-id';

/**
 * Opaque cursors: base64url of a small JSON array holding the sort key of the last node.
 * Clients must treat them as opaque; the server validates every one it gets back.
 */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by `encodeCursor` whose parts have the given kinds.
 * Throws BAD_USER_INPUT naming `field` for anything else.
 */
export function decodeCursor<K extends readonly ('string' | 'number')[]>(
  cursor: string,
  kinds: K,
  field = 'after',
): { [I in keyof K]: K[I] extends 'string' ? string : number } {
  let parsed: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url');
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInput(field, 'is not a cursor this server issued');
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== kinds.length ||
    !parsed.every((part, i) => typeof part === kinds[i] && (typeof part !== 'number' || Number.isFinite(part)))
  ) {
    throw badInput(field, 'is not a cursor this server issued');
  }
  return parsed as { [I in keyof K]: K[I] extends 'string' ? string : number };
}

/** The page size a connection may ask for. */
export const MAX_PAGE_SIZE = 100;

/** Validates `first` (1..MAX_PAGE_SIZE); null/undefined takes the default. */
export function pageSize(first: number | null | undefined, fallback: number, field = 'first'): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE)
    throw badInput(field, `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
  return n;
}

/** One page of a connection, as services return it. */
export interface Page<T> {
  nodes: T[];
  hasNextPage: boolean;
  endCursor: string | null;
  totalCount: number;
}

/**
 * Builds a page from up to `first + 1` nodes fetched in order: the extra node only says
 * there is a next page.
 */
export function toPage<T>(rows: T[], first: number, totalCount: number, cursorOf: (node: T) => string): Page<T> {
  const hasNextPage = rows.length > first;
  const nodes = hasNextPage ? rows.slice(0, first) : rows;
  const last = nodes[nodes.length - 1];
  return { nodes, hasNextPage, endCursor: last === undefined ? null : cursorOf(last), totalCount };
}

/**
 * A page of `model` matching `filter`, newest first by `timeField` then `_id` (the order of
 * the `{…, timeField: -1, _id: -1}` indexes), after an opaque cursor of that key. One query
 * for the rows and one count, run together; the extra row only says there is a next page.
 */
export async function pageNewestFirst<T extends { _id: unknown }>(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any model whose documents are T
  model: Model<any>,
  filter: Record<string, unknown>,
  timeField: string,
  timeOf: (node: T) => Date,
  first: number,
  after: string | null | undefined,
): Promise<Page<T>> {
  const query: Record<string, unknown> = { ...filter };
  if (after) {
    const [ms, hex] = decodeCursor(after, ['number', 'string'] as const);
    const afterId = parseObjectId(hex);
    if (!afterId) throw badInput('after', 'is not a cursor this server issued');
    const at = new Date(ms);
    query['$or'] = [{ [timeField]: { $lt: at } }, { [timeField]: at, _id: { $lt: afterId } }];
  }
  const [rows, totalCount] = await Promise.all([
    model
      .find(query)
      .sort({ [timeField]: -1, _id: -1 })
      .limit(first + 1)
      .exec() as Promise<T[]>,
    model.countDocuments(filter).exec(),
  ]);
  return toPage(rows, first, totalCount, (node) => encodeCursor([timeOf(node).getTime(), String(node._id)]));
}
