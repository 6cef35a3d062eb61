/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { WebSocket } from 'ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, createCampaign, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { subscribe, until } from '../test/ws';
import { ApiKeyModel } from './apikey.model';
import { hashSecret } from './apikey.service';

const CREATE = `mutation($input: ApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name role prefix createdAt lastUsedAt } } }`;
const PROGRESS = `subscription($id: ID!) { campaignProgress(campaignId: $id) { stats { totalContacts } } }`;

let stack: TestStack;
let admin: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signUpAccount(stack, 'Keys Inc');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

/** Polls `read` until `check` holds (5 s at most); for writes a request does not wait for. */
async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`still ${String(value)} after 5 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function newKey(role: 'ADMIN' | 'OPERATOR' | 'VIEWER', name = `${role} key`) {
  const data = await ok<any>(stack.graphql(CREATE, { input: { name, role } }, admin.token));
  return data.createApiKey as { secret: string; apiKey: { id: string; prefix: string; role: string } };
}

describe('API keys', () => {
  it('returns a dw_live_ secret once, stores only its SHA-256, and lists it by prefix', async () => {
    const created = await newKey('OPERATOR', 'CRM sync');
    expect(created.secret).toMatch(/^dw_live_[A-Za-z0-9_-]{32}$/);
    expect(created.apiKey).toMatchObject({ name: 'CRM sync', role: 'OPERATOR', lastUsedAt: null });
    expect(created.secret.startsWith(created.apiKey.prefix)).toBe(true);
    expect(created.apiKey.prefix).toMatch(/^dw_live_.{6}$/);
    const stored = await ApiKeyModel.findById(created.apiKey.id).lean();
    expect(stored!.secretHash).toBe(hashSecret(created.secret));
    expect(JSON.stringify(stored)).not.toContain(created.secret);
    const listed = await ok<any>(stack.graphql(`{ apiKeys { id prefix } }`, {}, admin.token));
    expect(listed.apiKeys).toContainEqual({ id: created.apiKey.id, prefix: created.apiKey.prefix });
    expect(JSON.stringify(listed)).not.toContain(created.secret);
  });

  it('validates the name and is for ADMINs only', async () => {
    expect(await fails(stack.graphql(CREATE, { input: { name: '  ', role: 'VIEWER' } }, admin.token))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
    const operator = await addUser(stack, admin, 'OPERATOR');
    expect((await fails(stack.graphql(CREATE, { input: { name: 'x', role: 'VIEWER' } }, operator))).code).toBe(
      'FORBIDDEN',
    );
    expect((await fails(stack.graphql(`{ apiKeys { id } }`, {}, operator))).code).toBe('FORBIDDEN');
  });

  it('authenticates with its role and organization, and records lastUsedAt at most once a minute', async () => {
    const viewerKey = await newKey('VIEWER');
    const campaignId = await createCampaign(stack, admin, 'Seen by key');
    const read = await ok<any>(stack.graphql(`{ campaign(id: "${campaignId}") { name } }`, {}, viewerKey.secret));
    expect(read.campaign.name).toBe('Seen by key');
    const write = await fails(
      stack.graphql(`mutation { startCampaign(id: "${campaignId}") { id } }`, {}, viewerKey.secret),
    );
    expect(write).toMatchObject({ code: 'FORBIDDEN', message: 'This needs the OPERATOR role; you are VIEWER' });
    expect(await fails(stack.graphql(`{ me { id } }`, {}, viewerKey.secret))).toMatchObject({
      code: 'FORBIDDEN',
      message: '`me` needs a login token: an API key is not a user',
    });

    // Another organization's campaign is invisible to this key.
    const other = await signUpAccount(stack, 'Other Org');
    const foreign = await createCampaign(stack, other, 'Foreign');
    const missing = await ok<any>(stack.graphql(`{ campaign(id: "${foreign}") { id } }`, {}, viewerKey.secret));
    expect(missing.campaign).toBeNull();

    // The write is not awaited by the request (it must not slow it): wait for it to land.
    const lastUsed = () =>
      ApiKeyModel.findById(viewerKey.apiKey.id)
        .lean()
        .then((k) => k!.lastUsedAt);
    const first = await eventually(lastUsed, (at) => at instanceof Date);
    // Within the minute: further requests do not move it.
    await ok(stack.graphql(`{ campaigns { totalCount } }`, {}, viewerKey.secret));
    await new Promise((r) => setTimeout(r, 100));
    expect(await lastUsed()).toEqual(first);
    // A minute later it moves again.
    const old = new Date(Date.now() - 61_000);
    await ApiKeyModel.updateOne({ _id: viewerKey.apiKey.id }, { $set: { lastUsedAt: old } });
    await ok(stack.graphql(`{ campaigns { totalCount } }`, {}, viewerKey.secret));
    await eventually(lastUsed, (at) => at!.getTime() > old.getTime() + 30_000);
  });

  it('rejects an unknown or malformed key with UNAUTHENTICATED (HTTP 401)', async () => {
    for (const bad of ['dw_live_' + 'A'.repeat(32), 'dw_live_short']) {
      const res = await fetch(`${stack.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${bad}` },
        body: JSON.stringify({ query: '{ campaigns { totalCount } }' }),
      });
      expect(res.status).toBe(401);
      const body = (await res.json()) as any;
      expect(body.errors[0]).toMatchObject({
        message: 'Invalid or revoked API key',
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
  });

  it('a key revoked during open subscriptions (both protocols) closes them with 4403 and fails the next request', async () => {
    const key = await newKey('VIEWER', 'dashboard');
    const campaignId = await createCampaign(stack, admin, 'Watched');
    const modern = subscribe<any>(stack.url, key.secret, PROGRESS, { id: campaignId });
    expect((await modern.next()).data.campaignProgress.stats.totalContacts).toBe(0);

    const legacy = new SubscriptionClient(
      stack.url.replace('http', 'ws') + '/graphql',
      { connectionParams: { authorization: `Bearer ${key.secret}` }, reconnect: false, lazy: false },
      WebSocket,
    );
    const legacyData: unknown[] = [];
    legacy
      .request({ query: PROGRESS, variables: { id: campaignId } })
      .subscribe({ next: (v) => void legacyData.push(v), error: () => undefined });
    await until(() => legacyData.length >= 1);
    const legacyClosed = new Promise<{ code: number }>((resolve) =>
      (legacy as unknown as { client: WebSocket }).client.once('close', (code) => resolve({ code })),
    );

    await ok(stack.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: key.apiKey.id }, admin.token));
    expect(await modern.closed).toMatchObject({ code: 4403 });
    expect(await legacyClosed).toEqual({ code: 4403 });
    // subscriptions-transport-ws (unmaintained) keeps its keep-alive check running when the
    // server closes the socket: its onclose calls close(false, false), which skips
    // clearCheckConnectionInterval, and close() after that does nothing (its socket is gone).
    // That interval (every 30 s) kept jest's worker from exiting at the end of every run.
    (legacy as unknown as { clearCheckConnectionInterval(): void }).clearCheckConnectionInterval();
    legacy.close();
    await modern.dispose();

    expect(await fails(stack.graphql(`{ campaigns { totalCount } }`, {}, key.secret))).toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    const listed = await ok<any>(stack.graphql(`{ apiKeys { id } }`, {}, admin.token));
    expect(listed.apiKeys.map((k: { id: string }) => k.id)).not.toContain(key.apiKey.id);
    // Revoking twice, or another organization's key, is NOT_FOUND.
    expect(
      (await fails(stack.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: key.apiKey.id }, admin.token)))
        .code,
    ).toBe('NOT_FOUND');
  });

  it('a WebSocket connect with a revoked key is refused', async () => {
    const key = await newKey('VIEWER');
    await ok(stack.graphql(`mutation($id: ID!) { revokeApiKey(id: $id) }`, { id: key.apiKey.id }, admin.token));
    const campaignId = await createCampaign(stack, admin, 'Refused');
    const sub = subscribe<any>(stack.url, key.secret, PROGRESS, { id: campaignId });
    const closed = await sub.closed;
    expect(closed.code).toBe(4403);
    expect(closed.reason).toMatch(/Invalid or revoked API key/);
  });
});
