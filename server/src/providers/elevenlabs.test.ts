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
import { createElevenLabsProvider, elevenLabsFailureStatus, signElevenLabsWebhook } from './elevenlabs';
import type { RawWebhook } from './provider';

/**
 * ElevenLabs played by a local HTTP server answering `POST /v1/convai/twilio/outbound-call`
 * as documented (https://elevenlabs.io/docs/api-reference/twilio/outbound-call), and its
 * post-call webhooks signed as ElevenLabs signs them
 * (https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks).
 */
const SECRET = 'wsec_elevenlabs_test';

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

describe('ELEVENLABS provider', () => {
  let api: Server;
  const received: { path: string; key: string | undefined; body: Record<string, unknown> }[] = [];
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  beforeAll(async () => {
    let seq = 0;
    api = createServer((req, res) => {
      void readJson(req).then((body) => {
        received.push({ path: req.url ?? '', key: req.headers['xi-api-key'] as string | undefined, body });
        seq += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            success: true,
            message: 'Success',
            conversation_id: `conv_01jx${seq}`,
            callSid: `CA${seq}`,
          }),
        );
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const { port } = api.address() as AddressInfo;
    stack = await startTestStack({
      ELEVENLABS_API_BASE: `http://127.0.0.1:${port}`,
      ELEVENLABS_API_KEY: 'xi-key',
      ELEVENLABS_WEBHOOK_SECRET: SECRET,
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => api?.close(resolve));
  });

  async function campaign() {
    const organizationId = (await OrganizationModel.create({ name: `el ${new Types.ObjectId()}` }))._id;
    const agent = await AgentModel.create({
      organizationId,
      name: 'Eleven',
      kind: 'ELEVENLABS',
      externalId: 'agent_7101k',
      variables: ['name'],
    });
    const phone = await PhoneModel.create({
      organizationId,
      name: 'el line',
      number: '+14155550177',
      provider: 'ELEVENLABS',
      providerPhoneId: 'phnum_0101',
    });
    const c = await CampaignModel.create({ organizationId, name: 'el', agentId: agent._id, phoneId: phone._id });
    const contacts = await ContactModel.insertMany(
      ['Cleo', 'Dan'].map((name, i) => ({
        organizationId,
        campaignId: c._id,
        phoneNumber: `+1202555300${i}`,
        name,
        status: 'QUEUED',
      })),
    );
    await CampaignModel.updateOne({ _id: c._id }, { $inc: transitionInc(null, 'QUEUED', 2) });
    return { orgId: String(organizationId), campaignId: String(c._id), contactIds: contacts.map((x) => String(x._id)) };
  }

  const post = (payload: Record<string, unknown>, signature: (body: string) => string | null) => {
    const body = JSON.stringify(payload);
    const sig = signature(body);
    return fetch(`${stack.url}/webhooks/elevenlabs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(sig ? { 'elevenlabs-signature': sig } : {}) },
      body,
    });
  };
  const signed = (body: string) => signElevenLabsWebhook(SECRET, body);

  it('sends the documented outbound-call request and takes the post-call transcription back once', async () => {
    const f = await campaign();
    const call = await dispatcher().callContact(f.orgId, f.campaignId, f.contactIds[0]!);
    const request = received.at(-1)!;
    expect(request.path).toBe('/v1/convai/twilio/outbound-call');
    expect(request.key).toBe('xi-key');
    expect(request.body).toEqual({
      agent_id: 'agent_7101k',
      agent_phone_number_id: 'phnum_0101',
      to_number: '+12025553000',
      conversation_initiation_client_data: { dynamic_variables: { phoneNumber: '+12025553000', name: 'Cleo' } },
    });
    const stored = (await CallModel.findById(call._id).lean())!;
    const start = Math.floor(Date.now() / 1000) - 60;
    // The documented post_call_transcription shape (abridged).
    const report = {
      type: 'post_call_transcription',
      event_timestamp: start + 40,
      data: {
        agent_id: 'agent_7101k',
        conversation_id: stored.providerCallId,
        status: 'done',
        transcript: [
          { role: 'agent', message: 'Hey Cleo!', time_in_call_secs: 0 },
          { role: 'user', message: 'Call me tomorrow.', time_in_call_secs: 2 },
        ],
        metadata: {
          start_time_unix_secs: start,
          call_duration_secs: 22,
          termination_reason: 'end_call tool was called.',
        },
        analysis: {
          call_successful: 'success',
          transcript_summary: 'Cleo wants a call tomorrow.',
          data_collection_results: { disposition: { data_collection_id: 'disposition', value: 'CALLBACK' } },
        },
        conversation_initiation_client_data: { dynamic_variables: { name: 'Cleo' } },
      },
    };
    expect((await post(report, (b) => signElevenLabsWebhook('forged', b))).status).toBe(403);
    expect((await post(report, () => null)).status).toBe(403);
    // Older than ElevenLabs' 30 minutes: a replay.
    expect((await post(report, (b) => signElevenLabsWebhook(SECRET, b, start - 3600))).status).toBe(403);
    expect((await CallModel.findById(call._id).lean())!.summary ?? null).toBeNull();

    expect((await post(report, signed)).status).toBe(200);
    const done = (await CallModel.findById(call._id).lean())!;
    expect(done).toMatchObject({
      status: 'COMPLETED',
      durationSeconds: 22,
      summary: 'Cleo wants a call tomorrow.',
      disposition: 'CALLBACK',
      endedReason: 'end_call tool was called.',
    });
    expect(done.answeredAt?.getTime()).toBe(start * 1000);
    expect(done.transcript).toEqual([
      { speaker: 'AGENT', text: 'Hey Cleo!', at: 0 },
      { speaker: 'CONTACT', text: 'Call me tomorrow.', at: 2 },
    ]);
    expect(await (await post(report, signed)).json()).toEqual({ ok: true, applied: false });
    await waitFor(
      'contact completed',
      async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
    );
    await waitForCounters(f.campaignId, { completedCalls: 1 });

    // A call that never connected: call_initiation_failure with failure_reason busy.
    const second = await dispatcher().callContact(f.orgId, f.campaignId, f.contactIds[1]!);
    const secondId = (await CallModel.findById(second._id).lean())!.providerCallId;
    const failure = {
      type: 'call_initiation_failure',
      event_timestamp: start,
      data: { agent_id: 'agent_7101k', conversation_id: secondId, failure_reason: 'busy' },
    };
    expect((await post(failure, signed)).status).toBe(200);
    expect((await CallModel.findById(second._id).lean())!).toMatchObject({ status: 'BUSY', endedReason: 'busy' });
    expect((await post({ ...failure, data: { ...failure.data, conversation_id: 'conv_nobody' } }, signed)).status).toBe(
      404,
    );
  });

  it('adds a post-call report that arrives after the call was closed, without moving its status', async () => {
    const f = await campaign();
    const placed = await dispatcher().callContact(f.orgId, f.campaignId, f.contactIds[0]!);
    const stored = (await CallModel.findById(placed._id).lean())!;
    // ElevenLabs sends no status events: here the engine closed the call itself (its deadline
    // passed), and the report comes later still.
    await dispatcher().engine.applyStatus(stored, {
      providerCallId: null,
      status: 'FAILED',
      error: 'no final status within 30 s',
    });
    const report = {
      type: 'post_call_transcription',
      event_timestamp: Math.floor(Date.now() / 1000),
      data: {
        agent_id: 'agent_7101k',
        conversation_id: stored.providerCallId,
        status: 'done',
        transcript: [{ role: 'agent', message: 'Hey Cleo!', time_in_call_secs: 0 }],
        metadata: { call_duration_secs: 5, termination_reason: 'Client disconnected' },
        analysis: { transcript_summary: 'Cleo hung up at once.' },
      },
    };
    expect(await (await post(report, signed)).json()).toEqual({ ok: true, applied: true });
    const after = (await CallModel.findById(placed._id).lean())!;
    expect(after).toMatchObject({ status: 'FAILED', summary: 'Cleo hung up at once.' });
    expect(after.transcript).toEqual([{ speaker: 'AGENT', text: 'Hey Cleo!', at: 0 }]);
  });

  it('reads failure reasons exactly', () => {
    expect(elevenLabsFailureStatus('busy')).toBe('BUSY');
    expect(elevenLabsFailureStatus('no-answer')).toBe('NO_ANSWER');
    expect(elevenLabsFailureStatus('unknown')).toBe('FAILED');
  });

  it("classifies an invalid number from the telephony's own code in call_initiation_failure's metadata", () => {
    const provider = createElevenLabsProvider({ apiBase: 'http://127.0.0.1:9' });
    // The documented envelope (https://elevenlabs.io/docs/eleven-agents/workflows/post-call-webhooks):
    // failure_reason, and metadata with the Twilio status callback or the SIP trunk's answer.
    const failure = (failureReason: string, metadata: Record<string, unknown>): RawWebhook => {
      const body = {
        type: 'call_initiation_failure',
        event_timestamp: 1765116000,
        data: { agent_id: 'agent_7101k', conversation_id: 'conv_01', failure_reason: failureReason, metadata },
      };
      return { method: 'POST', url: 'x', headers: {}, body, rawBody: Buffer.from(JSON.stringify(body)) };
    };
    const twilio = (fields: Record<string, unknown>) => ({
      type: 'twilio',
      body: { CallSid: 'CA42', CallStatus: 'failed', Direction: 'outbound-api', ...fields },
    });
    const sip = (code: number) => ({ type: 'sip', body: { sip_status_code: code, error_reason: 'Not Found' } });
    expect(provider.parseWebhook(failure('unknown', twilio({ SipResponseCode: '404' })))).toMatchObject({
      status: 'FAILED',
      invalidNumber: true,
    });
    expect(provider.parseWebhook(failure('unknown', sip(484)))).toMatchObject({
      status: 'FAILED',
      invalidNumber: true,
    });
    // Other codes, no code, or a busy line: the retry rules decide.
    for (const metadata of [twilio({ SipResponseCode: '503' }), twilio({}), sip(480), { type: 'other', body: {} }, {}])
      expect(provider.parseWebhook(failure('unknown', metadata))?.invalidNumber).toBeUndefined();
    const busy = provider.parseWebhook(failure('busy', twilio({ CallStatus: 'busy', SipResponseCode: 404 })));
    expect(busy?.status).toBe('BUSY');
    expect(busy?.invalidNumber).toBeUndefined();
  });
});
