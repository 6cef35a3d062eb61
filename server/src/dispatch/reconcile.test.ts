import { CallModel } from '../calls/call.model';
import { signSimulatorWebhook } from '../providers/simulated/simulator';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from './dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';

/** The reconcile interval under test, and how often the sweeper (which runs it) wakes. */
const RECONCILE_SECONDS = 1;
const SWEEP_MS = 300;

const ENV = {
  // Far beyond the test: only reconciliation can end these calls in time.
  MAX_CALL_DURATION_SECONDS: '600',
  CALL_RECONCILE_SECONDS: String(RECONCILE_SECONDS),
  DISPATCH_SWEEP_INTERVAL_MS: String(SWEEP_MS),
  PLACE_CALL_TIMEOUT_MS: '1000',
};

describe('reconciliation of calls whose webhooks never come', () => {
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  const sim = () => dispatcher().simulator;

  beforeAll(async () => {
    stack = await startTestStack(ENV);
  }, 120_000);
  afterEach(() => sim().resetFaults());
  afterAll(async () => {
    await stack?.stop();
  });

  it('ends every call within the reconcile interval plus one look-up, as its webhook would have', async () => {
    // A provider that never sends a webhook at all.
    sim().faults.dropWebhookRate = 1;
    const f = await createFixture({
      contacts: 6,
      settings: { concurrentCallsLimit: 3 },
      simulation: { voicemailRate: 0.5, minDurationMs: 100, maxDurationMs: 300 },
    });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 20_000);

    const calls = await CallModel.find({ campaignId: f.campaignId }).lean();
    expect(calls).toHaveLength(6);
    // A generous bound for one look-up and the writes after it on a loaded machine (1.5 s was
    // passed once in a full `npm test` on two busy cores); still far below the 600 s lease
    // deadline, the only other way these calls could end.
    const oneLookUpMs = 3_000;
    for (const call of calls) {
      const entry = sim().ledger.find((e) => e.callId === String(call._id))!;
      // The final status the provider reports, not a FAILED of our own.
      expect(call.status).toBe(entry.outcome);
      const late = new Date(call.endedAt!).getTime() - entry.placedAt;
      expect(late).toBeLessThanOrEqual(RECONCILE_SECONDS * 1000 + SWEEP_MS + oneLookUpMs);
    }
    // Lines released, counters moved once and agreeing with a recount.
    expect(await dispatcher().leases.count(f.campaignId)).toBe(0);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    expect(stored.activeCalls).toBe(0);
    expect(stored.completedCalls + stored.voicemailCalls).toBe(6);

    // Another pass, and the lost webhooks arriving late after all, change nothing: applied
    // once, never downgraded.
    await dispatcher().sweep();
    const call = calls[0]!;
    for (const CallStatus of ['ringing', 'completed']) {
      const json = JSON.stringify({
        CallSid: call.providerCallId,
        CallStatus,
        Timestamp: Date.now(),
        SequenceNumber: 0,
      });
      const late = await fetch(
        `${stack.url}/webhooks/simulated?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-simulator-signature': signSimulatorWebhook(sim().signingKey, json),
          },
          body: json,
        },
      );
      expect(await late.json()).toEqual({ ok: true, applied: false });
    }
    expect((await CallModel.findById(call._id).lean())?.status).toBe(call.status);
    expect((await countersAndRecount(f.campaignId)).stored).toEqual(stored);
  });

  it('closes a call whose place-call failed while the provider could not be asked, once it says it does not know it', async () => {
    // The place-call times out without creating a call, and every look-up fails meanwhile.
    sim().faults.placeCallHangs = { count: 1, createCall: false };
    const lookup = sim().lookup.bind(sim());
    let down = true;
    sim().lookup = (query) => {
      if (down) throw new Error('provider down');
      return lookup(query);
    };
    try {
      const f = await createFixture({
        contacts: 1,
        settings: { concurrentCallsLimit: 1 },
        simulation: { minDurationMs: 100, maxDurationMs: 100 },
      });
      await dispatcher().startCampaign(f.orgId, f.campaignId);
      // Past the place-call timeout (1 s) and the engine's own second look-up (1 s later).
      await new Promise((r) => setTimeout(r, 3_000));
      const [call] = await CallModel.find({ campaignId: f.campaignId }).lean();
      expect(call).toMatchObject({ providerCallId: null });
      expect(['INITIATED', 'RINGING']).toContain(call!.status);
      down = false;
      // Before, only the 600 s lease deadline ended such a call.
      await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 20_000);
      const after = (await CallModel.findById(call!._id).lean())!;
      expect(after.status).toBe('FAILED');
      expect(after.error).toMatch(/does not know the call/);
      expect(sim().ledger.some((e) => e.callId === String(call!._id))).toBe(false);
      expect(await dispatcher().leases.count(f.campaignId)).toBe(0);
      const { stored, recount } = await countersAndRecount(f.campaignId);
      expect(stored).toEqual(recount);
    } finally {
      sim().lookup = lookup;
    }
  });

  it('asks about a live call once per interval, not at every sweep, and leaves it live', async () => {
    sim().faults.dropWebhookRate = 1;
    const lookups = new Map<string, number>();
    const lookup = sim().lookup.bind(sim());
    sim().lookup = (query) => {
      const key = query.sid ?? query.token ?? '';
      lookups.set(key, (lookups.get(key) ?? 0) + 1);
      return lookup(query);
    };
    try {
      const f = await createFixture({
        contacts: 1,
        settings: { concurrentCallsLimit: 1 },
        simulation: { minDurationMs: 3_500, maxDurationMs: 3_500 },
      });
      await dispatcher().startCampaign(f.orgId, f.campaignId);
      await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 20_000);
      const [call] = await CallModel.find({ campaignId: f.campaignId }).lean();
      expect(call?.status).toBe('COMPLETED');
      // 3.5 s of call, asked about after 1 s of silence and then once a second: about 4 look-ups.
      // Asked at every 300 ms sweep it would be about 9.
      const asked = lookups.get(call!.providerCallId!) ?? 0;
      expect(asked).toBeGreaterThanOrEqual(2);
      expect(asked).toBeLessThanOrEqual(5);
    } finally {
      sim().lookup = lookup;
    }
  });
});
