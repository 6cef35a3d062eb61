import { freePort } from '../redis';
import { postGraphQL, startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { ensureServerBuilt, spawnDialwave, waitForHttp } from '../test/processes';
import type { DialwaveProcess } from '../test/processes';
import { subscribe, until } from '../test/ws';
import type { Sub } from '../test/ws';

/**
 * Two API processes and one worker process on one Redis and one MongoDB: a dashboard on API 2
 * sees a campaign started through API 1 and dialled by the worker, and a dashboard that
 * reconnects gets the current snapshot at once.
 */
describe('live updates across processes', () => {
  let infra: TestInfra;
  const procs: DialwaveProcess[] = [];
  const subs: Sub<unknown>[] = [];
  let api1 = '';
  let api2 = '';

  beforeAll(async () => {
    ensureServerBuilt();
    infra = await startTestInfra();
    const [port1, port2] = [await freePort(), await freePort()];
    api1 = `http://127.0.0.1:${port1}`;
    api2 = `http://127.0.0.1:${port2}`;
    const common = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      MONGODB_URI: infra.mongoUri,
      REDIS_URL: infra.redisUrl,
      REDIS_PREFIX: infra.prefix,
      JWT_SECRET: 'multi-instance-secret-multi-instance-0123',
      ENCRYPTION_KEY: '1'.repeat(64),
      // Providers (the simulator here) call back the API that placed… any API will do.
      PUBLIC_URL: api1,
    };
    procs.push(spawnDialwave({ ...common, ROLE: 'api', PORT: String(port1) }));
    procs.push(spawnDialwave({ ...common, ROLE: 'api', PORT: String(port2) }));
    procs.push(spawnDialwave({ ...common, ROLE: 'worker', PORT: '0' }));
    await Promise.all([waitForHttp(`${api1}/healthz`, procs[0]!), waitForHttp(`${api2}/healthz`, procs[1]!)]);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(subs.map((s) => s.dispose()));
    await Promise.all(procs.map((p) => p.stop()));
    await infra?.stop();
  });

  it('fans a campaign dialled by the worker out to a subscriber on the other API', async () => {
    const gql = async <T>(
      url: string,
      query: string,
      variables: Record<string, unknown>,
      token?: string,
    ): Promise<T> => {
      const res = await postGraphQL<T>(url, query, variables, token);
      if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
      return res.data;
    };
    const { signUp } = await gql<{ signUp: { token: string } }>(
      api1,
      `mutation ($i: SignUpInput!) { signUp(input: $i) { token } }`,
      { i: { email: 'fanout@example.com', password: 'correct horse battery', organizationName: 'Fan-out' } },
    );
    const token = signUp.token;
    const { agents, phones } = await gql<{ agents: { id: string }[]; phones: { id: string }[] }>(
      api1,
      `{ agents { id } phones { id } }`,
      {},
      token,
    );
    await gql(
      api1,
      `mutation ($id: ID!, $i: UpdatePhoneInput!) { updatePhone(id: $id, input: $i) { id } }`,
      {
        id: phones[0]!.id,
        i: {
          simulation: {
            busyRate: 0,
            noAnswerRate: 0,
            failRate: 0,
            voicemailRate: 0,
            minDurationMs: 100,
            maxDurationMs: 300,
          },
        },
      },
      token,
    );
    const { createCampaign } = await gql<{ createCampaign: { id: string } }>(
      api1,
      `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
      { i: { name: 'Across processes', agentId: agents[0]!.id, settings: { concurrentCallsLimit: 4 } } },
      token,
    );
    const campaignId = createCampaign.id;
    const contacts = Array.from({ length: 12 }, (_, i) => ({ phoneNumber: `+1415555${String(2000 + i)}` }));
    await gql(
      api1,
      `mutation ($id: ID!, $c: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $c) { accepted } }`,
      { id: campaignId, c: contacts },
      token,
    );

    const progress = subscribe<{
      campaignProgress: { status: string; stats: { progress: number; completedCalls: number } };
    }>(
      api2,
      token,
      `subscription ($id: ID!) { campaignProgress(campaignId: $id) { status stats { progress completedCalls } } }`,
      { id: campaignId },
    );
    const calls = subscribe<{ callUpdated: { id: string; status: string } }>(
      api2,
      token,
      `subscription ($id: ID!) { callUpdated(campaignId: $id) { id status } }`,
      { id: campaignId },
    );
    subs.push(progress as Sub<unknown>, calls as Sub<unknown>);
    const first = await progress.next();
    expect(first.data!.campaignProgress.status).toBe('DRAFT');
    // graphql-ws acknowledges a subscription only by its first message; callUpdated has none
    // until a call moves, so give the server a moment to register it before starting.
    await new Promise((r) => setTimeout(r, 200));

    await gql(api1, `mutation ($id: ID!) { startCampaign(id: $id) { status } }`, { id: campaignId }, token);

    await until(() => progress.results.some((r) => r.data?.campaignProgress.status === 'COMPLETED'), 60_000);
    const last = progress.results.at(-1)!.data!.campaignProgress;
    expect(last.status).toBe('COMPLETED');
    expect(last.stats.progress).toBe(100);
    expect(last.stats.completedCalls).toBe(12);
    // Every call reached a final status, and each was seen placed first.
    const byCall = new Map<string, string[]>();
    for (const r of calls.results) {
      const c = r.data!.callUpdated;
      byCall.set(c.id, [...(byCall.get(c.id) ?? []), c.status]);
    }
    expect(byCall.size).toBe(12);
    for (const statuses of byCall.values()) expect(statuses.at(-1)).toBe('COMPLETED');

    // A dashboard that reconnects gets the current snapshot at once, nothing stale.
    const again = subscribe<{ campaignProgress: { status: string; stats: { progress: number } } }>(
      api2,
      token,
      `subscription ($id: ID!) { campaignProgress(campaignId: $id) { status stats { progress } } }`,
      { id: campaignId },
    );
    subs.push(again as Sub<unknown>);
    const now = await again.next();
    expect(now.data!.campaignProgress).toEqual({ status: 'COMPLETED', stats: { progress: 100 } });
  }, 120_000);
});
