/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadConfig } from '../config';
import { startRedisServer } from '../redis';
import { startApp } from '../app';
import type { AppHandle } from '../app';
import type { LedgerEntry } from '../providers/simulated/simulator';

/**
 * A whole Dialwave process on free ports for benches: the embedded MongoDB-compatible
 * server in a child process (or MONGODB_URI), a redis-server child and the app. Lives outside
 * src/test because benches are compiled with tsconfig.build.json, which leaves tests out.
 */
export interface BenchStack {
  url: string;
  app: AppHandle;
  mongoUri: string;
  redisUrl: string;
  /** The ENCRYPTION_KEY the app runs with, for other processes of the same deployment. */
  encryptionKeyHex: string;
  /** JWT_SECRET of the deployment, for other processes. */
  jwtSecret: string;
  /** CPU time (ms) the embedded MongoDB process has used so far; undefined with MONGODB_URI or off Linux. */
  mongoCpuMs(): Promise<number | undefined>;
  stop(): Promise<void>;
}

export interface MongoChild {
  uri: string;
  /** The server process's id (the benches read its CPU time from /proc). */
  pid: number | undefined;
  stop(): Promise<void>;
  /** CPU time (user + system) the server process has used so far, in ms (Linux; undefined elsewhere). */
  cpuMs(): Promise<number | undefined>;
}

/**
 * The embedded MongoDB-compatible server in its own process (`dist/mongo/embedded/cli.js`),
 * so a bench's memory and CPU figures are the app's alone, as with a real MongoDB.
 * BENCH_MONGO_NODE_ARGS (space-separated, e.g. `--cpu-prof`) is passed to that node process,
 * so the server can be profiled under a bench's load.
 */
export async function startMongoProcess(): Promise<MongoChild> {
  const nodeArgs = (process.env['BENCH_MONGO_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child: ChildProcess = spawn(
    process.execPath,
    // The semi-space every Dialwave process runs with (Dockerfile): an insert-heavy server
    // otherwise spends much of its time copying fresh documents in scavenges.
    ['--max-semi-space-size=64', ...nodeArgs, path.resolve(__dirname, '../mongo/embedded/cli.js'), '--port', '0'],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'error' },
    },
  );
  const uri = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /listening on (mongodb:\/\/\S+)/.exec(buffer);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`embedded MongoDB exited (${code}) before listening`)));
  });
  return {
    uri,
    pid: child.pid,
    cpuMs: async () => {
      try {
        // /proc/<pid>/stat fields 14 and 15: utime and stime in clock ticks (100 per second on Linux).
        const stat = await readFile(`/proc/${child.pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
      } catch {
        return undefined;
      }
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * @param env configuration on top of the bench's own
 * @param options.monitorCommands the driver's command events (default true: the live bench
 *   counts the API's commands; production runs without them, and so does the import bench)
 */
export async function startBenchStack(
  env: Record<string, string> = {},
  options: { monitorCommands?: boolean } = {},
): Promise<BenchStack> {
  const { monitorCommands = true } = options;
  const external = process.env['MONGODB_URI'];
  const mongo = external ? null : await startMongoProcess();
  const redis = await startRedisServer();
  const mongoUri = `${(external ?? mongo!.uri).replace(/\/$/, '')}/dialwave_bench_${Date.now()}`;
  const encryptionKeyHex = randomBytes(32).toString('hex');
  const jwtSecret = randomBytes(24).toString('hex');
  try {
    const config = loadConfig({
      NODE_ENV: 'development',
      PORT: '0',
      HOST: '127.0.0.1',
      MONGODB_URI: mongoUri,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'silent',
      ENCRYPTION_KEY: encryptionKeyHex,
      JWT_SECRET: jwtSecret,
      ...env,
    });
    // The live bench counts the API's MongoDB commands.
    const app = await startApp({ config, mongoUri, redisUrl: redis.url, monitorCommands });
    return {
      url: app.url,
      app,
      mongoUri,
      redisUrl: redis.url,
      encryptionKeyHex,
      jwtSecret,
      mongoCpuMs: async () => mongo?.cpuMs(),
      async stop() {
        await app.stop();
        await redis.stop();
        await mongo?.stop();
      },
    };
  } catch (error) {
    await redis.stop();
    await mongo?.stop();
    throw error;
  }
}

/** POSTs a GraphQL operation; throws on errors (a bench must not time failures). */
export async function benchGraphQL<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  token?: string,
): Promise<T> {
  const post = () =>
    fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  const res = await post().catch((error: unknown) => {
    // fetch says only "fetch failed"; the reason is its cause. A reset of a kept-alive socket is
    // retried once: when a bench part blocks this process's loop for longer than the server's
    // keep-alive timeout (the import bench's in-process baseline: ~14 s of parsing, the API in
    // the same process), the server's idle timer and the next request fire in the same turn,
    // and the request goes out on a socket the server is closing, unread (so nothing ran).
    const cause = (error as { cause?: { message?: string; code?: string } }).cause;
    if (cause?.code === 'ECONNRESET') return post();
    throw new Error(`POST ${url}/graphql failed: ${cause?.code ?? ''} ${cause?.message ?? String(error)}`.trim());
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data as T;
}

/**
 * Refill latencies from a simulator ledger: a call's end at the provider (the moment its final
 * webhook is sent) → the next placement on the same campaign, while contacts remained. Sorted.
 * `window` (ms since epoch) keeps only the refills of ends inside it (say, a steady state).
 */
export function refillLatencies(
  ledger: Pick<LedgerEntry, 'campaignId' | 'placedAt' | 'endedAt'>[],
  contactsPerCampaign: number,
  window: { from: number; to: number } = { from: -Infinity, to: Infinity },
): number[] {
  return refills(ledger, contactsPerCampaign, window)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
}

/** The same refills, each with the end it followed (ms since epoch), unsorted. */
export function refills(
  ledger: Pick<LedgerEntry, 'campaignId' | 'placedAt' | 'endedAt'>[],
  contactsPerCampaign: number,
  window: { from: number; to: number } = { from: -Infinity, to: Infinity },
): { end: number; ms: number }[] {
  return refillPairs(ledger, contactsPerCampaign, window).map(({ ended, next }) => ({
    end: ended.endedAt,
    ms: next.placedAt - ended.endedAt,
  }));
}

/**
 * The ledger entries behind each refill: the call that `ended`, and the `next` one placed on the
 * campaign after it (the k-th end of a campaign is followed by its first placement after it not
 * already taken by an earlier end: the pairing is by order, as a line does not say which slot
 * dialled). Unsorted.
 */
export function refillPairs<E extends Pick<LedgerEntry, 'campaignId' | 'placedAt' | 'endedAt'>>(
  ledger: E[],
  contactsPerCampaign: number,
  window: { from: number; to: number } = { from: -Infinity, to: Infinity },
): { ended: E; next: E }[] {
  const byCampaign = new Map<string, E[]>();
  for (const e of ledger) {
    const list = byCampaign.get(e.campaignId) ?? [];
    list.push(e);
    byCampaign.set(e.campaignId, list);
  }
  const out: { ended: E; next: E }[] = [];
  for (const list of byCampaign.values()) {
    const placed = [...list].sort((a, b) => a.placedAt - b.placedAt);
    const ends = [...list].sort((a, b) => a.endedAt - b.endedAt);
    // The k-th end is followed by a dial while placements remain beyond the ones already made.
    let p = 0;
    for (const ended of ends) {
      while (p < placed.length && placed[p]!.placedAt < ended.endedAt) p++;
      if (p >= placed.length || p >= contactsPerCampaign) break;
      if (ended.endedAt >= window.from && ended.endedAt <= window.to) out.push({ ended, next: placed[p]! });
      p++;
    }
  }
  return out;
}

/** `fn` run `runs` times one after another, after `warmUp` runs not counted: p50 and p99 in ms. */
export async function timeRuns(
  runs: number,
  fn: () => Promise<unknown>,
  warmUp = 20,
): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < warmUp; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** The p-th percentile of sorted numbers. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

const AREA_CODES = ['212', '312', '415', '617', '646', '718', '202', '305', '404', '512'];

/** Call lengths of the simulated line. */
export interface Durations {
  minDurationMs: number;
  maxDurationMs: number;
}

/** Outcome rates of the simulated line (defaults: busy 10%, no answer 5%, failed 2%, voicemail 5%). */
export interface OutcomeRates {
  busyRate?: number;
  noAnswerRate?: number;
  failRate?: number;
  voicemailRate?: number;
}

/**
 * Signs an organization up over GraphQL; its default phone simulates calls of `durations`, with
 * the outcome rates `durations` may also carry.
 */
export async function setupOrg(
  url: string,
  email: string,
  durations: Durations & OutcomeRates,
): Promise<{ token: string; agentId: string }> {
  const { signUp } = await benchGraphQL(url, `mutation ($i: SignUpInput!) { signUp(input: $i) { token } }`, {
    i: { email, password: 'bench password', organizationName: 'Live bench' },
  });
  const token: string = signUp.token;
  const { agents, phones } = await benchGraphQL(url, `{ agents { id } phones { id } }`, {}, token);
  await benchGraphQL(
    url,
    `mutation ($id: ID!, $i: UpdatePhoneInput!) { updatePhone(id: $id, input: $i) { id } }`,
    {
      id: phones[0].id,
      i: {
        simulation: {
          busyRate: 0.1,
          noAnswerRate: 0.05,
          failRate: 0.02,
          voicemailRate: 0.05,
          ...durations,
        },
      },
    },
    token,
  );
  return { token, agentId: agents[0].id };
}

/** `count` campaigns of `contacts` numbers each at `limit` lines, no retries, over GraphQL. */
export async function createCampaigns(
  url: string,
  token: string,
  agentId: string,
  count: number,
  contacts: number,
  limit: number,
  tag: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (let c = 0; c < count; c++) {
    const { createCampaign } = await benchGraphQL(
      url,
      `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
      { i: { name: `${tag} ${c}`, agentId, settings: { concurrentCallsLimit: limit, retryFailedCalls: false } } },
      token,
    );
    const area = AREA_CODES[c % AREA_CODES.length];
    // Subscriber numbers 555-0000 to 954-9999: past 40 campaigns they wrap (unique within a
    // campaign is all that is needed), where they used to reach 005-0000, which is no number.
    const list = Array.from({ length: contacts }, (_, i) => ({
      phoneNumber: `+1${area}${5_550_000 + ((i + c * 100_000) % 4_000_000)}`,
    }));
    const { addContacts } = await benchGraphQL(
      url,
      `mutation ($id: ID!, $c: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $c) { accepted } }`,
      { id: createCampaign.id, c: list },
      token,
    );
    if (addContacts.accepted !== contacts)
      throw new Error(`bench campaign ${c}: ${String(addContacts.accepted)} of ${contacts} contacts accepted`);
    ids.push(createCampaign.id);
  }
  return ids;
}
