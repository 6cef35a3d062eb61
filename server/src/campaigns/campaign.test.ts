/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import mongoose from 'mongoose';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { createCampaign, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { CampaignModel } from './campaign.model';

let stack: TestStack;
let acme: TestAccount;
let rival: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  [acme, rival] = await Promise.all([signUpAccount(stack, 'Acme'), signUpAccount(stack, 'Rival')]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) {
  id name description status agent { id } phone { id number }
  settings { concurrentCallsLimit retryFailedCalls maxRetryAttempts retryDelayMinutes excludeVoicemail priorityMode callsPerMinute callingWindow { start end days timezone } }
  stats { totalContacts queuedCalls progress successRate }
} }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id name settings { concurrentCallsLimit retryDelayMinutes } } }`;

describe('createCampaign', () => {
  it('creates a DRAFT campaign with default settings and the default phone', async () => {
    const data = await ok<any>(
      stack.graphql(CREATE, { input: { name: '  Spring drive ', agentId: acme.agentId } }, acme.token),
    );
    expect(data.createCampaign).toMatchObject({
      name: 'Spring drive',
      description: null,
      status: 'DRAFT',
      agent: { id: acme.agentId },
      phone: { id: acme.phoneId, number: '+12025550100' },
      settings: {
        concurrentCallsLimit: 3,
        retryFailedCalls: true,
        maxRetryAttempts: 3,
        retryDelayMinutes: 30,
        excludeVoicemail: false,
        priorityMode: 'FIFO',
        callsPerMinute: null,
        callingWindow: null,
      },
      stats: { totalContacts: 0, queuedCalls: 0, progress: 0, successRate: 0 },
    });
  });

  it('takes the optional pacing and calling window', async () => {
    const settings = {
      callsPerMinute: 60,
      callingWindow: { start: '09:00', end: '17:30', days: [5, 1, 2], timezone: 'Europe/London' },
      priorityMode: 'PRIORITY',
    };
    const data = await ok<any>(
      stack.graphql(CREATE, { input: { name: 'Paced', agentId: acme.agentId, settings } }, acme.token),
    );
    expect(data.createCampaign.settings).toMatchObject({
      callsPerMinute: 60,
      priorityMode: 'PRIORITY',
      callingWindow: { start: '09:00', end: '17:30', days: [1, 2, 5], timezone: 'Europe/London' },
    });
  });

  // [input override, field at fault or null when valid]
  const rules: [string, Record<string, unknown>, string | null][] = [
    ['empty name', { name: '' }, 'name'],
    ['blank name', { name: '   ' }, 'name'],
    ['201-character name', { name: 'x'.repeat(201) }, 'name'],
    ['200-character name', { name: 'x'.repeat(200) }, null],
    ['1-character name', { name: 'x' }, null],
    ...([0, 51] as number[]).map((v): [string, Record<string, unknown>, string | null] => [
      `limit ${v}`,
      { settings: { concurrentCallsLimit: v } },
      'settings.concurrentCallsLimit',
    ]),
    ...([1, 50] as number[]).map((v): [string, Record<string, unknown>, string | null] => [
      `limit ${v}`,
      { settings: { concurrentCallsLimit: v } },
      null,
    ]),
    ...([-1, 11] as number[]).map((v): [string, Record<string, unknown>, string | null] => [
      `retries ${v}`,
      { settings: { maxRetryAttempts: v } },
      'settings.maxRetryAttempts',
    ]),
    ...([0, 10] as number[]).map((v): [string, Record<string, unknown>, string | null] => [
      `retries ${v}`,
      { settings: { maxRetryAttempts: v } },
      null,
    ]),
    ...([-0.5, 10080.1] as number[]).map((v): [string, Record<string, unknown>, string | null] => [
      `delay ${v}`,
      { settings: { retryDelayMinutes: v } },
      'settings.retryDelayMinutes',
    ]),
    ...([0, 0.5, 2.25, 10080] as number[]).map((v): [string, Record<string, unknown>, string | null] => [
      `delay ${v}`,
      { settings: { retryDelayMinutes: v } },
      null,
    ]),
    ['pace 0', { settings: { callsPerMinute: 0 } }, 'settings.callsPerMinute'],
    ['pace 601', { settings: { callsPerMinute: 601 } }, 'settings.callsPerMinute'],
    [
      'window time',
      { settings: { callingWindow: { start: '9:00', end: '17:00', timezone: 'UTC' } } },
      'settings.callingWindow.start',
    ],
    [
      'window empty',
      { settings: { callingWindow: { start: '09:00', end: '09:00', timezone: 'UTC' } } },
      'settings.callingWindow.end',
    ],
    ['window overnight', { settings: { callingWindow: { start: '22:00', end: '06:00', timezone: 'UTC' } } }, null],
    [
      'window days',
      { settings: { callingWindow: { start: '09:00', end: '17:00', days: [0, 8], timezone: 'UTC' } } },
      'settings.callingWindow.days',
    ],
    [
      'window zone',
      { settings: { callingWindow: { start: '09:00', end: '17:00', timezone: 'Mars/Olympus' } } },
      'settings.callingWindow.timezone',
    ],
    ['unknown agent', { agentId: '64b7f0000000000000000000' }, 'agentId'],
    ['malformed agent', { agentId: 'nope' }, 'agentId'],
    ['unknown phone', { phoneId: '64b7f0000000000000000000' }, 'phoneId'],
  ];
  it.each(rules)('%s', async (_label, override, field) => {
    const input = { name: 'Rules', agentId: acme.agentId, ...override };
    const res = await stack.graphql<any>(CREATE, { input }, acme.token);
    if (field === null) {
      expect(res.errors).toBeUndefined();
      return;
    }
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(res.errors?.[0]?.message).toMatch(new RegExp(`^${field.replace(/\./g, '\\.')}: `));
  });

  it('rejects a fractional limit while coercing variables', async () => {
    const error = await fails(
      stack.graphql(
        CREATE,
        { input: { name: 'F', agentId: acme.agentId, settings: { concurrentCallsLimit: 2.5 } } },
        acme.token,
      ),
    );
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toMatch(/concurrentCallsLimit/);
  });

  it("rejects another organization's agent and phone exactly like missing ones", async () => {
    const missing = await fails(
      stack.graphql(CREATE, { input: { name: 'X', agentId: '64b7f0000000000000000000' } }, acme.token),
    );
    const foreign = await fails(stack.graphql(CREATE, { input: { name: 'X', agentId: rival.agentId } }, acme.token));
    expect(foreign).toEqual(missing);
    const foreignPhone = await fails(
      stack.graphql(CREATE, { input: { name: 'X', agentId: acme.agentId, phoneId: rival.phoneId } }, acme.token),
    );
    expect(foreignPhone).toMatchObject({ code: 'BAD_USER_INPUT', field: 'phoneId' });
  });
});

describe('updateCampaign and deleteCampaign', () => {
  it('updates name and settings, keeping the rest', async () => {
    const id = await createCampaign(stack, acme, 'Before', { retryDelayMinutes: 5 });
    const data = await ok<any>(
      stack.graphql(UPDATE, { id, input: { name: 'After', settings: { concurrentCallsLimit: 50 } } }, acme.token),
    );
    expect(data.updateCampaign).toEqual({
      id,
      name: 'After',
      settings: { concurrentCallsLimit: 50, retryDelayMinutes: 5 },
    });
    expect(
      await fails(stack.graphql(UPDATE, { id, input: { settings: { concurrentCallsLimit: 51 } } }, acme.token)),
    ).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'settings.concurrentCallsLimit',
    });
    expect(await fails(stack.graphql(UPDATE, { id, input: { name: '' } }, acme.token))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'name',
    });
  });

  it("tells the lifecycle when a running campaign's settings change", async () => {
    const id = await createCampaign(stack, acme, 'Running');
    await CampaignModel.updateOne({ _id: id }, { $set: { status: 'ACTIVE' } });
    const lifecycle = stack.app.services.lifecycle;
    const seen: string[] = [];
    const original = lifecycle.settingsChanged;
    lifecycle.settingsChanged = async (campaign) => {
      seen.push(`${String(campaign._id)}:${campaign.settings?.concurrentCallsLimit}`);
    };
    try {
      await ok(stack.graphql(UPDATE, { id, input: { settings: { concurrentCallsLimit: 7 } } }, acme.token));
      await ok(stack.graphql(UPDATE, { id, input: { name: 'Only the name' } }, acme.token));
    } finally {
      lifecycle.settingsChanged = original;
    }
    expect(seen).toEqual([`${id}:7`]);
    // Deleting a running campaign is a CONFLICT that names the status.
    const error = await fails(stack.graphql(`mutation($id: ID!) { deleteCampaign(id: $id) }`, { id }, acme.token));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/ACTIVE/);
    await CampaignModel.updateOne({ _id: id }, { $set: { status: 'PAUSED' } });
    expect(await ok<any>(stack.graphql(`mutation($id: ID!) { deleteCampaign(id: $id) }`, { id }, acme.token))).toEqual({
      deleteCampaign: true,
    });
  });

  it('deletes a campaign with its contacts', async () => {
    const id = await createCampaign(stack, acme, 'Doomed');
    await ok(
      stack.graphql(
        `mutation($id: ID!) { addContacts(campaignId: $id, contacts: [{ phoneNumber: "+14155550101" }]) { accepted } }`,
        { id },
        acme.token,
      ),
    );
    await ok(stack.graphql(`mutation($id: ID!) { deleteCampaign(id: $id) }`, { id }, acme.token));
    expect(await ok<any>(stack.graphql(`query($id: ID!) { campaign(id: $id) { id } }`, { id }, acme.token))).toEqual({
      campaign: null,
    });
    expect(
      await mongoose.connection.collection('contacts').countDocuments({ campaignId: new mongoose.Types.ObjectId(id) }),
    ).toBe(0);
  });
});

describe('organization scoping', () => {
  let foreignId: string;
  let foreignContactId: string;
  beforeAll(async () => {
    foreignId = await createCampaign(stack, rival, 'Rival secret');
    await ok(
      stack.graphql(
        `mutation($id: ID!) { addContacts(campaignId: $id, contacts: [{ phoneNumber: "+14155550123" }]) { accepted } }`,
        { id: foreignId },
        rival.token,
      ),
    );
    const data = await ok<any>(
      stack.graphql(
        `query($id: ID!) { campaign(id: $id) { contacts { nodes { id } } } }`,
        { id: foreignId },
        rival.token,
      ),
    );
    foreignContactId = data.campaign.contacts.nodes[0].id;
  });

  const byId: [string, string, (id: string) => Record<string, unknown>][] = [
    ['campaignProgress', `query($id: ID!) { campaignProgress(id: $id) { campaignId } }`, (id) => ({ id })],
    [
      'updateCampaign',
      `mutation($id: ID!) { updateCampaign(id: $id, input: { name: "Mine now" }) { id } }`,
      (id) => ({ id }),
    ],
    ['deleteCampaign', `mutation($id: ID!) { deleteCampaign(id: $id) }`, (id) => ({ id })],
    [
      'addContacts',
      `mutation($id: ID!) { addContacts(campaignId: $id, contacts: [{ phoneNumber: "+14155550124" }]) { accepted } }`,
      (id) => ({ id }),
    ],
    [
      'importContactsCsv',
      `mutation($id: ID!) { importContactsCsv(campaignId: $id, csv: "phone\\n+14155550125") { accepted } }`,
      (id) => ({ id }),
    ],
    ['startCampaign', `mutation($id: ID!) { startCampaign(id: $id) { id } }`, (id) => ({ id })],
    ['pauseCampaign', `mutation($id: ID!) { pauseCampaign(id: $id) { id } }`, (id) => ({ id })],
    ['resumeCampaign', `mutation($id: ID!) { resumeCampaign(id: $id) { id } }`, (id) => ({ id })],
    ['cancelCampaign', `mutation($id: ID!) { cancelCampaign(id: $id) { id } }`, (id) => ({ id })],
    ['retryFailedContacts', `mutation($id: ID!) { retryFailedContacts(id: $id) { id } }`, (id) => ({ id })],
    ['recountCampaign', `mutation($id: ID!) { recountCampaign(id: $id) { id } }`, (id) => ({ id })],
    [
      'callContact',
      `mutation($id: ID!, $c: ID!) { callContact(campaignId: $id, contactId: $c) { id } }`,
      (id) => ({ id, c: foreignContactId }),
    ],
  ];
  it.each(byId)(
    "%s: another organization's campaign is NOT_FOUND, exactly like a missing or malformed id",
    async (_name, query, vars) => {
      const foreign = await fails(stack.graphql(query, vars(foreignId), acme.token));
      const missing = await fails(stack.graphql(query, vars('64b7f0000000000000000000'), acme.token));
      const malformed = await fails(stack.graphql(query, vars('not-an-id'), acme.token));
      expect(foreign).toEqual({
        message: 'Campaign not found',
        code: 'NOT_FOUND',
        field: undefined,
        extensions: { code: 'NOT_FOUND' },
      });
      expect(missing).toEqual(foreign);
      expect(malformed).toEqual(foreign);
    },
  );

  it("campaign(id) is null for another organization's, a missing and a malformed id", async () => {
    for (const id of [foreignId, '64b7f0000000000000000000', 'zzz']) {
      expect(await ok<any>(stack.graphql(`query($id: ID!) { campaign(id: $id) { id } }`, { id }, acme.token))).toEqual({
        campaign: null,
      });
    }
  });

  it("lists only the caller's campaigns, agents and phones", async () => {
    const data = await ok<any>(
      stack.graphql(
        `{ campaigns(first: 100) { nodes { id } } agents { id } phones { id } me { organization { id } } }`,
        {},
        acme.token,
      ),
    );
    expect(data.campaigns.nodes.map((n: any) => n.id)).not.toContain(foreignId);
    expect(data.agents.map((a: any) => a.id)).not.toContain(rival.agentId);
    expect(data.phones.map((p: any) => p.id)).not.toContain(rival.phoneId);
    expect(data.me.organization.id).toBe(acme.organizationId);
  });

  it('agents and phones of another organization are NOT_FOUND like missing ones', async () => {
    const ops: [string, Record<string, unknown>][] = [
      [`mutation($id: ID!) { updatePhone(id: $id, input: { name: "x" }) { id } }`, { id: rival.phoneId }],
      [`mutation($id: ID!) { updateAgent(id: $id, input: { name: "x" }) { id } }`, { id: rival.agentId }],
      [`mutation($id: ID!) { deleteAgent(id: $id) }`, { id: rival.agentId }],
    ];
    for (const [query, vars] of ops) {
      const foreign = await fails(stack.graphql(query, vars, acme.token));
      const missing = await fails(stack.graphql(query, { id: '64b7f0000000000000000000' }, acme.token));
      expect(foreign.code).toBe('NOT_FOUND');
      expect(foreign).toEqual(missing);
    }
  });

  it("the rival's campaign is untouched", async () => {
    const data = await ok<any>(
      stack.graphql(
        `query($id: ID!) { campaign(id: $id) { name stats { totalContacts } } }`,
        { id: foreignId },
        rival.token,
      ),
    );
    expect(data.campaign).toEqual({ name: 'Rival secret', stats: { totalContacts: 1 } });
  });
});
