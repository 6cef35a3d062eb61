import { request } from 'undici';

/**
 * The HTTP client of provider calls (place-call, look-ups) and of the simulator's webhooks.
 *
 * undici's `request` rather than the global `fetch`: fetch wraps the same undici in WHATWG
 * streams, Headers and Response objects, and measured on this VM it costs 740–840 µs of CPU per
 * small JSON POST against 150–200 µs for `request` (same keep-alive pool, same server). A call
 * on the real path makes four such requests (place-call, then ringing, in-progress and final
 * webhooks), so fetch alone was a fifth of the CPU a call cost (`BENCH_DISPATCH_ONLY=http npm
 * run bench -- dispatch`, docs/ARCHITECTURE.md "Measured").
 */

/** An answer whose body has been read whole (provider answers are small JSON or text). */
export interface HttpAnswer {
  status: number;
  /** 2xx. */
  ok: boolean;
  text(): string;
  /** The body parsed as JSON; throws a SyntaxError on a body that is not JSON. */
  json(): unknown;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}

/**
 * One request with a deadline over connecting, the answer and its body. A timeout rejects with
 * an error named `TimeoutError`; a failure to connect carries the socket's `code`
 * (`ECONNREFUSED`, …) on the error itself (fetch put it on `cause`).
 */
export async function httpRequest(url: string, init: HttpRequest, timeoutMs: number): Promise<HttpAnswer> {
  const { statusCode, body } = await request(url, {
    method: init.method ?? 'GET',
    ...(init.headers ? { headers: init.headers } : {}),
    ...(init.body !== undefined ? { body: init.body } : {}),
    signal: AbortSignal.timeout(timeoutMs),
  });
  // The body is always read: undici keeps the connection busy until it is.
  const text = await body.text();
  return {
    status: statusCode,
    ok: statusCode >= 200 && statusCode < 300,
    text: () => text,
    json: () => JSON.parse(text) as unknown,
  };
}
