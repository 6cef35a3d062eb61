import { Types } from 'mongoose';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { CallModel } from './call.model';
import { callsPerMinute } from './call.activity';

const MINUTE = 60_000;

describe('calls per minute, counted by the server', () => {
  let stack: TestStack;
  let token: string;
  let campaignId: string;
  let organizationId: string;

  beforeAll(async () => {
    stack = await startTestStack();
    const signedUp = await stack.graphql<{ signUp: { token: string; user: { organization: { id: string } } } }>(
      `mutation ($i: SignUpInput!) { signUp(input: $i) { token user { organization { id } } } }`,
      { i: { email: 'cpm@example.com', password: 'correct horse battery', organizationName: 'CPM' } },
    );
    token = signedUp.data!.signUp.token;
    organizationId = signedUp.data!.signUp.user.organization.id;
    const agents = await stack.graphql<{ agents: { id: string }[] }>(`{ agents { id } }`, {}, token);
    const created = await stack.graphql<{ createCampaign: { id: string } }>(
      `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
      { i: { name: 'Busy', agentId: agents.data!.agents[0]!.id } },
      token,
    );
    campaignId = created.data!.createCampaign.id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const insertCalls = (campaign: string, startedAt: Date[]) =>
    CallModel.insertMany(
      startedAt.map((at, i) => ({
        organizationId: new Types.ObjectId(organizationId),
        campaignId: new Types.ObjectId(campaign),
        contactId: new Types.ObjectId(),
        phoneId: new Types.ObjectId(),
        attempt: 1,
        provider: 'SIMULATED',
        status: 'COMPLETED',
        callbackToken: `t${i}`,
        startedAt: at,
      })),
    );

  it('counts every call of a busy campaign in one aggregation, not the first page of them', async () => {
    const now = new Date(Date.UTC(2026, 11, 7, 12, 30, 20));
    const minute = (back: number, second = 0) => new Date(Date.UTC(2026, 11, 7, 12, 30 - back, second));
    // 180 calls in the current minute, 70 four minutes ago, 5 just outside a 15-minute window.
    await insertCalls(campaignId, [
      ...Array.from({ length: 180 }, (_, i) => minute(0, i % 20)),
      ...Array.from({ length: 70 }, (_, i) => minute(4, i % 60)),
      ...Array.from({ length: 5 }, () => minute(15, 30)),
    ]);
    // Another campaign's calls never count.
    await insertCalls(String(new Types.ObjectId()), [minute(0)]);

    const result = await callsPerMinute(campaignId, 15, now);
    expect(result.buckets).toHaveLength(15);
    expect(result.buckets[0]!.minute).toEqual(minute(14));
    expect(result.buckets[14]!.minute).toEqual(minute(0));
    expect(result.buckets[14]!.calls).toBe(180);
    expect(result.buckets[10]!.calls).toBe(70);
    expect(result.buckets.reduce((sum, b) => sum + b.calls, 0)).toBe(250);
    const wider = await callsPerMinute(campaignId, 16, now);
    expect(wider.buckets[0]!.calls).toBe(5);
    expect(result.asOf).toEqual(now);
  });

  it('serves Campaign.callsPerMinute over GraphQL and refuses a bad window naming the field', async () => {
    const query = `query ($id: ID!, $m: Int) { campaign(id: $id) { callsPerMinute(minutes: $m) { asOf minutes buckets { minute calls } } } }`;
    const res = await stack.graphql<{
      campaign: { callsPerMinute: { asOf: string; minutes: number; buckets: { minute: string; calls: number }[] } };
    }>(query, { id: campaignId, m: 5 }, token);
    expect(res.errors).toBeUndefined();
    const cpm = res.data!.campaign.callsPerMinute;
    expect(cpm.minutes).toBe(5);
    expect(cpm.buckets).toHaveLength(5);
    const last = Date.parse(cpm.buckets[4]!.minute);
    expect(Date.parse(cpm.asOf) - last).toBeLessThan(MINUTE);
    for (const m of [0, 1441]) {
      const bad = await stack.graphql(query, { id: campaignId, m }, token);
      expect(bad.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0]?.message).toBe('minutes: must be a whole number from 1 to 1440');
    }
  });
});
