import { Collection } from './collection';

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
});
