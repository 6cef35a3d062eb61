import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import mongoose from 'mongoose';
import { Worker } from 'node:worker_threads';
import { WebSocket, WebSocketServer } from 'ws';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { benchGraphQL, createCampaigns, percentile, setupOrg, startBenchStack } from './stack';
import type { BenchStack, Durations } from './stack';
import type { ClientsInput, ClientsResult } from './live.clients';

/**
 * `npm run bench -- live`: what subscriptions cost and how fast they are.
 *
 * 1. Delay from a stat change (the campaign's `updatedAt`, written with the change) to a
 *    client's receipt, p50/p99, with 1,000 graphql-ws subscribers (1,000 sockets, 100 per
 *    campaign) on one API process while 10 campaigns dial. Baseline in the same run: a raw
 *    `ws` broadcast of the same messages, at the same times, to 1,000 raw sockets (send →
 *    receipt). Clients run in the bench process, as the server does, for both.
 * 2. MongoDB commands per minute of 50 dashboards, subscriptions versus the older design's
 *    2-second polling of a progress query, counted by the driver's command monitoring in an
 *    API-only process while a separate worker process dials (so dialling is not counted), and
 *    net of a window with no dashboard at all (webhooks still reach the API).
 *
 * LIVE_BENCH_SECONDS sets each measured window of part 2 (default 300: five minutes);
 * LIVE_BENCH_PARTS=hot,realistic,commands runs a subset.
 */
const out = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number) => n.toFixed(1);
/** Short calls make every campaign change many times a second. */
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

/** Starts the client thread and resolves once every subscriber is connected (and subscribed). */
async function startClients(input: ClientsInput): Promise<{ measure(): void; stop(): Promise<ClientsResult> }> {
  const thread = new Worker(path.join(__dirname, 'live.clients.js'), { workerData: input });
  await new Promise<void>((resolve, reject) => {
    thread.once('error', reject);
    thread.once('message', () => resolve());
  });
  return {
    measure: () => thread.postMessage('measure'),
    stop: async () => {
      const result = new Promise<ClientsResult>((resolve) => thread.once('message', resolve));
      thread.postMessage('stop');
      const value = await result;
      await thread.terminate();
      return value;
    },
  };
}

interface Recorded {
  campaign: number;
  offset: number;
  payload: string;
}

async function latencyPart(label: string, durations: Durations): Promise<void> {
  const SUBSCRIBERS = 1000;
  const CAMPAIGNS = 10;
  // Long enough for a few hundred snapshots even when calls last seconds.
  const WINDOW_MS = label === 'hot' ? 30_000 : 60_000;
  // Measured while the campaigns dial, not as they start: at start every line of a campaign is
  // claimed within a few milliseconds, and those changes are paced to 4 a second by design.
  const WARMUP_MS = 3_000;
  // The API process under test; the dialling runs in a worker process, as in production.
  const stack = await startBenchStack({ ROLE: 'api' });
  const worker = spawnWorker(stack);
  try {
    const { token, agentId } = await setupOrg(stack.url, 'live-latency@example.com', durations);
    const ids = await createCampaigns(stack.url, token, agentId, CAMPAIGNS, 400, 5, 'Latency');
    // What the subscribers receive, recorded from the hub's side for the baseline's replay.
    const recorded: Recorded[] = [];
    // Stat change → snapshot handed to subscribers in the API process (before any WebSocket send).
    const hubDelays: number[] = [];
    const clients = await startClients({
      mode: 'graphql',
      url: stack.url,
      token,
      campaignIds: ids,
      subscribers: SUBSCRIBERS,
    });
    await Promise.all(ids.map((id) => start(stack.url, token, id)));
    await sleep(WARMUP_MS);
    const computedBefore = stack.app.services.live?.computed ?? 0;
    clients.measure();
    const t0 = Date.now();
    const tap = stack.app.services.live!;
    const taps = ids.map((id, campaign) => {
      const iterator = tap.watchProgress(id);
      void (async () => {
        await iterator.next(); // the current snapshot, not a change
        for (;;) {
          const next = await iterator.next();
          if (next.done) return;
          hubDelays.push(Date.now() - next.value.updatedAt.getTime());
          recorded.push({
            campaign,
            offset: Date.now() - t0,
            payload: JSON.stringify({ data: { campaignProgress: next.value } }),
          });
        }
      })();
      return iterator;
    });
    await sleep(WINDOW_MS);
    const seconds = (Date.now() - t0) / 1000;
    const result = await clients.stop();
    await Promise.all(taps.map((t) => t.return?.()));
    const computed = (stack.app.services.live?.computed ?? 0) - computedBefore;
    const delays = result.delays.sort((a, b) => a - b);

    // Baseline: the same messages at the same times through a bare ws broadcast.
    const base = await rawBroadcast(recorded, SUBSCRIBERS, CAMPAIGNS);
    out(
      `part 1 (${label}; calls of ${durations.minDurationMs}–${durations.maxDurationMs} ms, 5 lines per campaign): ${SUBSCRIBERS} subscribers (${SUBSCRIBERS / CAMPAIGNS} per campaign, on a client thread), ${CAMPAIGNS} campaigns dialled by a worker process, measured for ${fmt(seconds)} s from ${WARMUP_MS / 1000} s after they started`,
    );
    out(
      `  subscription delay, stat change → receipt:  p50 ${fmt(percentile(delays, 50))} ms   p99 ${fmt(percentile(delays, 99))} ms   (${result.received} messages)`,
    );
    hubDelays.sort((a, b) => a - b);
    out(
      `    of which stat change → snapshot ready in the API: p50 ${fmt(percentile(hubDelays, 50))} ms   p99 ${fmt(percentile(hubDelays, 99))} ms`,
    );
    out(
      `  raw ws broadcast of the same messages:        p50 ${fmt(percentile(base, 50))} ms   p99 ${fmt(percentile(base, 99))} ms   (${base.length} messages)`,
    );
    out(
      `  ratio p99: ${fmt(percentile(delays, 99) / Math.max(1, percentile(base, 99)))}×   (targets: p99 ≤ 100 ms and ≤ 4× the baseline)`,
    );
    out(
      `  messages per subscriber per second: ${(result.received / SUBSCRIBERS / seconds).toFixed(2)} (coalesced to ≤ 4 per campaign)`,
    );
    out(`  snapshots computed (one MongoDB read each) for ${result.received} deliveries: ${computed}`);
  } finally {
    await stopChild(worker);
    await stack.stop();
  }
}

/** Replays recorded messages (per campaign, same spacing) to raw ws clients; returns send→receipt delays. */
async function rawBroadcast(recorded: Recorded[], subscribers: number, campaigns: number): Promise<number[]> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as { port: number }).port;
  const groups = new Map<number, WebSocket[]>();
  server.on('connection', (socket, request) => {
    const campaign = Number(new URL(request.url ?? '/', 'http://x').searchParams.get('c'));
    groups.set(campaign, [...(groups.get(campaign) ?? []), socket]);
  });
  const clients = await startClients({
    mode: 'raw',
    url: `http://127.0.0.1:${port}`,
    token: '',
    campaignIds: Array.from({ length: campaigns }, (_, i) => String(i)),
    subscribers,
  });
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
  // Hot: each campaign changes far more than 4 times a second, so coalescing (≤ 4 snapshots a
  // second) adds up to 250 ms by design. Realistic: calls of several seconds, as in production.
  const parts = new Set((process.env['LIVE_BENCH_PARTS'] ?? 'hot,realistic,commands').split(',').map((s) => s.trim()));
  if (parts.has('hot')) await latencyPart('hot', HOT);
  if (parts.has('realistic')) await latencyPart('realistic', { minDurationMs: 5_000, maxDurationMs: 15_000 });
  if (parts.has('commands')) await commandsPart();
}
