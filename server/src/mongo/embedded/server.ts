/**
 * The TCP side: frames messages off each socket, runs commands against the shared store and
 * writes replies. Everything between reading a message and writing its reply is synchronous.
 */
import net from 'node:net';
import { logger } from '../../logger';
import { runCommand } from './commands';
import { MongoCommandError } from './errors';
import { Store } from './store';
import type { Doc } from './values';
import { completeMessageLength, encodeMsg, encodeReply, parseMessage, readHeader } from './wire';

/** Options of {@link startEmbeddedMongo}. */
export interface EmbeddedMongoOptions {
  /** TCP port; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
}

/** Counters exposed for tests and benchmarks. */
export interface EmbeddedMongoStats {
  connections: number;
  commands: number;
  getMores: number;
  cursorsOpened: number;
  openCursors: number;
}

/** A running embedded server. */
export interface EmbeddedMongo {
  /** `mongodb://host:port` (append a database name for mongoose). */
  readonly uri: string;
  readonly port: number;
  /** Closes the listener and every client socket; safe to call more than once. */
  stop(): Promise<void>;
  stats(): EmbeddedMongoStats;
}

/** Starts an in-memory MongoDB-compatible server speaking the wire protocol on TCP. */
export async function startEmbeddedMongo(opts: EmbeddedMongoOptions = {}): Promise<EmbeddedMongo> {
  const { port = 0, host = '127.0.0.1' } = opts;
  const store = new Store();
  const sockets = new Set<net.Socket>();
  let nextConnectionId = 1;
  let nextRequestId = 1;

  const server = net.createServer((socket) => {
    const connectionId = nextConnectionId++;
    sockets.add(socket);
    socket.setNoDelay(true);
    let pending: Buffer = Buffer.alloc(0);
    /**
     * Chunks of a message longer than `pending`, joined once it is complete: an insert of 2,000
     * contacts (about 750 KB, a dozen 64 KB chunks) was copied again with every chunk.
     */
    const parts: Buffer[] = [];
    let partsLength = 0;
    socket.on('data', (chunk: Buffer) => {
      if (pending.length >= 4 && pending.readInt32LE(0) > pending.length + partsLength + chunk.length) {
        parts.push(chunk);
        partsLength += chunk.length;
        return;
      }
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, ...parts, chunk]);
      parts.length = 0;
      partsLength = 0;
      let length: number;
      while ((length = completeMessageLength(pending)) > 0) {
        const message = pending.subarray(0, length);
        pending = pending.subarray(length);
        const reply = handleMessage(message, connectionId);
        if (reply) socket.write(reply);
      }
    });
    socket.on('error', (err) => logger.debug({ err, connectionId }, 'embedded mongo: socket error'));
    socket.on('close', () => sockets.delete(socket));
  });

  function handleMessage(message: Buffer, connectionId: number): Buffer | undefined {
    const header = readHeader(message);
    let request;
    try {
      request = parseMessage(message);
    } catch (err) {
      // Malformed or unsupported framing (e.g. OP_COMPRESSED, which we never advertise).
      logger.warn({ err, opCode: header.opCode }, 'embedded mongo: cannot parse message');
      const reply = new MongoCommandError('FailedToParse', err instanceof Error ? err.message : String(err)).toReply();
      return encodeMsg(reply, nextRequestId++, header.requestId);
    }
    let db: string;
    if (request.kind === 'query') db = (request.namespace ?? 'admin.$cmd').split('.')[0] ?? 'admin';
    else db = typeof request.command['$db'] === 'string' ? request.command['$db'] : 'admin';
    const reply: Doc = runCommand(request.command, db, { store, connectionId });
    if (request.moreToCome) return undefined;
    return request.kind === 'query'
      ? encodeReply(reply, nextRequestId++, header.requestId)
      : encodeMsg(reply, nextRequestId++, header.requestId);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  const uri = `mongodb://${host}:${actualPort}`;
  logger.debug({ uri }, 'embedded mongo: listening');

  let stopping: Promise<void> | undefined;
  return {
    uri,
    port: actualPort,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        sockets.clear();
      });
      return stopping;
    },
    stats() {
      return { connections: sockets.size, ...store.counters, openCursors: store.openCursors };
    },
  };
}
