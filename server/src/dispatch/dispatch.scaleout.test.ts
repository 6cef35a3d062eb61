import mongoose from 'mongoose';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { ensureServerBuilt } from '../test/processes';
import type { DialwaveProcess } from '../test/processes';
import { subscribe, until } from '../test/ws';
import type { Sub } from '../test/ws';
import {
  createCampaignWithContacts,
  fetchLedger,
  gql,
  ledgerFacts,
  signUpWithSimulation,
  startApi,
  startWorker,
} from '../test/cluster';
import { countersAndRecount } from './test-fixtures';

type Progress = { campaignProgress: { status: string; stats: { completedCalls: number; progress: number } } };

/**
 * Scale-out: two API processes and two workers run three campaigns at once. Workers reach the
 * simulator on API 1 and providers post webhooks to API 2, so every call crosses processes.
 * Every campaign's limit holds (from the simulator's ledger) and dashboards on both APIs get
 * their campaigns' final snapshots.
 */
describe('dispatch: two APIs and two workers', () => {
  let infra: TestInfra;
  const procs: DialwaveProcess[] = [];
  const subs: Sub<unknown>[] = [];

  beforeAll(async () => {
    ensureServerBuilt();
    infra = await startTestInfra();
    await mongoose.connect(infra.mongoUri);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(subs.map((s) => s.dispose()));
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await mongoose.disconnect();
    await infra?.stop();
  });

  it('holds every campaign limit and serves every subscriber', async () => {
    const [api1, api2] = await Promise.all([startApi(infra, procs), startApi(infra, procs)]);
    // Five lines per worker and ten slots in all: both workers must take part.
    const workers = await Promise.all([
      startWorker(infra, procs, api2, { SIMULATOR_URL: api1, WORKER_CONCURRENCY: '5' }),
      startWorker(infra, procs, api2, { SIMULATOR_URL: api1, WORKER_CONCURRENCY: '5' }),
    ]);
    const { token, agentId } = await signUpWithSimulation(api1, 'scaleout', { minDurationMs: 200, maxDurationMs: 600 });
    const plan = [
      { name: 'A', limit: 2, contacts: 16, seed: 21 },
      { name: 'B', limit: 3, contacts: 24, seed: 22 },
      { name: 'C', limit: 5, contacts: 30, seed: 23 },
    ];
    const campaigns = await Promise.all(
      plan.map(async (p) => ({ ...p, id: await createCampaignWithContacts(api1, token, { agentId, ...p }) })),
    );

    // A dashboard per campaign on each API.
    const watchers = campaigns.flatMap((c) =>
      [api1, api2].map((api) => {
        const sub = subscribe<Progress>(
          api,
          token,
          `subscription ($id: ID!) { campaignProgress(campaignId: $id) { status stats { completedCalls progress } } }`,
          { id: c.id },
        );
        subs.push(sub as Sub<unknown>);
        return { campaign: c, sub };
      }),
    );
    // The first message (the current snapshot) proves each subscription is registered.
    for (const w of watchers) expect((await w.sub.next()).data!.campaignProgress.status).toBe('DRAFT');

    await Promise.all(
      campaigns.map((c) => gql(api2, `mutation ($id: ID!) { startCampaign(id: $id) { status } }`, { id: c.id }, token)),
    );

    const finished = (w: (typeof watchers)[number]) =>
      w.sub.results.some((r) => r.data?.campaignProgress.status === 'COMPLETED');
    await until(() => watchers.every(finished), 60_000);
    for (const w of watchers) {
      const last = w.sub.results.at(-1)!.data!.campaignProgress;
      expect(last).toEqual({ status: 'COMPLETED', stats: { completedCalls: w.campaign.contacts, progress: 100 } });
    }

    for (const c of campaigns) {
      const facts = ledgerFacts(await fetchLedger(api1, c.id));
      expect({ campaign: c.name, max: facts.maxConcurrent <= c.limit, twice: facts.dialledTwice }).toEqual({
        campaign: c.name,
        max: true,
        twice: [],
      });
      expect(facts.dials.size).toBe(c.contacts);
      const { stored, recount } = await countersAndRecount(c.id);
      expect(stored).toEqual(recount);
    }
    // Each worker's metrics show its dials and refills; API 2, which took the webhooks, their delay.
    for (const w of workers) {
      const metrics = await (await fetch(`${w.metricsUrl}/metrics`)).text();
      expect(metrics).toMatch(/^dialwave_calls_placed_total\{provider="simulated"\} [1-9]\d*$/m);
      expect(metrics).toMatch(/^dialwave_refill_latency_seconds_count [1-9]\d*$/m);
    }
    const apiMetrics = await (await fetch(`${api2}/metrics`)).text();
    expect(apiMetrics).toMatch(/^dialwave_webhook_delay_seconds_count\{provider="simulated"\} [1-9]\d*$/m);
  }, 90_000);
});
