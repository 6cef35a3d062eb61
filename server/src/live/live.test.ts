import { WebSocket } from 'ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { signToken } from '../users/auth.token';
import type { CallEventPayload } from '../events';
import { subscribe as subscribeTo, until } from '../test/ws';
import type { Sub } from '../test/ws';

const subscribe = <T>(
  stack: TestStack,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Sub<T> => subscribeTo<T>(stack.url, token, query, variables);

const PROGRESS = /* GraphQL */ `
  subscription ($id: ID!) {
    campaignProgress(campaignId: $id) {
      campaignId
      status
      stats {
        totalContacts
        queuedCalls
        progress
      }
      queue {
        waiting
      }
      updatedAt
    }
  }
`;

describe('live updates over GraphQL subscriptions', () => {
  let stack: TestStack;
  let token: string;
  let campaignId: string;
  let otherToken: string;
  const subs: Sub<unknown>[] = [];

  const track = <T>(s: Sub<T>) => {
    subs.push(s as Sub<unknown>);
    return s;
  };

  beforeAll(async () => {
    stack = await startTestStack();
    const signUp = async (email: string) => {
      const res = await stack.graphql<{ signUp: { token: string } }>(
        `mutation ($i: SignUpInput!) { signUp(input: $i) { token } }`,
        { i: { email, password: 'correct horse battery', organizationName: `Org of ${email}` } },
      );
      if (!res.data) throw new Error(JSON.stringify(res.errors));
      return res.data.signUp.token;
    };
    token = await signUp('live@example.com');
    otherToken = await signUp('other@example.com');
    const agents = await stack.graphql<{ agents: { id: string }[] }>(`{ agents { id } }`, {}, token);
    const created = await stack.graphql<{ createCampaign: { id: string } }>(
      `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
      { i: { name: 'Live', agentId: agents.data!.agents[0]!.id } },
      token,
    );
    campaignId = created.data!.createCampaign.id;
  });

  afterEach(async () => {
    await Promise.all(subs.splice(0).map((s) => s.dispose()));
    // Each test starts with no subscriber left on the server, so counts below mean "mine".
    await until(() => stack.app.services.live!.subscriberCount() === 0);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const addContacts = (numbers: string[]) =>
    stack.graphql(
      `mutation ($id: ID!, $c: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $c) { accepted } }`,
      { id: campaignId, c: numbers.map((phoneNumber) => ({ phoneNumber })) },
      token,
    );

  it('sends the current snapshot at once, then a snapshot on change', async () => {
    const sub = track(
      subscribe<{ campaignProgress: { stats: { totalContacts: number }; status: string } }>(stack, token, PROGRESS, {
        id: campaignId,
      }),
    );
    const first = await sub.next();
    expect(first.errors).toBeUndefined();
    const before = first.data!.campaignProgress.stats.totalContacts;
    expect(first.data!.campaignProgress.status).toBe('DRAFT');
    await addContacts(['+14155550101', '+14155550102']);
    const second = await sub.next();
    expect(second.data!.campaignProgress.stats.totalContacts).toBe(before + 2);
  });

  it('coalesces bursts to at most 4 snapshots a second and always delivers the latest', async () => {
    const sub = track(
      subscribe<{ campaignProgress: { stats: { totalContacts: number }; heldUntil: string | null } }>(
        stack,
        token,
        PROGRESS.replace('updatedAt', 'updatedAt heldUntil'),
        { id: campaignId },
      ),
    );
    await sub.next();
    const start = Date.now();
    for (let i = 0; i < 40; i++) await stack.app.services.events.campaignChanged('x', campaignId);
    const added = await addContacts(['+14155550103']);
    expect(added.errors).toBeUndefined();
    await until(() => sub.results.at(-1)?.data?.campaignProgress.stats.totalContacts === 3);
    await new Promise((r) => setTimeout(r, 1_100)); // let any trailing snapshot arrive before counting
    const updates = sub.receivedAt.slice(1).filter((t) => t >= start);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    // 41 changes, at most 4 snapshots in any second (20 ms of slack for the socket's own jitter).
    expect(updates.length).toBeLessThan(41);
    for (let i = 4; i < updates.length; i++) expect(updates[i]! - updates[i - 4]!).toBeGreaterThanOrEqual(980);
    expect(sub.results.at(-1)!.data!.campaignProgress.stats.totalContacts).toBe(3);
    // heldUntil tells which snapshots pacing held back, and until when: the burst's first went
    // at once; the fifth, past 4 in a second, was held; none left earlier than it says.
    const held = sub.results.map((r) => r.data!.campaignProgress.heldUntil);
    expect(held[0]).toBeNull();
    const burst = sub.receivedAt.map((t, i) => ({ t, held: held[i] })).filter(({ t }) => t >= start);
    expect(burst[0]!.held).toBeNull();
    expect(burst.length).toBeGreaterThan(4);
    expect(burst[4]!.held).not.toBeNull();
    for (const { t, held } of burst) if (held) expect(t).toBeGreaterThanOrEqual(Date.parse(held) - 5);
  });

  it('uses the numbers an event carries, without reading MongoDB, and ignores older revisions', async () => {
    // Its own campaign: the made-up revisions below must not meet the real ones of the others.
    const agents = await stack.graphql<{ agents: { id: string }[] }>(`{ agents { id } }`, {}, token);
    const created = await stack.graphql<{ createCampaign: { id: string } }>(
      `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
      { i: { name: 'Revisions', agentId: agents.data!.agents[0]!.id } },
      token,
    );
    const campaignId = created.data!.createCampaign.id;
    const sub = track(
      subscribe<{ campaignProgress: { stats: { totalContacts: number; completedCalls: number } } }>(
        stack,
        token,
        PROGRESS.replace('queuedCalls', 'queuedCalls completedCalls'),
        { id: campaignId },
      ),
    );
    await sub.next();
    const hub = stack.app.services.live!;
    // One event without numbers first, so the hub knows the campaign's current revision.
    await stack.app.services.events.campaignChanged('x', campaignId);
    await sub.next();
    const reads = hub.computed;
    const progress = (revision: number, completedCalls: number) => ({
      revision,
      status: 'ACTIVE' as const,
      stats: { totalContacts: 3, queuedCalls: 3 - completedCalls, completedCalls },
      startedAt: null,
      lastCallAt: null,
      updatedAt: new Date().toISOString(),
    });
    await stack.app.services.events.campaignChanged('x', campaignId, progress(1_000, 2));
    const carried = await sub.next();
    expect(carried.data!.campaignProgress.stats.completedCalls).toBe(2);
    // A late event from another process with an older revision changes nothing.
    await stack.app.services.events.campaignChanged('x', campaignId, progress(999, 1));
    await stack.app.services.events.campaignChanged('x', campaignId, progress(1_001, 3));
    await until(() => sub.results.at(-1)?.data?.campaignProgress.stats.completedCalls === 3);
    expect(sub.results.slice(3).every((r) => r.data!.campaignProgress.stats.completedCalls !== 1)).toBe(true);
    expect(hub.computed).toBe(reads);
  });

  it('streams call transitions in order, uncoalesced', async () => {
    const before = stack.app.services.live!.subscriberCount();
    const sub = track(
      subscribe<{ callUpdated: { id: string; status: string; campaignId: string } }>(
        stack,
        token,
        `subscription ($id: ID!) { callUpdated(campaignId: $id) { id status campaignId } }`,
        { id: campaignId },
      ),
    );
    // The subscription is live once the server has registered it; wait for the hub to see it.
    await until(() => stack.app.services.live!.subscriberCount() > before);
    const contacts = await stack.graphql<{ campaign: { contacts: { nodes: { id: string }[] } } }>(
      `query ($id: ID!) { campaign(id: $id) { contacts(first: 1) { nodes { id } } } }`,
      { id: campaignId },
      token,
    );
    const contactId = contacts.data!.campaign.contacts.nodes[0]!.id;
    const call = (status: string): CallEventPayload => ({
      id: '65f000000000000000000001',
      campaignId,
      contactId,
      attempt: 1,
      status,
      providerCallId: 'sim-1',
      startedAt: new Date().toISOString(),
      answeredAt: null,
      endedAt: null,
      durationSeconds: null,
      error: null,
    });
    const statuses = ['INITIATED', 'RINGING', 'IN_PROGRESS', 'COMPLETED'];
    for (const status of statuses) await stack.app.services.events.callChanged('org', call(status));
    await until(() => sub.results.length === statuses.length);
    expect(sub.results.map((r) => r.data?.callUpdated.status)).toEqual(statuses);
    expect(sub.results[0]!.data!.callUpdated.campaignId).toBe(campaignId);
  });

  it('campaignUpdated carries changes of the caller organization only', async () => {
    const mine = track(
      subscribe<{ campaignUpdated: { id: string; stats: { totalContacts: number } } }>(
        stack,
        token,
        `subscription { campaignUpdated { id stats { totalContacts } } }`,
      ),
    );
    const theirs = track(
      subscribe<{ campaignUpdated: { id: string } }>(stack, otherToken, `subscription { campaignUpdated { id } }`),
    );
    await until(() => stack.app.services.live!.subscriberCount() >= 2);
    await addContacts(['+14155550104']);
    const update = await mine.next();
    expect(update.data!.campaignUpdated.id).toBe(campaignId);
    expect(update.data!.campaignUpdated.stats.totalContacts).toBe(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(theirs.results).toHaveLength(0);
  });

  describe('authentication and authorization', () => {
    it('rejects a connection without a token', async () => {
      const sub = track(subscribe(stack, null, PROGRESS, { id: campaignId }));
      const closed = await sub.closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/authorization/i);
      expect(sub.results.filter((r) => r.data)).toHaveLength(0);
    });

    it('rejects a bad token', async () => {
      const sub = track(subscribe(stack, 'not-a-jwt', PROGRESS, { id: campaignId }));
      const closed = await sub.closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/Invalid token/);
    });

    it('rejects an expired token', async () => {
      const expired = await signToken(
        stack.app.services.config.jwt,
        { userId: '65f000000000000000000001', organizationId: '65f000000000000000000002', role: 'ADMIN' },
        -10,
      );
      const sub = track(subscribe(stack, expired, PROGRESS, { id: campaignId }));
      const closed = await sub.closed;
      expect(closed.code).toBe(4403);
      expect(closed.reason).toMatch(/expired/i);
    });

    it("treats another organization's campaign as not found, with no data", async () => {
      const sub = track(subscribe<{ campaignProgress: unknown }>(stack, otherToken, PROGRESS, { id: campaignId }));
      const result = await sub.next();
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toBe('Campaign not found');
      expect((result.errors?.[0] as { extensions?: { code?: string } }).extensions?.code).toBe('NOT_FOUND');
    });

    it('closes the socket when the token expires', async () => {
      const user = await stack.graphql<{ me: { id: string; organization: { id: string } } }>(
        `{ me { id organization { id } } }`,
        {},
        token,
      );
      const shortLived = await signToken(
        stack.app.services.config.jwt,
        { userId: user.data!.me.id, organizationId: user.data!.me.organization.id, role: 'ADMIN' },
        1,
      );
      const sub = track(subscribe(stack, shortLived, PROGRESS, { id: campaignId }));
      await sub.next();
      const closed = await sub.closed;
      expect(closed.code).toBe(4401);
      expect(closed.reason).toMatch(/expired/i);
    });
  });

  describe('limits on the WebSocket path', () => {
    it('closes a connection that never sends connection_init (4408)', async () => {
      const socket = new WebSocket(stack.url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
      const closed = await new Promise<{ code: number; reason: string }>((resolve) =>
        socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      expect(closed.code).toBe(4408);
      expect(closed.reason).toMatch(/initiali[sz]ation timeout/i);
    });

    it('refuses a WebSocket without a GraphQL subprotocol', async () => {
      const socket = new WebSocket(stack.url.replace('http', 'ws') + '/graphql');
      const error = await new Promise<Error>((resolve) => socket.once('error', resolve));
      expect(error.message).toMatch(/400/);
    });

    it('rejects an operation over the alias limit before running it', async () => {
      const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: campaignId`).join(' ');
      const sub = track(
        subscribe(stack, token, `subscription ($id: ID!) { campaignProgress(campaignId: $id) { ${aliases} } }`, {
          id: campaignId,
        }),
      );
      const result = await sub.next();
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(/alias/i);
    });

    it('rejects an operation over the cost limit, and accepts one within it', async () => {
      const costly = track(
        subscribe(
          stack,
          token,
          `subscription { campaignUpdated { contacts(first: 1000) { nodes { id } } calls(first: 1000) { nodes { contact { id } } } } }`,
        ),
      );
      const result = await costly.next();
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit/);
      const fine = track(
        subscribe(stack, token, `subscription { campaignUpdated { id contacts(first: 5) { nodes { id } } } }`),
      );
      await until(() => stack.app.services.live!.subscriberCount() > 0);
      expect(fine.results).toHaveLength(0);
    });

    it('closes a connection that sends a message over the size limit', async () => {
      const sub = track(
        subscribe(stack, token, `subscription ($id: ID!) { campaignProgress(campaignId: $id) { campaignId } }`, {
          id: campaignId,
          pad: 'x'.repeat(100_000),
        }),
      );
      const closed = await sub.closed;
      expect(closed.code).toBe(1009);
    });
  });

  it('serves GraphQL Playground’s older protocol (subscriptions-transport-ws) on the same path', async () => {
    const client = new SubscriptionClient(
      stack.url.replace('http', 'ws') + '/graphql',
      { connectionParams: { authorization: `Bearer ${token}` }, reconnect: false, lazy: false },
      WebSocket,
    );
    try {
      const received: { data?: { campaignProgress?: { stats: { totalContacts: number } } }; errors?: unknown }[] = [];
      const observable = client.request({ query: PROGRESS, variables: { id: campaignId } });
      const subscription = observable.subscribe({
        next: (value) => void received.push(value as never),
        error: () => undefined,
      });
      await until(() => received.length >= 1);
      expect(received[0]!.data!.campaignProgress!.stats.totalContacts).toBe(4);
      await addContacts(['+14155550105']);
      await until(() => received.length >= 2);
      expect(received.at(-1)!.data!.campaignProgress!.stats.totalContacts).toBe(5);
      subscription.unsubscribe();

      // Same authentication: a bad token is refused with a clear error and no data.
      const refusals: { message?: string }[] = [];
      const refusedData: unknown[] = [];
      const refused = new SubscriptionClient(
        stack.url.replace('http', 'ws') + '/graphql',
        {
          connectionParams: { authorization: 'Bearer nope' },
          reconnect: false,
          connectionCallback: (error: unknown) => void (error && refusals.push(error as { message?: string })),
        },
        WebSocket,
      );
      const disconnected = new Promise((r) => refused.onDisconnected(r));
      refused
        .request({ query: PROGRESS, variables: { id: campaignId } })
        .subscribe({ next: (v) => void refusedData.push(v), error: () => undefined });
      await disconnected;
      expect(refusals[0]?.message).toMatch(/Invalid token/);
      expect(refusedData).toHaveLength(0);
      refused.close();
    } finally {
      client.close();
    }
  });

  it('keeps a legacy-protocol socket alive with `ka` right after the ack', async () => {
    const socket = new WebSocket(stack.url.replace('http', 'ws') + '/graphql', 'graphql-ws');
    const types: string[] = [];
    socket.on('message', (data) => void types.push((JSON.parse(String(data)) as { type: string }).type));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    await until(() => types.includes('ka'));
    expect(types.slice(0, 2)).toEqual(['connection_ack', 'ka']);
    const closed = new Promise((resolve) => socket.once('close', resolve));
    socket.close();
    await closed;
  });
});
