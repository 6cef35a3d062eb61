/**
 * The embedded server on a thread of its own (`npm start` in embedded mode). In one process,
 * the database's work (BSON decoding, index inserts, query matching: 1.5 ms of CPU per call on
 * the real path) otherwise shares the one event loop with the API and the workers; on its own
 * thread it runs on another core, the way the split deployment runs it in its own process. Its
 * data still lives as long as the process, and clients still reach it over TCP (mongoose knows no
 * other way), so nothing but where it runs changes.
 *
 * Why `worker_threads` rather than a child process: a child could outlive a killed `npm start`
 * and hold data a restart cannot find; a thread ends with its process, as the in-loop server did.
 */
import path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { logger } from '../../logger';
import { startEmbeddedMongo } from './server';

/** What the host and the thread say to each other. */
type ToThread = { type: 'stop' };
type FromThread =
  { type: 'started'; uri: string; port: number } | { type: 'failed'; message: string } | { type: 'stopped' };

interface ThreadData {
  embeddedMongoThread: true;
  port: number;
  host: string;
}

/** The embedded server running on its own thread: its address and how to stop it. */
export interface EmbeddedMongoThread {
  readonly uri: string;
  readonly port: number;
  /** Stops the server (closing its client sockets) and ends the thread; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts the embedded server on a new thread. `onExit` runs when the thread ends without being
 * asked to (an uncaught error in the database): the caller decides what a process without its
 * database does.
 */
export function startEmbeddedMongoThread(
  opts: { port?: number; host?: string; onExit?: (error: Error) => void } = {},
): Promise<EmbeddedMongoThread> {
  const data: ThreadData = { embeddedMongoThread: true, port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' };
  // The compiled file of this module (dist/…/thread.js): the thread runs the branch at the bottom.
  const worker = new Worker(path.join(__dirname, 'thread.js'), { workerData: data });
  let stopping: Promise<void> | null = null;
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`embedded MongoDB thread failed to start: ${error.message}`));
    worker.once('error', failed);
    worker.once('exit', (code) => failed(new Error(`exited with code ${code}`)));
    worker.once('message', (message: FromThread) => {
      if (message.type === 'failed') return failed(new Error(message.message));
      if (message.type !== 'started') return;
      worker.removeAllListeners('error').removeAllListeners('exit');
      worker.on('error', (error) => logger.fatal({ err: error }, 'embedded MongoDB thread failed'));
      worker.once('exit', (code) => {
        if (!stopping) opts.onExit?.(new Error(`embedded MongoDB thread exited with code ${code}`));
      });
      resolve({
        uri: message.uri,
        port: message.port,
        stop: () =>
          (stopping ??= new Promise<void>((done) => {
            worker.once('exit', () => done());
            worker.postMessage({ type: 'stop' } satisfies ToThread);
          })),
      });
    });
  });
}

async function runThread(data: ThreadData, port: NonNullable<typeof parentPort>): Promise<void> {
  const mongo = await startEmbeddedMongo({ port: data.port, host: data.host });
  port.on('message', (message: ToThread) => {
    if (message.type !== 'stop') return;
    void mongo.stop().finally(() => {
      port.postMessage({ type: 'stopped' } satisfies FromThread);
      // Nothing else holds the thread open once the listener and the port are closed.
      port.close();
    });
  });
  port.postMessage({ type: 'started', uri: mongo.uri, port: mongo.port } satisfies FromThread);
}

const threadData = workerData as Partial<ThreadData> | null;
if (!isMainThread && parentPort && threadData?.embeddedMongoThread) {
  const port = parentPort;
  runThread(threadData as ThreadData, port).catch((error: unknown) => {
    // The start failed (the port is taken, say): the host rejects with this message.
    port.postMessage({ type: 'failed', message: (error as Error).message } satisfies FromThread);
    port.close();
  });
}
