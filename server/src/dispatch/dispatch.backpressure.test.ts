import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from './dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';

/** Place-calls the worker may have in flight, and how long one may hang before it is looked up. */
const DIALS_IN_FLIGHT = 2;
const PLACE_CALL_TIMEOUT_MS = 800;

describe('dial backpressure (DISPATCH_DIALS_IN_FLIGHT)', () => {
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  const sim = () => dispatcher().simulator;

  beforeAll(async () => {
    stack = await startTestStack({
      DISPATCH_DIALS_IN_FLIGHT: String(DIALS_IN_FLIGHT),
      PLACE_CALL_TIMEOUT_MS: String(PLACE_CALL_TIMEOUT_MS),
    });
  }, 120_000);
  afterEach(() => sim().resetFaults());
  afterAll(async () => {
    await stack?.stop();
  });

  it('sends no more place-calls at once than allowed, whatever the free lines, and still dials every contact once', async () => {
    // Every place-call hangs until our timeout (the call is created at the provider anyway, and
    // found by the look-up that follows): each dial holds its permit for the whole timeout.
    sim().faults.placeCallHangs = { count: 6, createCall: true };
    const f = await createFixture({ contacts: 6, settings: { concurrentCallsLimit: 6 } });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 30_000);

    const placed = sim()
      .ledger.filter((e) => e.campaignId === f.campaignId)
      .map((e) => e.placedAt)
      .sort((a, b) => a - b);
    expect(placed).toHaveLength(6);
    // Six free lines, but only two requests may be out: the third reaches the provider only once
    // one of the first two timed out and was looked up (without the bound, all six at once, tens
    // of ms apart). Half the timeout, not all of it: the timeout runs from the request's send,
    // the provider stamps its arrival, and a first connection under load can take 100 ms or more.
    expect(placed[DIALS_IN_FLIGHT]! - placed[0]!).toBeGreaterThanOrEqual(PLACE_CALL_TIMEOUT_MS / 2);
    expect([...sim().dialCounts(f.campaignId).values()].filter((n) => n > 1)).toEqual([]);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    expect(await dispatcher().leases.count(f.campaignId)).toBe(0);
  }, 60_000);
});
