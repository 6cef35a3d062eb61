/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import mongoose from 'mongoose';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { ensureServerBuilt } from '../test/processes';
import type { DialwaveProcess } from '../test/processes';
import { createCampaignWithContacts, gql, signUpWithSimulation, startApi, startWorker } from '../test/cluster';
import { CampaignModel } from './campaign.model';
import { ContactModel } from '../contacts/contact.model';
import { postGraphQL } from '../test/harness';
import { waitFor } from '../dispatch/test-fixtures';

/**
 * scheduleCampaign and duplicateCampaign over real processes: an API process with no worker
 * takes the schedule; two workers started only after the start time (a restart, and several
 * workers racing for the same delayed job) start the campaign once.
 */
describe('scheduling and copying campaigns', () => {
  let infra: TestInfra;
  const procs: DialwaveProcess[] = [];
  let api: string;
  let token: string;
  let agentId: string;

  beforeAll(async () => {
    ensureServerBuilt();
    infra = await startTestInfra();
    await mongoose.connect(infra.mongoUri);
    api = await startApi(infra, procs);
    ({ token, agentId } = await signUpWithSimulation(api, 'schedule', { minDurationMs: 100, maxDurationMs: 200 }));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop('SIGKILL')));
    await mongoose.disconnect();
    await infra?.stop();
  });

  it('starts a scheduled campaign once at its time, with workers that came up after it was scheduled', async () => {
    const id = await createCampaignWithContacts(api, token, {
      agentId,
      name: 'later',
      limit: 2,
      contacts: 4,
      seed: 31,
    });
    const bad = await postGraphQL<any>(
      api,
      `mutation ($id: ID!, $at: DateTime!) { scheduleCampaign(id: $id, at: $at) { id } }`,
      { id, at: new Date(Date.now() - 60_000).toISOString() },
      token,
    );
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'at' });

    const at = new Date(Date.now() + 3_000);
    const scheduled = await gql<any>(
      api,
      `mutation ($id: ID!, $at: DateTime!) { scheduleCampaign(id: $id, at: $at) { status scheduledAt } }`,
      { id, at: at.toISOString() },
      token,
    );
    expect(scheduled.scheduleCampaign).toEqual({ status: 'SCHEDULED', scheduledAt: at.toISOString() });
    // Only DRAFT campaigns are scheduled.
    const again = await postGraphQL<any>(
      api,
      `mutation ($id: ID!, $at: DateTime!) { scheduleCampaign(id: $id, at: $at) { id } }`,
      { id, at: new Date(Date.now() + 60_000).toISOString() },
      token,
    );
    expect(again.errors?.[0]?.extensions?.['code']).toBe('CONFLICT');

    // No worker runs until the start time has passed; then two come up at once.
    await new Promise((r) => setTimeout(r, Math.max(0, at.getTime() - Date.now() + 200)));
    expect((await CampaignModel.findById(id).lean())?.status).toBe('SCHEDULED');
    await Promise.all([startWorker(infra, procs, api), startWorker(infra, procs, api)]);
    await waitFor('campaign completed', async () => (await CampaignModel.findById(id).lean())?.status === 'COMPLETED');
    const done = (await CampaignModel.findById(id).lean())!;
    expect(done.startedAt!.getTime()).toBeGreaterThanOrEqual(at.getTime());
    // Started once: one generation of slots, every contact called once.
    expect(done.dispatchGeneration).toBe(1);
    const contacts = await ContactModel.find({ campaignId: id }).lean();
    expect(contacts.map((c) => c.attempts)).toEqual([1, 1, 1, 1]);
  }, 120_000);

  it('duplicates a campaign as a DRAFT, with its contacts QUEUED again when asked', async () => {
    const id = await createCampaignWithContacts(api, token, {
      agentId,
      name: 'source',
      limit: 3,
      contacts: 3,
      seed: 32,
    });
    await gql(
      api,
      `mutation ($id: ID!) { updateCampaign(id: $id, input: { settings: { retryRules: [{ outcome: BUSY, maxAttempts: 5, delayMinutes: 2 }] } }) { id } }`,
      { id },
      token,
    );
    await gql(api, `mutation ($id: ID!) { startCampaign(id: $id) { id } }`, { id }, token);
    await waitFor('source completed', async () => (await CampaignModel.findById(id).lean())?.status === 'COMPLETED');
    const DUP = `mutation ($id: ID!, $w: Boolean) { duplicateCampaign(id: $id, withContacts: $w) {
      id name status agent { id } settings { concurrentCallsLimit retryRules { outcome maxAttempts } }
      stats { totalContacts queuedCalls totalAttempts } contacts(first: 10) { nodes { phoneNumber status attempts } } } }`;
    const bare = (await gql<any>(api, DUP, { id }, token)).duplicateCampaign;
    expect(bare).toMatchObject({
      name: 'source (copy)',
      status: 'DRAFT',
      agent: { id: agentId },
      settings: { concurrentCallsLimit: 3 },
      stats: { totalContacts: 0 },
      contacts: { nodes: [] },
    });
    expect(bare.settings.retryRules[0]).toEqual({ outcome: 'BUSY', maxAttempts: 5 });
    const full = (await gql<any>(api, DUP, { id, w: true }, token)).duplicateCampaign;
    expect(full.id).not.toBe(bare.id);
    expect(full.stats).toEqual({ totalContacts: 3, queuedCalls: 3, totalAttempts: 0 });
    expect(full.contacts.nodes.map((c: any) => [c.status, c.attempts])).toEqual(Array(3).fill(['QUEUED', 0]));
  }, 60_000);
});
