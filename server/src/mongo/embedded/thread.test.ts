/**
 * The embedded server on its own thread, as `npm start` runs it: reachable over TCP while it
 * runs, gone (its port refusing) once stopped, and a start that cannot listen rejects with the
 * reason. The thread runs compiled code (`dist/…/thread.js`), so the test loads the build.
 */
import { connect, createServer } from 'node:net';
import path from 'node:path';
import mongoose from 'mongoose';
import { ensureServerBuilt } from '../../test/processes';
import type * as ThreadModule from './thread';

let startEmbeddedMongoThread: typeof ThreadModule.startEmbeddedMongoThread;

beforeAll(() => {
  ensureServerBuilt();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled module, whose thread file exists
  ({ startEmbeddedMongoThread } = require(path.resolve(__dirname, '../../../dist/mongo/embedded/thread.js')) as {
    startEmbeddedMongoThread: typeof ThreadModule.startEmbeddedMongoThread;
  });
}, 120_000);

function connectResult(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });
}

it('serves mongoose over TCP from its thread and frees its port when stopped', async () => {
  const mongo = await startEmbeddedMongoThread({ port: 0 });
  const conn = await mongoose.createConnection(`${mongo.uri}/thread_test`).asPromise();
  try {
    const items = conn.collection('items');
    await items.insertMany([{ n: 1 }, { n: 2 }]);
    expect(await items.countDocuments({ n: { $gt: 1 } })).toBe(1);
  } finally {
    await conn.close();
  }
  await mongo.stop();
  await mongo.stop();
  expect(await connectResult(mongo.port)).toBe('ECONNREFUSED');
}, 30_000);

it('rejects with the listen error when its port is taken', async () => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as { port: number };
  try {
    await expect(startEmbeddedMongoThread({ port })).rejects.toThrow(
      /embedded MongoDB thread failed to start: .*EADDRINUSE/,
    );
  } finally {
    taken.close();
  }
}, 30_000);
