import { DelayedError, Queue, Worker } from 'bullmq';
import type { Job, JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { DispatcherStoppedError } from './engine.context';
import type { DispatchEngine } from './engine';

/**
 * BullMQ transport of the dialing engine: one shared queue for every campaign. The processor
 * only translates between jobs and the engine (engine.ts knows nothing of BullMQ).
 *
 * Jobs:
 *  - `slot`: one virtual phone line of a campaign (id `<campaignId>-g<generation>-s<index>`;
 *    BullMQ refuses ':' in custom ids). Deterministic ids make adding a slot idempotent.
 *  - `call`: waits for a manually placed call to end and records it (id `call-<callId>`).
 *  - `start`: starts a SCHEDULED campaign at its time (id `start-<campaignId>-<ms>`).
 */
export type DispatchJobData =
  | { kind: 'slot'; campaignId: string; generation: number; index: number }
  | { kind: 'call'; callId: string }
  | { kind: 'start'; campaignId: string; scheduledAt: number };

export const DISPATCH_QUEUE = 'dispatch';

export const slotJobId = (campaignId: string, generation: number, index: number): string =>
  `${campaignId}-g${generation}-s${index}`;

/**
 * Slot jobs are idempotent (a re-run finds its own call first), so they may be recovered from
 * stalls without limit and retried through transient faults; finished ones are removed so the
 * same id can be added again.
 */
export const JOB_OPTIONS: JobsOptions = {
  removeOnComplete: true,
  removeOnFail: true,
  attempts: 30,
  backoff: { type: 'fixed', delay: 1_000 },
};

export function createDispatchQueue(connection: Redis, prefix: string): Queue<DispatchJobData> {
  const queue = new Queue<DispatchJobData>(DISPATCH_QUEUE, { connection, prefix, defaultJobOptions: JOB_OPTIONS });
  queue.on('error', (error: Error) => logger.warn({ err: error.message }, 'dispatch queue error'));
  return queue;
}

export interface DispatchWorkerOptions {
  connection: Redis;
  prefix: string;
  /** Jobs (virtual lines) this process holds at once. */
  concurrency: number;
  /** BullMQ lock; a dead worker's jobs are re-run once it lapses. */
  lockDuration: number;
  stalledInterval: number;
  /** Tests only: never renew locks, so jobs stall while their handler still runs. */
  skipLockRenewal?: boolean;
  engine: DispatchEngine;
  /** Starts a SCHEDULED campaign whose time has come. */
  startScheduled: (campaignId: string) => Promise<void>;
}

export function startDispatchWorker(options: DispatchWorkerOptions): Worker<DispatchJobData> {
  const { engine } = options;
  const processor = async (job: Job<DispatchJobData>, token?: string): Promise<string> => {
    try {
      return await process(job, token);
    } catch (error) {
      if (error instanceof DispatcherStoppedError && error.reason !== 'killed') {
        // Shutting down: hand the job back at once (not a failed attempt); another worker, or
        // this one after a restart, re-runs it and finds its own call first.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      throw error;
    }
  };
  const process = async (job: Job<DispatchJobData>, token?: string): Promise<string> => {
    const data = job.data;
    switch (data.kind) {
      case 'slot': {
        const result = await engine.runSlot(data);
        if (result.kind === 'delay') {
          // Sleep as a delayed job (no worker slot held) until the retry or window is due.
          await job.moveToDelayed(result.until, token);
          throw new DelayedError();
        }
        return result.reason;
      }
      case 'call': {
        await engine.resumeCallById(data.callId);
        return 'recorded';
      }
      case 'start': {
        await options.startScheduled(data.campaignId);
        return 'started';
      }
    }
  };
  const worker = new Worker<DispatchJobData>(DISPATCH_QUEUE, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    lockDuration: options.lockDuration,
    stalledInterval: options.stalledInterval,
    // A slot re-run after a stall only finishes its own call: recovering it is always safe.
    maxStalledCount: 1_000_000,
    skipLockRenewal: options.skipLockRenewal ?? false,
  });
  worker.on('error', (error: Error) => logger.warn({ err: error.message }, 'dispatch worker error'));
  worker.on('failed', (job, error) => {
    if (job) logger.warn({ jobId: job.id, err: error.message, attempts: job.attemptsMade }, 'dispatch job failed');
  });
  return worker;
}
