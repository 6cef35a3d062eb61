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
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { startApp } from './app';
import type { Config } from './config';
import { logger } from './logger';
import { registry } from './metrics';
import { serveThread, startThread } from './threads';

type Metrics = MetricObjectWithValues<MetricValue<string>>[];
/** The part's own messages (start and stop are threads.ts's). */
type MetricsAsk = { type: 'metrics'; id: number };
type MetricsAnswer = { type: 'metrics'; id: number; metrics: Metrics };

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
export async function startWorkerThread(opts: {
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
  const thread = await startThread(path.join(__dirname, 'worker-thread.js'), data, 'worker thread', opts.onExit);
  const waiting = new Map<number, (metrics: Metrics) => void>();
  let nextId = 1;
  let ended = false;
  thread.worker.on('message', (message: MetricsAnswer) => {
    if (message.type !== 'metrics') return;
    waiting.get(message.id)?.(message.metrics);
    waiting.delete(message.id);
  });
  thread.worker.once('exit', () => {
    ended = true;
    for (const answer of waiting.values()) answer([]);
    waiting.clear();
  });
  return {
    metrics: () =>
      ended
        ? Promise.resolve([])
        : new Promise<Metrics>((answer) => {
            const id = nextId++;
            waiting.set(id, answer);
            thread.worker.postMessage({ type: 'metrics', id } satisfies MetricsAsk);
          }),
    stop: thread.stop,
  };
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

const threadData = workerData as Partial<ThreadData> | null;
if (!isMainThread && parentPort && threadData?.dialwaveWorkerThread) {
  const data = threadData as ThreadData;
  serveThread(parentPort, async () => {
    // Structured cloning turned the Buffer into a plain Uint8Array.
    const config: Config = { ...data.config, encryptionKey: Buffer.from(data.config.encryptionKey) };
    process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
    const app = await startApp({ config, mongoUri: data.mongoUri, redisUrl: data.redisUrl });
    return {
      info: null,
      stop: () => app.stop(),
      onMessage: (message, port) => {
        const ask = message as MetricsAsk;
        if (ask.type !== 'metrics') return;
        void threadMetrics().then((metrics) =>
          port.postMessage({ type: 'metrics', id: ask.id, metrics } satisfies MetricsAnswer),
        );
      },
    };
  });
}
