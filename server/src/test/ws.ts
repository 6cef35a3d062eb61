import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import type { Client, FormattedExecutionResult } from 'graphql-ws';

export type ExecutionResult<T> = FormattedExecutionResult<T, unknown>;

/** Waits for a condition, polling; tests wait on events, this is only for "eventually" checks. */
export async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface Sub<T> {
  results: ExecutionResult<T>[];
  /** When each result arrived (Date.now()), index for index. */
  receivedAt: number[];
  next(): Promise<ExecutionResult<T>>;
  closed: Promise<{ code: number; reason: string }>;
  client: Client;
  dispose(): Promise<void>;
}

/** Subscribes with graphql-ws (protocol graphql-transport-ws) and collects every message. */
export function subscribe<T>(
  baseUrl: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Sub<T> {
  let resolveClosed!: (v: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((r) => (resolveClosed = r));
  const client = createClient({
    url: baseUrl.replace('http', 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    retryAttempts: 0,
    lazy: false,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    on: {
      closed: (e) =>
        resolveClosed({
          code: (e as { code: number; reason: string }).code,
          reason: String((e as { code: number; reason: string }).reason),
        }),
    },
    onNonLazyError: () => undefined,
  });
  const results: ExecutionResult<T>[] = [];
  const receivedAt: number[] = [];
  const waiters: ((r: ExecutionResult<T>) => void)[] = [];
  let seen = 0;
  client.subscribe<T>(
    { query, variables },
    {
      next: (value) => {
        results.push(value);
        receivedAt.push(Date.now());
        waiters.shift()?.(value);
      },
      error: (error) => {
        const value = {
          errors: Array.isArray(error) ? error : [{ message: String((error as Error).message ?? error) }],
        } as ExecutionResult<T>;
        results.push(value);
        receivedAt.push(Date.now());
        waiters.shift()?.(value);
      },
      complete: () => undefined,
    },
  );
  return {
    results,
    receivedAt,
    closed,
    client,
    next: () => {
      const index = seen++;
      if (results[index]) return Promise.resolve(results[index]);
      return new Promise((resolve) => waiters.push(resolve));
    },
    dispose: () => client.dispose() as Promise<void>,
  };
}
