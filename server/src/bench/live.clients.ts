/**
 * Bench clients on their own thread, so the process under test (the API, or the raw ws
 * baseline) does not share its event loop with a thousand clients parsing messages.
 * Driven by messages from live.bench.ts: connect → `ready`; `measure` → record; `stop` → `result`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';

export interface ClientsInput {
  mode: 'graphql' | 'raw';
  url: string;
  token: string;
  campaignIds: string[];
  subscribers: number;
}

export interface ClientsResult {
  delays: number[];
  received: number;
}

const input = workerData as ClientsInput;
const port = parentPort!;
const delays: number[] = [];
let received = 0;
let measuring = false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const PROGRESS = `subscription ($id: ID!) { campaignProgress(campaignId: $id) { campaignId status updatedAt stats { totalContacts queuedCalls activeCalls completedCalls failedCalls progress successRate } queue { waiting active delayed } } }`;

async function graphqlClients(): Promise<() => Promise<void>> {
  const clients: Client[] = [];
  let ready = 0;
  for (let i = 0; i < input.subscribers; i++) {
    const client = createClient({
      url: input.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${input.token}` },
      retryAttempts: 0,
    });
    clients.push(client);
    let first = true;
    client.subscribe<{ campaignProgress: { updatedAt: string } }>(
      { query: PROGRESS, variables: { id: input.campaignIds[i % input.campaignIds.length] } },
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
          // The snapshot's updatedAt is written with the stat change it reflects.
          delays.push(now - Date.parse(value.data.campaignProgress.updatedAt));
        },
        error: () => undefined,
        complete: () => undefined,
      },
    );
    // Connect in batches: a thousand simultaneous handshakes overflow the listen backlog.
    if ((i + 1) % 100 === 0) while (ready < i + 1) await sleep(20);
  }
  while (ready < input.subscribers) await sleep(20);
  return async () => {
    await Promise.all(clients.map((c) => c.dispose()));
  };
}

async function rawClients(): Promise<() => Promise<void>> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < input.subscribers; i++) {
    const socket = new WebSocket(`${input.url.replace('http', 'ws')}/?c=${i % input.campaignIds.length}`);
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

void (async () => {
  const close = input.mode === 'graphql' ? await graphqlClients() : await rawClients();
  port.on('message', (message: string) => {
    if (message === 'measure') measuring = true;
    if (message === 'stop') {
      measuring = false;
      void close().then(() => {
        const result: ClientsResult = { delays, received };
        port.postMessage(result);
      });
    }
  });
  port.postMessage('ready');
})();
