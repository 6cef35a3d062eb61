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
import { twilioSignature } from './twilio';

/**
 * Twilio and Exotel through the whole engine: a manual call reaches a local HTTP server that
 * answers as their REST APIs document it, and their status callbacks come back to the per-call
 * URL Dialwave gave them (Twilio signed with X-Twilio-Signature, Exotel with our token only).
 * Twilio: https://www.twilio.com/docs/voice/api/call-resource (create a Call) and
 * https://www.twilio.com/docs/usage/webhooks/webhooks-security (the signature).
 * Exotel: https://developer.exotel.com/docs/voice-v1/api-reference/connect-to-flow (the flow
 * call) and https://developer.exotel.com/docs/references/webhooks (the StatusCallback payload).
 */
const AUTH_TOKEN = 'twilio-auth-token';

interface Received {
  path: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

describe('TWILIO and EXOTEL providers through the engine', () => {
  let api: Server;
  const received: Received[] = [];
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  beforeAll(async () => {
    let seq = 0;
    api = createServer((req, res) => {
      void readForm(req).then((form) => {
        const path = req.url ?? '';
        received.push({ path, authorization: req.headers.authorization, form });
        seq += 1;
        // Abridged answers of each API's documented example.
        const twilio = path.startsWith('/2010-04-01/');
        res.writeHead(twilio ? 201 : 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            twilio
              ? { sid: `CA${String(seq).padStart(32, '0')}`, status: 'queued', to: form.get('To') }
              : { Call: { Sid: `b6cfaf5f5cef3ca0fc937749ef96${String(seq).padStart(4, '0')}`, Status: 'in-progress' } },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    const { port } = api.address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    stack = await startTestStack({
      TWILIO_API_BASE: base,
      TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef',
      TWILIO_AUTH_TOKEN: AUTH_TOKEN,
      EXOTEL_API_BASE: base,
      EXOTEL_SID: 'acme1',
      EXOTEL_API_KEY: 'exo-key',
      EXOTEL_API_TOKEN: 'exo-token',
      MAX_CALL_DURATION_SECONDS: '30',
    });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await new Promise((resolve) => api?.close(resolve));
  });

  async function campaign(provider: 'TWILIO' | 'EXOTEL', agent: Record<string, unknown>, contacts: number) {
    const organizationId = (await OrganizationModel.create({ name: `${provider} ${new Types.ObjectId()}` }))._id;
    const a = await AgentModel.create({ organizationId, name: `${provider} agent`, ...agent });
    const phone = await PhoneModel.create({ organizationId, name: 'line', number: '+14155550199', provider });
    const c = await CampaignModel.create({ organizationId, name: provider, agentId: a._id, phoneId: phone._id });
    const docs = Array.from({ length: contacts }, (_, i) => ({
      _id: new Types.ObjectId(),
      organizationId,
      campaignId: c._id,
      phoneNumber: `+1202555${String(4000 + i)}`,
      name: `Ann ${i}`,
      customData: { plan: 'gold' },
      status: 'QUEUED',
    }));
    await ContactModel.insertMany(docs);
    await CampaignModel.updateOne({ _id: c._id }, { $inc: transitionInc(null, 'QUEUED', contacts) });
    return { orgId: String(organizationId), campaignId: String(c._id), contactIds: docs.map((d) => String(d._id)) };
  }

  const call = async (id: unknown) => (await CallModel.findById(id).lean())!;

  describe('TWILIO', () => {
    /** POSTs a status callback as Twilio does: form-encoded, signed over the URL and the sorted fields. */
    const post = (url: string, body: Record<string, string>, token: string | null = AUTH_TOKEN) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(token ? { 'x-twilio-signature': twilioSignature(token, url, body) } : {}),
        },
        body: new URLSearchParams(body).toString(),
      });

    it('sends the documented Calls request with a <Parameter> per variable; a forged, a tampered or a replayed callback changes nothing', async () => {
      const f = await campaign(
        'TWILIO',
        { kind: 'TWILIO_STREAM', url: 'wss://agent.example.com/media', variables: ['name', 'plan'] },
        1,
      );
      const placed = await dispatcher().callContact(f.orgId, f.campaignId, f.contactIds[0]!);
      const stored = await call(placed._id);
      const request = received.at(-1)!;
      expect(request.path).toBe('/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Calls.json');
      expect(request.authorization).toBe(
        `Basic ${Buffer.from(`AC0123456789abcdef0123456789abcdef:${AUTH_TOKEN}`).toString('base64')}`,
      );
      const callbackUrl = `${stack.url}/webhooks/twilio?call=${String(placed._id)}&token=${encodeURIComponent(stored.callbackToken)}`;
      expect(Object.fromEntries(request.form)).toEqual({
        To: '+12025554000',
        From: '+14155550199',
        Twiml:
          '<Response><Connect><Stream url="wss://agent.example.com/media">' +
          '<Parameter name="phoneNumber" value="+12025554000"/>' +
          '<Parameter name="name" value="Ann 0"/>' +
          '<Parameter name="plan" value="gold"/>' +
          '</Stream></Connect></Response>',
        StatusCallback: callbackUrl,
        StatusCallbackMethod: 'POST',
        StatusCallbackEvent: 'completed',
        MachineDetection: 'Enable',
        TimeLimit: '30',
      });
      expect(request.form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
      expect(stored.variables).toEqual({ phoneNumber: '+12025554000', name: 'Ann 0', plan: 'gold' });

      // The completed callback (fields of Twilio's StatusCallback parameters) arrives first.
      const completed = {
        AccountSid: 'AC0123456789abcdef0123456789abcdef',
        ApiVersion: '2010-04-01',
        CallSid: stored.providerCallId!,
        CallStatus: 'completed',
        CallDuration: '17',
        Direction: 'outbound-api',
        From: '+14155550199',
        To: '+12025554000',
        SequenceNumber: '3',
        CallbackSource: 'call-progress-events',
        Timestamp: new Date().toUTCString(),
      };
      expect((await post(callbackUrl, completed, 'not-the-auth-token')).status).toBe(403);
      expect((await post(callbackUrl, completed, null)).status).toBe(403);
      // Signed, then changed on the way: the signature covers every field.
      const tampered = await fetch(callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilioSignature(AUTH_TOKEN, callbackUrl, completed),
        },
        body: new URLSearchParams({ ...completed, CallStatus: 'busy' }).toString(),
      });
      expect(tampered.status).toBe(403);
      expect((await call(placed._id)).status).toBe('INITIATED');

      expect(await (await post(callbackUrl, completed)).json()).toEqual({ ok: true, applied: true });
      expect(await call(placed._id)).toMatchObject({ status: 'COMPLETED', durationSeconds: 17 });
      // The earlier statuses arrive late, and the completed one is replayed: nothing moves back.
      const answered = { ...completed, CallStatus: 'in-progress', SequenceNumber: '2' };
      expect(await (await post(callbackUrl, answered)).json()).toEqual({ ok: true, applied: false });
      expect(await (await post(callbackUrl, completed)).json()).toEqual({ ok: true, applied: false });
      expect((await call(placed._id)).status).toBe('COMPLETED');
      await waitFor(
        'contact completed',
        async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
      );
      await waitForCounters(f.campaignId, { completedCalls: 1, totalAttempts: 1 });
    });
  });

  describe('EXOTEL', () => {
    const post = (url: string, body: Record<string, unknown>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    /** The terminal StatusCallback of Exotel's documented example (extended payload), for `sid`. */
    const terminal = (sid: string, extra: Record<string, unknown> = {}) => ({
      CallSid: sid,
      EventType: 'terminal',
      DateCreated: '2024-01-15 14:25:10',
      DateUpdated: '2024-01-15 14:30:45',
      To: '09123456789',
      From: '09876543210',
      PhoneNumberSid: '0XXXXXX4890',
      StartTime: '2024-01-15 14:25:12',
      EndTime: '2024-01-15 14:30:45',
      Status: 'completed',
      ConversationDuration: 320,
      Direction: 'outbound-api',
      CustomField: 'order_12345',
      RecordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3',
      Legs: [
        { OnCallDuration: 41, Status: 'completed', AnsweredBy: 'NA' },
        { OnCallDuration: 32, Status: 'completed', AnsweredBy: 'HUMAN' },
      ],
      ...extra,
    });

    it('hands the call to the flow with the variables, and takes the RecordingUrl back once, in any order', async () => {
      const f = await campaign('EXOTEL', { kind: 'EXOTEL_FLOW', externalId: '219487', variables: ['name'] }, 2);
      const placed = await dispatcher().callContact(f.orgId, f.campaignId, f.contactIds[0]!);
      const stored = await call(placed._id);
      const request = received.at(-1)!;
      expect(request.path).toBe('/v1/Accounts/acme1/Calls/connect.json');
      expect(request.authorization).toBe(`Basic ${Buffer.from('exo-key:exo-token').toString('base64')}`);
      const callbackUrl = `${stack.url}/webhooks/exotel?call=${String(placed._id)}&token=${encodeURIComponent(stored.callbackToken)}`;
      const { CustomField, ...form } = Object.fromEntries(request.form);
      expect(form).toEqual({
        From: '+12025554000',
        Url: 'http://my.exotel.com/acme1/exoml/start_voice/219487',
        CallerId: '+14155550199',
        StatusCallback: callbackUrl,
        'StatusCallbackEvents[0]': 'terminal',
        'StatusCallbackEvents[1]': 'answered',
        StatusCallbackContentType: 'application/json',
        TimeLimit: '30',
      });
      expect(JSON.parse(CustomField!)).toEqual({
        phoneNumber: '+12025554000',
        name: 'Ann 0',
        plan: 'gold',
        dialwaveCallId: String(placed._id),
      });

      // The terminal callback (the report: status, duration, recording) comes first.
      const report = terminal(stored.providerCallId!);
      const forged = callbackUrl.replace(/token=[^&]+/, 'token=forged');
      expect((await post(forged, report)).status).toBe(403);
      expect((await post(callbackUrl.replace(/&token=[^&]+/, ''), report)).status).toBe(403);
      // Our token, but another Exotel call in the body.
      expect((await post(callbackUrl, terminal('someone-elses-call'))).status).toBe(403);
      expect((await call(placed._id)).status).toBe('INITIATED');

      expect(await (await post(callbackUrl, report)).json()).toEqual({ ok: true, applied: true });
      expect(await call(placed._id)).toMatchObject({
        status: 'COMPLETED',
        durationSeconds: 320,
        recordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3',
      });
      // The answered event after it, and Exotel's retry of the terminal one: applied once.
      const answered = { ...report, EventType: 'answered', Status: 'in-progress', RecordingUrl: null };
      expect(await (await post(callbackUrl, answered)).json()).toEqual({ ok: true, applied: false });
      expect(await (await post(callbackUrl, report)).json()).toEqual({ ok: true, applied: false });
      expect(await call(placed._id)).toMatchObject({
        status: 'COMPLETED',
        recordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3',
      });
      await waitFor(
        'contact completed',
        async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
      );

      // The usual order: answered, then the terminal report, whose recording still comes back.
      const second = await dispatcher().callContact(f.orgId, f.campaignId, f.contactIds[1]!);
      const secondStored = await call(second._id);
      const secondUrl = received.at(-1)!.form.get('StatusCallback')!;
      const secondReport = terminal(secondStored.providerCallId!, {
        RecordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/def456.mp3',
      });
      const secondAnswered = { ...secondReport, EventType: 'answered', Status: 'in-progress', RecordingUrl: null };
      expect(await (await post(secondUrl, secondAnswered)).json()).toEqual({ ok: true, applied: true });
      expect((await call(second._id)).status).toBe('IN_PROGRESS');
      expect(await (await post(secondUrl, secondReport)).json()).toEqual({ ok: true, applied: true });
      expect(await call(second._id)).toMatchObject({
        status: 'COMPLETED',
        recordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/def456.mp3',
      });
      await waitFor(
        'second contact completed',
        async () => (await ContactModel.findById(f.contactIds[1]).lean())?.status === 'COMPLETED',
      );
      await waitForCounters(f.campaignId, { completedCalls: 2, totalAttempts: 2 });
    });
  });
});
