/**
 * The simulated provider in its own process (`cli.ts`, as the benches run it): it takes the
 * deployment's secret on stdin, answers only requests with the key derived from it, signs its
 * webhooks with the signing key derived from it, and stops cleanly on SIGTERM. Without a secret
 * it refuses to start.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ensureServerBuilt } from '../../test/processes';
import { SIMULATOR_SIGNATURE_HEADER, simulatorKeys, verifySimulatorSignature } from './simulator';
import { testPlaceBody } from './test-place-body';

const CLI = path.resolve(__dirname, '../../../dist/providers/simulated/cli.js');
const SECRET = 'cli-test-secret-of-at-least-32-characters';

function startCli(stdin: string): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI], {
    env: { PATH: process.env['PATH'] ?? '', LOG_LEVEL: 'error' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stdin?.end(stdin);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function until<T>(read: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(() => {
  ensureServerBuilt();
}, 120_000);

it('serves place-calls with the key derived from the secret and signs its webhooks with it', async () => {
  const keys = simulatorKeys(new TextEncoder().encode(SECRET));
  const received: { body: Buffer; signature: string | undefined }[] = [];
  const api = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks), signature: req.headers[SIMULATOR_SIGNATURE_HEADER] as string });
      res.end();
    });
  });
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  const cli = startCli(`${SECRET}\n`);
  try {
    const url = await until(() => /simulator listening on (http:\/\/\S+)/.exec(cli.output())?.[1]);
    const place = (key: string) =>
      fetch(`${url}/simulator/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify(
          testPlaceBody(`http://127.0.0.1:${(api.address() as AddressInfo).port}/webhooks/simulated`, 0),
        ),
      });

    expect((await place(simulatorKeys(new TextEncoder().encode('another secret')).api)).status).toBe(401);
    const answer = await place(keys.api);
    expect(answer.status).toBe(201);
    const { sid } = (await answer.json()) as { sid: string };

    // Ringing, in progress, completed: each signed with the key the API derives from the same secret.
    await until(() => (received.length >= 3 ? true : undefined));
    const statuses = received.map((r) => JSON.parse(r.body.toString()) as { CallSid: string; CallStatus: string });
    expect(statuses.map((s) => s.CallSid)).toEqual([sid, sid, sid]);
    expect(statuses.map((s) => s.CallStatus).sort()).toEqual(['completed', 'in-progress', 'ringing']);
    for (const r of received) expect(verifySimulatorSignature(keys.signing, r.signature, r.body)).toBe(true);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  } finally {
    cli.child.kill('SIGKILL');
    await new Promise<void>((resolve) => api.close(() => resolve()));
  }
}, 60_000);

it('refuses to start without a secret on stdin', async () => {
  const cli = startCli('');
  expect(await cli.exited).toBe(1);
  expect(cli.output()).toMatch(/needs the deployment JWT secret on stdin/);
}, 30_000);
