import { Decimal128, Long, ObjectId } from 'bson';
import { Query } from 'mingo';
import { compileFast } from './fast-filter';
import { compileFilter } from './query';
import { seededRandom } from '../../test/seeded-random';
import type { Doc } from './values';

const ids = [new ObjectId('000000000000000000000001'), new ObjectId('000000000000000000000002')];
const dates = [new Date('2026-01-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z')];
/** Operands the fast matcher accepts, and stored values it must decide or hand over. */
const operands: unknown[] = [null, 0, 1, 2.5, -1, 'a', 'b', '', true, false, ...ids, ...dates];
const stored: unknown[] = [
  ...operands,
  undefined,
  Number.NaN,
  { a: 1 },
  {},
  [],
  [1, 'a'],
  [null],
  [ids[0]],
  Long.fromNumber(1),
  Decimal128.fromString('2.5'),
  new ObjectId('000000000000000000000001'),
  new Date('2026-01-01T00:00:00Z'),
];

describe('fast filter', () => {
  // Seeded: a failure replays.
  const { random, pick } = seededRandom(20261122);
  const paths = ['x', 'y', 'n.x'];

  const condition = (): unknown => {
    const r = random();
    if (r < 0.3) return pick(operands);
    const op = pick(['$eq', '$ne', '$in', '$nin', '$lt', '$lte', '$gt', '$gte', '$exists']);
    if (op === '$in' || op === '$nin')
      return { [op]: [pick(operands), pick(operands)].slice(0, 1 + (r < 0.6 ? 1 : 0)) };
    if (op === '$exists') return { $exists: random() < 0.5 };
    if (op.startsWith('$l') || op.startsWith('$g')) {
      const lower = { [op]: pick(operands.filter((o) => o !== null)) };
      return random() < 0.3 ? { ...lower, $ne: pick(operands) } : lower;
    }
    return { [op]: pick(operands) };
  };
  const filter = (depth = 0): Doc => {
    const out: Doc = {};
    for (let i = 0; i < 1 + Math.floor(random() * 2); i++) out[pick(paths)] = condition();
    if (depth === 0 && random() < 0.4) {
      const kind = pick(['$or', '$and', '$nor']);
      out[kind] = [filter(1), filter(1)];
    }
    return out;
  };
  const doc = (): Doc => {
    const out: Doc = {};
    const put = (target: Doc, key: string) => {
      const v = pick(stored);
      if (v !== undefined) target[key] = v;
    };
    put(out, 'x');
    put(out, 'y');
    const r = random();
    if (r < 0.5) {
      const n: Doc = {};
      put(n, 'x');
      out['n'] = n;
    } else if (r < 0.6) out['n'] = [{ x: pick(operands) }];
    else if (r < 0.7) out['n'] = pick(operands);
    return out;
  };

  it('agrees with mingo wherever it decides, over 20,000 random filters and documents', () => {
    let decided = 0;
    let undecided = 0;
    for (let i = 0; i < 20_000; i++) {
      const f = filter();
      const test = compileFast(f);
      if (!test) throw new Error(`not compiled: ${JSON.stringify(f)}`);
      const d = doc();
      const expected = new Query(f, {}).test(d);
      const got = test(d);
      if (got === undefined) {
        undecided += 1;
      } else {
        decided += 1;
        if (got !== expected) throw new Error(`filter ${JSON.stringify(f)} on ${JSON.stringify(d)}: ${got}`);
      }
      // The filter the server uses answers like mingo for every document, decided or not.
      expect(compileFilter(f).test(d)).toBe(expected);
    }
    // Most documents are decided here: the fast path is the common path.
    expect(decided).toBeGreaterThan(undecided * 2);
  });

  it('decides the dialling engine’s filters without mingo', () => {
    const campaignId = ids[0];
    const claim = compileFast({
      campaignId,
      status: { $in: ['QUEUED', 'RETRY_SCHEDULED'] },
      $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: dates[1] } }],
    });
    expect(claim).not.toBeNull();
    const waiting = { _id: ids[1], campaignId, status: 'QUEUED', nextAttemptAt: null, customFields: { a: [1] } };
    expect(claim!(waiting)).toBe(true);
    expect(claim!({ ...waiting, nextAttemptAt: dates[0] })).toBe(true);
    expect(claim!({ ...waiting, nextAttemptAt: new Date('2027-01-01T00:00:00Z') })).toBe(false);
    expect(claim!({ ...waiting, status: 'CALLING' })).toBe(false);
    expect(claim!({ ...waiting, campaignId: ids[1] })).toBe(false);
    const { nextAttemptAt: _dropped, ...missing } = waiting;
    expect(claim!(missing)).toBe(true);
  });

  it('leaves other shapes to mingo, which keeps reporting invalid filters', () => {
    for (const f of [
      { a: { $regex: 'x' } },
      { a: /x/ },
      { a: { b: 1 } },
      { a: {} },
      { a: [1] },
      { a: { $in: [[1]] } },
      { a: { $lt: null } },
      { a: { $exists: 1 } },
      { a: { $elemMatch: { b: 1 } } },
      { $expr: { $eq: ['$a', 1] } },
      { $or: [] },
      { a: { $bogus: 1 } },
      { a: Long.fromNumber(1) },
      { a: Number.NaN },
    ])
      expect(compileFast(f as Doc)).toBeNull();
    expect(() => compileFilter({ a: { $bogus: 1 } })).toThrow(/unknown operator/);
  });
});
