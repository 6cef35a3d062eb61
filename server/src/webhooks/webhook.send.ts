import http from 'node:http';
import https from 'node:https';
import { Webhook } from 'standardwebhooks';
import { guardedLookup } from './webhook.url';

export interface SendResult {
  /** HTTP status, or null when the receiver did not answer. */
  status: number | null;
  /** 2xx only: Standard Webhooks counts every other status, redirects included, as a failure. */
  delivered: boolean;
  error: string | null;
  durationMs: number;
}

/**
 * Sends one signed attempt. Headers per the Standard Webhooks specification
 * (https://github.com/standard-webhooks/standard-webhooks/blob/main/spec/standard-webhooks.md):
 * `webhook-id` (the same on every attempt), `webhook-timestamp` (seconds), and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` made by the
 * `standardwebhooks` package with the endpoint's `whsec_` secret.
 * node:http rather than fetch: its `lookup` hook lets us check the address actually dialled.
 */
export function sendWebhook(options: {
  url: string;
  secret: string;
  messageId: string;
  body: string;
  timeoutMs: number;
  allowLoopback: boolean;
  now?: Date;
}): Promise<SendResult> {
  const { url, secret, messageId, body, timeoutMs, allowLoopback } = options;
  const now = options.now ?? new Date();
  const signature = new Webhook(secret).sign(messageId, now, body);
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const started = Date.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (status: number | null, error: string | null) => {
      if (settled) return;
      settled = true;
      resolve({
        status,
        delivered: status !== null && status >= 200 && status < 300,
        error,
        durationMs: Date.now() - started,
      });
    };
    const request = client.request(
      target,
      {
        method: 'POST',
        lookup: guardedLookup(allowLoopback) as never,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Dialwave-Webhooks/1',
          'webhook-id': messageId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signature,
        },
        timeout: timeoutMs,
      },
      (response) => {
        // The status decides; the body is drained (unread) so the socket is freed.
        finish(response.statusCode ?? null, null);
        response.resume();
      },
    );
    // `timeout` is idle time on the socket; the whole attempt is bounded too.
    const deadline = setTimeout(() => request.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    deadline.unref();
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => finish(null, error.message));
    request.on('close', () => {
      clearTimeout(deadline);
      finish(null, 'connection closed before an answer');
    });
    request.end(body);
  });
}
