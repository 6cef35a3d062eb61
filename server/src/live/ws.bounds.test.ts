import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import type { Client } from 'graphql-ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import { logger } from '../logger';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { createCampaign, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { until } from '../test/ws';

const CALLS = `subscription ($id: ID!) { callUpdated(campaignId: $id) { id status error } }`;

/** Small bounds, so a test reaches them with a handful of subscriptions and a few MB of events. */
const ENV = {
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: '5',
  WS_MAX_SUBSCRIPTIONS_PER_ORGANIZATION: '8',
  WS_MAX_BUFFERED_BYTES: String(64 * 1024),
  WS_MAX_STALL_MS: '2000',
};

describe('WebSocket bounds', () => {
  let stack: TestStack;
  let acme: TestAccount;
  let rival: TestAccount;
  let campaignId: string;
  let rivalCampaignId: string;
  const clients: { dispose(): unknown }[] = [];
  const wsUrl = () => stack.url.replace('http', 'ws') + '/graphql';

  beforeAll(async () => {
    stack = await startTestStack(ENV);
    [acme, rival] = await Promise.all([signUpAccount(stack, 'Acme'), signUpAccount(stack, 'Rival')]);
    [campaignId, rivalCampaignId] = await Promise.all([createCampaign(stack, acme), createCampaign(stack, rival)]);
  }, 120_000);
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.dispose();
    await until(() => stack.app.services.live!.subscriberCount() === 0);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  /** One graphql-ws connection; each `open` starts a subscription and resolves with its first error, if any. */
  function connection(token: string) {
    const client: Client = createClient({
      url: wsUrl(),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    clients.push(client);
    const errors: unknown[] = [];
    return {
      errors,
      close: () => client.dispose(),
      open(id: string) {
        client.subscribe(
          { query: CALLS, variables: { id } },
          {
            next: () => undefined,
            error: (error) => void errors.push(error),
            complete: () => undefined,
          },
        );
      },
    };
  }
  const firstError = (errors: unknown[]) =>
    (errors[0] as { message: string; extensions?: Record<string, unknown> }[])[0];

  it('caps the operations of one socket (graphql-ws)', async () => {
    const conn = connection(acme.token);
    for (let i = 0; i < 6; i++) conn.open(campaignId);
    await until(() => conn.errors.length === 1);
    expect(firstError(conn.errors)?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'subscriptionsPerSocket',
      max: 5,
    });
    await until(() => stack.app.services.live!.subscriberCount() === 5);
  });

  it('caps the operations of one organization across its sockets, and not another organization’s', async () => {
    const first = connection(acme.token);
    const second = connection(acme.token);
    for (let i = 0; i < 5; i++) first.open(campaignId);
    await until(() => stack.app.services.live!.subscriberCount() === 5);
    for (let i = 0; i < 4; i++) second.open(campaignId);
    await until(() => second.errors.length === 1);
    expect(firstError(second.errors)?.extensions).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'subscriptionsPerOrganization',
      max: 8,
    });
    const other = connection(rival.token);
    for (let i = 0; i < 5; i++) other.open(rivalCampaignId);
    await until(() => stack.app.services.live!.subscriberCount() === 8 + 5);
    expect(other.errors).toEqual([]);
  });

  it('frees the organization’s operations of a socket that closes', async () => {
    const first = connection(acme.token);
    const second = connection(acme.token);
    for (let i = 0; i < 5; i++) first.open(campaignId);
    for (let i = 0; i < 3; i++) second.open(campaignId);
    await until(() => stack.app.services.live!.subscriberCount() === 8);
    await first.close();
    await until(() => stack.app.services.live!.subscriberCount() === 3);
    const third = connection(acme.token);
    for (let i = 0; i < 5; i++) third.open(campaignId);
    await until(() => stack.app.services.live!.subscriberCount() === 8);
    expect([...second.errors, ...third.errors]).toEqual([]);
  });

  it('caps the operations of one socket on the legacy protocol too', async () => {
    const client = new SubscriptionClient(
      wsUrl(),
      { connectionParams: { authorization: `Bearer ${acme.token}` }, reconnect: false },
      WebSocket,
    );
    clients.push({ dispose: () => client.close() });
    const errors: { message: string; extensions?: Record<string, unknown> }[] = [];
    for (let i = 0; i < 6; i++)
      client.request({ query: CALLS, variables: { id: campaignId } }).subscribe({
        next: (value) => {
          const result = value as { errors?: { message: string; extensions?: Record<string, unknown> }[] };
          if (result.errors) errors.push(...result.errors);
        },
        error: (error: unknown) => void errors.push(...(Array.isArray(error) ? error : [error])),
      });
    await until(() => errors.length === 1);
    expect(errors[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'subscriptionsPerSocket' });
    await until(() => stack.app.services.live!.subscriberCount() === 5);
  });

  /** A raw graphql-ws client with 5 callUpdated streams that stops reading; returns its close code. */
  async function stopReading(errorBytes: number): Promise<{ code: number; logged: Record<string, unknown> }> {
    const socket = new WebSocket(wsUrl(), 'graphql-transport-ws');
    clients.push({ dispose: () => socket.terminate() });
    let acked = false;
    socket.on('message', (data) => {
      if ((JSON.parse(String(data)) as { type: string }).type === 'connection_ack') acked = true;
    });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${acme.token}` } }));
    await until(() => acked);
    for (let i = 0; i < 5; i++)
      socket.send(
        JSON.stringify({ id: String(i), type: 'subscribe', payload: { query: CALLS, variables: { id: campaignId } } }),
      );
    await until(() => stack.app.services.live!.subscriberCount() === 5);

    const info = jest.spyOn(logger, 'info');
    const warn = jest.spyOn(logger, 'warn');
    const error = jest.spyOn(logger, 'error');
    const debug = jest.spyOn(logger, 'debug');
    socket.pause();
    const slow = () =>
      info.mock.calls.find((c) => c[1] === 'websocket closed: the client does not read what it subscribed to');
    const payload = 'x'.repeat(errorBytes);
    // Events keep coming for a client that reads nothing, until the server lets it go.
    for (let i = 0; i < 5_000 && !slow(); i++) {
      await stack.app.services.events.callChanged(acme.organizationId, {
        id: `call${i}`,
        campaignId,
        contactId: 'contact',
        attempt: 1,
        status: 'RINGING',
        providerCallId: null,
        startedAt: new Date().toISOString(),
        answeredAt: null,
        endedAt: null,
        durationSeconds: null,
        error: payload,
      });
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 20));
    }
    await until(() => slow() !== undefined, 10_000);
    // The client reads again: it finds the backlog, then the documented close code.
    socket.resume();
    const code = await closed;
    await until(() => stack.app.services.live!.subscriberCount() === 0);
    // One quiet line for the disconnect; no warnings or errors for the subscriptions it ended.
    await until(() => debug.mock.calls.some((c) => c[1] === 'websocket closed'));
    expect(debug.mock.calls.filter((c) => c[1] === 'websocket closed')).toHaveLength(1);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
    return { code, logged: slow()![0] as Record<string, unknown> };
  }

  it('closes a socket whose unread backlog passes the byte bound with 1013, quietly', async () => {
    // 20 KB per event and stream: five streams in flight pass 64 KiB at once.
    const { code, logged } = await stopReading(20_000);
    expect(code).toBe(1013);
    expect(logged).toMatchObject({ max: 64 * 1024 });
    expect(logged['bufferedBytes']).toBeGreaterThan(64 * 1024);
  }, 30_000);

  it('closes a socket whose messages stop reaching it with 1013, though each is small', async () => {
    // 8 KB per event and stream: in flight at most 40 KB, under the byte bound; the rest would
    // wait in the hub's mailboxes. The stall bound (2 s here) catches it.
    const { code, logged } = await stopReading(8_000);
    expect(code).toBe(1013);
    expect(logged).toMatchObject({ max: 2000 });
    expect(logged['stalledMs']).toBeGreaterThanOrEqual(2000);
  }, 30_000);
});
