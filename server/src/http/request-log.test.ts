import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import { noteOrganization, requestLogger } from './request-log';

/** A real express app on a free port, logging through requestLogger into an array. */
async function startApp(level = 'info') {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const text of chunk.toString().split('\n'))
        if (text) lines.push(JSON.parse(text) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use(requestLogger(pino({ level }, stream)));
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/metrics', (_req, res) => {
    res.send('x 1');
  });
  app.post('/webhooks/:provider', (req, res) => {
    if (req.query['token'] === 'good') res.json({ ok: true });
    else res.status(403).json({ error: 'forbidden' });
  });
  app.post('/simulator/calls', (req, res) => {
    if (req.query['fail'] === '1') res.status(503).json({ message: 'simulator stopped' });
    else res.status(201).json({ sid: 'SIM1' });
  });
  app.use('/graphql', (_req, res) => {
    noteOrganization(res, 'org-1');
    res.json({ data: {} });
  });
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, lines, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('request log', () => {
  it('logs method, route, status, duration and organization; never probes, scrapes, queries or headers', async () => {
    const app = await startApp();
    try {
      await fetch(`${app.url}/healthz`);
      await fetch(`${app.url}/readyz`);
      await fetch(`${app.url}/metrics`);
      const hook = await fetch(`${app.url}/webhooks/twilio?call=c1&token=secret-token`, {
        method: 'POST',
        headers: { 'x-request-id': 'req-42' },
      });
      expect(hook.headers.get('x-request-id')).toBe('req-42');
      await fetch(`${app.url}/graphql`, { method: 'POST', headers: { authorization: 'Bearer secret-jwt' } });
      await fetch(`${app.url}/boom`);
      // Lines are written when each response ends; the last one may trail its response.
      for (let i = 0; i < 100 && app.lines.length < 3; i++) await new Promise((r) => setTimeout(r, 10));

      const [hookLine, graphqlLine, boomLine, ...rest] = app.lines;
      expect(rest).toEqual([]);
      expect(hookLine).toMatchObject({
        level: 40,
        msg: 'request completed',
        requestId: 'req-42',
        method: 'POST',
        route: '/webhooks/:provider',
        status: 403,
      });
      expect(typeof hookLine!['durationMs']).toBe('number');
      expect(graphqlLine).toMatchObject({
        level: 30,
        method: 'POST',
        route: '/graphql',
        status: 200,
        organizationId: 'org-1',
      });
      expect(boomLine).toMatchObject({ level: 50, route: '/boom', status: 500 });
      const all = JSON.stringify(app.lines);
      expect(all).not.toMatch(/secret-token|secret-jwt|authorization|healthz|readyz|metrics/);
    } finally {
      await app.stop();
    }
  });

  it("logs webhooks' and the simulator's successes at debug only, their failures at warn and error", async () => {
    const app = await startApp('info');
    try {
      await fetch(`${app.url}/webhooks/simulated?call=c1&token=good`, { method: 'POST' });
      await fetch(`${app.url}/simulator/calls`, { method: 'POST' });
      await fetch(`${app.url}/webhooks/simulated?call=c1&token=bad`, { method: 'POST' });
      const failed = await fetch(`${app.url}/simulator/calls?fail=1`, {
        method: 'POST',
        headers: { 'x-request-id': 'r-9' },
      });
      expect(failed.headers.get('x-request-id')).toBe('r-9');
      for (let i = 0; i < 100 && app.lines.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 50));
      expect(app.lines).toEqual([
        expect.objectContaining({ level: 40, msg: 'request completed', route: '/webhooks/:provider', status: 403 }),
        expect.objectContaining({
          level: 50,
          msg: 'request failed',
          requestId: 'r-9',
          route: '/simulator/calls',
          status: 503,
        }),
      ]);
      expect(JSON.stringify(app.lines)).not.toMatch(/token=|good|bad/);
    } finally {
      await app.stop();
    }
    // At debug, the successes are there with the same fields.
    const verbose = await startApp('debug');
    try {
      await fetch(`${verbose.url}/webhooks/simulated?call=c1&token=good`, { method: 'POST' });
      for (let i = 0; i < 100 && verbose.lines.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      expect(verbose.lines).toEqual([
        expect.objectContaining({
          level: 20,
          msg: 'request completed',
          method: 'POST',
          route: '/webhooks/:provider',
          status: 200,
        }),
      ]);
      expect(typeof verbose.lines[0]!['requestId']).toBe('string');
      expect(typeof verbose.lines[0]!['durationMs']).toBe('number');
    } finally {
      await verbose.stop();
    }
  });
});
