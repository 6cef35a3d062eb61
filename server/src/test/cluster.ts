import { freePort } from '../redis';
import type { LedgerEntry } from '../providers/simulated/simulator';
import { simulatorKeys } from '../providers/simulated/simulator';
import type { SimulationSettings } from '../providers/provider';
import { postGraphQL } from './harness';
import type { TestInfra } from './harness';
import { spawnDialwave, waitForHttp } from './processes';
import type { DialwaveProcess } from './processes';

/**
 * Helpers for tests that run Dialwave as several real processes (ROLE=api / ROLE=worker) on one
 * test Redis and MongoDB, the way production scales out.
 */

const JWT_SECRET = 'cluster-test-secret-cluster-test-secret-0123';

/** The environment every process of a test cluster shares; `extra` adds or overrides variables. */
export function clusterEnv(infra: TestInfra, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    MONGODB_URI: infra.mongoUri,
    REDIS_URL: infra.redisUrl,
    REDIS_PREFIX: infra.prefix,
    JWT_SECRET,
    ENCRYPTION_KEY: '2'.repeat(64),
    ...extra,
  };
}

/** Starts a ROLE=api process on a free port and waits for its /healthz. */
export async function startApi(
  infra: TestInfra,
  procs: DialwaveProcess[],
  extra: Record<string, string> = {},
): Promise<string> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const proc = spawnDialwave(clusterEnv(infra, { ROLE: 'api', PORT: String(port), PUBLIC_URL: url, ...extra }));
  procs.push(proc);
  await waitForHttp(`${url}/healthz`, proc);
  return url;
}

/**
 * Starts a ROLE=worker process with its METRICS_PORT listener and waits for its /readyz (its
 * dispatcher is connected and its BullMQ worker started). `api` is where it reaches the simulator
 * and where providers post webhooks unless `extra` says otherwise.
 */
export async function startWorker(
  infra: TestInfra,
  procs: DialwaveProcess[],
  api: string,
  extra: Record<string, string> = {},
): Promise<{ proc: DialwaveProcess; metricsUrl: string }> {
  const port = await freePort();
  const proc = spawnDialwave(
    clusterEnv(infra, { ROLE: 'worker', METRICS_PORT: String(port), PUBLIC_URL: api, ...extra }),
  );
  procs.push(proc);
  const metricsUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${metricsUrl}/readyz`, proc);
  return { proc, metricsUrl };
}

/** A GraphQL operation that must succeed. */
export async function gql<T>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const res = await postGraphQL<T>(url, query, variables, token);
  if (res.errors || !res.data) throw new Error(JSON.stringify(res.errors));
  return res.data;
}

/** Signs an organization up and sets its (first) phone's simulation; returns the token and agent. */
export async function signUpWithSimulation(
  api: string,
  name: string,
  simulation: Partial<SimulationSettings>,
): Promise<{ token: string; agentId: string }> {
  const { signUp } = await gql<{ signUp: { token: string } }>(
    api,
    `mutation ($i: SignUpInput!) { signUp(input: $i) { token } }`,
    { i: { email: `${name}@example.com`, password: 'correct horse battery', organizationName: name } },
  );
  const token = signUp.token;
  const { agents, phones } = await gql<{ agents: { id: string }[]; phones: { id: string }[] }>(
    api,
    `{ agents { id } phones { id } }`,
    {},
    token,
  );
  await gql(
    api,
    `mutation ($id: ID!, $i: UpdatePhoneInput!) { updatePhone(id: $id, input: $i) { id } }`,
    {
      id: phones[0]!.id,
      i: { simulation: { busyRate: 0, noAnswerRate: 0, failRate: 0, voicemailRate: 0, ...simulation } },
    },
    token,
  );
  return { token, agentId: agents[0]!.id };
}

/** Creates a DRAFT campaign with `contacts` (< 100) contacts, numbers +1415555<seed><nn> (seed 10–99); returns its id. */
export async function createCampaignWithContacts(
  api: string,
  token: string,
  options: { agentId: string; name: string; limit: number; contacts: number; seed: number },
): Promise<string> {
  const { createCampaign } = await gql<{ createCampaign: { id: string } }>(
    api,
    `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
    {
      i: {
        name: options.name,
        agentId: options.agentId,
        // No retries: every contact reaches a final status in one attempt.
        settings: { concurrentCallsLimit: options.limit, retryFailedCalls: false },
      },
    },
    token,
  );
  const contacts = Array.from({ length: options.contacts }, (_, i) => ({
    phoneNumber: `+1415555${String(options.seed * 100 + i).padStart(4, '0')}`,
  }));
  await gql(
    api,
    `mutation ($id: ID!, $c: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $c) { accepted } }`,
    { id: createCampaign.id, c: contacts },
    token,
  );
  return createCampaign.id;
}

/** The simulator's ledger of one campaign, read over HTTP from the API process that hosts it. */
export async function fetchLedger(api: string, campaignId: string): Promise<LedgerEntry[]> {
  const key = simulatorKeys(new TextEncoder().encode(JWT_SECRET)).api;
  const res = await fetch(`${api}/simulator/ledger?campaignId=${encodeURIComponent(campaignId)}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  if (!res.ok) throw new Error(`ledger: HTTP ${res.status}`);
  return (await res.json()) as LedgerEntry[];
}

/** Ledger facts the invariants are about: dials per contact+attempt, peak concurrency, calls live at `at`. */
export function ledgerFacts(ledger: LedgerEntry[], at = Date.now()) {
  const dials = new Map<string, number>();
  const points: [number, number][] = [];
  for (const e of ledger) {
    const key = `${e.contactId}#${e.attempt}`;
    dials.set(key, (dials.get(key) ?? 0) + 1);
    points.push([e.placedAt, 1], [e.endedAt, -1]);
  }
  // Ends before starts at the same instant: a line freed and reused in one ms is not two calls.
  points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let live = 0;
  let maxConcurrent = 0;
  for (const [, delta] of points) {
    live += delta;
    maxConcurrent = Math.max(maxConcurrent, live);
  }
  return {
    dials,
    dialledTwice: [...dials.entries()].filter(([, n]) => n > 1),
    maxConcurrent,
    liveNow: ledger.filter((e) => e.placedAt <= at && e.endedAt > at).length,
  };
}
