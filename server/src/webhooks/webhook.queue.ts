import { Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { attemptDelivery } from './webhook.service';
import type { EnqueueAttempt, WebhookDeps } from './webhook.service';

/**
 * BullMQ transport of outgoing webhooks: its own queue, so a slow or dead receiver never holds a
 * dispatch job or a dialing worker's slot. One job per attempt (`<messageId>-a<n>`, delayed by
 * the retry schedule): deterministic ids make scheduling an attempt idempotent
 * (https://docs.bullmq.io/guide/jobs/job-ids, https://docs.bullmq.io/guide/jobs/delayed).
 */
export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJobData {
  messageId: string;
  attempt: number;
}

export function createWebhookQueue(connection: Redis, prefix: string): Queue<WebhookJobData> {
  const queue = new Queue<WebhookJobData>(WEBHOOK_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: 1000,
      // Transient faults of our own (MongoDB, Redis) retry; the receiver's failures are not
      // job failures, they are recorded attempts with their own schedule.
      attempts: 10,
      backoff: { type: 'exponential', delay: 1_000 },
    },
  });
  queue.on('error', (error: Error) => logger.warn({ err: error.message }, 'webhook queue error'));
  return queue;
}

/** The `enqueue` the service calls: a delayed job per attempt. */
export function enqueueWith(queue: Queue<WebhookJobData>): EnqueueAttempt {
  return async (messageId, attempt, delayMs) => {
    await queue.add('attempt', { messageId, attempt }, { jobId: `${messageId}-a${attempt}`, delay: delayMs });
  };
}

export interface WebhookWorkerOptions {
  connection: Redis;
  prefix: string;
  deps: WebhookDeps;
  /**
   * Attempts in flight at once in this process. Default 50: each one is an idle socket waiting
   * for a receiver (up to WEBHOOK_TIMEOUT_MS), not CPU.
   */
  concurrency?: number;
}

export function startWebhookWorker({
  connection,
  prefix,
  deps,
  concurrency = 50,
}: WebhookWorkerOptions): Worker<WebhookJobData> {
  const worker = new Worker<WebhookJobData>(
    WEBHOOK_QUEUE,
    (job: Job<WebhookJobData>) => attemptDelivery(deps, job.data.messageId, job.data.attempt),
    { connection, prefix, concurrency },
  );
  worker.on('error', (error: Error) => logger.warn({ err: error.message }, 'webhook worker error'));
  worker.on('failed', (job, error) =>
    logger.warn({ err: error.message, messageId: job?.data.messageId }, 'webhook attempt job failed'),
  );
  return worker;
}
