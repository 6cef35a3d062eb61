/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import mongoose from 'mongoose';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { ContactModel } from '../contacts/contact.model';
import { AgentModel } from './agent.model';
import { CallModel } from '../calls/call.model';
import type { DispatchService } from '../dispatch/dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from '../dispatch/test-fixtures';
import { CampaignModel } from '../campaigns/campaign.model';
import { checkDial } from './agent.dispatch';

let stack: TestStack;
let acme: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  acme = await signUpAccount(stack, 'Acme');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const AGENT = 'id name kind externalId url variables';
const CREATE = `mutation($input: AgentInput!) { createAgent(input: $input) { ${AGENT} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateAgentInput!) { updateAgent(id: $id, input: $input) { ${AGENT} } }`;

describe('agent kinds', () => {
  it('creates each kind with the fields it needs, SIMULATED by default', async () => {
    const plain = await ok<any>(stack.graphql(CREATE, { input: { name: 'Plain' } }, acme.token));
    expect(plain.createAgent).toMatchObject({ kind: 'SIMULATED', externalId: null, url: null, variables: [] });

    const vapi = await ok<any>(
      stack.graphql(
        CREATE,
        { input: { name: 'Vapi', kind: 'VAPI', externalId: 'asst_123', variables: ['name', 'company'] } },
        acme.token,
      ),
    );
    expect(vapi.createAgent).toMatchObject({ kind: 'VAPI', externalId: 'asst_123', variables: ['name', 'company'] });

    const stream = await ok<any>(
      stack.graphql(
        CREATE,
        { input: { name: 'Stream', kind: 'TWILIO_STREAM', url: 'wss://agent.example.com/media' } },
        acme.token,
      ),
    );
    expect(stream.createAgent.url).toBe('wss://agent.example.com/media');
  });

  it('refuses a kind without its field, a wrong URL scheme and bad variable names, naming the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ kind: 'RETELL' }, 'externalId', /required for a RETELL agent/],
      [{ kind: 'EXOTEL_FLOW', externalId: '  ' }, 'externalId', /required for a EXOTEL_FLOW agent/],
      [{ kind: 'TWILIO_STREAM' }, 'url', /required for a TWILIO_STREAM agent/],
      [{ kind: 'TWILIO_STREAM', url: 'https://agent.example.com' }, 'url', /must start with wss:\/\//],
      [{ kind: 'TWIML_URL', url: 'not a url' }, 'url', /not an absolute URL/],
      [{ variables: ['first name'] }, 'variables', /"first name" must be a letter/],
      [{ variables: ['name', 'name'] }, 'variables', /"name" is listed twice/],
    ];
    for (const [extra, field, message] of cases) {
      const error = await fails(stack.graphql(CREATE, { input: { name: 'Bad', ...extra } }, acme.token));
      expect({ code: error.code, field: error.field }).toEqual({ code: 'BAD_USER_INPUT', field });
      expect(error.message).toMatch(message);
    }
  });

  it('checks an update as a whole: a new kind needs its field', async () => {
    const created = await ok<any>(stack.graphql(CREATE, { input: { name: 'Changing' } }, acme.token));
    const id = created.createAgent.id;
    const error = await fails(stack.graphql(UPDATE, { id, input: { kind: 'ELEVENLABS' } }, acme.token));
    expect(error.field).toBe('externalId');
    const updated = await ok<any>(
      stack.graphql(
        UPDATE,
        { id, input: { kind: 'ELEVENLABS', externalId: 'agent_7', variables: ['plan'] } },
        acme.token,
      ),
    );
    expect(updated.updateAgent).toMatchObject({ kind: 'ELEVENLABS', externalId: 'agent_7', variables: ['plan'] });
    const renamed = await ok<any>(stack.graphql(UPDATE, { id, input: { name: 'Renamed' } }, acme.token));
    expect(renamed.updateAgent).toMatchObject({ name: 'Renamed', kind: 'ELEVENLABS', variables: ['plan'] });
  });
});

describe('contacts against the agent variables', () => {
  const ADD = `mutation($id: ID!, $contacts: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $contacts) { accepted rejected { index phoneNumber reason } } }`;
  const IMPORT = `mutation($id: ID!, $csv: String!) { importContactsCsv(campaignId: $id, csv: $csv) { accepted rejected { row phoneNumber reason } rejectedCount } }`;

  async function campaignWithAgent(variables: string[]): Promise<string> {
    const agent = await ok<any>(stack.graphql(CREATE, { input: { name: 'Scripted', variables } }, acme.token));
    const data = await ok<any>(
      stack.graphql(
        `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
        { input: { name: 'Vars', agentId: agent.createAgent.id } },
        acme.token,
      ),
    );
    return data.createCampaign.id;
  }

  it('addContacts rejects a contact without a required variable, naming the variable and the index', async () => {
    const id = await campaignWithAgent(['name', 'company']);
    const data = await ok<any>(
      stack.graphql(
        ADD,
        {
          id,
          contacts: [
            { phoneNumber: '+14155550001', name: 'Ann', customData: { company: 'Acme' } },
            { phoneNumber: '+14155550002', name: 'Bob' },
            { phoneNumber: '+14155550003', customData: { company: '' } },
          ],
        },
        acme.token,
      ),
    );
    expect(data.addContacts.accepted).toBe(1);
    expect(data.addContacts.rejected).toEqual([
      {
        index: 1,
        phoneNumber: '+14155550002',
        reason: 'variable "company" required by agent "Scripted" is missing: give it as a column or customData key',
      },
      {
        index: 2,
        phoneNumber: '+14155550003',
        reason:
          'variables "name", "company" required by agent "Scripted" are missing: give them as columns or customData keys',
      },
    ]);
  });

  it('CSV import rejects the row that lacks a required variable, naming the variable and the row', async () => {
    const id = await campaignWithAgent(['company']);
    const csv = 'phone,name,company\n+14155550011,Ann,Acme\n+14155550012,Bob,\n';
    const data = await ok<any>(stack.graphql(IMPORT, { id, csv }, acme.token));
    expect(data.importContactsCsv.accepted).toBe(1);
    expect(data.importContactsCsv.rejected).toEqual([
      {
        row: 3,
        phoneNumber: '+14155550012',
        reason: 'variable "company" required by agent "Scripted" is missing: give it as a column or customData key',
      },
    ]);
  });
});

describe('agents and campaigns', () => {
  const CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`;
  const UPDATE_CAMPAIGN = `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id } }`;
  const ADD = `mutation($id: ID!, $contacts: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $contacts) { accepted } }`;
  const START = `mutation($id: ID!) { startCampaign(id: $id) { status } }`;
  const CONTACTS = `query($id: ID!) { campaign(id: $id) { stats { skippedContacts queuedCalls } contacts { nodes { phoneNumber status skipReason } } } }`;

  const agent = async (input: Record<string, unknown>) =>
    (await ok<any>(stack.graphql(CREATE, { input }, acme.token))).createAgent.id as string;

  it('refuses an agent whose kind does not fit the phone at create, update and start, naming both', async () => {
    const stream = await agent({ name: 'Streamer', kind: 'TWILIO_STREAM', url: 'wss://agent.example.com/s' });
    const created = await fails(stack.graphql(CAMPAIGN, { input: { name: 'Misfit', agentId: stream } }, acme.token));
    expect({ code: created.code, field: created.field }).toEqual({ code: 'BAD_USER_INPUT', field: 'agentId' });
    expect(created.message).toMatch(/agent "Streamer" \(TWILIO_STREAM\) cannot talk on phone ".+" \(SIMULATED\)/);

    const plain = await agent({ name: 'Fits' });
    const id = (await ok<any>(stack.graphql(CAMPAIGN, { input: { name: 'Fits', agentId: plain } }, acme.token)))
      .createCampaign.id;
    const updated = await fails(stack.graphql(UPDATE_CAMPAIGN, { id, input: { agentId: stream } }, acme.token));
    expect(updated.field).toBe('agentId');
    expect(updated.message).toMatch(/"Streamer" \(TWILIO_STREAM\).*\(SIMULATED\)/);

    // The agent changes kind after the campaign was made: start refuses.
    await ok<any>(stack.graphql(ADD, { id, contacts: [{ phoneNumber: '+14155550021' }] }, acme.token));
    await ok<any>(
      stack.graphql(
        UPDATE,
        { id: plain, input: { kind: 'TWIML_URL', url: 'https://agent.example.com/twiml' } },
        acme.token,
      ),
    );
    const started = await fails(stack.graphql(START, { id }, acme.token));
    expect(started.code).toBe('CONFLICT');
    expect(started.message).toMatch(/Cannot start: agent "Fits" \(TWIML_URL\) cannot talk on phone ".+" \(SIMULATED\)/);
  });

  it("skips waiting contacts that lack a variable of the campaign's new agent", async () => {
    const plain = await agent({ name: 'No script' });
    const scripted = await agent({ name: 'Needs company', variables: ['company'] });
    const id = (await ok<any>(stack.graphql(CAMPAIGN, { input: { name: 'Switch', agentId: plain } }, acme.token)))
      .createCampaign.id;
    await ok<any>(
      stack.graphql(
        ADD,
        {
          id,
          contacts: [{ phoneNumber: '+14155550031', customData: { company: 'Acme' } }, { phoneNumber: '+14155550032' }],
        },
        acme.token,
      ),
    );
    await ok<any>(stack.graphql(UPDATE_CAMPAIGN, { id, input: { agentId: scripted } }, acme.token));
    const data = await ok<any>(stack.graphql(CONTACTS, { id }, acme.token));
    expect(data.campaign.contacts.nodes).toEqual([
      { phoneNumber: '+14155550031', status: 'QUEUED', skipReason: null },
      { phoneNumber: '+14155550032', status: 'SKIPPED', skipReason: 'MISSING_VARIABLE' },
    ]);
    expect(data.campaign.stats).toEqual({ skippedContacts: 1, queuedCalls: 1 });
  });

  it('the engine skips a contact that lacks a variable at dial time, and never dials it', async () => {
    const scripted = await agent({ name: 'Late script' });
    const id = (
      await ok<any>(stack.graphql(CAMPAIGN, { input: { name: 'Dial check', agentId: scripted } }, acme.token))
    ).createCampaign.id;
    await ok<any>(
      stack.graphql(
        ADD,
        {
          id,
          contacts: [{ phoneNumber: '+14155550041', customData: { plan: 'gold' } }, { phoneNumber: '+14155550042' }],
        },
        acme.token,
      ),
    );
    // Written past the API (as a concurrent edit would land between the re-check and the dial):
    // only the engine's own check stands between the contact and a call with a hole in it.
    await AgentModel.updateOne({ _id: scripted }, { $set: { variables: ['plan'] } });
    await ok<any>(stack.graphql(START, { id }, acme.token));
    const deadline = Date.now() + 20_000;
    let data = await ok<any>(stack.graphql(CONTACTS, { id }, acme.token));
    while (data.campaign.contacts.nodes.some((c: any) => c.status === 'QUEUED' || c.status === 'CALLING')) {
      if (Date.now() > deadline) throw new Error('contacts still waiting');
      await new Promise((r) => setTimeout(r, 50));
      data = await ok<any>(stack.graphql(CONTACTS, { id }, acme.token));
    }
    const skipped = await ContactModel.findOne({ campaignId: id, phoneNumber: '+14155550042' }).lean();
    expect({ status: skipped?.status, skipReason: skipped?.skipReason }).toEqual({
      status: 'SKIPPED',
      skipReason: 'MISSING_VARIABLE',
    });
    const calls = await CallModel.find({ campaignId: id }, { contactId: 1, variables: 1 }).lean();
    expect(calls.map((c) => String(c.contactId))).not.toContain(String(skipped?._id));
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.variables).toEqual({ phoneNumber: '+14155550041', plan: 'gold' });
  });
});

describe('dial checks: one for the slot loop and the manual call', () => {
  const CAMPAIGN = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`;
  const ADD = `mutation($id: ID!, $contacts: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $contacts) { accepted } }`;
  const CALL = `mutation($campaignId: ID!, $contactId: ID!) { callContact(campaignId: $campaignId, contactId: $contactId) { id status } }`;
  const CONTACTS = `query($id: ID!) { campaign(id: $id) { contacts { nodes { id phoneNumber status } } } }`;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  /** A campaign of the account's SIMULATED phone with one QUEUED contact; returns the ids. */
  async function oneContact(agentInput: Record<string, unknown>, contact: Record<string, unknown>) {
    const agentId = (await ok<any>(stack.graphql(CREATE, { input: agentInput }, acme.token))).createAgent.id as string;
    const id = (await ok<any>(stack.graphql(CAMPAIGN, { input: { name: 'Manual', agentId } }, acme.token)))
      .createCampaign.id as string;
    await ok<any>(stack.graphql(ADD, { id, contacts: [contact] }, acme.token));
    const nodes = (await ok<any>(stack.graphql(CONTACTS, { id }, acme.token))).campaign.contacts.nodes;
    return { agentId, campaignId: id, contactId: nodes[0].id as string };
  }

  it('checkDial refuses a misfit naming agent and phone, then a missing variable naming it', () => {
    const agent = { name: 'Ava', kind: 'VAPI' as const, externalId: 'asst_1', url: null, variables: ['plan'] };
    const phone = { name: 'Main line', provider: 'TWILIO' };
    expect(checkDial(agent, phone, { phoneNumber: '+14155550100' })).toEqual({
      ok: false,
      reason: 'MISFIT',
      message: expect.stringMatching(/^agent "Ava" \(VAPI\) cannot talk on phone "Main line" \(TWILIO\)/),
    });
    const vapiPhone = { name: 'Vapi line', provider: 'VAPI' };
    expect(checkDial(agent, vapiPhone, { phoneNumber: '+14155550100', customData: { plan: '' } })).toMatchObject({
      ok: false,
      reason: 'MISSING_VARIABLE',
      missing: ['plan'],
      message: expect.stringMatching(/^variable "plan" required by agent "Ava" is missing/),
    });
    expect(checkDial(agent, vapiPhone, { phoneNumber: '+14155550100', customData: { plan: 'gold' } })).toEqual({
      ok: true,
      variables: { phoneNumber: '+14155550100', plan: 'gold' },
    });
  });

  it('callContact refuses a contact missing a variable of the agent, naming it, and dials nothing', async () => {
    const f = await oneContact(
      { name: 'Needs plan', variables: ['plan'] },
      { phoneNumber: '+14155550051', customData: { plan: 'gold' } },
    );
    // Past the API, as an edit landing between the import check and the call would.
    await AgentModel.updateOne({ _id: f.agentId }, { $set: { variables: ['plan', 'company'] } });
    const error = await fails(stack.graphql(CALL, { campaignId: f.campaignId, contactId: f.contactId }, acme.token));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/variable "company" required by agent "Needs plan" is missing on this contact/);
    expect(error.extensions['variables']).toEqual(['company']);
    expect(await CallModel.countDocuments({ campaignId: f.campaignId })).toBe(0);
    expect((await ContactModel.findById(f.contactId).lean())?.status).toBe('QUEUED');
    expect(await dispatcher().leases.count(f.campaignId)).toBe(0);
  });

  it('callContact refuses an agent whose kind does not fit the phone, naming both, and dials nothing', async () => {
    const f = await oneContact({ name: 'Turned stream' }, { phoneNumber: '+14155550052' });
    await AgentModel.updateOne(
      { _id: f.agentId },
      { $set: { kind: 'TWILIO_STREAM', url: 'wss://agent.example.com/s' } },
    );
    const error = await fails(stack.graphql(CALL, { campaignId: f.campaignId, contactId: f.contactId }, acme.token));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/agent "Turned stream" \(TWILIO_STREAM\) cannot talk on phone ".+" \(SIMULATED\)/);
    expect(await CallModel.countDocuments({ campaignId: f.campaignId })).toBe(0);
    expect((await ContactModel.findById(f.contactId).lean())?.status).toBe('QUEUED');
  });

  it("the slots' agent is read once per two seconds per process, and an edit applies within those two seconds", async () => {
    const f = await oneContact(
      { name: 'Cached', variables: ['plan'] },
      { phoneNumber: '+14155550053', customData: { plan: 'gold' } },
    );
    const engine = dispatcher().engine;
    // The read is sent between these two instants (the bound runs from when it was sent).
    const asked = Date.now();
    expect(await engine.agent(f.agentId)).toMatchObject({ name: 'Cached', variables: ['plan'] });
    const answered = Date.now();
    await AgentModel.updateOne({ _id: f.agentId }, { $set: { name: 'Edited', variables: ['plan', 'company'] } });
    // Within the bound the engine may dial with what it read (no read per call)...
    if (Date.now() - asked < 1_500) expect((await engine.agent(f.agentId))?.name).toBe('Cached');
    // ...and two seconds after that read was sent, every dial sees the edit.
    await new Promise((r) => setTimeout(r, Math.max(0, answered + 2_000 - Date.now())));
    expect(await engine.agent(f.agentId)).toMatchObject({ name: 'Edited', variables: ['plan', 'company'] });
  });

  it('a slot whose agent no longer fits the phone gives the contact back untouched and stops', async () => {
    const f = await createFixture({ contacts: 2, settings: { concurrentCallsLimit: 1 } });
    const campaign = (await CampaignModel.findById(f.campaignId).lean())!;
    // The campaign is running (set past the lifecycle, whose start would refuse the misfit) and
    // its agent has since become a Twilio one: the slot's own check is all that stands.
    await CampaignModel.updateOne({ _id: f.campaignId }, { $set: { status: 'ACTIVE' } });
    await AgentModel.updateOne(
      { _id: campaign.agentId },
      { $set: { kind: 'TWIML_URL', url: 'https://agent.example.com/twiml' } },
    );
    const result = await dispatcher().engine.runSlot({
      campaignId: f.campaignId,
      generation: campaign.dispatchGeneration,
      index: 0,
    });
    expect(result).toEqual({ kind: 'done', reason: 'agent does not fit the phone' });
    expect(await CallModel.countDocuments({ campaignId: f.campaignId })).toBe(0);
    const contacts = await ContactModel.find({ campaignId: f.campaignId }, { status: 1, attempts: 1 }).lean();
    expect(contacts.map((c) => [c.status, c.attempts])).toEqual([
      ['QUEUED', 0],
      ['QUEUED', 0],
    ]);
    expect(await dispatcher().leases.count(f.campaignId)).toBe(0);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    expect(stored.totalAttempts).toBe(0);
  });

  /** Counts `find` commands on the agents collection while `run` runs. */
  async function agentReadsDuring(run: () => Promise<unknown>): Promise<number> {
    const client = mongoose.connection.getClient();
    let reads = 0;
    const onStart = (e: { commandName: string; command: Record<string, unknown> }) => {
      if (e.commandName === 'find' && e.command['find'] === 'agents') reads += 1;
    };
    client.on('commandStarted', onStart);
    try {
      await run();
    } finally {
      client.off('commandStarted', onStart);
    }
    return reads;
  }

  it('reads the agent at most once per two seconds for the slots (the check and the place-call share it), afresh for a manual call', async () => {
    const runCampaign = async (contacts: number) => {
      const f = await createFixture({ contacts, settings: { concurrentCallsLimit: 1 } });
      const from = Date.now();
      const reads = await agentReadsDuring(async () => {
        await dispatcher().startCampaign(f.orgId, f.campaignId);
        await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED');
      });
      return { reads, ms: Date.now() - from };
    };
    // Whatever starting a campaign reads is the same for both: the difference is the calls'.
    // One read per call would make it 3; the engine's cache (read-cache.ts) reads again only
    // once two seconds have passed since its last read.
    const one = await runCampaign(1);
    const four = await runCampaign(4);
    expect(four.reads - one.reads).toBeLessThanOrEqual(Math.floor(four.ms / 2_000));
    if (four.ms < 6_000) expect(four.reads - one.reads).toBeLessThan(3);

    const f = await createFixture({ contacts: 1 });
    const manual = await agentReadsDuring(() =>
      dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0])),
    );
    expect(manual).toBe(1);
  });
});
