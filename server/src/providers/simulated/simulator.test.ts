import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { logger } from '../../logger';
import { createSimulatedProvider } from './simulated.provider';
import { drawOutcome, Simulator, WEBHOOK_DELIVERIES_IN_FLIGHT } from './simulator';
import type { SimulatorPlaceBody } from './simulator';
import { testPlaceBody } from './test-place-body';

/** A stand-in for the API's webhook route: answers each delivery with the next status of `answers`. */
async function webhookReceiver(answers: (attempt: number) => number) {
  const received: { status: string; at: number }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ status: (JSON.parse(body) as { CallStatus: string }).CallStatus, at: Date.now() });
      res.statusCode = answers(received.length);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/simulated`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const body = (statusCallback: string): SimulatorPlaceBody => testPlaceBody(statusCallback, 10);

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('simulator webhook delivery', () => {
  let sim: Simulator;
  beforeEach(() => {
    sim = new Simulator({ secret: Buffer.from('test-secret') });
    sim.statusEvents = 'final';
    sim.webhookRetry = { retries: 3, baseDelayMs: 50, timeoutMs: 2_000 };
  });
  afterEach(() => sim.close());

  it('retries a failed delivery with growing delays until it is taken', async () => {
    const api = await webhookReceiver((attempt) => (attempt <= 2 ? 503 : 200));
    try {
      sim.place(body(api.url));
      await until(() => api.received.length === 3);
      const gaps = api.received.slice(1).map((r, i) => r.at - api.received[i]!.at);
      expect(gaps[0]).toBeGreaterThanOrEqual(45);
      expect(gaps[1]).toBeGreaterThanOrEqual(95);
      // Taken at the third attempt: nothing more is sent.
      await new Promise((r) => setTimeout(r, 300));
      expect(api.received.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    } finally {
      await api.close();
    }
  });

  it('gives up after its retries and says so at warn level', async () => {
    const warn = jest.spyOn(logger, 'warn');
    const api = await webhookReceiver(() => 500);
    try {
      sim.place(body(api.url));
      await until(() => warn.mock.calls.some((c) => c[1] === 'simulator webhook not delivered; giving up'));
      expect(api.received).toHaveLength(4);
    } finally {
      await api.close();
    }
  });

  it('does not retry a delivery the API refused (403, 404)', async () => {
    const api = await webhookReceiver(() => 403);
    try {
      sim.place(body(api.url));
      await until(() => api.received.length === 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(api.received).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('has at most WEBHOOK_DELIVERIES_IN_FLIGHT deliveries in flight, and sends the rest in turn', async () => {
    let inFlight = 0;
    let most = 0;
    const gates: (() => void)[] = [];
    sim.deliver = async () => {
      most = Math.max(most, ++inFlight);
      await new Promise<void>((resolve) => gates.push(resolve));
      inFlight -= 1;
    };
    const calls = WEBHOOK_DELIVERIES_IN_FLIGHT * 2 + 5;
    for (let i = 0; i < calls; i++) {
      const b = body('http://127.0.0.1:1/webhooks/simulated');
      sim.place({ ...b, metadata: { ...b.metadata, callId: `c${i}`, callbackToken: `tok${i}` } });
    }
    // Every call has ended at the provider; only the bound's worth of final webhooks are out.
    await until(() => gates.length === WEBHOOK_DELIVERIES_IN_FLIGHT);
    await new Promise((r) => setTimeout(r, 50));
    expect(gates).toHaveLength(WEBHOOK_DELIVERIES_IN_FLIGHT);
    // As each is answered, the next goes, until all have been sent.
    let answered = 0;
    while (answered < calls) {
      await until(() => gates.length > answered);
      gates[answered++]!();
    }
    expect(most).toBe(WEBHOOK_DELIVERIES_IN_FLIGHT);
    expect(gates).toHaveLength(calls);
  });

  it('stops pending retries when closed', async () => {
    const api = await webhookReceiver(() => 503);
    try {
      sim.webhookRetry = { retries: 3, baseDelayMs: 200, timeoutMs: 2_000 };
      sim.place(body(api.url));
      await until(() => api.received.length === 1);
      sim.close();
      await new Promise((r) => setTimeout(r, 400));
      expect(api.received).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('answers place-call requests without express, and leaves every other request to it', async () => {
    const api = await webhookReceiver(() => 200);
    // Only the listener, and a stand-in for express behind it.
    const listener = sim.placeCallListener();
    const server = createServer((req, res) => {
      if (!listener(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (path: string, payload: unknown, key = sim.apiKey) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(payload),
      });
    try {
      const placed = await post('/simulator/calls', body(api.url));
      expect(placed.status).toBe(201);
      expect(await placed.json()).toEqual({ sid: expect.stringMatching(/^SIM/), status: 'queued' });
      await until(() => api.received.length === 1);
      expect(api.received[0]!.status).toBe('completed');
      expect((await post('/SIMULATOR/calls/', body(api.url))).status).toBe(201);
      expect((await post('/simulator/calls', body(api.url), 'wrong')).status).toBe(401);
      const incomplete = await post('/simulator/calls', { to: '+14155550100' });
      expect(incomplete.status).toBe(400);
      expect(await incomplete.json()).toEqual({ message: 'to, from, statusCallback and metadata are required' });
      // Not a place-call: on to express.
      expect((await fetch(`${base}/simulator/calls?token=tok`)).status).toBe(418);
      expect((await post('/simulator/ledger', {})).status).toBe(418);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await api.close();
    }
  });
});

describe('simulated invalid numbers', () => {
  it('gives each rate its share of a draw: fail, invalid number, busy, no answer, voicemail, then answered', () => {
    const s = { ...body('x').simulation, failRate: 0.1, invalidRate: 0.2, busyRate: 0.1 };
    expect(drawOutcome(s, 0.05)).toEqual({ outcome: 'FAILED', invalidNumber: false });
    expect(drawOutcome(s, 0.1)).toEqual({ outcome: 'FAILED', invalidNumber: true });
    expect(drawOutcome(s, 0.29)).toEqual({ outcome: 'FAILED', invalidNumber: true });
    expect(drawOutcome(s, 0.35)).toEqual({ outcome: 'BUSY', invalidNumber: false });
    expect(drawOutcome(s, 0.45)).toEqual({ outcome: 'COMPLETED', invalidNumber: false });
    // Without invalidRate (phones stored before it existed) the draws fall as before.
    expect(drawOutcome(body('x').simulation, 0)).toEqual({ outcome: 'COMPLETED', invalidNumber: false });
  });

  it('fails the call with SIP 404 on its final webhook and look-up, which the provider reads as an invalid number', async () => {
    const secret = Buffer.from('test-secret');
    const sim = new Simulator({ secret });
    const sent: Record<string, unknown>[] = [];
    sim.deliver = async (_url, _headers, json) => {
      sent.push(JSON.parse(json) as Record<string, unknown>);
    };
    try {
      const answer = sim.place({
        ...body('http://127.0.0.1:9/webhooks/simulated'),
        simulation: { ...body('x').simulation, invalidRate: 1 },
      });
      expect(answer).toMatchObject({ status: 201 });
      await until(() => sent.some((b) => b['CallStatus'] === 'failed'));
      const final = sent.find((b) => b['CallStatus'] === 'failed')!;
      expect(final).toMatchObject({ SipResponseCode: 404, EndedReason: 'twilio-reported-customer-misdialed' });
      expect(sim.ledger[0]).toMatchObject({ outcome: 'FAILED', invalidNumber: true });

      const provider = createSimulatedProvider({ secret, baseUrl: () => 'http://127.0.0.1:9', direct: sim });
      const raw = { method: 'POST', url: 'x', headers: {}, body: final, rawBody: Buffer.from(JSON.stringify(final)) };
      expect(provider.parseWebhook(raw)).toMatchObject({ status: 'FAILED', invalidNumber: true });
      const sid = sim.ledger[0]!.providerCallId;
      expect(sim.lookup({ sid })).toMatchObject({ status: 'failed', sipResponseCode: 404 });
      const found = await provider.lookupCall!({ providerCallId: sid, callId: 'c1', callbackToken: 'tok' }, {});
      expect(found).toMatchObject({ status: 'FAILED', invalidNumber: true });
      // An ordinary failure carries no code.
      const plain = { ...final, SipResponseCode: undefined };
      expect(provider.parseWebhook({ ...raw, body: plain })?.invalidNumber).toBeUndefined();
    } finally {
      sim.close();
    }
  });
});

describe('simulator ledger', () => {
  it('keeps the last ledgerLimit calls: older ones are forgotten by look-ups, newer ones found by sid and token', () => {
    const sim = new Simulator({ secret: Buffer.from('test-secret'), ledgerLimit: 10 });
    // Nothing is delivered: the calls last an hour and the simulator is closed before any ends.
    sim.deliver = () => Promise.resolve();
    const long = {
      ...body('http://127.0.0.1:9/webhooks/simulated').simulation,
      minDurationMs: 3_600_000,
      maxDurationMs: 3_600_000,
    };
    const placed: { sid: string; token: string }[] = [];
    try {
      for (let i = 0; i < 25; i++) {
        const token = `tok-${i}`;
        const answer = sim.place({
          ...body('http://127.0.0.1:9/webhooks/simulated'),
          simulation: long,
          metadata: { callId: `c${i}`, campaignId: 'k1', contactId: `p${i}`, attempt: 1, callbackToken: token },
        });
        if (answer === 'hang') throw new Error('no hang was asked for');
        placed.push({ sid: (answer.json as { sid: string }).sid, token });
        // Never more than the limit and its tenth of slack.
        expect(sim.ledger.length).toBeLessThanOrEqual(11);
      }
      // The newest calls, in order.
      const kept = sim.ledger.map((e) => e.callId);
      expect(kept.length).toBeGreaterThanOrEqual(10);
      expect(kept).toEqual(Array.from({ length: kept.length }, (_, k) => `c${25 - kept.length + k}`));
      const oldest = placed[0]!;
      expect(sim.lookup({ sid: oldest.sid })).toBeNull();
      expect(sim.lookup({ token: oldest.token })).toBeNull();
      const newest = placed.at(-1)!;
      expect(sim.lookup({ sid: newest.sid })).toEqual({ sid: newest.sid, status: 'in-progress' });
      expect(sim.lookup({ token: newest.token })).toEqual({ sid: newest.sid, status: 'in-progress' });
    } finally {
      sim.close();
    }
  });

  it('refuses a limit that is not a positive integer', () => {
    expect(() => new Simulator({ secret: Buffer.from('s'), ledgerLimit: 0 })).toThrow(
      'ledgerLimit must be a positive integer, got 0',
    );
  });
});
