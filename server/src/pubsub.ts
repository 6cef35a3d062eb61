import type { Redis } from 'ioredis';
import { eventsChannel } from './events';
import type { EventMessage } from './events';
import { logger } from './logger';

/**
 * The one way Dialwave subscribes to Redis pub/sub: a dedicated ioredis connection in
 * subscriber mode (such a connection can run no other command, so it is never shared), one
 * `message` listener, and channels named by the publisher (events.ts's EventPublisher for
 * dashboards, dispatch/signals.ts and dispatch/leases.ts for the slots' wake-ups). Publishing
 * needs no connection of its own: publishers use their ordinary command connection.
 *
 * ioredis: after SUBSCRIBE the connection enters subscriber mode and emits
 * `message(channel, message)` for each publication
 * (https://github.com/redis/ioredis#pubsub); Redis answers a connection's commands in order, so
 * once SUBSCRIBE's reply has come, nothing published after it is missed.
 */
export interface RedisSubscription {
  /**
   * Unsubscribes and closes the connection; `force` drops it at once (for a Redis that does not
   * answer, or a process dying in a test). Safe to call twice.
   */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * Subscribes `connection` (dedicated to this subscription) to `channels`; resolves once Redis
 * has confirmed the subscription. A listener that throws is logged, never fatal.
 */
export async function subscribeRedis(
  connection: Redis,
  channels: string[],
  onMessage: (channel: string, message: string) => void,
): Promise<RedisSubscription> {
  connection.on('message', (channel: string, message: string) => {
    try {
      onMessage(channel, message);
    } catch (error) {
      logger.error({ err: error, channel }, 'pub/sub message handling failed');
    }
  });
  let closed = false;
  const subscription: RedisSubscription = {
    async close({ force = false } = {}) {
      if (closed) return;
      closed = true;
      if (force) {
        connection.disconnect();
        return;
      }
      try {
        await connection.quit();
      } catch {
        connection.disconnect();
      }
    },
  };
  try {
    await connection.subscribe(...channels);
  } catch (error) {
    await subscription.close({ force: true });
    throw error;
  }
  return subscription;
}

/** The deployment's events (one REDIS_PREFIX) as the live hub consumes them. */
export interface EventSubscriber {
  /** Starts delivering events; resolves once the Redis subscription is live. */
  start(onEvent: (message: EventMessage) => void): Promise<void>;
  /** See RedisSubscription.close. */
  close(options?: { force?: boolean }): Promise<void>;
}

/** Events (JSON on `<prefix>:events`, see events.ts) from a dedicated subscriber connection. */
export function createEventSubscriber(connection: Redis, prefix: string): EventSubscriber {
  let subscription: RedisSubscription | null = null;
  let closed = false;
  return {
    async start(onEvent) {
      subscription = await subscribeRedis(connection, [eventsChannel(prefix)], (_channel, message) =>
        onEvent(JSON.parse(message) as EventMessage),
      );
    },
    async close(options) {
      if (closed) return;
      closed = true;
      if (subscription) await subscription.close(options);
      else if (options?.force) connection.disconnect();
      else await connection.quit().catch(() => connection.disconnect());
    },
  };
}
