import { createPubSub } from '@graphql-yoga/subscription';
import type { PubSub } from '@graphql-yoga/subscription';
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import type { Redis } from 'ioredis';
import { eventsChannel } from './events';
import { logger } from './logger';
import type { EventMessage } from './events';

/**
 * The subscribing side of Dialwave's events, over Redis (the publishing side is
 * events.ts's EventPublisher, which workers use without a subscriber connection).
 *
 * Why type-graphql's Redis event target (@graphql-yoga/redis-event-target) rather than
 * graphql-redis-subscriptions: type-graphql 2's PubSub *is* @graphql-yoga/subscription's,
 * so one typed object serves `buildSchema({ pubSub })` and our hub; it uses two plain ioredis
 * connections (one publishing, one in subscriber mode) and JSON on a channel named after the
 * topic, which is exactly what EventPublisher writes. graphql-redis-subscriptions targets the
 * older graphql-subscriptions AsyncIterator API that type-graphql 2 no longer uses.
 */
export type Topics = {
  /** Every event of one deployment (one REDIS_PREFIX). */
  [topic: string]: [EventMessage];
};

export interface LivePubSub {
  pubSub: PubSub<Topics>;
  /** The topic carrying every event (`<prefix>:events`). */
  eventsTopic: string;
  /**
   * Resolves once Redis has confirmed the subscription to the events topic. Redis answers a
   * connection's commands in order, so this SUBSCRIBE's reply comes after the event target's.
   */
  ready(): Promise<void>;
  /** Closes both Redis connections (`force`: drops them, for a Redis that does not answer); safe to call twice. */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * Creates the Redis-backed PubSub from two dedicated connections (a connection in subscriber
 * mode cannot publish or run commands, so it is never shared).
 */
export function createLivePubSub(publishClient: Redis, subscribeClient: Redis, prefix: string): LivePubSub {
  const eventTarget = createRedisEventTarget<CustomEvent>({
    publishClient: handled(publishClient, 'publish'),
    subscribeClient: handled(subscribeClient, 'subscribe', 'unsubscribe'),
  });
  const pubSub = createPubSub<Topics>({ eventTarget });
  let closed = false;
  const eventsTopic = eventsChannel(prefix);
  return {
    pubSub,
    eventsTopic,
    ready: async () => {
      await subscribeClient.subscribe(eventsTopic);
    },
    async close({ force = false } = {}) {
      if (closed) return;
      closed = true;
      if (force) {
        subscribeClient.disconnect();
        publishClient.disconnect();
        return;
      }
      await Promise.allSettled([subscribeClient.quit(), publishClient.quit()]);
    },
  };
}

/**
 * The event target drops the promises of its PUBLISH, SUBSCRIBE and UNSUBSCRIBE. One that fails
 * (its connection closed while Redis was away, say at shutdown) would be an unhandled rejection,
 * which ends a Node process. This view of `client` logs such a failure instead.
 */
function handled(client: Redis, ...methods: ('publish' | 'subscribe' | 'unsubscribe')[]): Redis {
  return new Proxy(client, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (!(methods as (string | symbol)[]).includes(prop)) return (...args: unknown[]) => method.apply(target, args);
      return (...args: unknown[]) =>
        (method.apply(target, args) as Promise<unknown>).catch((error: Error) =>
          logger.warn({ err: error.message, command: prop }, 'live pub/sub command failed'),
        );
    },
  });
}
