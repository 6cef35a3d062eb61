/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked where it is read */
/**
 * The path a user runs (issue 20, "the real path, not a shortcut"): Dialwave as separate OS
 * processes started from `dist/main.js`, place-call over HTTP to the simulator, the simulator's
 * webhooks over HTTP to the API. Driven only through the public GraphQL API; figures are read
 * back from MongoDB and from each process's own `/metrics`.
 *
 * Two ways, as deployments run it:
 * - `single`: one `npm start` process (embedded mode: in-process MongoDB-compatible server,
 *   redis-server child, simulator mounted on the API), as a fresh clone runs it.
 * - `split`: `ROLE=api` and `ROLE=worker` processes, the embedded MongoDB server as its own
 *   process and a redis-server child; the worker dials the simulator over HTTP and the simulator
 *   calls the API's webhook route back. The simulator runs in its own process, as a real
 *   provider runs elsewhere, so the API's CPU is the API's (BENCH_HTTP_SIMULATOR=api: in the API).
 *
 * Figures per way: calls/s from the first dial to the last recorded end; each call's own span
 * (dial → final status recorded, for calls set to last 0 ms); event-loop delay p99 per process
 * (prom-client's monitorEventLoopDelay, reset by the scrape before the run); CPU per call per
 * process (and of the MongoDB, redis-server and simulator processes), with the ceiling they set
 * on this machine's cores; most live calls of one campaign against its limit.
 *
 * BENCH_HTTP_CAMPAIGNS / BENCH_HTTP_CONTACTS / BENCH_HTTP_LIMIT change the shape (default
 * 10 × 400 at a limit of 50, the issue's reproduction); BENCH_HTTP_WAYS=single,split picks ways;
 * BENCH_HTTP_NODE_ARGS adds node flags to the Dialwave processes (`--cpu-prof --cpu-prof-dir=…`).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { Redis } from 'ioredis';
import { simulatorKeys } from '../providers/simulated/simulator';
import type { LedgerEntry } from '../providers/simulated/simulator';
import { startRedisServer } from '../redis';
import { benchGraphQL, createCampaigns, percentile, setupOrg, startMongoProcess } from './stack';

const MAIN = path.resolve(__dirname, '../main.js');
const NODE_FLAGS = ['--max-semi-space-size=64'];
/** A run that has not completed by then is reported as such (the issue saw 4,000 calls stuck past 300 s). */
const RUN_TIMEOUT_MS = 300_000;

/** A Dialwave process started from `dist/main.js` (also used by live.bench.ts). */
export interface Proc {
  name: string;
  child: ChildProcess;
  /** Where its /metrics answers. */
  metricsUrl: string;
  /** Warning and error log lines, the first 50. */
  problems: string[];
}

/**
 * A process of the deployment that is not Dialwave's own (the embedded MongoDB server in its own
 * process, redis-server): only its CPU time is read, so the total CPU per call covers every
 * process the machine runs for the calls.
 */
export interface Helper {
  name: string;
  pid: number | undefined;
}

export interface Way {
  url: string;
  /** Processes besides `procs` that work for the calls (their CPU per call is printed too). */
  helpers: Helper[];
  mongoUri: string;
  /** The deployment's JWT secret: the simulator's API key derives from it (its ledger gives provider times). */
  secret: string;
  /** Base URL of the simulator's API (`…/simulator` under it) and which process hosts it. */
  simulator: { url: string; host: string };
  procs: Proc[];
  /** The deployment's Redis, when the bench started it (its commands per call are counted). */
  redisUrl?: string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** Starts `node dist/main.js` with `env`; resolves once `/readyz` answers 200. */
export async function startProcess(name: string, env: Record<string, string>, readyUrl: string): Promise<Proc> {
  // BENCH_HTTP_NODE_ARGS (space-separated, e.g. `--cpu-prof`) profiles the processes under load.
  const extra = (process.env['BENCH_HTTP_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...NODE_FLAGS, ...extra, MAIN], {
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  /** Warnings and errors the process logged (pino levels 40 and up), the first 50. */
  const problems: string[] = [];
  const keep = (chunk: Buffer) => {
    const text = chunk.toString();
    // Only the start is kept (the embedded MongoDB's URI is logged there; errors explain a failed start).
    if (output.length < 200_000) output += text;
    if (problems.length < 50)
      problems.push(
        ...text
          .split('\n')
          .filter((l) => /"level":(4|5|6)0/.test(l))
          .slice(0, 50),
      );
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) =>
      reject(new Error(`${name} exited (${code}) before it was ready:\n${output.slice(-4000)}`)),
    ),
  );
  const ready = (async () => {
    for (let i = 0; i < 600; i++) {
      try {
        const res = await fetch(readyUrl);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${name} not ready after 60 s:\n${output.slice(-4000)}`);
  })();
  await Promise.race([ready, exited]);
  child.removeAllListeners('exit');
  const proc: Proc & { output: () => string } = {
    name,
    child,
    metricsUrl: readyUrl.replace(/\/readyz$/, '/metrics'),
    problems,
    output: () => output,
  };
  return proc;
}

export async function stopProcess(proc: Proc): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise((r) => proc.child.once('exit', r));
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** One `npm start` process in embedded mode (no MONGODB_URI, no REDIS_URL), without demo data. */
async function startSingle(): Promise<Way> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = randomBytes(24).toString('hex');
  const proc = (await startProcess(
    'npm start',
    {
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'info',
      JWT_SECRET: secret,
      SIMULATOR_LEDGER_LIMIT: String(BENCH_LEDGER_LIMIT),
    },
    `${url}/readyz`,
  )) as Proc & { output: () => string };
  const match = /"uri":"(mongodb:\/\/[^"]+)"/.exec(proc.output());
  if (!match?.[1]) {
    await stopProcess(proc);
    throw new Error('npm start did not log the embedded MongoDB URI');
  }
  // main.ts uses the database `dialwave` of the server it started; its redis-server is its child.
  const children = await childPids(proc.child.pid);
  return {
    url,
    helpers: children.map((pid) => ({ name: 'redis-server (child of npm start)', pid })),
    mongoUri: `${match[1].replace(/\/$/, '')}/dialwave`,
    secret,
    simulator: { url, host: 'the npm start process' },
    procs: [proc],
    stop: () => stopProcess(proc),
  };
}

/** How `startSplit` shapes the deployment. */
export interface SplitOptions {
  /**
   * `ROLE=api` processes (default 1). The worker dials the first API's simulator and the
   * simulator's webhooks go to the second (PUBLIC_URL), as a load balancer would spread them.
   */
  apis?: number;
  /** Added to (or overriding) every process's environment (say, LOG_LEVEL). */
  env?: Record<string, string>;
  /** Added to (or overriding) the worker's environment (say, WORKER_CONCURRENCY). */
  workerEnv?: Record<string, string>;
  /**
   * Runs the simulated provider in its own process (providers/simulated/cli.ts), as a real
   * provider runs elsewhere, so the API's CPU is the API's alone. Default false: the first API hosts it.
   */
  simulatorProcess?: boolean;
}

/** A split deployment: its API processes and base URLs (same order) and its worker. */
export interface SplitWay extends Way {
  apis: Proc[];
  urls: string[];
  worker: Proc;
}

/**
 * ROLE=api (one or more) + ROLE=worker, the embedded MongoDB server in its own process, a
 * redis-server child. `url` is the first API's.
 */
export async function startSplit(options: SplitOptions = {}): Promise<SplitWay> {
  const apis = options.apis ?? 1;
  const mongo = await startMongoProcess();
  const redis = await startRedisServer();
  const secret = randomBytes(24).toString('hex');
  const procs: Proc[] = [];
  let simulator: SimulatorChild | null = null;
  const stopAll = async () => {
    for (const p of [...procs].reverse()) await stopProcess(p);
    await simulator?.stop();
    await redis.stop();
    await mongo.stop();
  };
  try {
    if (options.simulatorProcess) simulator = await startSimulatorProcess(secret);
    const ports: number[] = [];
    for (let i = 0; i <= apis; i++) ports.push(await freePort());
    const urls = ports.slice(0, apis).map((p) => `http://127.0.0.1:${p}`);
    const mongoUri = `${mongo.uri.replace(/\/$/, '')}/httpbench_${Date.now()}`;
    const shared = {
      NODE_ENV: 'development',
      MONGODB_URI: mongoUri,
      REDIS_URL: redis.url,
      JWT_SECRET: secret,
      ENCRYPTION_KEY: randomBytes(32).toString('hex'),
      SIMULATOR_URL: simulator?.url ?? urls[0]!,
      PUBLIC_URL: urls[1 % apis]!,
      LOG_LEVEL: 'info',
      SIMULATOR_LEDGER_LIMIT: String(BENCH_LEDGER_LIMIT),
      ...options.env,
    };
    for (const [i, url] of urls.entries()) {
      const name = apis === 1 ? 'api' : `api ${i + 1}`;
      procs.push(await startProcess(name, { ...shared, ROLE: 'api', PORT: String(ports[i]) }, `${url}/readyz`));
    }
    const metricsPort = ports[apis]!;
    const worker = await startProcess(
      'worker',
      { ...shared, ROLE: 'worker', METRICS_PORT: String(metricsPort), ...options.workerEnv },
      `http://127.0.0.1:${metricsPort}/readyz`,
    );
    procs.push(worker);
    return {
      url: urls[0]!,
      helpers: [
        { name: 'embedded MongoDB process', pid: mongo.pid },
        { name: 'redis-server', pid: redis.pid },
        ...(simulator ? [{ name: 'simulator process', pid: simulator.pid }] : []),
      ],
      mongoUri,
      secret,
      redisUrl: redis.url,
      simulator: simulator
        ? { url: simulator.url, host: 'its own process' }
        : { url: urls[0]!, host: `the ${apis === 1 ? 'api' : 'api 1'} process` },
      procs,
      apis: procs.slice(0, apis),
      urls,
      worker,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

interface SimulatorChild {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** The simulator's ledger limit in the benches: more calls than any run places (it reads them all back). */
const BENCH_LEDGER_LIMIT = 10_000_000;

/** The simulated provider in its own process (providers/simulated/cli.ts), given the deployment's secret on stdin. */
async function startSimulatorProcess(secret: string): Promise<SimulatorChild> {
  // BENCH_HTTP_NODE_ARGS reach it too: it shares the cores, so its profile is part of the picture.
  const extra = (process.env['BENCH_HTTP_NODE_ARGS'] ?? '').split(' ').filter(Boolean);
  const child = spawn(
    process.execPath,
    // The benches read every call of the run from the ledger: none may be dropped by its limit.
    [
      ...NODE_FLAGS,
      ...extra,
      path.resolve(__dirname, '../providers/simulated/cli.js'),
      '--ledger-limit',
      String(BENCH_LEDGER_LIMIT),
    ],
    {
      env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'error' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  child.stdin?.end(`${secret}\n`);
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const match = /simulator listening on (http:\/\/\S+)/.exec(buffer);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator exited (${code}) before listening`)));
  });
  return {
    url,
    pid: child.pid,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** CPU time (user + system) of a process so far, in ms, from /proc (Linux). */
export async function cpuMs(pid: number | undefined): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

/** The direct children of a process, from /proc (Linux; empty elsewhere). */
async function childPids(pid: number | undefined): Promise<number[]> {
  try {
    const text = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return text.split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The CPU lines of a run: each process's ms per call, and the ceiling they set together. On a
 * machine of N cores, every process sharing them, calls/s cannot exceed N × 1000 ms over the
 * CPU one call costs across all of them, however the work is spread.
 */
export function cpuSummary(processes: { name: string; cpuMs: number }[], calls: number, measured: string): string[] {
  const cores = availableParallelism();
  const perCall = processes.map((p) => p.cpuMs / Math.max(1, calls));
  const total = perCall.reduce((a, b) => a + b, 0);
  return [
    `  CPU per call: ${processes.map((p, i) => `${p.name} ${perCall[i]!.toFixed(2)} ms`).join(', ')}`,
    `  all processes ${total.toFixed(2)} ms CPU per call: on ${cores} cores the ceiling is ` +
      `${cores} × 1000 / ${total.toFixed(2)} = ${((cores * 1000) / total).toFixed(0)} calls/s (${measured})`,
  ];
}

/** A process's /metrics text; null when it is gone or not answering. Resets its event-loop histogram. */
export async function scrapeMetrics(proc: Proc): Promise<string | null> {
  try {
    return await (await fetch(proc.metricsUrl)).text();
  } catch {
    return null;
  }
}

/**
 * An event-loop delay figure (ms) of the main thread in a /metrics text, since the scrape before
 * it (NaN when absent): `p99`, or `max`, the longest single delay, which a window's p99 can hide.
 */
export function mainLoopMs(text: string | null, stat: 'p99' | 'max'): number {
  const match =
    text &&
    new RegExp(
      `^dialwave_nodejs_eventloop_lag_${stat}_seconds(?:\\{(?![^}]*thread=)[^}]*\\})? ([0-9.e+-]+)$`,
      'm',
    ).exec(text);
  return match?.[1] ? Number(match[1]) * 1000 : NaN;
}

/** Event-loop delay p99 (ms) of the main thread in a /metrics text, since the scrape before it (NaN when absent). */
export function loopP99Of(text: string | null): number {
  return mainLoopMs(text, 'p99');
}

/** The same for `npm start`'s worker thread (worker-thread.ts); NaN when the process has none. */
export function workerThreadLoopP99Of(text: string | null): number {
  const match =
    text && /^dialwave_nodejs_eventloop_lag_p99_seconds\{[^}]*thread="worker"[^}]*\} ([0-9.e+-]+)$/m.exec(text);
  return match?.[1] ? Number(match[1]) * 1000 : NaN;
}

/** What the benches read of the simulator's ledger. */
export type LedgerTimes = Pick<LedgerEntry, 'callId' | 'campaignId' | 'placedAt' | 'endedAt'>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * When each call of the campaigns was placed and ended at the provider, from the simulator's
 * ledger (its key derives from the deployment's JWT secret). Read per campaign: all at once would
 * be tens of MB at the held bench's size. The API may still be catching up with webhooks: a
 * request that fails without an answer is asked again before giving up.
 */
export async function fetchLedger(way: Way, campaignIds: string[]): Promise<LedgerTimes[]> {
  const key = simulatorKeys(new TextEncoder().encode(way.secret)).api;
  const out: LedgerTimes[] = [];
  for (const id of campaignIds) {
    let res: Response | null = null;
    for (let attempt = 1; !res; attempt++) {
      try {
        res = await fetch(`${way.simulator.url}/simulator/ledger?campaignId=${id}`, {
          headers: { authorization: `Bearer ${key}` },
        });
      } catch (error) {
        if (attempt >= 5) throw error;
        await sleep(3_000);
      }
    }
    if (!res.ok) throw new Error(`simulator ledger: ${res.status}`);
    for (const { callId, campaignId, placedAt, endedAt } of (await res.json()) as LedgerEntry[])
      out.push({ callId, campaignId, placedAt, endedAt });
  }
  return out;
}

/**
 * Where a call's span goes, from the simulator's ledger (when the provider accepted each call,
 * and when it ended there): dial → provider accepted (the worker's queueing and the place-call
 * request), and provider end → end recorded (webhook delivery, the API's handling, the write).
 */
async function phases(way: Way, campaignIds: string[], ended: CallRow[]): Promise<string> {
  let ledger: LedgerTimes[];
  try {
    ledger = await fetchLedger(way, campaignIds);
  } catch (error) {
    return `  (the simulator's ledger could not be read: ${(error as Error).message}; no phases)`;
  }
  const byCall = new Map(ledger.map((e) => [e.callId, e]));
  const toPlaced: number[] = [];
  const toRecorded: number[] = [];
  for (const c of ended) {
    const e = byCall.get(String(c._id));
    if (!e) continue;
    toPlaced.push((e.placedAt - c.startedAt.getTime()) / 1000);
    toRecorded.push((c.endedAt!.getTime() - e.endedAt) / 1000);
  }
  toPlaced.sort((a, b) => a - b);
  toRecorded.sort((a, b) => a - b);
  const s = (xs: number[]) =>
    `p50 ${percentile(xs, 50).toFixed(2)} s, p99 ${percentile(xs, 99).toFixed(2)} s, max ${(xs[xs.length - 1] ?? NaN).toFixed(2)} s`;
  return `  dial → provider accepted: ${s(toPlaced)}; provider end → end recorded: ${s(toRecorded)}`;
}

/** Event-loop delay p99 (ms) since the previous scrape: prom-client resets its histogram on each scrape. */
export async function loopP99Ms(proc: Proc): Promise<number> {
  // NaN when the process is gone or not answering: said beside the figure.
  return loopP99Of(await scrapeMetrics(proc));
}

/** The main thread's and the worker thread's event-loop delay p99 (ms) of one scrape. */
async function threadLoopsMs(proc: Proc): Promise<{ main: number; worker: number }> {
  const text = await scrapeMetrics(proc);
  return { main: loopP99Of(text), worker: workerThreadLoopP99Of(text) };
}

async function setUp(url: string, campaigns: number, contacts: number, limit: number) {
  // Instant calls (0 ms), the issue's reproduction: what is measured is Dialwave, not the calls.
  const instant = { minDurationMs: 0, maxDurationMs: 0 };
  const { token, agentId } = await setupOrg(url, `http-bench-${Date.now()}@example.com`, instant);
  const ids = await createCampaigns(url, token, agentId, campaigns, contacts, limit, 'http');
  return { token, ids };
}

interface CallRow {
  _id: unknown;
  campaignId: unknown;
  startedAt: Date;
  /** Set when the final status is applied (applyStatus passes no provider time). */
  endedAt: Date | null;
  status: string;
}

/** Most calls of one campaign live at once, from their [dial, recorded end] intervals. */
function mostLive(calls: CallRow[]): number {
  const byCampaign = new Map<string, [number, number][]>();
  for (const c of calls) {
    const key = String(c.campaignId);
    const points = byCampaign.get(key) ?? [];
    points.push([c.startedAt.getTime(), 1], [c.endedAt!.getTime(), -1]);
    byCampaign.set(key, points);
  }
  let most = 0;
  for (const points of byCampaign.values()) {
    // Ends before starts at the same millisecond: a line freed and re-used in one ms is one line.
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    for (const [, d] of points) most = Math.max(most, (live += d));
  }
  return most;
}

async function runWay(name: 'single' | 'split', out: (s: string) => void): Promise<void> {
  const campaigns = Number(process.env['BENCH_HTTP_CAMPAIGNS'] ?? 10);
  const contacts = Number(process.env['BENCH_HTTP_CONTACTS'] ?? 400);
  const limit = Number(process.env['BENCH_HTTP_LIMIT'] ?? 50);
  // The split way runs the provider elsewhere, as a deployment does (BENCH_HTTP_SIMULATOR=api: in the API).
  const own = (process.env['BENCH_HTTP_SIMULATOR'] ?? 'process') !== 'api';
  const way = name === 'single' ? await startSingle() : await startSplit({ simulatorProcess: own });
  try {
    const { token, ids } = await setUp(way.url, campaigns, contacts, limit);
    await Promise.all(way.procs.map(threadLoopsMs)); // resets each histogram: the run's own p99 below
    const cpuBefore = await Promise.all(way.procs.map((p) => cpuMs(p.child.pid)));
    const helperBefore = await Promise.all(way.helpers.map((h) => cpuMs(h.pid)));
    const redis = way.redisUrl ? new Redis(way.redisUrl, { lazyConnect: true }) : null;
    const commandsBefore = redis ? await redisCommands(redis) : null;
    const mongoBefore = await mongoRequests(way.mongoUri);
    const load = loadavg()[0]!.toFixed(2);
    const t0 = Date.now();
    for (const id of ids)
      await benchGraphQL(way.url, `mutation ($id: ID!) { startCampaign(id: $id) { id } }`, { id }, token);
    let open = ids.length;
    while (open > 0 && Date.now() - t0 < RUN_TIMEOUT_MS) {
      await new Promise((r) => setTimeout(r, 500));
      const { campaigns: page } = await benchGraphQL(
        way.url,
        `{ campaigns(first: 100) { nodes { id status } } }`,
        {},
        token,
      );
      open = page.nodes.filter((c: any) => ids.includes(c.id) && c.status !== 'COMPLETED').length;
    }
    const wall = (Date.now() - t0) / 1000;
    const loops = await Promise.all(way.procs.map(threadLoopsMs));
    const cpuAfter = await Promise.all(way.procs.map((p) => cpuMs(p.child.pid)));
    const helperAfter = await Promise.all(way.helpers.map((h) => cpuMs(h.pid)));
    const commandsAfter = redis ? await redisCommands(redis) : null;
    const mongoAfter = await mongoRequests(way.mongoUri);
    redis?.disconnect();
    const conn = await mongoose.createConnection(way.mongoUri).asPromise();
    const calls = (await conn
      .collection('calls')
      .find({}, { projection: { _id: 1, campaignId: 1, startedAt: 1, endedAt: 1, status: 1 } })
      .toArray()) as unknown as CallRow[];
    const stuck =
      open > 0
        ? await conn
            .collection('contacts')
            .aggregate([
              { $match: { status: { $nin: ['COMPLETED', 'FAILED', 'VOICEMAIL', 'SKIPPED'] } } },
              { $group: { _id: '$status', n: { $sum: 1 } } },
            ])
            .toArray()
        : [];
    await conn.close();
    const ended = calls.filter((c) => c.endedAt);
    const first = Math.min(...calls.map((c) => c.startedAt.getTime()));
    const last = Math.max(...ended.map((c) => c.endedAt!.getTime()));
    const spans = ended.map((c) => (c.endedAt!.getTime() - c.startedAt.getTime()) / 1000).sort((a, b) => a - b);
    const s = (n: number) => `${n.toFixed(2)} s`;
    out(
      `http path, ${name === 'single' ? 'one npm start process' : 'ROLE=api + ROLE=worker + MongoDB process'}: ` +
        `${campaigns} campaigns x ${contacts} contacts, limit ${limit}, calls of 0 ms, simulator in ${way.simulator.host} (load ${load} at start)`,
    );
    out(
      `  ${open > 0 ? `NOT COMPLETED: ${open} campaigns open after ${RUN_TIMEOUT_MS / 1000} s; ` : ''}` +
        `${ended.length} of ${campaigns * contacts} calls ended; ` +
        `${(ended.length / ((last - first) / 1000)).toFixed(0)} calls/s first dial to last end (${wall.toFixed(1)} s wall)`,
    );
    out(
      `  call span dial → end recorded: p50 ${s(percentile(spans, 50))}, p90 ${s(percentile(spans, 90))}, ` +
        `p99 ${s(percentile(spans, 99))}, max ${s(spans[spans.length - 1] ?? NaN)}`,
    );
    out(`  most live calls of a campaign ${mostLive(ended)} (limit ${limit})`);
    if (commandsBefore && commandsAfter) out(redisLine(commandsBefore, commandsAfter, ended.length));
    out(
      `  MongoDB round trips per call: ${((mongoAfter - mongoBefore) / Math.max(1, ended.length)).toFixed(2)} ` +
        `(serverStatus network.numRequests, the bench's polling included)`,
    );
    out(await phases(way, ids, ended));
    if (open > 0) {
      out(`  contacts not final: ${stuck.map((g) => `${String(g['_id'])} ${String(g['n'])}`).join(', ')}`);
      for (const p of way.procs)
        for (const line of p.problems.slice(0, 10)) out(`  ${p.name} logged: ${line.slice(0, 400)}`);
    }
    for (const p of way.procs)
      if (p.child.exitCode !== null || p.child.signalCode !== null)
        out(`  ${p.name} EXITED during the run (${p.child.exitCode ?? p.child.signalCode})`);
    way.procs.forEach((p, i) => {
      const { main, worker } = loops[i]!;
      const threads = Number.isNaN(worker) ? '' : ` (API thread), ${worker.toFixed(0)} ms (worker thread)`;
      out(`  ${p.name}: event-loop delay p99 ${main.toFixed(0)} ms${threads}`);
    });
    const rate = ended.length / ((last - first) / 1000);
    const used = [
      ...way.procs.map((p, i) => ({ name: p.name, cpuMs: cpuAfter[i]! - cpuBefore[i]! })),
      ...way.helpers.map((h, i) => ({ name: h.name, cpuMs: helperAfter[i]! - helperBefore[i]! })),
    ];
    for (const line of cpuSummary(used, ended.length, `measured ${rate.toFixed(0)}`)) out(line);
  } finally {
    await way.stop();
  }
}

/** Calls per Redis command so far (INFO commandstats: Lua's own calls included; the INFO itself too). */
async function redisCommands(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const counts = new Map<string, number>();
  for (const match of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) counts.set(match[1]!, Number(match[2]));
  return counts;
}

/** MongoDB requests (round trips) the server has answered so far (serverStatus network.numRequests). */
async function mongoRequests(uri: string): Promise<number> {
  const conn = await mongoose.createConnection(uri).asPromise();
  try {
    const status = (await conn.db!.admin().command({ serverStatus: 1 })) as { network?: { numRequests?: number } };
    return status.network?.numRequests ?? NaN;
  } finally {
    await conn.close();
  }
}

/** Redis commands per call over the run, in all and the six most used. */
function redisLine(before: Map<string, number>, after: Map<string, number>, calls: number): string {
  const used = [...after]
    .map(([name, n]) => [name, (n - (before.get(name) ?? 0)) / Math.max(1, calls)] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = used.reduce((sum, [, n]) => sum + n, 0);
  const top = used
    .slice(0, 6)
    .map(([name, n]) => `${name} ${n.toFixed(2)}`)
    .join(', ');
  return `  Redis commands per call: ${total.toFixed(2)} (${top})`;
}

/** `BENCH_DISPATCH_ONLY=http`: the real path, both ways (or BENCH_HTTP_WAYS). */
export async function runHttpPathBench(out: (s: string) => void): Promise<void> {
  const ways = (process.env['BENCH_HTTP_WAYS'] ?? 'single,split').split(',').map((w) => w.trim());
  for (const way of ways) {
    if (way !== 'single' && way !== 'split') throw new Error(`BENCH_HTTP_WAYS: unknown way "${way}" (single, split)`);
    await runWay(way, out);
  }
}
