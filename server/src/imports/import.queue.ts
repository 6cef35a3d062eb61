import { DelayedError, Queue, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { logger } from '../logger';
import { ImportStoppedError, failImportJob, runImportJob } from './import-job.service';
import type { ImportJobDeps } from './import-job.service';

/**
 * BullMQ transport of import jobs: a queue of its own, so a million-row import never holds a
 * dispatch worker's slot, and a job id equal to the import job's id, so queueing one twice
 * queues it once (https://docs.bullmq.io/guide/jobs/job-ids).
 */
export const IMPORT_QUEUE = 'imports';

export interface ImportJobData {
  importJobId: string;
}

/** Attempts of one job: transient faults of ours (MongoDB, Redis) retry, resuming from the checkpoint. */
const ATTEMPTS = 5;

export function createImportQueue(connection: Redis, prefix: string): Queue<ImportJobData> {
  const queue = new Queue<ImportJobData>(IMPORT_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      removeOnComplete: true,
      removeOnFail: 1000,
      attempts: ATTEMPTS,
      backoff: { type: 'exponential', delay: 1_000 },
    },
  });
  queue.on('error', (error: Error) => logger.warn({ err: error.message }, 'import queue error'));
  return queue;
}

export interface ImportWorkerOptions {
  connection: Redis;
  prefix: string;
  deps: ImportJobDeps;
  /** Imports run at once in this process. Default 1: an import keeps a core busy parsing. */
  concurrency?: number;
  /** BullMQ lock; a dead worker's import is resumed by another once it lapses. Default 30000 ms. */
  lockDuration?: number;
  /** How often the worker looks for jobs whose lock lapsed. Default 30000 ms. */
  stalledInterval?: number;
  /** The signal each run stops at (between batches), with an ImportStoppedError as its reason. */
  signal: AbortSignal;
}

export function startImportWorker(options: ImportWorkerOptions): Worker<ImportJobData> {
  const { deps, signal } = options;
  const processor = async (job: Job<ImportJobData>, token?: string): Promise<string> => {
    try {
      const ended = await runImportJob(deps, job.data.importJobId, signal);
      return ended?.status ?? 'already ended';
    } catch (error) {
      if (error instanceof ImportStoppedError && error.reason === 'stopping') {
        // Shutting down: hand the job back at once (not a failed attempt); the next worker to
        // take it resumes from the last checkpoint.
        await job.moveToDelayed(Date.now(), token);
        throw new DelayedError();
      }
      // Superseded by another run, or killed: nothing of ours to record.
      if (error instanceof ImportStoppedError) return error.reason;
      if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) {
        logger.error({ err: error, importJobId: job.data.importJobId }, 'import job failed for good');
        await failImportJob(deps, job.data.importJobId);
      }
      throw error;
    }
  };
  const worker = new Worker<ImportJobData>(IMPORT_QUEUE, processor, {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency ?? 1,
    lockDuration: options.lockDuration ?? 30_000,
    stalledInterval: options.stalledInterval ?? 30_000,
    // A re-run after a stall resumes from the checkpoint: always safe, however often.
    maxStalledCount: 1_000,
  });
  worker.on('error', (error: Error) => logger.warn({ err: error.message }, 'import worker error'));
  return worker;
}
