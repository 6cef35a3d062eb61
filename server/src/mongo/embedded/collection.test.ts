import { Decimal128, ObjectId } from 'bson';
import { Collection } from './collection';
import { runCommand } from './commands';
import { Store } from './store';
import type { Doc } from './values';
import { seededRandom } from '../../test/seeded-random';

// Index planning of the embedded server alone (no wire): which entries a filter reads.
describe('Collection.candidates', () => {
  const make = () => {
    const c = new Collection('db', 'contacts');
    c.createIndex({ key: { campaignId: 1, status: 1, seq: 1 }, name: 'campaignId_1_status_1_seq_1' });
    for (let i = 0; i < 300; i++)
      c.insert({ _id: i, campaignId: `c${i % 3}`, status: i % 2 ? 'QUEUED' : 'DONE', seq: i });
    return c;
  };

  it('reads only the bucket of a compound index prefix, not the whole collection', () => {
    const c = make();
    const byCampaign = c.candidates({ campaignId: 'c1', $or: [{ x: null }, { x: 1 }] });
    expect(byCampaign).toHaveLength(100);
    const byCampaignAndStatus = c.candidates({ campaignId: 'c1', status: { $in: ['QUEUED'] } });
    expect(byCampaignAndStatus).toHaveLength(50);
    expect(byCampaignAndStatus!.every((e) => e.doc['campaignId'] === 'c1' && e.doc['status'] === 'QUEUED')).toBe(true);
    // Natural order is kept whatever the plan.
    const seqs = byCampaignAndStatus!.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });

  it('keeps prefix buckets right through updates and removals', () => {
    const c = make();
    const [first] = c.candidates({ campaignId: 'c1', status: 'QUEUED' })!;
    c.replace(first!, { ...first!.doc, status: 'DONE' });
    expect(c.candidates({ campaignId: 'c1', status: 'QUEUED' })).toHaveLength(49);
    c.remove(c.candidates({ campaignId: 'c1', status: 'DONE' })![0]!);
    expect(c.candidates({ campaignId: 'c1' })).toHaveLength(99);
  });

  it('scans when no index leads with a filtered field', () => {
    expect(make().candidates({ status: 'QUEUED' })).toBeUndefined();
  });

  it('decides equality by canonical key, not BSON order, through the tree', () => {
    const c = make();
    // Equal under BSON order, different values for MongoDB equality.
    c.insert({ _id: 'n', campaignId: 'c1', status: Infinity });
    c.insert({ _id: 'd', campaignId: 'c1', status: Decimal128.fromString('Infinity') });
    expect(c.candidates({ campaignId: 'c1', status: Infinity })!.map((e) => e.doc['_id'])).toEqual(['n']);
    const both = c.candidates({ campaignId: 'c1', status: { $in: [Decimal128.fromString('Infinity'), Infinity] } });
    expect(both!.map((e) => e.doc['_id'])).toEqual(['n', 'd']);
  });
});

/**
 * Ordered index walks. Every query runs against two collections fed the same commands: one
 * with the contacts' indexes (walks, lookups) and one without (a scan, then `sortDocs`, which
 * breaks ties by natural order): results must be identical, document for document.
 */
describe('ordered index walks', () => {
  const WAITING = ['QUEUED', 'RETRY_SCHEDULED'];
  const NOW = new Date('2030-01-01T12:00:00Z');
  const SORTS: Record<string, Doc> = { FIFO: { _id: 1 }, LIFO: { _id: -1 }, PRIORITY: { priority: -1, _id: 1 } };
  /** The indexes of server/src/contacts/contact.model.ts. */
  const CONTACT_INDEXES: Doc[] = [
    { key: { campaignId: 1, phoneNumber: 1 }, name: 'campaignId_1_phoneNumber_1', unique: true },
    { key: { campaignId: 1, status: 1, _id: 1 }, name: 'campaignId_1_status_1__id_1' },
    { key: { campaignId: 1, status: 1, priority: -1, _id: 1 }, name: 'campaignId_1_status_1_priority_-1__id_1' },
    { key: { campaignId: 1, status: 1, nextAttemptAt: 1 }, name: 'campaignId_1_status_1_nextAttemptAt_1' },
    { key: { status: 1, updatedAt: 1 }, name: 'status_1_updatedAt_1' },
  ];

  /** The dispatcher's claim filter (dispatch/slot.loop.ts). */
  const claimFilter = (campaignId: unknown): Doc => ({
    campaignId,
    status: { $in: WAITING },
    $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: NOW } }],
  });

  function makeTwins() {
    const store = new Store();
    const ctx = { store, connectionId: 1 };
    const run = (db: string, cmd: Doc): Doc => {
      const reply = runCommand(cmd, db, ctx);
      if (reply['ok'] !== 1) throw new Error(`${db}: ${JSON.stringify(reply)}`);
      return reply;
    };
    run('indexed', { createIndexes: 'contacts', indexes: CONTACT_INDEXES });
    run('plain', { create: 'contacts' });
    const indexed = store.collection('indexed', 'contacts')!;
    return {
      indexed,
      /** Runs `cmd` on both collections; returns the indexed reply after checking both agree. */
      both(cmd: Doc): Doc {
        const a = run('indexed', cmd);
        const b = run('plain', cmd);
        expect(a).toEqual(b);
        return a;
      },
      /** `find` on both: the `_id`s found, after checking both agree. */
      find(filter: Doc, sort: Doc, limit = 0): unknown[] {
        const cmd = { find: 'contacts', filter, sort, limit, batchSize: 1_000_000 };
        const ids = (db: string) => ((run(db, cmd)['cursor'] as Doc)['firstBatch'] as Doc[]).map((d) => d['_id']);
        const found = ids('indexed');
        expect(found).toEqual(ids('plain'));
        return found;
      },
      claim(campaignId: unknown, mode: string): unknown {
        const reply = this.both({
          findAndModify: 'contacts',
          query: claimFilter(campaignId),
          sort: SORTS[mode],
          update: { $set: { status: 'CALLING', nextAttemptAt: null }, $inc: { attempts: 1 } },
        });
        return (reply['value'] as Doc | null)?.['_id'];
      },
    };
  }

  it('claims FIFO, LIFO and by priority as a scan and sort would, through the index', () => {
    const t = makeTwins();
    const docs: Doc[] = [];
    for (let i = 0; i < 60; i++)
      docs.push({
        _id: new ObjectId(),
        campaignId: i % 3 === 0 ? 'other' : 'c1',
        phoneNumber: `p${i}`,
        status: ['QUEUED', 'RETRY_SCHEDULED', 'DONE'][i % 4 === 3 ? 2 : i % 2]!,
        priority: i % 5,
        ...(i % 7 === 1 ? { nextAttemptAt: new Date(NOW.getTime() + 60_000) } : { nextAttemptAt: null }),
      });
    // Shuffled, so natural order is not `_id` order.
    docs.sort((a, b) => (String(a['phoneNumber']) < String(b['phoneNumber']) ? -1 : 1));
    t.both({ insert: 'contacts', documents: docs });
    for (const mode of ['FIFO', 'LIFO', 'PRIORITY']) {
      expect(t.indexed.ordered(claimFilter('c1'), SORTS[mode]!)).toBeDefined();
      expect(t.find(claimFilter('c1'), SORTS[mode]!, 5)).toHaveLength(5);
    }
    const claimed: unknown[] = [];
    for (let k = 0; k < 40; k++) claimed.push(t.claim('c1', ['FIFO', 'LIFO', 'PRIORITY'][k % 3]!));
    expect(claimed.filter((id) => id !== undefined).length).toBeGreaterThan(10);
    expect(claimed.at(-1)).toBeUndefined(); // all claimed, none left
  });

  it('breaks ties in natural order and sorts mixed BSON types as MongoDB does', () => {
    const t = makeTwins();
    const values: unknown[] = [
      null,
      undefined,
      3,
      -2.5,
      3,
      'high',
      'low',
      new ObjectId('000000000000000000000001'),
      new Date(0),
      new Date(0),
      true,
      0,
    ];
    const ids: unknown[] = [5, 'b', new ObjectId(), 2.5, 'a', new ObjectId(), -1, new ObjectId(), 7, 'c', 0, 1];
    const docs = values.flatMap((v, i) =>
      ['QUEUED', 'RETRY_SCHEDULED'].map((status, s) => {
        const doc: Doc = {
          _id: s === 0 ? ids[i] : `${String(ids[i])}-${s}`,
          campaignId: 'c1',
          phoneNumber: `p${i}-${s}`,
          status,
        };
        if (v !== undefined) {
          doc['priority'] = v;
          doc['nextAttemptAt'] = v;
          doc['updatedAt'] = v;
        }
        return doc;
      }),
    );
    t.both({ insert: 'contacts', documents: docs });
    const byCampaign = { campaignId: 'c1', status: { $in: WAITING } };
    const walked: Array<[Doc, Doc]> = [
      [byCampaign, { _id: 1 }],
      [byCampaign, { _id: -1 }],
      [byCampaign, { priority: -1, _id: 1 }],
      [byCampaign, { priority: 1, _id: -1 }],
      // Ties (equal dates, null and missing) in natural order: the idle check's query.
      [byCampaign, { nextAttemptAt: 1 }],
      [{ status: { $in: WAITING } }, { updatedAt: 1 }],
      [{ status: 'QUEUED' }, { status: 1, updatedAt: 1 }],
      [{}, { campaignId: 1, phoneNumber: 1 }],
    ];
    for (const [filter, sort] of walked) {
      expect(t.indexed.ordered(filter, sort)).toBeDefined();
      for (const limit of [0, 1, 3, 7]) t.find(filter, sort, limit);
    }
    // A reversed walk would reverse ties too, and a sort stopping short of the key's end would
    // order ties by the fields after it: both go the collect-and-sort way.
    const fallback: Array<[Doc, Doc]> = [
      [byCampaign, { nextAttemptAt: -1 }],
      [byCampaign, { priority: -1 }],
      [{ status: { $in: WAITING } }, { updatedAt: -1 }],
      [byCampaign, { $natural: 1 }],
      [byCampaign, { priority: -1, _id: -1 }],
    ];
    for (const [filter, sort] of fallback) {
      expect(t.indexed.ordered(filter, sort)).toBeUndefined();
      for (const limit of [0, 1, 3]) t.find(filter, sort, limit);
    }
  });

  it('merges the buckets of several campaigns and statuses in sort order', () => {
    const t = makeTwins();
    const docs: Doc[] = [];
    for (let i = 0; i < 90; i++)
      docs.push({
        _id: new ObjectId(),
        campaignId: `c${i % 3}`,
        phoneNumber: `p${i}`,
        status: ['QUEUED', 'RETRY_SCHEDULED', 'CALLING'][(i * 7) % 3]!,
        priority: (i * 13) % 4,
      });
    docs.reverse();
    t.both({ insert: 'contacts', documents: docs });
    const filter = { campaignId: { $in: ['c0', 'c2', 'c9'] }, status: { $in: [...WAITING, 'QUEUED'] } };
    for (const sort of Object.values(SORTS)) {
      expect(t.indexed.ordered(filter, sort)).toBeDefined();
      for (const limit of [0, 1, 10]) t.find(filter, sort, limit);
    }
    expect(t.find({ campaignId: { $in: [] }, status: 'QUEUED' }, { _id: 1 }, 3)).toEqual([]);
  });

  it('keeps walks right as updates move documents between buckets, and after removals', () => {
    const t = makeTwins();
    const ids = Array.from({ length: 40 }, () => new ObjectId());
    t.both({
      insert: 'contacts',
      documents: ids.map((id, i) => ({
        _id: id,
        campaignId: 'c1',
        phoneNumber: `p${i}`,
        status: 'QUEUED',
        priority: i % 3,
      })),
    });
    const check = () => {
      for (const sort of Object.values(SORTS)) t.find(claimFilter('c1'), sort, 3);
      t.find({ campaignId: 'c1', status: { $in: WAITING } }, { nextAttemptAt: 1 }, 2);
    };
    for (let i = 0; i < 40; i += 3) {
      t.both({
        update: 'contacts',
        updates: [
          {
            q: { _id: ids[i] },
            u: { $set: { status: 'RETRY_SCHEDULED', nextAttemptAt: new Date(NOW.getTime() + (i % 2 ? 1 : -1)) } },
          },
        ],
      });
      t.both({ update: 'contacts', updates: [{ q: { _id: ids[(i + 1) % 40] }, u: { $set: { priority: 10 - i } } }] });
      t.both({ delete: 'contacts', deletes: [{ q: { _id: ids[(i + 2) % 40] }, limit: 1 }] });
      check();
      t.claim('c1', 'PRIORITY');
      check();
    }
    // findAndModify's remove takes the first in sort order too.
    const removed = t.both({ findAndModify: 'contacts', query: claimFilter('c1'), sort: SORTS['LIFO'], remove: true });
    expect(removed['value']).not.toBeNull();
    check();
  });

  it('falls back to collect-and-sort once an indexed field holds an array, or an odd BSON type', () => {
    const t = makeTwins();
    t.both({
      insert: 'contacts',
      documents: Array.from({ length: 20 }, (_, i) => ({
        _id: i,
        campaignId: 'c1',
        phoneNumber: `p${i}`,
        status: 'QUEUED',
        priority: i % 4,
      })),
    });
    const filter = claimFilter('c1');
    expect(t.indexed.ordered(filter, SORTS['PRIORITY']!)).toBeDefined();
    // Sorting by an array takes its greatest element descending: the walk would see each element.
    t.both({
      insert: 'contacts',
      documents: [{ _id: 20, campaignId: 'c1', phoneNumber: 'p20', status: 'QUEUED', priority: [1, 9] }],
    });
    expect(t.indexed.ordered(filter, SORTS['PRIORITY']!)).toBeUndefined();
    expect(t.find(filter, SORTS['PRIORITY']!, 3)).toEqual([20, 3, 7]);
    // Other indexes are unaffected.
    expect(t.indexed.ordered(filter, SORTS['FIFO']!)).toBeDefined();
    t.find(filter, SORTS['FIFO']!, 3);
    // Decimal128 equal to a number under BSON order but not the same key: no walks either.
    t.both({
      insert: 'contacts',
      documents: [
        { _id: 21, campaignId: 'c1', phoneNumber: 'p21', status: 'QUEUED', updatedAt: Decimal128.fromString('1') },
      ],
    });
    expect(t.indexed.ordered({ status: 'QUEUED' }, { updatedAt: 1 })).toBeUndefined();
    t.find({ status: 'QUEUED' }, { updatedAt: 1 }, 3);
  });

  it('agrees with a scan and sort over random inserts, updates, claims and removals', () => {
    // Seeded: a failure replays.
    const { random, pick } = seededRandom(20_240_601);
    const campaigns = ['c0', 'c1', 'c2'];
    const statuses = ['QUEUED', 'RETRY_SCHEDULED', 'CALLING', 'DONE'];
    const days = [new Date(NOW.getTime() - 86_400_000), NOW, new Date(NOW.getTime() + 86_400_000)];
    const priorities = [null, undefined, 0, 1, 1, 2, 5, 'vip'];
    const t = makeTwins();
    const live: unknown[] = [];
    let n = 0;
    const fields = (): Doc => {
      const doc: Doc = { status: pick(statuses), nextAttemptAt: pick([null, null, ...days]), updatedAt: pick(days) };
      const priority = pick(priorities);
      if (priority !== undefined) doc['priority'] = priority;
      return doc;
    };
    const queries = (): Array<[Doc, Doc]> => {
      const c = pick(campaigns);
      return [
        ...Object.values(SORTS).map((sort): [Doc, Doc] => [claimFilter(c), sort]),
        [claimFilter({ $in: [c, pick(campaigns)] }), pick(Object.values(SORTS))],
        [{ campaignId: c, status: { $in: WAITING } }, { nextAttemptAt: 1 }],
        [{ status: pick(statuses) }, { updatedAt: 1 }],
      ];
    };
    for (let step = 0; step < 600; step++) {
      const r = random();
      if (r < 0.35 || live.length < 5) {
        const id = pick([() => new ObjectId(), () => n, () => `s${n}`])();
        t.both({
          insert: 'contacts',
          documents: [{ _id: id, campaignId: pick(campaigns), phoneNumber: `p${n++}`, ...fields() }],
        });
        live.push(id);
      } else if (r < 0.6) {
        t.both({ update: 'contacts', updates: [{ q: { _id: pick(live) }, u: { $set: fields() } }] });
      } else if (r < 0.7) {
        t.both({
          update: 'contacts',
          updates: [
            {
              q: { campaignId: pick(campaigns), status: 'CALLING' },
              u: { $set: { status: 'RETRY_SCHEDULED', nextAttemptAt: pick(days) } },
              multi: true,
            },
          ],
        });
      } else if (r < 0.8) {
        const i = Math.floor(random() * live.length);
        t.both({ delete: 'contacts', deletes: [{ q: { _id: live[i] }, limit: 1 }] });
        live.splice(i, 1);
      } else {
        t.claim(pick(campaigns), pick(Object.keys(SORTS)));
      }
      const [filter, sort] = pick(queries());
      t.find(filter, sort, pick([0, 1, 2, 5]));
      // Equality lookups (no sort) read the same buckets, in natural order.
      t.find(filter, {}, pick([0, 3]));
    }
    for (const [filter, sort] of queries()) {
      expect(t.indexed.ordered(filter, sort)).toBeDefined();
      t.find(filter, sort);
    }
  });

  it('claims among 100,000 waiting contacts in well under 20 ms each', () => {
    const store = new Store();
    const ctx = { store, connectionId: 1 };
    const run = (cmd: Doc): Doc => {
      const reply = runCommand(cmd, 'speed', ctx);
      if (reply['ok'] !== 1) throw new Error(JSON.stringify(reply));
      return reply;
    };
    run({ createIndexes: 'contacts', indexes: CONTACT_INDEXES });
    const campaignId = new ObjectId();
    for (let b = 0; b < 100; b++)
      run({
        insert: 'contacts',
        documents: Array.from({ length: 1000 }, (_, k) => ({
          _id: new ObjectId(),
          campaignId,
          phoneNumber: `+1555${String(b * 1000 + k).padStart(7, '0')}`,
          status: 'QUEUED',
          priority: k % 5,
          attempts: 0,
          nextAttemptAt: null,
        })),
      });
    const claim = (k: number): void => {
      const reply = run({
        findAndModify: 'contacts',
        query: claimFilter(campaignId),
        sort: SORTS[['FIFO', 'LIFO', 'PRIORITY'][k % 3]!],
        update: { $set: { status: 'CALLING', nextAttemptAt: null }, $inc: { attempts: 1 } },
      });
      expect(reply['value']).not.toBeNull();
    };
    for (let k = 0; k < 5; k++) claim(k); // warm-up
    const t0 = process.hrtime.bigint();
    for (let k = 0; k < 50; k++) claim(k);
    const avgMs = Number(process.hrtime.bigint() - t0) / 1e6 / 50;
    // Generous for a loaded machine: the walk takes well under 1 ms, a scan and sort 130 ms.
    expect(avgMs).toBeLessThan(20);
  });
});
