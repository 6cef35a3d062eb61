/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
/** The campaigns list (paging, filters, what a page costs) and campaignProgress. */
import mongoose from 'mongoose';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { createCampaign, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { CampaignModel } from './campaign.model';

let stack: TestStack;
let acme: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  acme = await signUpAccount(stack, 'Acme');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('campaigns list', () => {
  let lister: TestAccount;
  const ids: string[] = [];
  beforeAll(async () => {
    lister = await signUpAccount(stack, 'Lister');
    for (let i = 0; i < 23; i++)
      ids.push(await createCampaign(stack, lister, i % 3 === 0 ? `Alpha (${i}) [x]` : `beta ${i}`));
    await CampaignModel.updateMany({ _id: { $in: ids.slice(0, 4) } }, { $set: { status: 'PAUSED' } });
  });

  const LIST = `query($first: Int, $after: String, $status: CampaignStatus, $search: String) {
    campaigns(first: $first, after: $after, status: $status, search: $search) { nodes { id name } pageInfo { hasNextPage endCursor } totalCount }
  }`;

  it('pages newest first with opaque cursors, no duplicates and nothing missing', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const data: any = await ok<any>(stack.graphql(LIST, { first: 5, after }, lister.token));
      expect(data.campaigns.totalCount).toBe(23);
      seen.push(...data.campaigns.nodes.map((n: any) => n.id));
      if (!data.campaigns.pageInfo.hasNextPage) break;
      after = data.campaigns.pageInfo.endCursor;
      expect(after).toMatch(/^[A-Za-z0-9_-]+$/);
    }
    expect(seen).toEqual([...ids].reverse());
  });

  it('filters by status and by name, case-insensitively, with regex characters taken literally', async () => {
    const paused = await ok<any>(stack.graphql(LIST, { status: 'PAUSED' }, lister.token));
    expect(paused.campaigns.totalCount).toBe(4);
    const alpha = await ok<any>(stack.graphql(LIST, { search: 'ALPHA (' }, lister.token));
    expect(alpha.campaigns.totalCount).toBe(8);
    const literal = await ok<any>(stack.graphql(LIST, { search: '[x]' }, lister.token));
    expect(literal.campaigns.totalCount).toBe(8);
    const pattern = await ok<any>(stack.graphql(LIST, { search: '.*' }, lister.token));
    expect(pattern.campaigns.totalCount).toBe(0);
  });

  it('validates first and the cursor', async () => {
    for (const first of [0, 101, -1]) {
      expect(await fails(stack.graphql(LIST, { first }, lister.token))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'first',
      });
    }
    expect((await ok<any>(stack.graphql(LIST, { first: 100 }, lister.token))).campaigns.nodes).toHaveLength(23);
    const forged = Buffer.from(JSON.stringify(['x', 1])).toString('base64url');
    for (const after of ['garbage!', 'bm9wZQ', forged]) {
      expect(await fails(stack.graphql(LIST, { after }, lister.token))).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'after',
      });
    }
  });

  it('costs a constant number of queries whatever the page size (DataLoader)', async () => {
    const client = mongoose.connection.getClient();
    const orgId = lister.organizationId;
    // Different agents and phones, so each page references many of them.
    const refs = await ok<any>(
      stack.graphql(
        `mutation { a1: createAgent(input: { name: "A1" }) { id } a2: createAgent(input: { name: "A2" }) { id }
          p1: createPhone(input: { name: "P1", number: "+14155550190", provider: SIMULATED }) { id } }`,
        {},
        lister.token,
      ),
    );
    const agents = [lister.agentId, refs.a1.id, refs.a2.id];
    const phones = [lister.phoneId, refs.p1.id];
    for (let i = ids.length; i < 50; i++) ids.push(await createCampaign(stack, lister, `bulk ${i}`));
    await Promise.all(
      ids.map((id, i) =>
        CampaignModel.updateOne({ _id: id }, { $set: { agentId: agents[i % 3], phoneId: phones[i % 2] } }),
      ),
    );

    const countFor = async (first: number) => {
      let count = 0;
      const listener = (event: { commandName: string; command: Record<string, any> }) => {
        const collection = event.command[event.commandName];
        if (collection === 'agents' || collection === 'phones') count += 1;
        else if (collection === 'campaigns' && JSON.stringify(event.command).includes(orgId)) count += 1;
      };
      client.on('commandStarted', listener);
      try {
        const data = await ok<any>(
          stack.graphql(
            `query($first: Int) { campaigns(first: $first) { nodes { id agent { name } phone { number } stats { progress } } totalCount } }`,
            { first },
            lister.token,
          ),
        );
        expect(data.campaigns.nodes).toHaveLength(first);
      } finally {
        client.off('commandStarted', listener);
      }
      return count;
    };
    const five = await countFor(5);
    const fifty = await countFor(50);
    expect(fifty).toBe(five);
    expect(fifty).toBeLessThanOrEqual(4); // campaigns find + count, agents, phones
  });
});

describe('campaignProgress', () => {
  it('reads counters, the queue view and timestamps from the campaign document', async () => {
    const id = await createCampaign(stack, acme, 'Progress');
    await ok(
      stack.graphql(
        `mutation($id: ID!) { addContacts(campaignId: $id, contacts: [{ phoneNumber: "+14155550130" }, { phoneNumber: "+14155550131" }]) { accepted } }`,
        { id },
        acme.token,
      ),
    );
    const data = await ok<any>(
      stack.graphql(
        `query($id: ID!) { campaignProgress(id: $id) { campaignId status stats { totalContacts queuedCalls progress } queue { waiting active completed failed delayed } startedAt lastCallAt updatedAt } }`,
        { id },
        acme.token,
      ),
    );
    expect(data.campaignProgress).toMatchObject({
      campaignId: id,
      status: 'DRAFT',
      stats: { totalContacts: 2, queuedCalls: 2, progress: 0 },
      queue: { waiting: 2, active: 0, completed: 0, failed: 0, delayed: 0 },
      startedAt: null,
      lastCallAt: null,
    });
    expect(new Date(data.campaignProgress.updatedAt).getTime()).toBeGreaterThan(0);
  });
});
