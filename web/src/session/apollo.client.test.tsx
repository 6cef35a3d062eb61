// @vitest-environment node
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gql } from '@apollo/client';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { RawData } from 'ws';
import { createDialwaveClient, SIGNED_OUT_MESSAGES, signOutMessageFor } from './apollo.client';
import type { DialwaveClient } from './apollo.client';
import { createTokenStore } from './token.store';
import { memoryStorage } from '../test/render';

/**
 * The dashboard's session handling against a real WebSocket server speaking graphql-ws
 * (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md) and a real HTTP server:
 * each test decides how the server answers `connection_init`.
 */

type OnInit = (socket: WebSocket, connection: number) => void;

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop();
});

async function startWsServer(onInit: OnInit): Promise<{ url: string; connections: () => number }> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: () => 'graphql-transport-ws' });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  let connections = 0;
  wss.on('connection', (socket) => {
    const n = ++connections;
    socket.on('message', (data: RawData) => {
      const message = JSON.parse(String(data)) as { type: string; id?: string };
      if (message.type === 'connection_init') onInit(socket, n);
      if (message.type === 'subscribe') {
        socket.send(JSON.stringify({ id: message.id, type: 'next', payload: { data: { tick: n } } }));
      }
    });
  });
  stops.push(
    () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => resolve());
      }),
  );
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/graphql`, connections: () => connections };
}

function makeClient(wsUrl: string, httpUrl = 'http://127.0.0.1:1/graphql') {
  const tokens = createTokenStore(memoryStorage());
  tokens.set('token-1');
  const messages: string[] = [];
  const client: DialwaveClient = createDialwaveClient({
    tokens,
    wsUrl,
    httpUrl,
    webSocketImpl: WebSocket,
    // What main.tsx does (expireSession), minus the notice store.
    onUnauthenticated: (message) => {
      messages.push(message);
      tokens.set(null);
      client.closeSocket();
    },
  });
  stops.push(async () => {
    await client.socket().dispose();
  });
  return { client, tokens, messages };
}

/** Subscribes through the graphql-ws client; resolves with the first result, rejects on error. */
function firstTick(client: DialwaveClient): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = client.socket();
    const stop = socket.subscribe(
      { query: 'subscription { tick }' },
      {
        next: (value) => {
          stop();
          resolve(value.data);
        },
        error: reject,
        complete: () => reject(new Error('completed without a result')),
      },
    );
  });
}

const waitFor = async (check: () => boolean, ms = 5_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('the live-updates socket and the session', () => {
  it('signs the user out once with an "expired" message when the server closes with 4401', async () => {
    const server = await startWsServer((socket) => socket.close(4401, 'Token expired: sign in again'));
    const { client, tokens, messages } = makeClient(server.url);
    await expect(firstTick(client)).rejects.toMatchObject({ code: 4401 });
    await waitFor(() => messages.length > 0);
    expect(messages).toEqual([SIGNED_OUT_MESSAGES.expired]);
    expect(tokens.get()).toBeNull();
    expect(client.connection.getState()).toBe('idle');
    expect(server.connections()).toBe(1);
  });

  it('signs the user out on 4403 with the server reason, and does not retry', async () => {
    const server = await startWsServer((socket) => socket.close(4403, 'Forbidden: user no longer exists'));
    const { client, tokens, messages } = makeClient(server.url);
    await expect(firstTick(client)).rejects.toMatchObject({ code: 4403 });
    await waitFor(() => messages.length > 0);
    expect(messages).toEqual([`${SIGNED_OUT_MESSAGES.forbidden} (user no longer exists)`]);
    expect(tokens.get()).toBeNull();
    // graphql-ws's default retries 4403 forever: nothing reconnects here.
    await new Promise((r) => setTimeout(r, 200));
    expect(server.connections()).toBe(1);
  });

  it('reconnects after a 1012 (server restart) and keeps the session', async () => {
    const server = await startWsServer((socket, n) => {
      if (n === 1) socket.close(1012, 'Server restarting: reconnect');
      else socket.send(JSON.stringify({ type: 'connection_ack' }));
    });
    const { client, tokens, messages } = makeClient(server.url);
    // graphql-ws waits 1.3–4 s before its first retry (randomised backoff).
    await expect(firstTick(client)).resolves.toEqual({ tick: 2 });
    expect(messages).toEqual([]);
    expect(tokens.get()).toBe('token-1');
  }, 10_000);

  it('signs the user out when an HTTP request answers UNAUTHENTICATED', async () => {
    const http = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ message: 'Token expired', extensions: { code: 'UNAUTHENTICATED' } }] }));
      });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    stops.push(() => new Promise<void>((resolve) => http.close(() => resolve())));
    const server = await startWsServer(() => {});
    const { client, tokens, messages } = makeClient(
      server.url,
      `http://127.0.0.1:${(http.address() as AddressInfo).port}/graphql`,
    );
    await expect(
      client.apollo.query({
        query: gql`
          query Me {
            me {
              id
            }
          }
        `,
      }),
    ).rejects.toThrow('Token expired');
    expect(messages).toEqual([SIGNED_OUT_MESSAGES.expired]);
    expect(tokens.get()).toBeNull();
  });

  it('maps close codes to sign-out messages only for refused sessions', () => {
    expect(signOutMessageFor(4401)).toBe(SIGNED_OUT_MESSAGES.expired);
    expect(signOutMessageFor(4403, 'Forbidden')).toBe(SIGNED_OUT_MESSAGES.forbidden);
    expect(signOutMessageFor(1012)).toBeNull();
    expect(signOutMessageFor(1006)).toBeNull();
    expect(signOutMessageFor(undefined)).toBeNull();
  });
});
