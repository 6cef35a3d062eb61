/**
 * `npm start` with ROLE=all: the worker role (slot jobs, imports, webhook deliveries) on a thread
 * of its own, beside the API on the main thread. One event loop carried both, so a busy campaign
 * took its CPU from the API's requests and the provider's webhooks; on two threads they use two
 * cores, as a split deployment's ROLE=api and ROLE=worker processes do. Nothing else changes:
 * the thread is a worker process in all but name (its own MongoDB and Redis connections, webhooks
 * back to the API over HTTP), the split deployment's tested path.
 *
 * Its metrics join the API's /metrics (`metrics.ts addThreadMetrics`) with `thread="worker"` on
 * each series (the process-wide `process_*` series are the main thread's alone).
 */
import 'reflect-metadata';
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { startApp } from './app';
import type { Config } from './config';
import { logger } from './logger';
import { registry } from './metrics';

type Metrics = MetricObjectWithValues<MetricValue<string>>[];
type ToThread = { type: 'stop' } | { type: 'metrics'; id: number };
type FromThread =
  | { type: 'started' }
  | { type: 'failed'; message: string }
  | { type: 'metrics'; id: number; metrics: Metrics }
  | { type: 'stopped' };

interface ThreadData {
  dialwaveWorkerThread: true;
  config: Config;
  mongoUri: string;
  redisUrl: string;
}

/** The worker role running on its own thread. */
export interface WorkerThread {
  /** The thread's metrics, labelled `thread="worker"`. */
  metrics(): Promise<Metrics>;
  /** Stops the worker role (running slot jobs go back to the queue) and ends the thread. */
  stop(): Promise<void>;
}

/**
 * Starts the worker role on a new thread; resolves once its workers run. `apiUrl` is where its
 * place-calls reach the simulator and where providers' webhooks go, unless SIMULATOR_URL and
 * PUBLIC_URL say otherwise. `onExit` runs when the thread ends without being asked to.
 */
export function startWorkerThread(opts: {
  config: Config;
  mongoUri: string;
  redisUrl: string;
  apiUrl: string;
  onExit: (error: Error) => void;
}): Promise<WorkerThread> {
  const { config, apiUrl } = opts;
  const data: ThreadData = {
    dialwaveWorkerThread: true,
    config: {
      ...config,
      role: 'worker',
      // Its metrics join the API's /metrics; METRICS_PORT is a ROLE=worker process's setting.
      metricsPort: undefined,
      publicUrl: config.publicUrl ?? apiUrl,
      simulatorUrl: config.simulatorUrl ?? apiUrl,
    },
    mongoUri: opts.mongoUri,
    redisUrl: opts.redisUrl,
  };
  // The compiled file of this module (dist/worker-thread.js): the thread runs the branch at the bottom.
  const worker = new Worker(path.join(__dirname, 'worker-thread.js'), { workerData: data });
  const waiting = new Map<number, (metrics: Metrics) => void>();
  let nextId = 1;
  let stopping: Promise<void> | null = null;
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`worker thread failed to start: ${error.message}`));
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`exited with code ${code}`)));
    worker.on('message', (message: FromThread) => {
      if (message.type === 'failed') failed(new Error(message.message));
      else if (message.type === 'metrics') {
        waiting.get(message.id)?.(message.metrics);
        waiting.delete(message.id);
      } else if (message.type === 'started') {
        worker.removeAllListeners('error').removeAllListeners('exit');
        worker.on('error', (error) => logger.fatal({ err: error }, 'worker thread failed'));
        worker.once('exit', (code) => {
          for (const answer of waiting.values()) answer([]);
          waiting.clear();
          if (!stopping) opts.onExit(new Error(`worker thread exited with code ${code}`));
        });
        resolve({
          metrics: () =>
            stopping
              ? Promise.resolve([])
              : new Promise<Metrics>((answer) => {
                  const id = nextId++;
                  waiting.set(id, answer);
                  worker.postMessage({ type: 'metrics', id } satisfies ToThread);
                }),
          stop: () =>
            (stopping ??= new Promise<void>((done) => {
              worker.once('exit', () => done());
              worker.postMessage({ type: 'stop' } satisfies ToThread);
            })),
        });
      }
    });
  });
}

/** The thread's own metrics: its series labelled, the process-wide ones left to the main thread. */
async function threadMetrics(): Promise<Metrics> {
  const all = (await registry.getMetricsAsJSON()) as Metrics;
  return all
    .filter((metric) => !metric.name.startsWith('dialwave_process_'))
    .map((metric) => ({
      ...metric,
      values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, thread: 'worker' } })),
    }));
}

async function runThread(data: ThreadData, port: MessagePort): Promise<void> {
  // Structured cloning turned the Buffer into a plain Uint8Array.
  const config: Config = { ...data.config, encryptionKey: Buffer.from(data.config.encryptionKey) };
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  const app = await startApp({ config, mongoUri: data.mongoUri, redisUrl: data.redisUrl });
  port.on('message', (message: ToThread) => {
    if (message.type === 'metrics') {
      void threadMetrics().then((metrics) => port.postMessage({ type: 'metrics', id: message.id, metrics }));
    } else if (message.type === 'stop') {
      void app
        .stop()
        .catch((error: unknown) => logger.error({ err: error }, 'worker thread: shutdown failed'))
        .finally(() => {
          port.postMessage({ type: 'stopped' } satisfies FromThread);
          // In a worker thread this ends the thread, not the process (whatever timer is left).
          process.exit(0);
        });
    }
  });
  port.postMessage({ type: 'started' } satisfies FromThread);
}

const threadData = workerData as Partial<ThreadData> | null;
if (!isMainThread && parentPort && threadData?.dialwaveWorkerThread) {
  const port = parentPort;
  runThread(threadData as ThreadData, port).catch((error: unknown) => {
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromThread);
    process.exit(1);
  });
}
