import mongoose from 'mongoose';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { ensureServerBuilt } from '../test/processes';
import type { DialwaveProcess } from '../test/processes';
import {
  createCampaignWithContacts,
  fetchLedger,
  gql,
  ledgerFacts,
  signUpWithSimulation,
  startApi,
  startWorker,
} from '../test/cluster';
import { countersAndRecount, waitFor } from './test-fixtures';

/**
 * SIGTERM of a worker process holding live calls (a rolling deploy, a scale-in): its slot jobs
 * go back to the queue, its live calls keep their leases, and the other worker adopts them.
 * One API (hosting the simulator, whose ledger is the ground truth) and two workers.
 */
describe('dispatch: SIGTERM of a worker with live calls', () => {
  let infra: TestInfra;
  const procs: DialwaveProcess[] = [];

  beforeAll(async () => {
    ensureServerBuilt();
    infra = await startTestInfra();
    // The test reads counters and contacts directly, through its own connection.
    await mongoose.connect(infra.mongoUri);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await mongoose.disconnect();
    await infra?.stop();
  });

  it('hands its calls over to the other worker: nothing lost, nothing dialled twice, exit 0', async () => {
    const api = await startApi(infra, procs);
    const workers = await Promise.all([startWorker(infra, procs, api), startWorker(infra, procs, api)]);
    const { token, agentId } = await signUpWithSimulation(api, 'sigterm', {
      minDurationMs: 1_000,
      maxDurationMs: 2_000,
    });
    const campaignId = await createCampaignWithContacts(api, token, {
      agentId,
      name: 'SIGTERM',
      limit: 6,
      contacts: 40,
      seed: 11,
    });
    await gql(api, `mutation ($id: ID!) { startCampaign(id: $id) { status } }`, { id: campaignId }, token);
    await waitFor('6 live calls', async () => ledgerFacts(await fetchLedger(api, campaignId)).liveNow === 6);

    // Which worker holds live calls? Its own live-calls gauge says; SIGTERM the busier one.
    const liveOn = async (w: (typeof workers)[number]) => {
      const text = await (await fetch(`${w.metricsUrl}/metrics`)).text();
      const line = new RegExp(`^dialwave_live_calls\\{campaign_id="${campaignId}"\\} (\\d+)$`, 'm').exec(text);
      return Number(line?.[1] ?? 0);
    };
    const live = await Promise.all(workers.map(liveOn));
    expect(live[0]! + live[1]!).toBeGreaterThan(0);
    const [a, b] = live[0]! >= live[1]! ? [workers[0]!, workers[1]!] : [workers[1]!, workers[0]!];

    const signalledAt = Date.now();
    const code = await a.proc.stop('SIGTERM');
    const exitMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    // A hands running slots back at their next step; it waits for no call to end.
    expect(exitMs).toBeLessThan(10_000);

    await waitFor(
      'campaign completed by worker B',
      async () => {
        const { campaign } = await gql<{ campaign: { status: string } }>(
          api,
          `query ($id: ID!) { campaign(id: $id) { status } }`,
          { id: campaignId },
          token,
        );
        return campaign.status === 'COMPLETED';
      },
      60_000,
    );
    const ledger = await fetchLedger(api, campaignId);
    const facts = ledgerFacts(ledger);
    expect(ledger.some((e) => e.placedAt > signalledAt)).toBe(true);
    expect(facts.dialledTwice).toEqual([]);
    expect(facts.dials.size).toBe(40);
    expect(facts.maxConcurrent).toBeLessThanOrEqual(6);
    const { stored, recount } = await countersAndRecount(campaignId);
    expect(stored).toEqual(recount);
    expect(stored.completedCalls).toBe(40);
    expect(stored.activeCalls).toBe(0);

    // B adopted A's calls and dialled the rest; its gauge is back to no series for the campaign.
    const metrics = await (await fetch(`${b.metricsUrl}/metrics`)).text();
    expect(metrics).toMatch(/^dialwave_calls_placed_total\{provider="simulated"\} [1-9]\d*$/m);
    expect(await liveOn(b)).toBe(0);
  }, 90_000);
});
