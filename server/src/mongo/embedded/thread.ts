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
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { serveThread, startThread } from '../../threads';
import { startEmbeddedMongo } from './server';

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
export async function startEmbeddedMongoThread(
  opts: { port?: number; host?: string; onExit?: (error: Error) => void } = {},
): Promise<EmbeddedMongoThread> {
  const data: ThreadData = { embeddedMongoThread: true, port: opts.port ?? 0, host: opts.host ?? '127.0.0.1' };
  // The compiled file of this module (dist/…/thread.js): the thread runs the branch at the bottom.
  const thread = await startThread<{ uri: string; port: number }>(
    path.join(__dirname, 'thread.js'),
    data,
    'embedded MongoDB thread',
    opts.onExit,
  );
  return { ...thread.info, stop: thread.stop };
}

const threadData = workerData as Partial<ThreadData> | null;
if (!isMainThread && parentPort && threadData?.embeddedMongoThread) {
  const { port, host } = threadData as ThreadData;
  serveThread(parentPort, async () => {
    const mongo = await startEmbeddedMongo({ port, host });
    return { info: { uri: mongo.uri, port: mongo.port }, stop: () => mongo.stop() };
  });
}
