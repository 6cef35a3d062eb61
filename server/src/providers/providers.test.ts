import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createExotelProvider, exotelEventTime } from './exotel';
import { PlaceCallError } from './provider';
import type { PlaceCallRequest, RawWebhook } from './provider';
import { createTwilioProvider, mapTwilioStatus, twilioSignature, verifyTwilioSignature } from './twilio';

interface Received {
  method: string;
  url: string;
  authorization: string | undefined;
  form: URLSearchParams;
}

/** A local HTTP server standing in for a provider's REST API, on a free port. */
async function fakeApi(
  answer: (req: Received) => { status: number; json: unknown },
): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        authorization: req.headers.authorization,
        form: new URLSearchParams(body),
      };
      received.push(r);
      const { status, json } = answer(r);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, received, close: () => new Promise((r) => server.close(() => r())) };
}

const request = (credentials: Record<string, string>): PlaceCallRequest => ({
  callId: 'c1',
  to: '+14155550100',
  from: '+14155550199',
  callbackUrl: 'https://dialwave.example/webhooks/twilio?call=c1&token=t',
  callbackToken: 't',
  timeLimitSeconds: 600,
  timeoutMs: 2_000,
  metadata: { organizationId: 'o', campaignId: 'k', contactId: 'p', attempt: 1 },
  credentials,
});

const raw = (url: string, body: Record<string, string>, headers: Record<string, string> = {}): RawWebhook => ({
  method: 'POST',
  url,
  headers,
  body,
  rawBody: Buffer.from(new URLSearchParams(body).toString()),
});

describe('Twilio', () => {
  // Twilio's SDK test vector (twilio-php / twilio-csharp RequestValidatorTest): token 12345,
  // Caller/From +14158675309 → RSOYDt4T…; the same example with +14158675310 is the widely
  // quoted GvWf1cFY…. (With Caller/From +12349013030, as our issue text had it, neither matches:
  // the issue mixed two versions of the example.)
  it.each([
    ['+14158675309', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='],
    ['+14158675310', 'GvWf1cFY/Q7PnoempGyD5oXAezc='],
  ])("computes Twilio's published example signature (Caller %s)", (caller, expected) => {
    const params = { CallSid: 'CA1234567890ABCDE', Caller: caller, Digits: '1234', From: caller, To: '+18005551212' };
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    expect(twilioSignature('12345', url, params)).toBe(expected);
    expect(verifyTwilioSignature('12345', expected, url, params)).toBe(true);
    expect(verifyTwilioSignature('12345', expected, url, { ...params, Digits: '1235' })).toBe(false);
    expect(verifyTwilioSignature('12345', expected, `${url}&baz=3`, params)).toBe(false);
    expect(verifyTwilioSignature('54321', expected, url, params)).toBe(false);
  });

  // twilio-node's validateRequest (src/webhooks/webhooks.ts) accepts a signature of the URL
  // with its port written out or without it; expected signatures here are computed by hand
  // from Twilio's documented recipe, not by the code under test.
  const hmac = (token: string, data: string) => createHmac('sha1', token).update(data, 'utf8').digest('base64');

  it('accepts a signature over the URL with or without its port, as twilio-node does', () => {
    const params = { CallSid: 'CA1', CallStatus: 'ringing' };
    const tail = '/webhooks/twilio?call=c1&token=t';
    const signed = (url: string) => hmac('tok', `${url}CallSidCA1CallStatusringing`);
    // Twilio signed with the standard port; we received (and rebuild) the URL without it.
    expect(
      verifyTwilioSignature(
        'tok',
        signed(`https://dialwave.example:443${tail}`),
        `https://dialwave.example${tail}`,
        params,
      ),
    ).toBe(true);
    expect(
      verifyTwilioSignature(
        'tok',
        signed(`http://dialwave.example:80${tail}`),
        `http://dialwave.example${tail}`,
        params,
      ),
    ).toBe(true);
    // Twilio signed without the port; our public URL names a non-standard one.
    expect(
      verifyTwilioSignature(
        'tok',
        signed(`https://dialwave.example${tail}`),
        `https://dialwave.example:8443${tail}`,
        params,
      ),
    ).toBe(true);
    // And a signature over the URL as received still passes.
    expect(
      verifyTwilioSignature(
        'tok',
        signed(`https://dialwave.example:8443${tail}`),
        `https://dialwave.example:8443${tail}`,
        params,
      ),
    ).toBe(true);
    // Another port, host or token does not.
    expect(
      verifyTwilioSignature(
        'tok',
        signed(`https://dialwave.example:444${tail}`),
        `https://dialwave.example${tail}`,
        params,
      ),
    ).toBe(false);
    expect(
      verifyTwilioSignature('tok', signed(`https://other.example${tail}`), `https://dialwave.example${tail}`, params),
    ).toBe(false);
    expect(
      verifyTwilioSignature(
        'other',
        signed(`https://dialwave.example${tail}`),
        `https://dialwave.example${tail}`,
        params,
      ),
    ).toBe(false);
    expect(verifyTwilioSignature('tok', undefined, `https://dialwave.example${tail}`, params)).toBe(false);
    expect(verifyTwilioSignature('tok', signed('x'), 'not a url', params)).toBe(false);
  });

  it('signs a repeated parameter once per distinct value, values sorted, as twilio-node does', () => {
    const url = 'https://dialwave.example/webhooks/twilio?call=c1&token=t';
    // What express.urlencoded makes of To=...&Event=ringing&Event=initiated&Event=ringing.
    const params = { To: '+14155550100', Event: ['ringing', 'initiated', 'ringing'] };
    const expected = hmac('tok', `${url}EventinitiatedEventringingTo+14155550100`);
    expect(twilioSignature('tok', url, params)).toBe(expected);
    expect(verifyTwilioSignature('tok', expected, url, params)).toBe(true);
    // In received order, duplicates kept (the previous check): not what Twilio signs.
    const inOrder = hmac('tok', `${url}EventringingEventinitiatedEventringingTo+14155550100`);
    expect(verifyTwilioSignature('tok', inOrder, url, params)).toBe(false);
  });

  it('connects the answer to the agent: <Connect><Stream> with a <Parameter> per variable, or Url with the variables', async () => {
    const api = await fakeApi(() => ({ status: 201, json: { sid: 'CA43', status: 'queued' } }));
    try {
      const twilio = createTwilioProvider({ apiBase: api.url });
      const variables = { phoneNumber: '+14155550100', name: 'Ann "A" & Co', plan: 'gold' };
      const agent = { name: 'Ava', externalId: null, variables: ['name'] };
      await twilio.placeCall({
        ...request({ accountSid: 'AC1', authToken: 'tok' }),
        agent: { ...agent, kind: 'TWILIO_STREAM', url: 'wss://agent.example.com/media?x=1&y=2' },
        variables,
      });
      expect(api.received[0]!.form.get('Twiml')).toBe(
        '<Response><Connect><Stream url="wss://agent.example.com/media?x=1&amp;y=2">' +
          '<Parameter name="phoneNumber" value="+14155550100"/>' +
          '<Parameter name="name" value="Ann &quot;A&quot; &amp; Co"/>' +
          '<Parameter name="plan" value="gold"/>' +
          '</Stream></Connect></Response>',
      );
      expect(api.received[0]!.form.get('Url')).toBeNull();

      await twilio.placeCall({
        ...request({ accountSid: 'AC1', authToken: 'tok' }),
        agent: { ...agent, kind: 'TWIML_URL', url: 'https://agent.example.com/twiml?campaign=spring' },
        variables,
      });
      const url = new URL(api.received[1]!.form.get('Url')!);
      expect(url.origin + url.pathname).toBe('https://agent.example.com/twiml');
      expect(Object.fromEntries(url.searchParams)).toEqual({ campaign: 'spring', ...variables });
      expect(api.received[1]!.form.get('Twiml')).toBeNull();
    } finally {
      await api.close();
    }
  });

  it('places a call with the documented Calls API form and parses status callbacks', async () => {
    const api = await fakeApi(() => ({ status: 201, json: { sid: 'CA42', status: 'queued' } }));
    try {
      const twilio = createTwilioProvider({ apiBase: api.url });
      const { providerCallId } = await twilio.placeCall(request({ accountSid: 'AC1', authToken: 'tok' }));
      expect(providerCallId).toBe('CA42');
      const [r] = api.received;
      expect(r!.method).toBe('POST');
      expect(r!.url).toBe('/2010-04-01/Accounts/AC1/Calls.json');
      expect(r!.authorization).toBe(`Basic ${Buffer.from('AC1:tok').toString('base64')}`);
      expect(r!.form.get('To')).toBe('+14155550100');
      expect(r!.form.get('From')).toBe('+14155550199');
      expect(r!.form.get('StatusCallback')).toBe('https://dialwave.example/webhooks/twilio?call=c1&token=t');
      expect(r!.form.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
      expect(r!.form.get('StatusCallbackMethod')).toBe('POST');
      expect(r!.form.get('MachineDetection')).toBe('Enable');

      const url = 'https://dialwave.example/webhooks/twilio?call=c1&token=t';
      const body = {
        CallSid: 'CA42',
        CallStatus: 'completed',
        AnsweredBy: 'machine_end_beep',
        CallDuration: '17',
        SequenceNumber: '3',
      };
      const signed = raw(url, body, { 'x-twilio-signature': twilioSignature('tok', url, body) });
      expect(twilio.verifyWebhook(signed, { authToken: 'tok' })).toBe(true);
      expect(twilio.verifyWebhook({ ...signed, url: `${url}x` }, { authToken: 'tok' })).toBe(false);
      expect(twilio.parseWebhook(signed)).toMatchObject({
        providerCallId: 'CA42',
        status: 'VOICEMAIL',
        durationSeconds: 17,
      });
    } finally {
      await api.close();
    }
  });

  it('maps every Twilio status', () => {
    expect(
      ['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled'].map(
        (s) => mapTwilioStatus(s, undefined),
      ),
    ).toEqual([
      'INITIATED',
      'INITIATED',
      'RINGING',
      'IN_PROGRESS',
      'COMPLETED',
      'BUSY',
      'NO_ANSWER',
      'FAILED',
      'CANCELED',
    ]);
    expect(mapTwilioStatus('completed', 'human')).toBe('COMPLETED');
    expect(mapTwilioStatus('completed', 'machine_start')).toBe('VOICEMAIL');
  });

  it('classifies place-call failures: 4xx certain, 5xx ambiguous, no credentials certain', async () => {
    let status = 400;
    const api = await fakeApi(() => ({ status, json: { message: 'nope' } }));
    try {
      const twilio = createTwilioProvider({ apiBase: api.url });
      const e1 = await twilio.placeCall(request({ accountSid: 'AC1', authToken: 'tok' })).catch((e: unknown) => e);
      expect(e1).toBeInstanceOf(PlaceCallError);
      expect((e1 as PlaceCallError).ambiguous).toBe(false);
      status = 503;
      const e2 = await twilio.placeCall(request({ accountSid: 'AC1', authToken: 'tok' })).catch((e: unknown) => e);
      expect((e2 as PlaceCallError).ambiguous).toBe(true);
      const e3 = await twilio.placeCall(request({})).catch((e: unknown) => e);
      expect((e3 as PlaceCallError).ambiguous).toBe(false);
    } finally {
      await api.close();
    }
  });

  it('classifies an invalid number: a failed call with SIP 404, 410, 484 or 604, and not other failures', () => {
    const twilio = createTwilioProvider({ apiBase: 'http://127.0.0.1:9' });
    // A status callback of a call that ended as Twilio posts it (form fields, SipResponseCode with
    // the final status: https://www.twilio.com/docs/voice/api/call-resource#statuscallback).
    const ended = (fields: Record<string, string>) =>
      twilio.parseWebhook(
        raw('https://dialwave.example/webhooks/twilio?call=c1&token=t', {
          AccountSid: 'AC1',
          CallSid: 'CA42',
          CallbackSource: 'call-progress-events',
          Direction: 'outbound-api',
          SequenceNumber: '2',
          Timestamp: 'Mon, 07 Dec 2026 14:00:00 +0000',
          ...fields,
        }),
      );
    for (const code of ['404', '410', '484', '604'])
      expect(ended({ CallStatus: 'failed', SipResponseCode: code })).toMatchObject({
        status: 'FAILED',
        invalidNumber: true,
      });
    // Temporary, or the callee's choice: the retry rules decide.
    for (const code of ['408', '480', '486', '500', '503', '603'])
      expect(ended({ CallStatus: 'failed', SipResponseCode: code })?.invalidNumber).toBeUndefined();
    expect(ended({ CallStatus: 'failed' })?.invalidNumber).toBeUndefined();
    // Only a failed call: a busy one stays BUSY, whatever its code.
    expect(ended({ CallStatus: 'busy', SipResponseCode: '404' })).toMatchObject({ status: 'BUSY' });
    expect(ended({ CallStatus: 'busy', SipResponseCode: '404' })?.invalidNumber).toBeUndefined();
  });

  it('classifies a create-call refused for its To number (21211, 21217) as an invalid number', async () => {
    // Twilio's documented error body (https://www.twilio.com/docs/api/errors/21211).
    let answer: { status: number; json: unknown } = {
      status: 400,
      json: {
        code: 21211,
        message: "The 'To' number +15005550001 is not a valid phone number.",
        more_info: 'https://www.twilio.com/docs/errors/21211',
        status: 400,
      },
    };
    const api = await fakeApi(() => answer);
    const place = () =>
      createTwilioProvider({ apiBase: api.url })
        .placeCall(request({ accountSid: 'AC1', authToken: 'tok' }))
        .catch((e: unknown) => e as PlaceCallError);
    try {
      expect(await place()).toMatchObject({ ambiguous: false, invalidNumber: true });
      answer = { status: 400, json: { code: 21217, message: 'Phone number does not appear to be valid', status: 400 } };
      expect(await place()).toMatchObject({ ambiguous: false, invalidNumber: true });
      // Another refusal (a caller id not verified) says nothing of the contact's number.
      answer = { status: 400, json: { code: 21210, message: "'From' phone number not verified", status: 400 } };
      expect(await place()).toMatchObject({ ambiguous: false, invalidNumber: false });
      answer = { status: 503, json: { code: 21211 } };
      expect(await place()).toMatchObject({ ambiguous: true, invalidNumber: false });
    } finally {
      await api.close();
    }
  });
});

describe('Exotel', () => {
  it('never classifies a failed call as an invalid number: its StatusCallback documents no reason', () => {
    // The documented terminal callback (https://developer.exotel.com/api/statuscallback).
    const failed = createExotelProvider({ apiBase: 'http://127.0.0.1:9' }).parseWebhook(
      raw('https://dialwave.example/webhooks/exotel?call=c1&token=t', {
        CallSid: 'b6cfaf0f0a6a',
        Status: 'failed',
        EventType: 'terminal',
        DateUpdated: '2026-01-15 14:30:45',
        ConversationDuration: '0',
        Direction: 'outbound-api',
      }),
    );
    expect(failed).toMatchObject({ status: 'FAILED' });
    expect(failed?.invalidNumber).toBeUndefined();
  });

  it('hands an EXOTEL_FLOW call to the documented flow Url, with the variables in CustomField', async () => {
    const api = await fakeApi(() => ({ status: 200, json: { Call: { Sid: 'f10w', Status: 'in-progress' } } }));
    try {
      const exotel = createExotelProvider({ apiBase: api.url });
      await exotel.placeCall({
        ...request({ sid: 'acme1', apiKey: 'key', apiToken: 'secret' }),
        agent: { name: 'Flow', kind: 'EXOTEL_FLOW', externalId: '219487', url: null, variables: ['name'] },
        variables: { phoneNumber: '+14155550100', name: 'Ann' },
      });
      const [r] = api.received;
      expect(r!.url).toBe('/v1/Accounts/acme1/Calls/connect.json');
      expect(r!.form.get('From')).toBe('+14155550100');
      expect(r!.form.get('CallerId')).toBe('+14155550199');
      expect(r!.form.get('Url')).toBe('http://my.exotel.com/acme1/exoml/start_voice/219487');
      expect(r!.form.get('To')).toBeNull();
      // A flow records through its own applets: the flow API documents no Record.
      expect(r!.form.get('Record')).toBeNull();
      expect(JSON.parse(r!.form.get('CustomField')!)).toEqual({
        phoneNumber: '+14155550100',
        name: 'Ann',
        dialwaveCallId: 'c1',
      });
    } finally {
      await api.close();
    }
  });

  it('places a call with the connect API and parses its StatusCallback', async () => {
    const api = await fakeApi(() => ({ status: 200, json: { Call: { Sid: 'b6cfaf0f0a6a', Status: 'in-progress' } } }));
    try {
      const exotel = createExotelProvider({ apiBase: api.url });
      const { providerCallId } = await exotel.placeCall(request({ sid: 'acme1', apiKey: 'key', apiToken: 'secret' }));
      expect(providerCallId).toBe('b6cfaf0f0a6a');
      const [r] = api.received;
      expect(r!.url).toBe('/v1/Accounts/acme1/Calls/connect.json');
      expect(r!.authorization).toBe(`Basic ${Buffer.from('key:secret').toString('base64')}`);
      expect(r!.form.get('From')).toBe('+14155550100');
      expect(r!.form.get('CallerId')).toBe('+14155550199');
      expect(r!.form.get('StatusCallback')).toContain('token=t');
      expect(r!.form.get('StatusCallbackEvents[0]')).toBe('terminal');
      expect(r!.form.get('StatusCallbackContentType')).toBe('application/json');
      expect(r!.form.get('Record')).toBe('true');
      await createExotelProvider({ apiBase: api.url, record: false }).placeCall(
        request({ sid: 'acme1', apiKey: 'key', apiToken: 'secret' }),
      );
      expect(api.received[1]!.form.get('Record')).toBeNull();

      const hook = raw('https://dialwave.example/webhooks/exotel?call=c1&token=t', {
        CallSid: 'b6cfaf0f0a6a',
        Status: 'no-answer',
        EventType: 'terminal',
        ConversationDuration: '0',
        DateUpdated: '2026-01-15 14:30:45',
      });
      expect(exotel.parseWebhook(hook)).toMatchObject({
        providerCallId: 'b6cfaf0f0a6a',
        status: 'NO_ANSWER',
        durationSeconds: 0,
        // DateUpdated has no zone: India time unless the options say otherwise (IST is UTC+5:30).
        eventAt: new Date('2026-01-15T09:00:45Z'),
      });
      const answered = raw('x', {
        CallSid: 'b',
        Status: 'in-progress',
        EventType: 'answered',
        DateUpdated: '2026-01-15 14:30:45',
      });
      expect(createExotelProvider({ apiBase: api.url, timeZone: 'UTC' }).parseWebhook(answered)).toMatchObject({
        status: 'IN_PROGRESS',
        answeredAt: new Date('2026-01-15T14:30:45Z'),
        eventAt: new Date('2026-01-15T14:30:45Z'),
      });
      expect(exotelEventTime('15/01/2026 14:30', 'Asia/Kolkata')).toBeUndefined();
      expect(exotelEventTime(undefined, 'Asia/Kolkata')).toBeUndefined();
      expect(exotel.parseWebhook(raw('x', { CallSid: 'b', Status: 'completed', EventType: 'answered' }))?.status).toBe(
        'IN_PROGRESS',
      );
      expect(exotel.parseWebhook(raw('x', { CallSid: 'b', Status: 'completed', EventType: 'terminal' }))?.status).toBe(
        'COMPLETED',
      );
    } finally {
      await api.close();
    }
  });
});

describe('Exotel StatusCallback', () => {
  // The documented default payload (https://developer.exotel.com/docs/references/webhooks,
  // "Default Payload"), as JSON (StatusCallbackContentType) and as a form.
  const documented = {
    CallSid: '80bfbec2d78bbbf10fb851f4fa165211',
    DateUpdated: '2024-01-15 14:30:45',
    Status: 'completed',
    RecordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3',
  };
  const exotel = createExotelProvider({ apiBase: 'http://127.0.0.1:9' });

  it('brings the RecordingUrl back as the conversation, as every platform report does', () => {
    const json: RawWebhook = { ...raw('x', documented), body: { ...documented, ConversationDuration: 320 } };
    expect(exotel.parseWebhook(json)).toMatchObject({
      providerCallId: '80bfbec2d78bbbf10fb851f4fa165211',
      status: 'COMPLETED',
      durationSeconds: 320,
      conversation: { recordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3' },
    });
    expect(exotel.parseWebhook(raw('x', documented))?.conversation).toEqual({
      recordingUrl: 'https://s3-ap-southeast-1.amazonaws.com/recordings/abc123.mp3',
    });
  });

  it('brings no conversation when Exotel has no recording (null, empty or absent)', () => {
    for (const RecordingUrl of [null, '', 'null', undefined]) {
      const body: Record<string, unknown> = { ...documented, RecordingUrl };
      const update = exotel.parseWebhook({ ...raw('x', {}), body });
      expect(update?.status).toBe('COMPLETED');
      expect(update?.conversation).toBeUndefined();
    }
  });
});
