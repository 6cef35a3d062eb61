/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL and webhook bodies: their shape is checked by assertions */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import { Types } from 'mongoose';
import { CallModel } from '../calls/call.model';
import { ContactModel } from '../contacts/contact.model';
import { DoNotCallModel } from '../dnc/dnc.model';
import { PhoneModel } from '../phones/phone.model';
import { SIMULATOR_SIGNATURE_HEADER, signSimulatorWebhook, simulatorKeys } from '../providers/simulated/simulator';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import type { DispatchService } from './dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';
import type { Fixture } from './test-fixtures';

/**
 * What the agent decides (issue 18), through the real engine (Redis, BullMQ, the embedded
 * MongoDB, the simulator with fixed outcomes: optOutRate or callbackRate 1) and the outgoing
 * webhooks: an opt-out, a callback outside the calling window, a callback and the retry rules.
 */
const ENV = {
  MAX_CALL_DURATION_SECONDS: '2',
  DISPATCH_LOCK_MS: '1000',
  DISPATCH_STALLED_INTERVAL_MS: '500',
  DISPATCH_SWEEP_INTERVAL_MS: '300',
  PLACE_CALL_TIMEOUT_MS: '500',
  WEBHOOK_ALLOW_LOOPBACK: 'true',
  WEBHOOK_RETRY_SCHEDULE_MS: '50,50,50,50',
};
const ALL_DAYS = [1, 2, 3, 4, 5, 6, 7];

/** A customer's webhook receiver: keeps every JSON body, answers 200. */
async function startReceiver(): Promise<{ url: string; bodies: any[]; server: Server }> {
  const bodies: any[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, bodies, server };
}

describe('what the agent decides', () => {
  let stack: TestStack;
  let acme: TestAccount;
  let org: Types.ObjectId;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  const completed = (f: Fixture) =>
    waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 60_000);
  const contactsOf = (f: Fixture) => ContactModel.find({ campaignId: f.campaignId }).sort({ _id: 1 }).lean();
  const cancel = (f: Fixture) => stack.app.services.lifecycle.cancelCampaign(f.orgId, f.campaignId);

  beforeAll(async () => {
    stack = await startTestStack(ENV);
    acme = await signUpAccount(stack, 'Acme');
    org = new Types.ObjectId(acme.organizationId);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it("takes the simulator's optOutRate, callbackRate and callbackAt, and refuses bad ones naming the field", async () => {
    const UPDATE = `mutation($id: ID!, $s: SimulationInput!) { updatePhone(id: $id, input: { simulation: $s }) { simulation { optOutRate callbackRate callbackAt } } }`;
    const updated = await ok<any>(
      stack.graphql(
        UPDATE,
        { id: acme.phoneId, s: { optOutRate: 0.1, callbackRate: 0.2, callbackAt: '2026-12-08T15:00' } },
        acme.token,
      ),
    );
    expect(updated.updatePhone.simulation).toEqual({
      optOutRate: 0.1,
      callbackRate: 0.2,
      callbackAt: '2026-12-08T15:00',
    });
    const tooMuch = await fails(
      stack.graphql(UPDATE, { id: acme.phoneId, s: { optOutRate: 0.7, callbackRate: 0.5 } }, acme.token),
    );
    expect(tooMuch).toMatchObject({ code: 'BAD_USER_INPUT', field: 'simulation' });
    expect(tooMuch.message).toContain('optOutRate + callbackRate');
    const badTime = await fails(stack.graphql(UPDATE, { id: acme.phoneId, s: { callbackAt: 'tomorrow' } }, acme.token));
    expect(badTime).toMatchObject({ code: 'BAD_USER_INPUT', field: 'simulation.callbackAt' });
    const badRate = await fails(stack.graphql(UPDATE, { id: acme.phoneId, s: { optOutRate: 1.5 } }, acme.token));
    expect(badRate).toMatchObject({ code: 'BAD_USER_INPUT', field: 'simulation.optOutRate' });
  });

  it('an opt-out lists the number with the call as source, skips it in other campaigns, and fires contact.opted_out', async () => {
    const receiver = await startReceiver();
    try {
      await ok(
        stack.graphql(
          `mutation($input: WebhookEndpointInput!) { createWebhookEndpoint(input: $input) { endpoint { id } } }`,
          { input: { url: receiver.url, events: ['contact.opted_out'] } },
          acme.token,
        ),
      );
      // Not started: both contacts wait (QUEUED). The first has the number that opts out.
      const other = await createFixture({ contacts: 2, organizationId: org });
      const f = await createFixture({ contacts: 1, organizationId: org, simulation: { optOutRate: 1 } });
      const [number] = (await contactsOf(f)).map((c) => c.phoneNumber);
      await dispatcher().startCampaign(f.orgId, f.campaignId);
      await completed(f);

      const [contact] = await contactsOf(f);
      expect([contact?.status, contact?.skipReason, contact?.attempts]).toEqual(['SKIPPED', 'DO_NOT_CALL', 1]);
      const call = await CallModel.findOne({ contactId: contact!._id }).lean();
      expect([call?.status, call?.disposition, call?.optOut]).toEqual(['COMPLETED', 'DO_NOT_CALL', true]);
      const entry = await DoNotCallModel.findOne({ organizationId: org, phoneNumber: number }).lean();
      expect(entry?.source).toEqual({ kind: 'OPT_OUT', callId: call!._id, campaignId: f.campaign._id });
      // Dial-time checks see it at once (the list's version moved).
      expect(await stack.app.services.doNotCall.has(org, number!)).toBe(true);

      expect((await contactsOf(other)).map((c) => [c.phoneNumber, c.status, c.skipReason ?? null])).toEqual([
        [number, 'SKIPPED', 'DO_NOT_CALL'],
        ['+12025550001', 'QUEUED', null],
      ]);
      for (const campaign of [f, other]) {
        const { stored, recount } = await countersAndRecount(campaign.campaignId);
        expect(stored).toEqual(recount);
      }

      await waitFor('contact.opted_out delivered', () => receiver.bodies.length > 0, 15_000);
      expect(receiver.bodies).toHaveLength(1);
      expect(receiver.bodies[0]).toEqual({
        type: 'contact.opted_out',
        timestamp: expect.any(String),
        data: {
          contact: { id: String(contact!._id), phoneNumber: number, name: null },
          phoneNumber: number,
          campaignId: f.campaignId,
          callId: String(call!._id),
        },
      });
    } finally {
      receiver.server.closeAllConnections();
      await new Promise((r) => receiver.server.close(r));
    }
  }, 90_000);

  // The tests below use organizations of their own: every fixture's first contact has the
  // number the first test put on Acme's list.
  it("schedules a callback asked outside the calling window at the window's opening in the contact's zone", async () => {
    const zone = 'America/Los_Angeles';
    const here = DateTime.now().setZone(zone).startOf('minute');
    // Open now in Los Angeles (one hour either side), for a campaign whose own zone is New York.
    const opens = here.minus({ hours: 1 });
    const callingWindow = {
      start: opens.toFormat('HH:mm'),
      end: here.plus({ hours: 1 }).toFormat('HH:mm'),
      days: ALL_DAYS,
      timezone: 'America/New_York',
    };
    // Three hours from now on the contact's wall clock (no offset): outside the window.
    const asked = here.plus({ hours: 3 });
    const f = await createFixture({
      contacts: 1,
      timezone: () => zone,
      simulation: { callbackRate: 1, callbackAt: asked.toFormat("yyyy-MM-dd'T'HH:mm:ss") },
      settings: { callingWindow },
    });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    const contactId = f.contactIds[0]!;
    await waitFor('callback scheduled', async () => {
      const c = await ContactModel.findById(contactId).lean();
      return c?.status === 'RETRY_SCHEDULED' && c.attempts === 1;
    });
    const contact = (await ContactModel.findById(contactId).lean())!;
    const call = (await CallModel.findOne({ contactId }).lean())!;
    expect([call.disposition, call.callbackAt]).toEqual(['CALLBACK', asked.toJSDate()]);
    // The window's next opening in Los Angeles: tomorrow at its start (New York's would be 3 h earlier).
    expect(contact.nextAttemptAt).toEqual(opens.plus({ days: 1 }).toJSDate());
    expect(DateTime.fromJSDate(contact.nextAttemptAt!, { zone }).toFormat('HH:mm')).toBe(callingWindow.start);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    await cancel(f);
  }, 60_000);

  it('a callback uses up none of the retry rule attempts', async () => {
    // The contact asks to be called back in 4 s, then answers no more.
    const f = await createFixture({
      contacts: 1,
      simulation: {
        callbackRate: 1,
        callbackAt: new Date(Date.now() + 4_000).toISOString(),
        minDurationMs: 50,
        maxDurationMs: 50,
      },
      settings: { retryRules: [{ outcome: 'NO_ANSWER', maxAttempts: 2, delayMinutes: 0.002, backoff: 'FIXED' }] },
    });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    const contactId = f.contactIds[0]!;
    await waitFor('callback scheduled', async () => {
      const c = await ContactModel.findById(contactId).lean();
      return c?.status === 'RETRY_SCHEDULED' && c.attempts === 1;
    });
    // The engine's phone cache (2 s) lets go before the callback is due.
    await PhoneModel.updateOne(
      { _id: f.phoneId },
      { $set: { 'simulation.noAnswerRate': 1, 'simulation.callbackRate': 0 } },
    );
    await completed(f);
    // The callback's call opened a round: it and one retry (maxAttempts 2) follow the first call.
    const contact = (await ContactModel.findById(contactId).lean())!;
    expect([contact.status, contact.attempts, contact.lastOutcome]).toEqual(['FAILED', 3, 'NO_ANSWER']);
    const calls = await CallModel.find({ contactId }).sort({ attempt: 1 }).lean();
    expect(calls.map((c) => c.status)).toEqual(['COMPLETED', 'NO_ANSWER', 'NO_ANSWER']);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
  }, 60_000);

  it('applies an opt-out whose analysis arrives after the outcome was recorded', async () => {
    const f = await createFixture({ contacts: 1 });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const contactId = f.contactIds[0]!;
    expect((await ContactModel.findById(contactId).lean())?.status).toBe('COMPLETED');
    const call = (await CallModel.findOne({ contactId }).lean())!;
    // The platform's analysis, later (as Retell's call_analyzed follows call_ended), signed like the simulator's.
    const body = JSON.stringify({
      CallSid: call.providerCallId,
      CallStatus: 'completed',
      AnsweredBy: 'human',
      Timestamp: Date.now(),
      SequenceNumber: 99,
      Analysis: { optOut: true },
    });
    const { signing } = simulatorKeys(stack.app.services.config.jwt.secret);
    const response = await fetch(
      `${stack.url}/webhooks/simulated?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [SIMULATOR_SIGNATURE_HEADER]: signSimulatorWebhook(signing, body),
        },
        body,
      },
    );
    expect(response.status).toBe(200);
    await waitFor('late opt-out applied', async () => {
      const c = await ContactModel.findById(contactId).lean();
      return c?.status === 'SKIPPED' && c.skipReason === 'DO_NOT_CALL';
    });
    const entry = await DoNotCallModel.findOne({ organizationId: f.organizationId, 'source.callId': call._id }).lean();
    expect(entry?.source?.kind).toBe('OPT_OUT');
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
  }, 60_000);
});
