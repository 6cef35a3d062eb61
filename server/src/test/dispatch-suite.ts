import { CallModel } from '../calls/call.model';
import { startTestStack } from './harness';
import type { TestStack } from './harness';
import type { DispatchService } from '../dispatch/dispatch.service';
import { campaignStatus, countersAndRecount, waitFor } from '../dispatch/test-fixtures';
import type { Fixture } from '../dispatch/test-fixtures';

/**
 * The stack and the invariants the slot-job tests share (dispatch/dispatch.test.ts and
 * dispatch/dispatch.manual.test.ts): call inside a describe; it registers its own hooks.
 */
export function dispatchSuite(ENV: Record<string, string>) {
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  const sim = () => dispatcher().simulator;
  const completed = (f: Fixture) =>
    waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED');

  /** The invariants every scenario must keep. */
  async function expectInvariants(f: Fixture, limit: number) {
    const most = sim().maxConcurrent(f.campaignId);
    if (most > limit) {
      // Rare and load-dependent so far (one CI run): say which calls overlapped and how they ended.
      const calls = new Map(
        (await CallModel.find({ campaignId: f.campaignId }).lean()).map((c) => [String(c._id), c] as const),
      );
      const lines = sim()
        .ledger.filter((e) => e.campaignId === f.campaignId)
        .map((e) => {
          const c = calls.get(e.callId);
          return `${e.callId} placed ${e.placedAt} ended ${e.endedAt} ${e.outcome}; ours ${c?.status} ${c?.error ?? ''} updated ${c?.updatedAt?.getTime()}`;
        });
      throw new Error(`${most} calls live at once at the provider, limit ${limit}:\n${lines.join('\n')}`);
    }
    expect(most).toBeLessThanOrEqual(limit);
    const counts = [...sim().dialCounts(f.campaignId).values()];
    expect(counts.filter((n) => n > 1)).toEqual([]);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    expect(dispatcher().engine.driftCorrections - driftBefore).toBe(0);
    expect(await dispatcher().leases.count(f.campaignId)).toBe(0);
    // Every call in MongoDB is final and each ledger call has exactly one Call document.
    const calls = await CallModel.find({ campaignId: f.campaignId }).lean();
    expect(
      calls.filter((c) => !['COMPLETED', 'BUSY', 'NO_ANSWER', 'FAILED', 'VOICEMAIL', 'CANCELED'].includes(c.status)),
    ).toEqual([]);
    const ledgerCallIds = new Set(
      sim()
        .ledger.filter((e) => e.campaignId === f.campaignId)
        .map((e) => e.callId),
    );
    for (const id of ledgerCallIds) expect(calls.some((c) => String(c._id) === id)).toBe(true);
  }

  /** Every call placed after `at` was created (checked against the campaign) before it. */
  async function expectNoCallCreatedAfter(f: Fixture, at: number) {
    const late = sim().ledger.filter((e) => e.campaignId === f.campaignId && e.placedAt > at);
    const calls = await CallModel.find({ _id: { $in: late.map((e) => e.callId) } }).lean();
    expect(calls.filter((c) => new Date(c.startedAt).getTime() > at)).toEqual([]);
    expect(late.length).toBeLessThanOrEqual(4);
  }

  beforeAll(async () => {
    stack = await startTestStack(ENV);
  });
  /** Drift corrections before the test: the race test below makes one on purpose. */
  let driftBefore = 0;
  beforeEach(() => {
    driftBefore = dispatcher().engine.driftCorrections;
  });
  afterEach(() => sim().resetFaults());
  afterAll(async () => {
    await stack?.stop();
  });

  return {
    stack: () => stack,
    dispatcher,
    sim,
    completed,
    expectInvariants,
    expectNoCallCreatedAfter,
    /** Drift corrections since the test began. */
    driftSince: () => dispatcher().engine.driftCorrections - driftBefore,
    /** A test that makes a drift correction on purpose accepts it, so the invariants still hold after. */
    acceptDrift: () => {
      driftBefore += 1;
    },
  };
}
