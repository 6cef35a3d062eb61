/**
 * One of our parts on a `worker_threads` thread of this process (`npm start`: the embedded
 * MongoDB server, the worker role): the start handshake, the stop, and what an unasked exit
 * means, written once for both. The thread answers `started` (with what the host needs to know)
 * or `failed`; `stop` asks it to stop and resolves when the thread has ended.
 */
import { Worker } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { logger } from './logger';

type HostMessage = { type: 'stop' };
type ThreadMessage<S> = { type: 'started'; info: S } | { type: 'failed'; message: string };

/** A part running on its own thread. */
export interface StartedThread<S> {
  /** What the thread said when it started (its address, say). */
  info: S;
  /** The thread, for messages of the part's own. */
  worker: Worker;
  /** Asks the part to stop and resolves once the thread has ended; safe to call more than once. */
  stop(): Promise<void>;
}

/**
 * Starts `file` (compiled JavaScript that calls `serveThread`) on a new thread with `data`.
 * Rejects, naming `name`, when the part cannot start; `onExit` runs when the thread ends later
 * without being asked to (the caller decides what a process without that part does).
 */
export function startThread<S>(
  file: string,
  data: unknown,
  name: string,
  onExit?: (error: Error) => void,
): Promise<StartedThread<S>> {
  const worker = new Worker(file, { workerData: data });
  let exited = false;
  let stopping: Promise<void> | null = null;
  const ended = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    const failed = (error: Error) => reject(new Error(`${name} failed to start: ${error.message}`));
    const exitedEarly = (code: number) => failed(new Error(`exited with code ${code}`));
    worker.once('error', failed);
    worker.once('exit', exitedEarly);
    const onStart = (message: ThreadMessage<S>) => {
      if (message.type === 'failed') return failed(new Error(message.message));
      if (message.type !== 'started') return;
      worker.off('message', onStart);
      worker.off('error', failed).off('exit', exitedEarly);
      worker.on('error', (error) => logger.fatal({ err: error }, `${name} failed`));
      worker.once('exit', (code) => {
        if (!stopping) onExit?.(new Error(`${name} exited with code ${code}`));
      });
      resolve({
        info: message.info,
        worker,
        stop: () =>
          (stopping ??= exited
            ? Promise.resolve()
            : (worker.postMessage({ type: 'stop' } satisfies HostMessage), ended)),
      });
    };
    worker.on('message', onStart);
  });
}

/** What a thread's part gives `serveThread`: what to tell the host, how to stop, its own messages. */
export interface ServedPart<S> {
  info: S;
  stop(): Promise<void>;
  onMessage?(message: unknown, port: MessagePort): void;
}

/**
 * The thread's side: starts the part, tells the host, and on `stop` stops it and ends the thread
 * (`process.exit` in a worker thread ends the thread alone, whatever timer is left).
 */
export function serveThread<S>(port: MessagePort, start: () => Promise<ServedPart<S>>): void {
  start().then(
    (part) => {
      port.on('message', (message: HostMessage | { type: string }) => {
        if (message.type !== 'stop') return part.onMessage?.(message, port);
        void part
          .stop()
          .catch((error: unknown) => logger.error({ err: error }, 'thread: stop failed'))
          .finally(() => process.exit(0));
      });
      port.postMessage({ type: 'started', info: part.info } satisfies ThreadMessage<S>);
    },
    (error: unknown) => {
      // Closing the port (rather than exiting) lets the message reach the host first.
      port.postMessage({ type: 'failed', message: (error as Error).message } satisfies ThreadMessage<S>);
      port.close();
    },
  );
}
