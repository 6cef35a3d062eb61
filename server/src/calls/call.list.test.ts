import mongoose, { Types } from 'mongoose';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { CallModel } from './call.model';
import { listCalls } from './call.list';

// The call log's keyset pagination (pageNewestFirst) through the driver over TCP.
describe('listCalls', () => {
  let infra: TestInfra;
  const campaignId = new Types.ObjectId();

  beforeAll(async () => {
    infra = await startTestInfra();
    await mongoose.connect(infra.mongoUri);
    await CallModel.createIndexes();
    const base = Date.UTC(2026, 0, 1);
    // 25 calls, three sharing one startedAt so the _id tie-breaker matters.
    await CallModel.insertMany(
      Array.from({ length: 25 }, (_, i) => ({
        organizationId: new Types.ObjectId(),
        campaignId,
        contactId: new Types.ObjectId(),
        phoneId: new Types.ObjectId(),
        attempt: 1,
        provider: 'SIMULATED',
        status: i % 5 === 0 ? 'FAILED' : 'COMPLETED',
        callbackToken: `t${i}`,
        startedAt: new Date(base + (i < 3 ? 0 : i) * 1000),
      })),
    );
  });

  afterAll(async () => {
    await mongoose.disconnect();
    await infra?.stop();
  });

  it('pages newest first with no duplicates and nothing missing', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page = await listCalls(campaignId, { first: 7, after });
      expect(page.totalCount).toBe(25);
      seen.push(...page.nodes.map((c) => String(c._id)));
      if (!page.hasNextPage) break;
      after = page.endCursor;
    }
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    const all = await CallModel.find({ campaignId }).sort({ startedAt: -1, _id: -1 }).lean();
    expect(seen).toEqual(all.map((c) => String(c._id)));
  });

  it('filters by status and refuses a cursor it did not issue', async () => {
    const failed = await listCalls(campaignId, { status: 'FAILED', first: 50 });
    expect(failed.totalCount).toBe(5);
    expect(failed.nodes.every((c) => c.status === 'FAILED')).toBe(true);
    await expect(listCalls(campaignId, { after: 'not-a-cursor' })).rejects.toThrow(
      'after: is not a cursor this server issued',
    );
  });
});
