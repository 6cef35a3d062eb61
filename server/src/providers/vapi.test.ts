import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Types } from 'mongoose';
import { AgentModel } from '../agents/agent.model';
import { CallModel } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { transitionInc } from '../campaigns/campaign.stats';
import { ContactModel } from '../contacts/contact.model';
import { OrganizationModel } from '../organizations/organization.model';
import { PhoneModel } from '../phones/phone.model';
import { createPhone } from '../phones/phone.service';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from '../dispatch/dispatch.service';
import { waitFor, waitForCounters } from '../dispatch/test-fixtures';
import { signUpAccount } from '../test/api';
import { subscribe, until } from '../test/ws';
import { createVapiProvider, vapiEndedStatus } from './vapi';
import type { RawWebhook } from './provider';

/**
 * Vapi played by a local HTTP server that answers `POST /call` as Vapi documents it
 * (https://docs.vapi.ai/api-reference/calls/create: the Call object, `id` first), and Vapi's
 * server messages posted to /webhooks/vapi in the documented envelope
 * (https://docs.vapi.ai/server-url/events: `{ message: { type, call, … } }`).
 */
const SECRET = 'vapi-credential-token';

interface Received {
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

describe('VAPI provider', () => {
  let vapi: Server;
  const received: Received[] = [];
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  beforeAll(async () => {
    let seq = 0;
    vapi = createServer((req, res) => {
      void readJson(req).then((body) => {
        received.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
        seq += 1;
        res.writeHead(201, { 'content-type': 'application/json' });
        // Abridged Call object from the create-call reference.
        res.end(
          JSON.stringify({
            id: `b7c9d3a0-0000-4000-8000-00000000000${seq}`,
            orgId: 'org-1',
            type: 'outboundPhoneCall',
            status: 'queued',
            assistantId: body['assistantId'],
            phoneNumberId: body['phoneNumberId'],
            customer: body['customer'],
            createdAt: new Date().toISOString(),
          }),
        );
      });
    });
    await new Promise<void>((resolve) => vapi.listen(0, '127.0.0.1', resolve));
    const { port } = vapi.address() as AddressInfo;
    stack = await startTestStack({
      VAPI_API_BASE: `http://127.0.0.1:${port}`,
      VAPI_API_KEY: 'vapi-private-key',
      VAPI_WEBHOOK_SECRET: SECRET,
      MAX_CALL_DURATION_SECONDS: '30',
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => vapi?.close(resolve));
  });

  async function vapiCampaign(contacts: number, org?: string) {
    const organizationId = org
      ? new Types.ObjectId(org)
      : (await OrganizationModel.create({ name: `vapi ${new Types.ObjectId()}` }))._id;
    const agent = await AgentModel.create({
      organizationId,
      name: 'Riley',
      kind: 'VAPI',
      externalId: 'asst_5b1f',
      variables: ['name', 'plan'],
    });
    const phone = await PhoneModel.create({
      organizationId,
      name: 'vapi line',
      number: '+14155550199',
      provider: 'VAPI',
      providerPhoneId: 'pn_8d2e',
    });
    const campaign = await CampaignModel.create({
      organizationId,
      name: 'vapi',
      agentId: agent._id,
      phoneId: phone._id,
    });
    const docs = Array.from({ length: contacts }, (_, i) => ({
      _id: new Types.ObjectId(),
      organizationId,
      campaignId: campaign._id,
      phoneNumber: `+1202555${String(1000 + i)}`,
      name: `Ann ${i}`,
      customData: { plan: 'gold' },
      status: 'QUEUED',
    }));
    await ContactModel.insertMany(docs);
    await CampaignModel.updateOne({ _id: campaign._id }, { $inc: transitionInc(null, 'QUEUED', contacts) });
    return { orgId: String(organizationId), campaignId: String(campaign._id), contactIds: docs.map((d) => d._id) };
  }

  const post = (message: Record<string, unknown>, secret: string | null = SECRET) =>
    fetch(`${stack.url}/webhooks/vapi`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { 'x-vapi-secret': secret } : {}) },
      body: JSON.stringify({ message }),
    });

  it('sends the documented create-call request with the variables, and takes the conversation back once', async () => {
    const f = await vapiCampaign(1);
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
    const request = received.at(-1)!;
    expect(request.path).toBe('/call');
    expect(request.authorization).toBe('Bearer vapi-private-key');
    expect(request.body).toEqual({
      assistantId: 'asst_5b1f',
      phoneNumberId: 'pn_8d2e',
      customer: { number: '+12025551000', name: 'Ann 0' },
      assistantOverrides: {
        variableValues: { phoneNumber: '+12025551000', name: 'Ann 0', plan: 'gold' },
        maxDurationSeconds: 30,
      },
      metadata: {
        dialwaveCallId: String(call._id),
        organizationId: f.orgId,
        campaignId: f.campaignId,
        contactId: String(f.contactIds[0]),
        attempt: 1,
      },
    });
    const stored = (await CallModel.findById(call._id).lean())!;
    expect(stored.variables).toEqual({ phoneNumber: '+12025551000', name: 'Ann 0', plan: 'gold' });
    const vapiCall = { id: stored.providerCallId, metadata: request.body['metadata'] };

    // The end-of-call report arrives before any status (docs example shape: artifact.messages,
    // analysis.summary / structuredData, endedReason).
    const report = {
      type: 'end-of-call-report',
      endedReason: 'customer-ended-call',
      call: vapiCall,
      timestamp: Date.now(),
      durationSeconds: 41.3,
      artifact: {
        messages: [
          { role: 'system', message: 'You are Riley…', secondsFromStart: 0 },
          { role: 'bot', message: 'Hi Ann 0, this is Riley.', secondsFromStart: 1.44 },
          { role: 'user', message: 'Hi, yes?', secondsFromStart: 4.86 },
        ],
        recordingUrl: 'https://storage.vapi.ai/rec-mono.wav',
      },
      analysis: {
        summary: 'Ann asked for a callback next week.',
        structuredData: { disposition: 'CALLBACK' },
        successEvaluation: 'true',
      },
    };
    const forged = await post(report, 'not-the-secret');
    expect(forged.status).toBe(403);
    expect((await CallModel.findById(call._id).lean())!.status).toBe('INITIATED');
    expect((await post(report, null)).status).toBe(403);

    expect((await post(report)).status).toBe(200);
    const done = (await CallModel.findById(call._id).lean())!;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      durationSeconds: 41,
      summary: 'Ann asked for a callback next week.',
      disposition: 'CALLBACK',
      recordingUrl: 'https://storage.vapi.ai/rec-mono.wav',
      endedReason: 'customer-ended-call',
    });
    expect(done.transcript).toEqual([
      { speaker: 'AGENT', text: 'Hi Ann 0, this is Riley.', at: 1.44 },
      { speaker: 'CONTACT', text: 'Hi, yes?', at: 4.86 },
    ]);
    await waitFor(
      'contact completed',
      async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
    );

    // The status after the report, and a replayed report: nothing goes back, nothing doubles.
    const late = await post({ type: 'status-update', status: 'in-progress', call: vapiCall, timestamp: Date.now() });
    expect(late.status).toBe(200);
    const replay = await post(report);
    expect(await replay.json()).toEqual({ ok: true, applied: false });
    const after = (await CallModel.findById(call._id).lean())!;
    expect(after.status).toBe('COMPLETED');
    expect(after.answeredAt).toBeTruthy();
    await waitForCounters(f.campaignId, { completedCalls: 1, totalAttempts: 1 });
  });

  it('callUpdated subscribers see the summary and disposition of a report that comes after the final status', async () => {
    const account = await signUpAccount(stack, 'Vapi live');
    const f = await vapiCampaign(1, account.organizationId);
    type Update = { callUpdated: { id: string; status: string; summary: string | null; disposition: string | null } };
    const before = stack.app.services.live!.subscriberCount();
    const sub = subscribe<Update>(
      stack.url,
      account.token,
      `subscription ($id: ID!) { callUpdated(campaignId: $id) { id status summary disposition } }`,
      { id: f.campaignId },
    );
    try {
      await until(() => stack.app.services.live!.subscriberCount() > before);
      const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
      const stored = (await CallModel.findById(call._id).lean())!;
      const vapiCall = { id: stored.providerCallId, metadata: { dialwaveCallId: String(call._id) } };
      const seen = (match: (u: Update['callUpdated']) => boolean) =>
        sub.results.some((r) => r.data && r.data.callUpdated.id === String(call._id) && match(r.data.callUpdated));

      // The final status first (a status-update "ended"), then, seconds later on Vapi, the report.
      const ended = { type: 'status-update', status: 'ended', endedReason: 'customer-ended-call', call: vapiCall };
      expect((await post(ended)).status).toBe(200);
      await until(() => seen((u) => u.status === 'COMPLETED'), 10_000);
      expect(seen((u) => u.summary !== null || u.disposition !== null)).toBe(false);

      const report = {
        type: 'end-of-call-report',
        endedReason: 'customer-ended-call',
        call: vapiCall,
        analysis: { summary: 'Ann 0 will renew in May.', structuredData: { disposition: 'INTERESTED' } },
      };
      expect((await post(report)).status).toBe(200);
      await until(
        () => seen((u) => u.summary === 'Ann 0 will renew in May.' && u.disposition === 'INTERESTED'),
        10_000,
      );
      const withReport = sub.results.find((r) => r.data?.callUpdated.summary)!.data!.callUpdated;
      expect(withReport).toEqual({
        id: String(call._id),
        status: 'COMPLETED',
        summary: 'Ann 0 will renew in May.',
        disposition: 'INTERESTED',
      });
    } finally {
      await sub.dispose();
    }
  });

  it('maps status-update ended with Vapi ended reasons, and 404s an unknown call', async () => {
    const f = await vapiCampaign(1);
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
    const stored = (await CallModel.findById(call._id).lean())!;
    const vapiCall = { id: stored.providerCallId, metadata: { dialwaveCallId: String(call._id) } };
    expect((await post({ type: 'status-update', status: 'ringing', call: vapiCall })).status).toBe(200);
    expect((await CallModel.findById(call._id).lean())!.status).toBe('RINGING');
    const ended = { type: 'status-update', status: 'ended', endedReason: 'customer-did-not-answer', call: vapiCall };
    expect((await post(ended)).status).toBe(200);
    expect((await CallModel.findById(call._id).lean())!).toMatchObject({
      status: 'NO_ANSWER',
      endedReason: 'customer-did-not-answer',
    });
    const unknown = await post({
      type: 'status-update',
      status: 'ended',
      call: { id: 'no-such-call', metadata: { dialwaveCallId: String(new Types.ObjectId()) } },
    });
    expect(unknown.status).toBe(404);
  });

  it('reads Vapi ended reasons exactly', () => {
    expect(vapiEndedStatus('customer-did-not-answer')).toBe('NO_ANSWER');
    expect(vapiEndedStatus('customer-busy')).toBe('BUSY');
    expect(vapiEndedStatus('voicemail')).toBe('VOICEMAIL');
    expect(vapiEndedStatus('customer-ended-call')).toBe('COMPLETED');
    expect(vapiEndedStatus('assistant-ended-call-after-message-spoken')).toBe('COMPLETED');
    expect(vapiEndedStatus('exceeded-max-duration')).toBe('COMPLETED');
    expect(vapiEndedStatus('twilio-failed-to-connect-call')).toBe('FAILED');
    expect(vapiEndedStatus('assistant-not-found')).toBe('FAILED');
  });

  it('classifies twilio-reported-customer-misdialed as an invalid number, and only that reason', () => {
    const provider = createVapiProvider({ apiBase: 'http://127.0.0.1:9' });
    const hook = (message: Record<string, unknown>): RawWebhook => {
      const body = { message };
      return { method: 'POST', url: 'x', headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) };
    };
    const call = { id: 'b7c9d3a0-0000-4000-8000-000000000001', metadata: { dialwaveCallId: 'c1' } };
    // Both messages that end a call carry the reason (https://docs.vapi.ai/server-url/events).
    const report = (endedReason: string) => hook({ type: 'end-of-call-report', endedReason, call, durationSeconds: 0 });
    const ended = (endedReason: string) => hook({ type: 'status-update', status: 'ended', endedReason, call });
    for (const message of [report, ended])
      expect(provider.parseWebhook(message('twilio-reported-customer-misdialed'))).toMatchObject({
        status: 'FAILED',
        invalidNumber: true,
      });
    for (const reason of [
      'twilio-failed-to-connect-call',
      'call.in-progress.error-sip-outbound-call-failed-to-connect',
    ])
      expect(provider.parseWebhook(report(reason))).toMatchObject({ status: 'FAILED' });
    for (const reason of ['twilio-failed-to-connect-call', 'customer-busy', 'customer-ended-call'])
      expect(provider.parseWebhook(report(reason))?.invalidNumber).toBeUndefined();
  });

  it('skips a contact whose number Vapi reports misdialed, retries allowed or not', async () => {
    const f = await vapiCampaign(1);
    // The default settings retry a failed call three times: an invalid number is not retried.
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
    const stored = (await CallModel.findById(call._id).lean())!;
    const vapiCall = { id: stored.providerCallId, metadata: { dialwaveCallId: String(call._id) } };
    const report = { type: 'end-of-call-report', endedReason: 'twilio-reported-customer-misdialed', call: vapiCall };
    expect((await post(report)).status).toBe(200);
    expect((await CallModel.findById(call._id).lean())!).toMatchObject({ status: 'FAILED', invalidNumber: true });
    await waitFor(
      'contact skipped',
      async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'SKIPPED',
    );
    const contact = (await ContactModel.findById(f.contactIds[0]).lean())!;
    expect([contact.skipReason, contact.attempts, contact.nextAttemptAt]).toEqual(['INVALID_NUMBER', 1, null]);
  });

  it('refuses a VAPI phone without its Vapi phoneNumberId', async () => {
    const org = await OrganizationModel.create({ name: 'x', defaultCountry: 'US' });
    await expect(
      createPhone(Buffer.alloc(32), String(org._id), { name: 'v', number: '+14155550111', provider: 'VAPI' }),
    ).rejects.toThrow(/^providerPhoneId: is required for a VAPI phone/);
  });
});
