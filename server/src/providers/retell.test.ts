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
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from '../dispatch/dispatch.service';
import { waitFor, waitForCounters } from '../dispatch/test-fixtures';
import { createRetellProvider, retellEndedStatus, signRetellWebhook } from './retell';
import type { RawWebhook } from './provider';

/**
 * Retell played by a local HTTP server answering `POST /v2/create-phone-call` with the call
 * object (https://docs.retellai.com/api-references/create-phone-call), and Retell's
 * `{ event, call }` webhooks signed as Retell signs them (https://docs.retellai.com/features/secure-webhook).
 */
const API_KEY = 'key_retell_webhook_badge';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

describe('RETELL provider', () => {
  let retell: Server;
  const received: { path: string; authorization: string | undefined; body: Record<string, unknown> }[] = [];
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  beforeAll(async () => {
    let seq = 0;
    retell = createServer((req, res) => {
      void readJson(req).then((body) => {
        received.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
        seq += 1;
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            call_type: 'phone_call',
            from_number: body['from_number'],
            to_number: body['to_number'],
            direction: 'outbound',
            call_id: `Jabr9TXYYJHfvl6Syypi88rdAHYHmcq${seq}`,
            agent_id: body['override_agent_id'],
            call_status: 'registered',
            metadata: body['metadata'],
            retell_llm_dynamic_variables: body['retell_llm_dynamic_variables'],
          }),
        );
      });
    });
    await new Promise<void>((resolve) => retell.listen(0, '127.0.0.1', resolve));
    const { port } = retell.address() as AddressInfo;
    stack = await startTestStack({ RETELL_API_BASE: `http://127.0.0.1:${port}`, RETELL_API_KEY: API_KEY });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => retell?.close(resolve));
  });

  async function retellCampaign() {
    const organizationId = (await OrganizationModel.create({ name: `retell ${new Types.ObjectId()}` }))._id;
    const agent = await AgentModel.create({
      organizationId,
      name: 'Retell agent',
      kind: 'RETELL',
      externalId: 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD',
      variables: ['name'],
    });
    const phone = await PhoneModel.create({
      organizationId,
      name: 'retell line',
      number: '+14157774444',
      provider: 'RETELL',
    });
    const campaign = await CampaignModel.create({
      organizationId,
      name: 'retell',
      agentId: agent._id,
      phoneId: phone._id,
    });
    const contact = await ContactModel.create({
      organizationId,
      campaignId: campaign._id,
      phoneNumber: '+12137774445',
      name: 'Bob',
      customData: { order: 'A-17' },
      status: 'QUEUED',
    });
    await CampaignModel.updateOne({ _id: campaign._id }, { $inc: transitionInc(null, 'QUEUED', 1) });
    return { orgId: String(organizationId), campaignId: String(campaign._id), contactId: String(contact._id) };
  }

  const post = (payload: Record<string, unknown>, sign: (body: string) => string | null) => {
    const body = JSON.stringify(payload);
    const signature = sign(body);
    return fetch(`${stack.url}/webhooks/retell`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(signature ? { 'x-retell-signature': signature } : {}) },
      body,
    });
  };
  const signed = (body: string) => signRetellWebhook(API_KEY, body);

  it('sends the documented create-phone-call request, verifies signatures, and applies events once in any order', async () => {
    const f = await retellCampaign();
    const call = await dispatcher().callContact(f.orgId, f.campaignId, f.contactId);
    const request = received.at(-1)!;
    expect(request.path).toBe('/v2/create-phone-call');
    expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body).toEqual({
      from_number: '+14157774444',
      to_number: '+12137774445',
      override_agent_id: 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD',
      retell_llm_dynamic_variables: { phoneNumber: '+12137774445', name: 'Bob', order: 'A-17' },
      metadata: {
        dialwaveCallId: String(call._id),
        organizationId: f.orgId,
        campaignId: f.campaignId,
        contactId: f.contactId,
        attempt: 1,
      },
    });
    const stored = (await CallModel.findById(call._id).lean())!;
    const base = { call_id: stored.providerCallId, metadata: request.body['metadata'], call_type: 'phone_call' };
    const start = Date.now() - 60_000;
    // call_analyzed (docs example fields) arrives first, then call_ended, then call_started.
    const analyzed = {
      event: 'call_analyzed',
      call: {
        ...base,
        call_status: 'ended',
        disconnection_reason: 'agent_hangup',
        start_timestamp: start,
        end_timestamp: start + 45_000,
        duration_ms: 45_000,
        recording_url: 'https://retellai.s3.us-west-2.amazonaws.com/rec.wav',
        transcript_object: [
          { role: 'agent', content: 'Hi Bob, about order A-17.', words: [{ word: 'Hi', start: 0.7, end: 1 }] },
          { role: 'user', content: 'Not interested.', words: [{ word: 'Not', start: 3.2, end: 3.4 }] },
        ],
        call_analysis: {
          call_summary: 'Bob declined.',
          user_sentiment: 'Negative',
          call_successful: false,
          in_voicemail: false,
          custom_analysis_data: { disposition: 'NOT_INTERESTED' },
        },
      },
    };
    expect((await post(analyzed, () => signRetellWebhook('forged-key', JSON.stringify(analyzed)))).status).toBe(403);
    expect((await post(analyzed, () => null)).status).toBe(403);
    // A signature older than Retell's 5 minutes: a replayed request.
    expect((await post(analyzed, (b) => signRetellWebhook(API_KEY, b, Date.now() - 6 * 60_000))).status).toBe(403);
    expect((await CallModel.findById(call._id).lean())!.status).toBe('INITIATED');

    expect((await post(analyzed, signed)).status).toBe(200);
    const done = (await CallModel.findById(call._id).lean())!;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      durationSeconds: 45,
      summary: 'Bob declined.',
      disposition: 'NOT_INTERESTED',
      endedReason: 'agent_hangup',
      recordingUrl: 'https://retellai.s3.us-west-2.amazonaws.com/rec.wav',
    });
    expect(done.transcript).toEqual([
      { speaker: 'AGENT', text: 'Hi Bob, about order A-17.', at: 0.7 },
      { speaker: 'CONTACT', text: 'Not interested.', at: 3.2 },
    ]);
    const ended = {
      event: 'call_ended',
      call: { ...base, call_status: 'ended', disconnection_reason: 'agent_hangup' },
    };
    expect((await post(ended, signed)).status).toBe(200);
    const started = { event: 'call_started', call: { ...base, call_status: 'ongoing', start_timestamp: start } };
    expect((await post(started, signed)).status).toBe(200);
    expect(await (await post(analyzed, signed)).json()).toEqual({ ok: true, applied: false });
    const after = (await CallModel.findById(call._id).lean())!;
    expect(after.status).toBe('COMPLETED');
    expect(after.answeredAt?.getTime()).toBe(start);
    expect(after.transcript).toHaveLength(2);
    await waitFor(
      'contact completed',
      async () => (await ContactModel.findById(f.contactId).lean())?.status === 'COMPLETED',
    );
    await waitForCounters(f.campaignId, { completedCalls: 1 });

    const unknown = {
      event: 'call_ended',
      call: { call_id: 'nope', metadata: { dialwaveCallId: String(new Types.ObjectId()) } },
    };
    expect((await post(unknown, signed)).status).toBe(404);
  });

  it('adds the analysis that comes after the final status (call_ended, then call_analyzed)', async () => {
    const f = await retellCampaign();
    const call = await dispatcher().callContact(f.orgId, f.campaignId, f.contactId);
    const stored = (await CallModel.findById(call._id).lean())!;
    const base = {
      call_id: stored.providerCallId,
      metadata: received.at(-1)!.body['metadata'],
      call_type: 'phone_call',
    };
    const ended = {
      event: 'call_ended',
      call: { ...base, call_status: 'ended', disconnection_reason: 'user_hangup', duration_ms: 31_000 },
    };
    expect(await (await post(ended, signed)).json()).toEqual({ ok: true, applied: true });
    const before = (await CallModel.findById(call._id).lean())!;
    expect(before.status).toBe('COMPLETED');
    expect(before.summary ?? null).toBeNull();
    const analyzed = {
      event: 'call_analyzed',
      call: {
        ...ended.call,
        call_analysis: { call_summary: 'Bob will pay on Friday.', custom_analysis_data: { disposition: 'PROMISE' } },
      },
    };
    expect(await (await post(analyzed, signed)).json()).toEqual({ ok: true, applied: true });
    expect((await CallModel.findById(call._id).lean())!).toMatchObject({
      status: 'COMPLETED',
      summary: 'Bob will pay on Friday.',
      disposition: 'PROMISE',
      endedReason: 'user_hangup',
    });
    await waitFor(
      'contact completed',
      async () => (await ContactModel.findById(f.contactId).lean())?.status === 'COMPLETED',
    );
    await waitForCounters(f.campaignId, { completedCalls: 1 });
  });

  it('reads Retell disconnection reasons exactly', () => {
    expect(retellEndedStatus('dial_no_answer', 'not_connected')).toBe('NO_ANSWER');
    expect(retellEndedStatus('dial_busy', 'not_connected')).toBe('BUSY');
    expect(retellEndedStatus('voicemail_reached', 'ended')).toBe('VOICEMAIL');
    expect(retellEndedStatus('user_hangup', 'ended')).toBe('COMPLETED');
    expect(retellEndedStatus('max_duration_reached', 'ended')).toBe('COMPLETED');
    expect(retellEndedStatus('dial_failed', 'not_connected')).toBe('FAILED');
    expect(retellEndedStatus('invalid_destination', 'not_connected')).toBe('FAILED');
    expect(retellEndedStatus('error_llm_websocket_open', 'error')).toBe('FAILED');
  });

  it('classifies invalid_destination as an invalid number, and no other not_connected reason', () => {
    const provider = createRetellProvider({ apiBase: 'http://127.0.0.1:9' });
    // A call_ended event of an outbound call that never connected
    // (https://docs.retellai.com/reliability/debug-outbound-call: status not_connected).
    const ended = (reason: string): RawWebhook => {
      const body = {
        event: 'call_ended',
        call: {
          call_type: 'phone_call',
          call_id: 'Jabr9TXYYJHfvl6Syypi88rdAHYHmcq6',
          agent_id: 'oBeDLoLOeuAbiuaMFXRtDOLriTJ5tSxD',
          call_status: 'not_connected',
          direction: 'outbound',
          from_number: '+14155550199',
          to_number: '+12025551000',
          disconnection_reason: reason,
          start_timestamp: 1714608475945,
          end_timestamp: 1714608476945,
          metadata: { dialwaveCallId: 'c1' },
        },
      };
      return { method: 'POST', url: 'x', headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) };
    };
    expect(provider.parseWebhook(ended('invalid_destination'))).toMatchObject({
      status: 'FAILED',
      invalidNumber: true,
    });
    for (const reason of [
      'dial_failed',
      'user_declined',
      'marked_as_spam',
      'telephony_provider_unavailable',
      'dial_busy',
    ])
      expect(provider.parseWebhook(ended(reason))?.invalidNumber).toBeUndefined();
  });
});
