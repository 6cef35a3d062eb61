import type { ExecutionResult, FormattedExecutionResult } from 'graphql';

/**
 * graphql-ws serializes each `next` message whole, once per subscriber (`JSON.stringify` of
 * `{ id, type, payload }`), and ws encodes each string to UTF-8 again. The hub hands one payload
 * to every subscriber of a campaign and live/shared-execution.ts executes it once per operation,
 * so the execution result is one object for all of them, and so can its JSON be: the messages
 * differ only by the subscription id. This serializes each shared result once and builds each
 * subscriber's message from its id and that text.
 *
 * By hand because graphql-ws has no hook for a pre-serialized payload: `onNext` may only return
 * an object, which it stringifies. So `onNext` returns a placeholder (an empty payload, which no
 * execution result is) and records the real payload's JSON for that socket and id; the socket's
 * `send` (wrapped in ws.server.ts) swaps it in. graphql-ws stringifies and sends in the same
 * synchronous step after `onNext` resolves, and ids are unique per socket, so the swap always
 * finds its own entry.
 */
export interface SharedFrames<S extends object> {
  /** For graphql-ws `onNext`: the payload to hand back (the placeholder, or `result` itself when it cannot be shared). */
  next(socket: S, id: string, result: ExecutionResult): FormattedExecutionResult;
  /** For the socket's `send`: the message to send in place of `data`. */
  expand(socket: S, data: unknown): unknown;
}

/** Creates the per-server state: payload texts by shared result, and the swaps pending per socket. */
export function createSharedFrames<S extends object>(): SharedFrames<S> {
  const texts = new WeakMap<ExecutionResult, string>();
  const pending = new WeakMap<S, Map<string, string>>();
  const placeholder: FormattedExecutionResult = Object.freeze({});
  return {
    next(socket, id, result) {
      // A result with errors is formatted per subscriber (ws.server.ts formatErrors): not shared.
      if (result.errors) return result as FormattedExecutionResult;
      let text = texts.get(result);
      if (text === undefined) texts.set(result, (text = JSON.stringify(result)));
      let waiting = pending.get(socket);
      if (!waiting) pending.set(socket, (waiting = new Map()));
      waiting.set(id, text);
      return placeholder;
    },
    expand(socket, data) {
      const waiting = pending.get(socket);
      if (typeof data !== 'string' || !waiting || waiting.size === 0) return data;
      // A few dozen characters (the placeholder message): cheap to read whole, whatever the key order.
      let message: { id?: unknown; type?: unknown; payload?: unknown };
      try {
        message = JSON.parse(data) as typeof message;
      } catch {
        return data;
      }
      const empty =
        typeof message.payload === 'object' && message.payload !== null && Object.keys(message.payload).length === 0;
      if (message.type !== 'next' || typeof message.id !== 'string' || !empty) return data;
      const text = waiting.get(message.id);
      if (text === undefined) return data;
      waiting.delete(message.id);
      return `{"id":${JSON.stringify(message.id)},"type":"next","payload":${text}}`;
    },
  };
}
