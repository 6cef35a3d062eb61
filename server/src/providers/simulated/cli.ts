/**
 * `node dist/providers/simulated/cli.js [--port 0] [--host 127.0.0.1] [--ledger-limit 100000] < secret`: the built-in
 * simulated provider alone in its own process, its API at `/simulator` as on an API process.
 * A deployment's real provider runs elsewhere; benches run the simulator this way so that an
 * API process's CPU figure is the API's own, not the provider's too (`npm start` and ROLE=api
 * still mount it in-process). The deployment's JWT secret, from which the simulator's keys
 * derive, is read from stdin (one line), so that it shows in no process list. Prints one line
 * with its URL so scripts can wait for it; stops on SIGINT/SIGTERM.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { logger } from '../../logger';
import { Simulator } from './simulator';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function readSecret(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  const secret = text.split('\n')[0]?.trim() ?? '';
  if (!secret) throw new Error('the simulator needs the deployment JWT secret on stdin (one line)');
  return secret;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, '--port') ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be an integer between 0 and 65535, got ${argValue(args, '--port')}`);
  const host = argValue(args, '--host') ?? '127.0.0.1';
  // As config.ts reads JWT_SECRET: its UTF-8 bytes are the secret.
  const limitArg = argValue(args, '--ledger-limit');
  const ledgerLimit = limitArg === undefined ? undefined : Number(limitArg);
  if (ledgerLimit !== undefined && !(Number.isInteger(ledgerLimit) && ledgerLimit > 0))
    throw new Error(`--ledger-limit must be a positive integer, got ${limitArg}`);
  const simulator = new Simulator({ secret: new TextEncoder().encode(await readSecret()), ledgerLimit });
  const app = express();
  app.disable('x-powered-by');
  app.use('/simulator', simulator.router());
  // Place-call requests (one per call) are answered before express (Simulator.placeCallListener).
  const placeCalls = simulator.placeCallListener();
  const server = createServer((req, res) => {
    if (!placeCalls(req, res)) app(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  process.stdout.write(`simulator listening on http://${host}:${(server.address() as AddressInfo).port}\n`);
  const shutdown = (signal: string): void => {
    logger.info({ signal }, 'simulator: stopping');
    simulator.close();
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  logger.error({ err }, 'simulator: failed to start');
  process.exitCode = 1;
});
