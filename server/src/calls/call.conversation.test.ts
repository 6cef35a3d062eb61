/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { Types } from 'mongoose';
import { AgentModel } from '../agents/agent.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import { CallModel } from './call.model';
import { signSimulatorWebhook } from '../providers/simulated/simulator';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import type { DispatchService } from '../dispatch/dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from '../dispatch/test-fixtures';
import { applyStatus } from '../dispatch/call-status';
import type { EngineContext } from '../dispatch/engine.context';
import type { Fixture } from '../dispatch/test-fixtures';

/**
 * Issue 17, SIMULATED end to end: the campaign's agent gets the contact's variables, the
 * simulator plays a conversation with them, and the transcript, summary, disposition,
 * analysis, ended reason and a playable recording come back on the Call.
 */
const ENV = { MAX_CALL_DURATION_SECONDS: '5', DISPATCH_SWEEP_INTERVAL_MS: '300', PLACE_CALL_TIMEOUT_MS: '1000' };

const CALL = `query($id: ID!) { call(id: $id) { id status variables transcript { speaker text at } recordingUrl summary disposition analysis endedReason } }`;

describe('SIMULATED conversations', () => {
  let stack: TestStack;
  let acme: TestAccount;
  let rival: TestAccount;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  beforeAll(async () => {
    stack = await startTestStack(ENV);
    [acme, rival] = await Promise.all([signUpAccount(stack, 'Acme'), signUpAccount(stack, 'Rival')]);
  }, 120_000);
  afterEach(() => dispatcher().simulator.resetFaults());
  afterAll(async () => {
    await stack?.stop();
  });

  /** A fixture in Acme whose agent declares `variables` and whose contacts have a name and a plan. */
  async function scripted(contacts: number, variables: string[], withPlan = true): Promise<Fixture> {
    const f = await createFixture({
      contacts,
      organizationId: new Types.ObjectId(acme.organizationId),
      settings: { concurrentCallsLimit: 3 },
      simulation: { minDurationMs: 1_000, maxDurationMs: 1_500 },
    });
    const campaign = await CampaignModel.findById(f.campaignId).lean();
    await AgentModel.updateOne({ _id: campaign!.agentId }, { $set: { name: 'Ava', variables } });
    for (const [i, id] of f.contactIds.entries())
      await ContactModel.updateOne(
        { _id: id },
        { $set: { name: `Ann ${i}`, customData: withPlan ? { plan: 'Premium' } : null } },
      );
    return f;
  }

  const completed = (f: Fixture) =>
    waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED');

  it('brings the conversation back on every answered call, with the variables sent', async () => {
    const f = await scripted(2, ['name', 'plan']);
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const calls = await CallModel.find({ campaignId: f.campaignId }).lean();
    expect(calls).toHaveLength(2);
    for (const stored of calls) {
      const i = f.contactIds.findIndex((c) => String(c) === String(stored.contactId));
      const data = await ok<any>(stack.graphql(CALL, { id: String(stored._id) }, acme.token));
      const call = data.call;
      expect(call.status).toBe('COMPLETED');
      expect(call.variables).toEqual({ phoneNumber: expect.any(String), name: `Ann ${i}`, plan: 'Premium' });
      expect(call.transcript).toHaveLength(5);
      expect(call.transcript[0]).toEqual({
        speaker: 'AGENT',
        text: `Hi Ann ${i}, this is Ava from Dialwave. Do you have a minute?`,
        at: 0,
      });
      expect(call.transcript[2].text).toBe('I see your plan is Premium. Would you like to hear about our new offer?');
      // Timestamps in seconds from the answer, in order.
      const ats = call.transcript.map((t: any) => t.at);
      expect([...ats].sort((a, b) => a - b)).toEqual(ats);
      expect(['INTERESTED', 'NOT_INTERESTED', 'CALLBACK']).toContain(call.disposition);
      expect(call.summary).toMatch(new RegExp(`^Ann ${i} `));
      expect(call.analysis).toMatchObject({ interested: call.disposition === 'INTERESTED' });
      expect(call.endedReason).toBe('assistant-ended-call');
      // The recording is a WAV the simulator serves without the simulator's key (an <audio> element sends none).
      const audio = await fetch(call.recordingUrl);
      expect(audio.status).toBe(200);
      expect(audio.headers.get('content-type')).toMatch(/^audio\/wav/);
      const bytes = Buffer.from(await audio.arrayBuffer());
      expect(bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
      expect(bytes.subarray(8, 12).toString('ascii')).toBe('WAVE');
      expect(bytes.length).toBeGreaterThan(1000);
      expect(bytes.length).toBeLessThan(100_000);
    }
    // The campaign's dispositions breakdown counts the same calls.
    const breakdown = await ok<any>(
      stack.graphql(
        `query($id: ID!) { campaign(id: $id) { dispositions { disposition count } } }`,
        { id: f.campaignId },
        acme.token,
      ),
    );
    const expected = new Map<string, number>();
    for (const c of await CallModel.find({ campaignId: f.campaignId }).lean())
      expected.set(c.disposition!, (expected.get(c.disposition!) ?? 0) + 1);
    expect(Object.fromEntries(breakdown.campaign.dispositions.map((d: any) => [d.disposition, d.count]))).toEqual(
      Object.fromEntries(expected),
    );
    // Another organization sees no such call.
    const other = await ok<any>(stack.graphql(CALL, { id: String(calls[0]!._id) }, rival.token));
    expect(other.call).toBeNull();
    const missing = await fetch(`${stack.url}/simulator/recordings/SIM${'0'.repeat(24)}.wav`);
    expect(missing.status).toBe(404);
  });

  it('applies repeated and reordered reports once: no status goes back, no counter doubles', async () => {
    const f = await scripted(3, ['name']);
    dispatcher().simulator.faults.duplicateWebhooks = 2;
    dispatcher().simulator.faults.reorderWebhooks = true;
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const calls = await CallModel.find({ campaignId: f.campaignId }).lean();
    expect(calls.map((c) => c.status)).toEqual(['COMPLETED', 'COMPLETED', 'COMPLETED']);
    for (const c of calls) {
      expect(c.transcript).toHaveLength(5);
      expect(c.disposition).toBeTruthy();
    }
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    expect(stored.completedCalls).toBe(3);
    expect(stored.totalAttempts).toBe(3);
  });

  it('adds a report that comes after the final status, and refuses a forged one', async () => {
    const f = await scripted(1, []);
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const call = (await CallModel.findOne({ campaignId: f.campaignId }).lean())!;
    const url = `${stack.url}/webhooks/simulated?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`;
    const report = {
      CallSid: call.providerCallId,
      CallStatus: 'in-progress',
      Timestamp: Date.now(),
      SequenceNumber: 9,
      Summary: 'A later summary',
      Disposition: 'DO_NOT_CALL',
    };
    const text = JSON.stringify(report);
    const forged = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-simulator-signature': `t=${Date.now()},v1=${'0'.repeat(64)}` },
      body: text,
    });
    expect(forged.status).toBe(403);
    expect((await CallModel.findById(call._id).lean())!.disposition).toBe(call.disposition);
    const signed = () =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-simulator-signature': signSimulatorWebhook(dispatcher().simulator.signingKey, text),
        },
        body: text,
      });
    expect((await signed()).status).toBe(200);
    expect((await signed()).status).toBe(200); // a replay: applied once
    const after = (await CallModel.findById(call._id).lean())!;
    // Data added; the status stays final; the transcript is kept.
    expect(after).toMatchObject({ status: 'COMPLETED', summary: 'A later summary', disposition: 'DO_NOT_CALL' });
    expect(after.transcript).toHaveLength(call.transcript!.length);
    const { stored } = await countersAndRecount(f.campaignId);
    expect(stored.completedCalls).toBe(1);
  });

  it('moves a status and its conversation in one write, and never shortens a stored transcript', async () => {
    const f = await scripted(1, []);
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const done = (await CallModel.findOne({ campaignId: f.campaignId }).lean())!;
    expect(done.transcript!.length).toBeGreaterThan(2);
    // Two live calls shaped like it: one with a full transcript stored by an earlier report, one without.
    const { _id, ...shape } = done;
    const turns = done.transcript!.map((t) => ({ speaker: t.speaker, text: t.text, at: t.at ?? null }));
    const live = async (attempt: number, transcript: typeof turns) =>
      CallModel.create({
        ...shape,
        attempt,
        status: 'IN_PROGRESS',
        endedAt: null,
        providerCallId: `live-${attempt}`,
        transcript,
        summary: null,
        disposition: null,
      });
    const reported = await live(91, turns);
    const fresh = await live(92, []);
    const published: unknown[] = [];
    // applyStatus's only needs from the engine: publish the call, announce its end.
    const ctx = {
      publishCall: (call: unknown) => published.push(call),
      deps: { redis: { publish: async () => 0 }, config: { redisPrefix: 'test' } },
    } as unknown as EngineContext;
    const short = { transcript: turns.slice(0, 2), summary: 'Final summary', disposition: 'INTERESTED' };
    for (const call of [reported, fresh])
      await applyStatus(ctx, call, {
        status: 'COMPLETED',
        providerCallId: call.providerCallId ?? null,
        conversation: short,
      });
    const [a, b] = await Promise.all([CallModel.findById(reported._id).lean(), CallModel.findById(fresh._id).lean()]);
    // The stored transcript is longer: the status and the other fields still apply, the transcript stays.
    expect(a).toMatchObject({ status: 'COMPLETED', summary: 'Final summary', disposition: 'INTERESTED' });
    expect(a!.transcript).toHaveLength(done.transcript!.length);
    expect(b).toMatchObject({ status: 'COMPLETED', summary: 'Final summary', disposition: 'INTERESTED' });
    expect(b!.transcript).toHaveLength(2);
    expect(published).toHaveLength(2);
  });

  it('skips a contact that lacks a variable the agent now needs, and dials nobody with a hole', async () => {
    const f = await scripted(2, ['name', 'plan'], false);
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const contacts = await ContactModel.find({ campaignId: f.campaignId }).lean();
    expect(contacts.map((c) => [c.status, c.skipReason])).toEqual([
      ['SKIPPED', 'MISSING_VARIABLE'],
      ['SKIPPED', 'MISSING_VARIABLE'],
    ]);
    expect(dispatcher().simulator.ledger.filter((e) => e.campaignId === f.campaignId)).toEqual([]);
  });
});
