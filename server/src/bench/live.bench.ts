import { fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os, { loadavg } from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { benchGraphQL, createCampaigns, percentile, setupOrg, startBenchStack } from './stack';
import type { BenchStack, Durations } from './stack';
import { cpuMs, loopP99Ms, startSplit } from './http-path.bench';
import type { SplitWay } from './http-path.bench';
import type { ClientsInput, ClientsResult, RecordedMessage } from './live.clients';
import { stageLines, traceEvents } from './live.stages';

/**
 * `npm run bench -- live`: what subscriptions cost and how fast they are.
 *
 * 1. Delivery of progress snapshots to many dashboards (issue 20: 5,000 graphql-ws subscribers
 *    over two `ROLE=api` processes while a `ROLE=worker` process dials 50 campaigns), every part
 *    its own OS process as in production, the clients too (so their CPU is not the APIs'). Per
 *    message: delay from the stat change (the campaign's `updatedAt`, written by the counter
 *    update in the worker) to the client's receipt, and the same beyond pacing: receipt −
 *    max(change, `heldUntil`), where `heldUntil` is when the hub's pacing (≤ 4 snapshots a
 *    second per campaign) let a held snapshot go. Per API process: RSS per 1,000 subscribers,
 *    event-loop delay p99, CPU; per client process, CPU and event-loop delay p99 (a late
 *    receipt there is the clients' own, not the path's); the stages of the first subscriber's
 *    deliveries (live.stages.ts). Baseline in the same run: a raw `ws` broadcast from the bench
 *    process of the same messages, at the same times, to as many raw sockets (send → receipt).
 *    Sizes by env: see `fanOutPart`.
 * 2. MongoDB commands per minute of 50 dashboards, subscriptions versus the older design's
 *    2-second polling of a progress query, counted by the driver's command monitoring in an
 *    API-only process while a separate worker process dials (so dialling is not counted), and
 *    net of a window with no dashboard at all (webhooks still reach the API).
 *
 * LIVE_BENCH_SECONDS sets each measured window of part 2 (default 300: five minutes);
 * LIVE_BENCH_PARTS=busy,realistic,commands runs a subset (default busy,commands).
 */
const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => n.toFixed(1);
/** Short calls make every campaign change several times a second. */
const BUSY: Durations = { minDurationMs: 1_000, maxDurationMs: 3_000 };
/** Part 2's calls (as measured since issue 5): short, so dashboards see a change every few hundred ms. */
const HOT: Durations = { minDurationMs: 300, maxDurationMs: 1500 };

const start = (url: string, token: string, id: string) =>
  benchGraphQL(url, `mutation ($id: ID!) { startCampaign(id: $id) { id } }`, { id }, token);

function wsClient(url: string, token: string): Client {
  return createClient({
    url: url.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });
}

/** The client processes of a run: started connected, then told to measure, then stopped for their result. */
interface Clients {
  pids: number[];
  measure(): void;
  stop(): Promise<ClientsResult & { loops: number[] }>;
}

/**
 * Forks `processes` client processes (live.clients.ts) sharing `input`'s subscribers; resolves
 * once every subscriber of each is connected (and subscribed).
 */
async function startClients(input: Omit<ClientsInput, 'processes' | 'index'>, processes: number): Promise<Clients> {
  const children: ChildProcess[] = [];
  const stopAll = () => Promise.all(children.map((c) => stopChild(c)));
  try {
    for (let index = 0; index < processes; index++) {
      const child = fork(path.join(__dirname, 'live.clients.js'), [], {
        execArgv: ['--max-semi-space-size=64'],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      children.push(child);
      child.send({ ...input, processes, index } satisfies ClientsInput);
    }
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.once('message', () => resolve());
            child.once('exit', (code) => reject(new Error(`bench clients exited (${code}) before they were ready`)));
          }),
      ),
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  for (const child of children) child.removeAllListeners('exit');
  return {
    pids: children.map((c) => c.pid!),
    measure: () => children.forEach((c) => c.send('measure')),
    stop: async () => {
      const results = await Promise.all(
        children.map((child) => {
          const result = new Promise<ClientsResult>((resolve) => child.once('message', resolve));
          child.send('stop');
          return result;
        }),
      );
      await stopAll();
      return {
        delays: results.flatMap((r) => r.delays),
        beyond: results.flatMap((r) => r.beyond),
        held: results.reduce((n, r) => n + r.held, 0),
        received: results.reduce((n, r) => n + r.received, 0),
        recorded: results.flatMap((r) => r.recorded),
        loopP99Ms: Math.max(...results.map((r) => r.loopP99Ms)),
        loops: results.map((r) => r.loopP99Ms),
      };
    },
  };
}

/** Resident set size of a process, in MB (Linux /proc). */
async function rssMb(pid: number | undefined): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * `apis` × `ROLE=api` and one `ROLE=worker` process (http-path.bench.ts's `startSplit`): the
 * worker dials the first API's simulator and the webhooks go to the second, so no API alone
 * carries the dialling's HTTP work. The per-organization subscription cap
 * (WS_MAX_SUBSCRIPTIONS_PER_ORGANIZATION, default 1,000 per API process) is raised to
 * `subscribers`: the bench's dashboards all belong to one organization, as a large operator's would.
 */
function startDeployment(apis: number, subscribers: number): Promise<SplitWay> {
  return startSplit({
    apis,
    env: { LOG_LEVEL: 'warn', WS_MAX_SUBSCRIPTIONS_PER_ORGANIZATION: String(Math.max(1000, subscribers)) },
  });
}

const envInt = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
};

/**
 * Part 1: delivery of progress snapshots to many dashboards, everything a separate process as
 * in production. Sizes: BENCH_LIVE_SUBSCRIBERS (default 5,000), BENCH_LIVE_CAMPAIGNS (50),
 * BENCH_LIVE_APIS (2), BENCH_LIVE_CLIENT_PROCESSES (2), BENCH_LIVE_LINES (lines per campaign,
 * default 5), BENCH_LIVE_SECONDS (measured window, default 30).
 */
async function fanOutPart(label: string, durations: Durations): Promise<void> {
  const SUBSCRIBERS = envInt('BENCH_LIVE_SUBSCRIBERS', 5000);
  const CAMPAIGNS = envInt('BENCH_LIVE_CAMPAIGNS', 50);
  const APIS = envInt('BENCH_LIVE_APIS', 2);
  const CLIENT_PROCESSES = envInt('BENCH_LIVE_CLIENT_PROCESSES', 2);
  const LINES = envInt('BENCH_LIVE_LINES', 5);
  const WINDOW_MS = envInt('BENCH_LIVE_SECONDS', 30) * 1000;
  // Measured while the campaigns dial, not as they start: at start every line of a campaign is
  // claimed within a few milliseconds, and those changes are paced to 4 a second by design.
  const WARMUP_MS = 3_000;
  // Enough contacts to keep every line busy through the warm-up and the window, with margin.
  const meanCallS = (durations.minDurationMs + durations.maxDurationMs) / 2000;
  const contacts = Math.ceil(((LINES / Math.max(0.2, meanCallS)) * (WARMUP_MS + WINDOW_MS + 10_000)) / 1000) * 2;
  const deployment = await startDeployment(APIS, SUBSCRIBERS);
  let clients: Clients | null = null;
  try {
    const { urls, apis, worker } = deployment;
    const { token, agentId } = await setupOrg(urls[0]!, `live-${label}@example.com`, durations);
    const ids = await createCampaigns(urls[0]!, token, agentId, CAMPAIGNS, contacts, LINES, label);
    // RSS with no subscriber, then with all of them connected (before any dialling, so the
    // difference is the subscribers' alone).
    const rssBefore = await Promise.all(apis.map((p) => rssMb(p.child.pid)));
    clients = await startClients(
      { mode: 'graphql', urls, token, campaignIds: ids, subscribers: SUBSCRIBERS },
      CLIENT_PROCESSES,
    );
    await sleep(1_000);
    const rssWith = await Promise.all(apis.map((p) => rssMb(p.child.pid)));
    await Promise.all(ids.map((id) => start(urls[0]!, token, id)));
    await sleep(WARMUP_MS);
    const measured = [...apis, worker];
    await Promise.all(measured.map(loopP99Ms)); // resets each histogram: the window's own p99 below
    const pids = [...measured.map((p) => p.child.pid), ...clients.pids];
    const cpuBefore = await Promise.all(pids.map(cpuMs));
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const tracer = await traceEvents(deployment.redisUrl!);
    clients.measure();
    const t0 = Date.now();
    await sleep(WINDOW_MS);
    const seconds = (Date.now() - t0) / 1000;
    const traced = tracer.stop();
    const loops = await Promise.all(measured.map(loopP99Ms));
    const cpuAfter = await Promise.all(pids.map(cpuMs));
    const rssEnd = await Promise.all(apis.map((p) => rssMb(p.child.pid)));
    const loadEnd = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const result = await clients.stop();
    clients = null;
    const cpuShare = (i: number) =>
      `${(((cpuAfter[i]! - cpuBefore[i]!) / (seconds * 1000)) * 100).toFixed(0)}% of a core`;
    const delays = result.delays.sort((a, b) => a - b);
    const beyond = result.beyond.sort((a, b) => a - b);

    // Baseline: the same messages at the same times through a bare ws broadcast.
    const base = await rawBroadcast(result.recorded, SUBSCRIBERS, CAMPAIGNS, CLIENT_PROCESSES);
    out(
      `part 1 (${label}; calls of ${durations.minDurationMs}–${durations.maxDurationMs} ms, ${LINES} lines per campaign): ` +
        `${SUBSCRIBERS} graphql-ws subscribers (${SUBSCRIBERS / CAMPAIGNS} per campaign) over ${APIS} ROLE=api processes, ` +
        `${CAMPAIGNS} campaigns dialled by a ROLE=worker process, clients in ${CLIENT_PROCESSES} processes; ` +
        `measured for ${fmt(seconds)} s from ${WARMUP_MS / 1000} s after the start (load ${load} → ${loadEnd})`,
    );
    out(
      `  delivery, stat change → receipt:             p50 ${fmt(percentile(delays, 50))} ms   p99 ${fmt(percentile(delays, 99))} ms   (${result.received} messages, ${(result.received / SUBSCRIBERS / seconds).toFixed(2)} per subscriber per second)`,
    );
    out(
      `  beyond pacing, receipt − max(change, heldUntil): p50 ${fmt(percentile(beyond, 50))} ms   p99 ${fmt(percentile(beyond, 99))} ms   (target p99 ≤ 100 ms; ${fmt((result.held / Math.max(1, result.received)) * 100)}% of messages held by pacing)`,
    );
    out(
      `  raw ws broadcast of the same messages (bench process, all ${SUBSCRIBERS} sockets): p50 ${fmt(percentile(base, 50))} ms   p99 ${fmt(percentile(base, 99))} ms   (${base.length} messages)`,
    );
    for (const line of stageLines(result.recorded, traced)) out(line);
    out(`  ratio p99 beyond pacing / raw: ${fmt(percentile(beyond, 99) / Math.max(1, percentile(base, 99)))}×`);
    apis.forEach((p, i) => {
      const per = Math.ceil((SUBSCRIBERS - i) / APIS);
      out(
        `  ${p.name}: RSS ${fmt(rssBefore[i]!)} MB → ${fmt(rssWith[i]!)} MB with ${per} subscribers = ` +
          `${fmt(((rssWith[i]! - rssBefore[i]!) / per) * 1000)} MB per 1,000 (${fmt(rssEnd[i]!)} MB at the end); ` +
          `event-loop p99 ${loops[i]!.toFixed(0)} ms; CPU ${cpuShare(i)}`,
      );
    });
    out(`  worker: event-loop p99 ${loops[apis.length]!.toFixed(0)} ms; CPU ${cpuShare(apis.length)}`);
    out(
      `  clients: CPU ${pids
        .slice(measured.length)
        .map((_, j) => cpuShare(measured.length + j))
        .join(', ')}; event-loop p99 ${result.loops.map((l) => l.toFixed(0)).join(' ms, ')} ms ` +
        `(${os.cpus().length} cores on this machine)`,
    );
  } finally {
    await clients?.stop().catch(() => undefined);
    await deployment.stop();
  }
}

/** Replays recorded messages (per campaign, same spacing) to raw ws clients; returns send→receipt delays. */
async function rawBroadcast(
  recorded: RecordedMessage[],
  subscribers: number,
  campaigns: number,
  processes: number,
): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as { port: number }).port;
  const groups = new Map<number, WebSocket[]>();
  server.on('connection', (socket, request) => {
    const campaign = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('c'));
    groups.set(campaign, [...(groups.get(campaign) ?? []), socket]);
  });
  const clients = await startClients(
    {
      mode: 'raw',
      urls: [`http://127.0.0.1:${port}`],
      token: '',
      campaignIds: Array.from({ length: campaigns }, (_, i) => String(i)),
      subscribers,
    },
    processes,
  );
  while ([...groups.values()].reduce((n, g) => n + g.length, 0) < subscribers) await sleep(10);
  clients.measure();
  const t0 = Date.now();
  for (const message of [...recorded].sort((a, b) => a.offset - b.offset)) {
    const wait = message.offset - (Date.now() - t0);
    if (wait > 0) await sleep(wait);
    const sentAt = Date.now();
    // Each subscriber's own serialization, as graphql-ws does per subscriber.
    for (const socket of groups.get(message.campaign) ?? [])
      socket.send(JSON.stringify({ sentAt, message: message.payload }));
  }
  await sleep(500);
  const result = await clients.stop();
  await new Promise<void>((r) => server.close(() => r()));
  return result.delays.sort((a, b) => a - b);
}

async function commandsPart(): Promise<void> {
  const WINDOW_MS = Number(process.env['LIVE_BENCH_SECONDS'] ?? 300) * 1000;
  const DASHBOARDS = 50;
  const CAMPAIGNS = 5;
  const stack: BenchStack = await startBenchStack({ ROLE: 'api' });
  const worker = spawnWorker(stack);
  const clients: Client[] = [];
  try {
    const client = mongoose.connection.getClient();
    let commands = 0;
    client.on('commandStarted', () => (commands += 1));
    const { token, agentId } = await setupOrg(stack.url, 'live-commands@example.com', HOT);
    // Enough contacts to keep dialling through a whole window (≈ 2.5 calls/s per campaign at most).
    const contacts = Math.ceil((WINDOW_MS / 1000) * 3);

    const phase = async (name: string, dashboards: (ids: string[]) => Promise<() => Promise<void>>) => {
      const ids = await createCampaigns(stack.url, token, agentId, CAMPAIGNS, contacts, 3, name);
      await Promise.all(ids.map((id) => start(stack.url, token, id)));
      const stop = await dashboards(ids);
      const before = commands;
      await sleep(WINDOW_MS);
      const counted = commands - before;
      await stop();
      // Stop what is still dialling (a campaign that already completed refuses: fine).
      await Promise.all(
        ids.map((id) =>
          benchGraphQL(stack.url, `mutation ($id: ID!) { cancelCampaign(id: $id) { id } }`, { id }, token).catch(
            () => undefined,
          ),
        ),
      );
      return (counted / WINDOW_MS) * 60_000;
    };

    const none = await phase('Quiet', async () => async () => undefined);
    const subscriptions = await phase('Subscribed', async (ids) => {
      for (let d = 0; d < DASHBOARDS; d++) {
        const c = wsClient(stack.url, token);
        clients.push(c);
        const id = ids[d % ids.length];
        c.subscribe(
          {
            query: `subscription ($id: ID!) { campaignProgress(campaignId: $id) { status stats { progress } } }`,
            variables: { id },
          },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        );
        c.subscribe(
          { query: `subscription ($id: ID!) { callUpdated(campaignId: $id) { id status } }`, variables: { id } },
          { next: () => undefined, error: () => undefined, complete: () => undefined },
        );
      }
      return async () => {
        await Promise.all(clients.splice(0).map((c) => c.dispose()));
      };
    });
    const polling = await phase('Polled', async (ids) => {
      let stopped = false;
      const loops = Array.from({ length: DASHBOARDS }, async (_, d) => {
        await sleep((d * 2000) / DASHBOARDS); // spread dashboards over the 2 s period
        while (!stopped) {
          await benchGraphQL(
            stack.url,
            `query ($id: ID!) { campaignProgress(id: $id) { status stats { progress } queue { waiting active } } }`,
            { id: ids[d % ids.length] },
            token,
          );
          await sleep(2000);
        }
      });
      return async () => {
        stopped = true;
        await Promise.all(loops);
      };
    });
    const subNet = Math.max(0, subscriptions - none);
    const pollNet = Math.max(0, polling - none);
    out(
      `part 2: ${DASHBOARDS} dashboards over ${CAMPAIGNS} dialling campaigns, ${WINDOW_MS / 1000} s per window, API-only process`,
    );
    out(
      `  MongoDB commands/min: no dashboards ${fmt(none)} · subscriptions ${fmt(subscriptions)} · 2 s polling ${fmt(polling)}`,
    );
    out(
      `  net of no dashboards: subscriptions ${fmt(subNet)}/min vs polling ${fmt(pollNet)}/min = ${fmt((subNet / Math.max(1, pollNet)) * 100)}% (target ≤ 5%)`,
    );
  } finally {
    await Promise.all(clients.map((c) => c.dispose()));
    await stopChild(worker);
    await stack.stop();
  }
}

/** A worker process (ROLE=worker) on the bench's MongoDB and Redis, so its commands are not counted here. */
function spawnWorker(stack: BenchStack): ChildProcess {
  const main = path.resolve(__dirname, '../main.js');
  return spawn(process.execPath, [main], {
    env: {
      PATH: process.env['PATH'] ?? '',
      ROLE: 'worker',
      LOG_LEVEL: 'error',
      MONGODB_URI: stack.mongoUri,
      REDIS_URL: stack.redisUrl,
      PUBLIC_URL: stack.url,
      JWT_SECRET: stack.jwtSecret,
      ENCRYPTION_KEY: stack.encryptionKeyHex,
    },
    // Its banner is not a figure: only errors come through.
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

export async function runLiveBench(): Promise<void> {
  // Busy: every campaign changes a few times a second, so pacing (≤ 4 snapshots a second) holds
  // some snapshots back by design. Realistic: calls of several seconds, as in production.
  const parts = new Set((process.env['LIVE_BENCH_PARTS'] ?? 'busy,commands').split(',').map((s) => s.trim()));
  for (const part of parts)
    if (!['busy', 'realistic', 'commands'].includes(part))
      throw new Error(`LIVE_BENCH_PARTS: unknown part "${part}" (busy, realistic, commands)`);
  if (parts.has('busy')) await fanOutPart('busy', BUSY);
  if (parts.has('realistic')) await fanOutPart('realistic', { minDurationMs: 5_000, maxDurationMs: 15_000 });
  if (parts.has('commands')) await commandsPart();
}
