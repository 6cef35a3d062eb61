import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { createRedis } from '../redis';
import { createWebhookQueue, enqueueWith, startWebhookWorker } from './webhook.queue';
import { configureOutbox } from './webhook.outbox';
import { startWebhookRelay } from './webhook.relay';
import type { WebhookRelay } from './webhook.relay';

export interface WebhooksHandle {
  /** Stops listening, then the worker (finishing attempts in flight unless forced), then the queue. Idempotent. */
  close(options?: { force?: boolean }): Promise<void>;
}

/**
 * Starts outgoing webhooks in this process. Every role writes events to the outbox (the engine
 * in workers, the lifecycle in APIs); `relay` runs the relay, which records them as messages
 * (API processes, see webhook.relay.ts); `deliver` runs the delivery worker (worker processes).
 */
export async function startWebhooks(options: {
  config: Config;
  /** Shared command connection (not in subscriber mode). */
  redis: Redis;
  redisUrl: string;
  relay: boolean;
  deliver: boolean;
}): Promise<WebhooksHandle> {
  const { config, redis, redisUrl } = options;
  const prefix = config.redisPrefix;
  const queue = createWebhookQueue(redis, prefix);
  const deps = { config, enqueue: enqueueWith(queue) };
  const unconfigure = configureOutbox(redis, prefix);
  let relay: WebhookRelay | null = null;
  let workerConnection: Redis | null = null;
  let worker: ReturnType<typeof startWebhookWorker> | null = null;
  try {
    if (options.deliver) {
      // BullMQ workers block on their connection: one of their own.
      workerConnection = createRedis(redisUrl);
      worker = startWebhookWorker({ connection: workerConnection, prefix, deps });
    }
    if (options.relay) relay = await startWebhookRelay({ redis, subscriber: createRedis(redisUrl), prefix, deps });
  } catch (error) {
    unconfigure();
    await worker?.close(true).catch(() => undefined);
    workerConnection?.disconnect();
    await queue.close().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    close: ({ force = false } = {}) =>
      (closing ??= (async () => {
        await relay?.close({ force }).catch(() => undefined);
        unconfigure();
        if (force) {
          // Redis is unreachable: let go at once (graceful closes would wait for it); attempts in
          // flight are re-run by another worker once their lock lapses.
          workerConnection?.disconnect();
          void worker?.close(true).catch(() => undefined);
          void queue.close().catch(() => undefined);
          return;
        }
        if (worker) await worker.close().catch(() => undefined);
        await workerConnection?.quit().catch(() => workerConnection?.disconnect());
        await queue.close().catch(() => undefined);
      })()),
  };
}
