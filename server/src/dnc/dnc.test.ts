/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL replies: their shape is checked by assertions */
import mongoose, { Types } from 'mongoose';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, createCampaign, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { searchPrefixes } from './dnc.service';

const ENTRIES = `query($search: String, $first: Int, $after: String) {
  doNotCallEntries(search: $search, first: $first, after: $after) {
    nodes { id phoneNumber createdAt source { kind user { id email } apiKeyId apiKeyName callId campaignId campaign { id name } } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}`;
const ADD = `mutation($n: [String!]!) { addDoNotCall(phoneNumbers: $n) }`;

describe('doNotCallEntries', () => {
  let stack: TestStack;
  let acme: TestAccount;
  let globex: TestAccount;
  beforeAll(async () => {
    stack = await startTestStack();
    [acme, globex] = await Promise.all([signUpAccount(stack, 'Acme'), signUpAccount(stack, 'Globex')]);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const entries = async (account: { token: string }, variables: Record<string, unknown> = {}) =>
    (await ok<any>(stack.graphql(ENTRIES, variables, account.token))).doNotCallEntries;

  it('pages through the list in number order, with cursors and a total', async () => {
    const numbers = Array.from({ length: 7 }, (_, i) => `+1415555${String(1100 + i).padStart(4, '0')}`);
    await ok(stack.graphql(ADD, { n: [...numbers].reverse() }, acme.token));
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const result: any = await entries(acme, { first: 3, after, search: '+1415555' });
      expect(result.totalCount).toBe(7);
      seen.push(...result.nodes.map((n: any) => n.phoneNumber));
      after = result.pageInfo.endCursor;
      if (!result.pageInfo.hasNextPage) break;
    }
    expect(seen).toEqual(numbers);
    const bad = await fails(stack.graphql(ENTRIES, { after: 'nope!' }, acme.token));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(await fails(stack.graphql(ENTRIES, { first: 101 }, acme.token))).toMatchObject({ field: 'first' });
  });

  it('searches by the first digits, international or national, and refuses anything else', async () => {
    await ok(stack.graphql(ADD, { n: ['+12125550142', '+442079460958', '+14155552200'] }, acme.token));
    const numbersOf = async (search: string) =>
      (await entries(acme, { search })).nodes.map((n: any) => n.phoneNumber as string);
    expect(await numbersOf('+44 20 7946')).toEqual(['+442079460958']);
    expect(await numbersOf('0044 20')).toEqual(['+442079460958']);
    // National form in the organization's country (US): 212… is +1212….
    expect(await numbersOf('(212) 555-01')).toEqual(['+12125550142']);
    expect(await numbersOf('4155552')).toEqual(['+14155552200']);
    expect((await entries(acme, { search: '999' })).totalCount).toBe(0);
    const bad = await fails(stack.graphql(ENTRIES, { search: 'bob' }, acme.token));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'search' });
    expect(bad.message).toMatch(/^search: must be the first digits of a phone number/);
  });

  it('shows each organization only its own entries', async () => {
    await ok(stack.graphql(ADD, { n: ['+13125550101'] }, globex.token));
    const mine = await entries(globex);
    expect(mine.nodes.map((n: any) => n.phoneNumber)).toEqual(['+13125550101']);
    expect(mine.totalCount).toBe(1);
    expect((await entries(acme, { search: '+1312' })).totalCount).toBe(0);
    // A cursor made from another organization's number reveals nothing of it.
    expect((await entries(acme, { after: mine.pageInfo.endCursor, search: '+1312' })).nodes).toEqual([]);
  });

  it('names the source: the user, the API key, or the call and campaign of an opt-out', async () => {
    const operator = await addUser(stack, acme, 'OPERATOR');
    await ok(stack.graphql(ADD, { n: ['+16175550100'] }, operator));
    const created = await ok<any>(
      stack.graphql(
        `mutation { createApiKey(input: { name: "CRM sync", role: OPERATOR }) { secret apiKey { id } } }`,
        {},
        acme.token,
      ),
    );
    await ok(stack.graphql(ADD, { n: ['+16175550101'] }, created.createApiKey.secret));
    const campaignId = await createCampaign(stack, acme, 'Winter renewals');
    const callId = new Types.ObjectId();
    const services = stack.app.services;
    await services.doNotCall.add(acme.organizationId, ['+16175550102'], 'US', {
      kind: 'OPT_OUT',
      callId,
      campaignId: new Types.ObjectId(campaignId),
    });
    // A reference into another organization (never written by Dialwave) resolves to nothing.
    const foreign = await createCampaign(stack, globex, 'Not yours');
    await services.doNotCall.add(acme.organizationId, ['+16175550103'], 'US', {
      kind: 'OPT_OUT',
      callId,
      campaignId: new Types.ObjectId(foreign),
      userId: new Types.ObjectId(globex.userId),
    });

    // References are batched: one query per collection for the page, whatever it holds.
    const commands = new Map<string, number>();
    const listener = (event: { commandName: string; command: Record<string, any> }) => {
      const collection = String(event.command[event.commandName]);
      // The outgoing-webhook relay reads its outbox every 250 ms in this process: not the page's.
      if (collection === 'webhookoutbox') return;
      commands.set(collection, (commands.get(collection) ?? 0) + 1);
    };
    const client = mongoose.connection.getClient();
    client.on('commandStarted', listener);
    const { nodes } = await entries(acme, { search: '+1617555010' }).finally(() =>
      client.off('commandStarted', listener),
    );
    expect(Object.fromEntries(commands)).toEqual({
      donotcalls: 2, // the page and its count
      users: 2, // the caller's own check, then every user the page names (two here)
      apikeys: 1,
      campaigns: 1, // two campaigns
    });
    const byNumber = new Map<string, any>(nodes.map((n: any) => [n.phoneNumber, n.source]));
    const me = await ok<any>(stack.graphql(`{ me { id email } }`, {}, operator));
    expect(byNumber.get('+16175550100')).toMatchObject({ kind: 'MANUAL', user: { id: me.me.id, email: me.me.email } });
    expect(byNumber.get('+16175550101')).toMatchObject({
      kind: 'API',
      user: null,
      apiKeyId: created.createApiKey.apiKey.id,
      apiKeyName: 'CRM sync',
    });
    expect(byNumber.get('+16175550102')).toMatchObject({
      kind: 'OPT_OUT',
      callId: String(callId),
      campaign: { id: campaignId, name: 'Winter renewals' },
    });
    expect(byNumber.get('+16175550103')).toMatchObject({ kind: 'OPT_OUT', campaign: null, user: null });
    expect(nodes.every((n: any) => !Number.isNaN(Date.parse(n.createdAt)))).toBe(true);
  });

  it('refuses a bad number naming its place in the list, and adds none of the others', async () => {
    const bad = await fails(stack.graphql(ADD, { n: ['+14155559901', 'call me', '+1 415'] }, acme.token));
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phoneNumbers.1' });
    expect(bad.message).toBe('phoneNumbers.1: "call me" is not a phone number');
    expect((await entries(acme, { search: '+14155559901' })).totalCount).toBe(0);
  });

  it('lets a VIEWER read the list but not change it', async () => {
    const viewer = await addUser(stack, acme, 'VIEWER');
    expect((await entries({ token: viewer })).totalCount).toBeGreaterThan(0);
    expect(await fails(stack.graphql(ADD, { n: ['+16175550199'] }, viewer))).toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('searchPrefixes', () => {
  it('reads a fragment as international, national, and national after a trunk 0', () => {
    expect(searchPrefixes('+44 20', '1')).toEqual(['+4420']);
    expect(searchPrefixes('0044-20', '1')).toEqual(['+4420']);
    expect(searchPrefixes('415', '1')).toEqual(['+415', '+1415']);
    expect(searchPrefixes('020 79', '44')).toEqual(['+02079', '+4402079', '+442079']);
    expect(searchPrefixes('415', null)).toEqual(['+415']);
    expect(() => searchPrefixes('41a', '1')).toThrow(/search: must be the first digits/);
    expect(() => searchPrefixes('1'.repeat(16), '1')).toThrow(/search/);
  });
});
