import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CallModel } from '../calls/call.model';
import { ContactModel } from '../contacts/contact.model';
import { signSimulatorWebhook } from '../providers/simulated/simulator';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from './dispatch.service';
import { webhookListener } from './webhook.route';
import { createFixture, waitFor } from './test-fixtures';

/** `dialwave_webhooks_total` as /metrics serves it, by "provider/result". */
async function webhookCounts(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^dialwave_webhooks_total\{provider="([^"]+)",result="([^"]+)"\} (\d+)$/gm)) {
    counts.set(`${m[1]}/${m[2]}`, Number(m[3]));
  }
  return counts;
}

describe('webhook route: a counter per provider and result', () => {
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;

  beforeAll(async () => {
    stack = await startTestStack({ MAX_CALL_DURATION_SECONDS: '5' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('counts applied, stale, forbidden and unknown callbacks in /metrics', async () => {
    const before = await webhookCounts(stack.url);
    const delta = async (key: string) => ((await webhookCounts(stack.url)).get(key) ?? 0) - (before.get(key) ?? 0);

    // Only the final status: a 200 ms call's ringing/in-progress callbacks can land after its
    // final one and count as stale themselves, which would hide whether ours was counted.
    dispatcher().simulator.statusEvents = 'final';
    const f = await createFixture({ contacts: 1, simulation: { minDurationMs: 200, maxDurationMs: 200 } });
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
    await waitFor(
      'call ended',
      async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
    );
    // The simulator's own signed callbacks moved the call.
    expect(await delta('simulated/applied')).toBeGreaterThanOrEqual(1);

    const query = (id: string, token: string) => `?call=${id}&token=${encodeURIComponent(token)}`;
    const post = (provider: string, q: string, payload: Record<string, unknown>) => {
      const text = JSON.stringify(payload);
      return fetch(`${stack.url}/webhooks/${provider}${q}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-simulator-signature': signSimulatorWebhook(dispatcher().simulator.signingKey, text),
        },
        body: text,
      });
    };
    const providerCallId = (await CallModel.findById(call._id).lean())!.providerCallId;
    const late = { CallSid: providerCallId, CallStatus: 'ringing', Timestamp: Date.now(), SequenceNumber: 0 };
    expect((await post('simulated', query(String(call._id), call.callbackToken), late)).status).toBe(200);
    expect(await delta('simulated/stale')).toBe(1);

    expect((await post('simulated', query(String(call._id), 'wrong'), late)).status).toBe(403);
    expect(await delta('simulated/forbidden')).toBe(1);

    const nobody = '0123456789abcdef01234567';
    expect((await post('simulated', query(nobody, 'x'), late)).status).toBe(404);
    expect(await delta('simulated/unknown')).toBe(1);

    // A provider we do not serve: counted, under one label whatever the path says.
    expect((await post('nope-1', query(nobody, 'x'), late)).status).toBe(404);
    expect((await post('nope-2', query(nobody, 'x'), late)).status).toBe(404);
    expect(await delta('other/unknown')).toBe(2);
  });

  it('answers webhooks without express, as express did, and leaves every other request to it', async () => {
    // Only the listener, and a stand-in for express behind it.
    const listener = webhookListener(stack.app.services);
    const server = createServer((req, res) => {
      if (!listener(req, res)) res.writeHead(418).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const nobody = '0123456789abcdef01234567';
      const body = JSON.stringify({ CallSid: 'SIM1', CallStatus: 'ringing', Timestamp: Date.now(), SequenceNumber: 0 });
      const post = (path: string, text = body, headers: Record<string, string> = {}) =>
        fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: text,
        });
      // Express matched routes in any case and with a trailing slash.
      for (const path of [
        `/webhooks/simulated?call=${nobody}&token=x`,
        `/WEBHOOKS/Simulated/?call=${nobody}&token=x`,
      ]) {
        const res = await post(path, body, { 'x-request-id': 'req-7' });
        expect(res.status).toBe(404);
        expect(res.headers.get('x-request-id')).toBe('req-7');
        expect(await res.json()).toEqual({ error: 'unknown call' });
      }
      // A body the parser refuses: the app's error answer.
      const bad = await post(`/webhooks/simulated?call=${nobody}&token=x`, '{not json');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');
      // Not a webhook: on to express.
      expect((await fetch(`${base}/webhooks/simulated`)).status).toBe(418);
      expect((await post('/webhooks/simulated/more')).status).toBe(418);
      expect((await post('/graphql')).status).toBe(418);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
