/**
 * Bench clients in their own OS process (`child_process.fork` of this file), so the processes
 * under test (the API processes, or the raw ws baseline) share neither an event loop nor, as
 * far as the scheduler allows, a core with thousands of clients parsing messages.
 * Driven over IPC by live.bench.ts: the input is the first message; connect → `ready`;
 * `measure` → record; `stop` → the result.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';

export interface ClientsInput {
  mode: 'graphql' | 'raw';
  /** Servers to spread subscribers over: subscriber i connects to urls[i % urls.length]. */
  urls: string[];
  token: string;
  campaignIds: string[];
  /** Subscribers in the whole bench; this process runs those with i % processes === index. */
  subscribers: number;
  processes: number;
  index: number;
}

/** One recorded message, for the baseline's replay: what the first subscriber of a campaign received, and when. */
export interface RecordedMessage {
  campaign: number;
  /** Milliseconds since this process began measuring. */
  offset: number;
  /** When it was received (epoch ms): the stage breakdown's last timestamp. */
  receivedAt: number;
  payload: string;
}

export interface ClientsResult {
  /** Change (`updatedAt`) → receipt, ms (raw mode: send → receipt). */
  delays: number[];
  /** Receipt − max(updatedAt, heldUntil): the delay that pacing did not choose (graphql mode). */
  beyond: number[];
  /** Messages that pacing held back (heldUntil set). */
  held: number;
  received: number;
  recorded: RecordedMessage[];
  /** This process's event-loop delay while measuring, p99 in ms: a late receipt here is the clients', not the servers'. */
  loopP99Ms: number;
}

const delays: number[] = [];
const beyond: number[] = [];
const recorded: RecordedMessage[] = [];
let held = 0;
let received = 0;
let measuring = false;
let t0 = 0;
const loop = monitorEventLoopDelay({ resolution: 5 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const send = (message: unknown) => process.send!(message);

const PROGRESS = `subscription ($id: ID!) { campaignProgress(campaignId: $id) { campaignId status updatedAt heldUntil stats { totalContacts queuedCalls activeCalls completedCalls failedCalls progress successRate } queue { waiting active delayed } } }`;

interface Progress {
  campaignProgress: { updatedAt: string; heldUntil: string | null };
}

/** Indexes of the subscribers this process runs. */
function mine(input: ClientsInput): number[] {
  const out: number[] = [];
  for (let i = input.index; i < input.subscribers; i += input.processes) out.push(i);
  return out;
}

async function graphqlClients(input: ClientsInput): Promise<() => Promise<void>> {
  const clients: Client[] = [];
  let ready = 0;
  let failed = 0;
  const subscribers = mine(input);
  for (const [n, i] of subscribers.entries()) {
    const client = createClient({
      url: input.urls[i % input.urls.length]!.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${input.token}` },
      retryAttempts: 0,
      lazy: false,
    });
    clients.push(client);
    const campaign = i % input.campaignIds.length;
    // The first subscriber of each campaign records what it receives for the baseline's replay.
    const records = i < input.campaignIds.length;
    let first = true;
    client.subscribe<Progress>(
      { query: PROGRESS, variables: { id: input.campaignIds[campaign] } },
      {
        next: (value) => {
          const now = Date.now();
          if (first) {
            first = false;
            ready += 1;
            return;
          }
          if (!measuring || !value.data) return;
          received += 1;
          const { updatedAt, heldUntil } = value.data.campaignProgress;
          // updatedAt is written with the stat change (the counter update), in the worker.
          const changed = Date.parse(updatedAt);
          delays.push(now - changed);
          const releasedBy = heldUntil ? Date.parse(heldUntil) : changed;
          if (heldUntil) held += 1;
          beyond.push(now - Math.max(changed, releasedBy));
          if (records) recorded.push({ campaign, offset: now - t0, receivedAt: now, payload: JSON.stringify(value) });
        },
        error: (error) => {
          failed += 1;
          if (failed <= 3) process.stderr.write(`subscriber ${i}: ${JSON.stringify(error)}\n`);
        },
        complete: () => undefined,
      },
    );
    // Connect in batches: a thousand simultaneous handshakes overflow the listen backlog.
    if ((n + 1) % 100 === 0) while (ready + failed < n + 1) await sleep(20);
  }
  while (ready + failed < subscribers.length) await sleep(20);
  if (failed > 0) throw new Error(`${failed} of ${subscribers.length} subscribers failed to subscribe`);
  return async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  };
}

async function rawClients(input: ClientsInput): Promise<() => Promise<void>> {
  const sockets: WebSocket[] = [];
  for (const i of mine(input)) {
    const url = input.urls[i % input.urls.length]!.replace('http', 'ws');
    const socket = new WebSocket(`${url}/?c=${i % input.campaignIds.length}`);
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      if (!measuring) return;
      received += 1;
      delays.push(Date.now() - (JSON.parse(String(data)) as { sentAt: number }).sentAt);
    });
    sockets.push(socket);
    if (sockets.length % 100 === 0)
      await Promise.all(sockets.slice(-100).map((s) => new Promise((r) => s.once('open', r))));
  }
  await Promise.all(
    sockets.map((s) => (s.readyState === WebSocket.OPEN ? null : new Promise((r) => s.once('open', r)))),
  );
  return async () => {
    for (const s of sockets) s.terminate();
  };
}

process.once('message', (input: ClientsInput) => {
  void (async () => {
    const close = input.mode === 'graphql' ? await graphqlClients(input) : await rawClients(input);
    process.on('message', (message: string) => {
      if (message === 'measure') {
        t0 = Date.now();
        measuring = true;
        loop.enable();
      }
      if (message === 'stop') {
        measuring = false;
        loop.disable();
        const loopP99Ms = loop.percentile(99) / 1e6;
        void close().then(() => {
          const result: ClientsResult = { delays, beyond, held, received, recorded, loopP99Ms };
          send(result);
        });
      }
    });
    send('ready');
  })().catch((error: unknown) => {
    process.stderr.write(`bench clients failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
});
