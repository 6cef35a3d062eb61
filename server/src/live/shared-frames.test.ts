import type { ExecutionResult } from 'graphql';
import { createSharedFrames } from './shared-frames';

/** What graphql-ws sends for a `next` payload: its own stringify of the whole message. */
const graphqlWsMessage = (id: string, payload: unknown) => JSON.stringify({ id, type: 'next', payload });

describe('shared frames', () => {
  it('serializes a shared result once for every subscriber, each message with its own id', () => {
    let reads = 0;
    const result: ExecutionResult = {
      data: {
        campaignProgress: {
          get progress() {
            reads += 1;
            return 0.5;
          },
          status: 'ACTIVE',
        },
      },
    };
    const frames = createSharedFrames<object>();
    const sockets = Array.from({ length: 50 }, () => ({}));
    const sent = sockets.map((socket, i) => {
      const id = `sub-"${i}"`; // an id that needs escaping
      return frames.expand(socket, graphqlWsMessage(id, frames.next(socket, id, result)));
    });
    expect(reads).toBe(1);
    sent.forEach((message, i) =>
      expect(JSON.parse(message as string)).toEqual({
        id: `sub-"${i}"`,
        type: 'next',
        payload: { data: { campaignProgress: { progress: 0.5, status: 'ACTIVE' } } },
      }),
    );
  });

  it('pairs each message with its own subscription when a socket runs several', () => {
    const frames = createSharedFrames<object>();
    const socket = {};
    const a: ExecutionResult = { data: { a: 1 } };
    const b: ExecutionResult = { data: { b: 2 } };
    // graphql-ws may resume b's send before a's: the swap goes by id, not by order.
    const forA = graphqlWsMessage('a', frames.next(socket, 'a', a));
    const forB = graphqlWsMessage('b', frames.next(socket, 'b', b));
    expect(JSON.parse(frames.expand(socket, forB) as string)).toEqual({ id: 'b', type: 'next', payload: b });
    expect(JSON.parse(frames.expand(socket, forA) as string)).toEqual({ id: 'a', type: 'next', payload: a });
    // Other messages of the socket pass untouched.
    expect(frames.expand(socket, '{"id":"a","type":"complete"}')).toBe('{"id":"a","type":"complete"}');
  });

  it('leaves a result with errors to be formatted per subscriber', () => {
    const frames = createSharedFrames<object>();
    const failed: ExecutionResult = { data: null, errors: [] };
    expect(frames.next({}, 'x', failed)).toBe(failed);
  });
});
