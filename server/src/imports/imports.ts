import type { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import type { Config } from '../config';
import type { AppServices } from '../context';
import { createRedis } from '../redis';
import { createImportQueue, startImportWorker } from './import.queue';
import type { ImportJobData } from './import.queue';
import { ImportStoppedError, createImportJob } from './import-job.service';
import type { ImportJobDeps } from './import-job.service';
import type { ImportJobs } from './import-jobs.port';

/**
 * Starts import jobs in this process: every process can queue them; `work` runs the worker
 * (worker processes). The worker has a Redis connection of its own (BullMQ blocks on it).
 */
export function startImportJobs(options: {
  config: Config;
  redis: Redis;
  redisUrl: string;
  services: Pick<AppServices, 'events' | 'lifecycle'>;
  work: boolean;
}): ImportJobs {
  const { config, redis, redisUrl } = options;
  const prefix = config.redisPrefix;
  const queue = createImportQueue(redis, prefix);
  const deps: ImportJobDeps = {
    services: options.services,
    maxBytes: config.imports.maxBytes,
    enqueue: async (jobId) => {
      await queue.add('import', { importJobId: jobId }, { jobId });
    },
  };
  const stop = new AbortController();
  let workerConnection: Redis | null = null;
  let worker: Worker<ImportJobData> | null = null;
  if (options.work) {
    workerConnection = createRedis(redisUrl);
    worker = startImportWorker({
      connection: workerConnection,
      prefix,
      deps,
      signal: stop.signal,
      concurrency: config.imports.concurrency,
      lockDuration: config.imports.lockMs,
      stalledInterval: config.imports.stalledIntervalMs,
    });
  }
  let closing: Promise<void> | null = null;
  const close = (force: boolean) =>
    (closing ??= (async () => {
      if (force) {
        // Redis gone or a crash: let go at once; runs in flight are resumed elsewhere once
        // their lock lapses. The connection goes first, so a stopped run cannot tell BullMQ
        // its job completed.
        workerConnection?.disconnect();
        stop.abort(new ImportStoppedError('killed'));
        await worker?.close(true).catch(() => undefined);
        await queue.close().catch(() => undefined);
        return;
      }
      // Runs stop at their next batch and move back to the queue: the close waits for that only.
      stop.abort(new ImportStoppedError('stopping'));
      await worker?.close().catch(() => undefined);
      await workerConnection?.quit().catch(() => workerConnection?.disconnect());
      await queue.close().catch(() => undefined);
    })());
  return {
    create: (input) => createImportJob(deps, input),
    close: ({ force = false } = {}) => close(force),
    kill: () => close(true),
  };
}
