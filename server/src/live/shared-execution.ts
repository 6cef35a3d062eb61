import { createSourceEventStream, execute } from 'graphql';
import type { ExecutionArgs, ExecutionResult } from 'graphql';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql-js executes a subscription's selection set once per subscriber per event. Our hub
 * hands the *same* payload object to every subscriber of a campaign, so the result of one
 * (payload, operation, variables) is shared: a thousand dashboards with the same query cost
 * one execution per snapshot, not a thousand. Sharing is sound because subscribers were
 * authorized when they subscribed and no field of these payloads depends on who asks.
 * Results are held in a WeakMap keyed by the payload, so they go when the snapshot does.
 */
const results = new WeakMap<object, Map<string, Result>>();

function operationKey(args: ExecutionArgs): string {
  return `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}`;
}

/** A replacement for graphql-js's `subscribe` that shares execution results between subscribers. */
export async function subscribeShared(
  args: ExecutionArgs,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!(Symbol.asyncIterator in source)) return source as ExecutionResult;
  const iterator = (source as AsyncIterable<unknown>)[Symbol.asyncIterator]();
  // The document object is shared by every subscriber with the same query text only when
  // graphql-ws's parse is cached; key by the printed operation too, to be safe.
  const key = `${operationKey(args)}\u0000${args.document.loc?.source.body ?? ''}`;
  const run = (payload: unknown): Result => {
    if (typeof payload !== 'object' || payload === null) return execute({ ...args, rootValue: payload });
    let byOperation = results.get(payload);
    if (!byOperation) results.set(payload, (byOperation = new Map()));
    let result = byOperation.get(key);
    if (!result) {
      result = execute({ ...args, rootValue: payload });
      byOperation.set(key, result);
    }
    return result;
  };
  const mapped: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const next = await iterator.next();
      if (next.done) return { value: undefined, done: true };
      return { value: await run(next.value), done: false };
    },
    async return() {
      await iterator.return?.();
      return { value: undefined, done: true };
    },
    async throw(error: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => mapped,
  };
  return mapped;
}
