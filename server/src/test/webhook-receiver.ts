/* eslint-disable @typescript-eslint/no-explicit-any -- webhook bodies: their shape is checked by the tests' assertions */
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** One request a receiver got. */
export interface ReceivedWebhook {
  id: string;
  headers: Record<string, string>;
  body: string;
  json: any;
  /** Whether the standardwebhooks verifier accepted it with the endpoint's secret. */
  verified: boolean;
}

/**
 * A customer's webhook receiver on a free loopback port: verifies every request with the
 * `standardwebhooks` package's own verifier (the receiving side of the specification) and
 * answers per `respond` (a status, or 'hang': never answers). Tests wait on `until`, not sleeps.
 */
export class WebhookReceiver {
  readonly server: Server;
  readonly received: ReceivedWebhook[] = [];
  /** The endpoint's `whsec_` secret, set once the endpoint is created. */
  secret = '';
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(private readonly respond: (req: IncomingMessage, count: number) => number | 'hang' = () => 200) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** Listens; returns the endpoint URL. */
  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hooks`;
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = req.headers as Record<string, string>;
      let verified: boolean;
      try {
        new Webhook(this.secret).verify(body, headers);
        verified = true;
      } catch {
        verified = false;
      }
      this.received.push({ id: headers['webhook-id']!, headers, body, json: JSON.parse(body), verified });
      for (const w of [...this.waiters]) {
        if (!w.check()) continue;
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
      const answer = this.respond(req, this.received.length);
      if (answer === 'hang') return; // never answers
      res.statusCode = answer;
      res.end();
    });
  }

  /** Resolves once `check` holds after a request (or at once). */
  until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`receiver: condition not met; got ${this.received.map((r) => r.json.type).join(',')}`)),
        timeoutMs,
      );
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  ofType(type: string): ReceivedWebhook[] {
    return this.received.filter((r) => r.json.type === type);
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }
}
