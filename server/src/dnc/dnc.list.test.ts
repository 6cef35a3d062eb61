import mongoose, { Types } from 'mongoose';
import { Redis } from 'ioredis';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { DoNotCallModel } from './dnc.model';
import { DoNotCallList } from './dnc.list';

// The dial-time check against cached lists: two "processes" (two lists) on one Redis and MongoDB.
describe('DoNotCallList', () => {
  let infra: TestInfra;
  let redis: Redis;
  let queries = 0;

  beforeAll(async () => {
    infra = await startTestInfra();
    await mongoose.connect(infra.mongoUri, { monitorCommands: true });
    mongoose.connection.getClient().on('commandStarted', (e: { commandName: string; command: { find?: string } }) => {
      if (e.commandName === 'find' && e.command.find === 'donotcalls') queries += 1;
    });
    await DoNotCallModel.createIndexes();
    redis = new Redis(infra.redisUrl);
  });

  afterAll(async () => {
    redis?.disconnect();
    await mongoose.disconnect();
    await infra?.stop();
  });

  it('sees numbers added or removed by another process at the next check, and queries only after a change', async () => {
    const org = String(new Types.ObjectId());
    const api = new DoNotCallList(redis, 'dnc1');
    const worker = new DoNotCallList(redis, 'dnc1');
    expect(await worker.has(org, '+14155550100')).toBe(false);

    const before = queries;
    for (let i = 0; i < 20; i++) expect(await worker.has(org, `+1415555${String(i).padStart(4, '0')}`)).toBe(false);
    expect(queries).toBe(before); // nothing changed: no MongoDB query

    expect(await api.add(org, ['+1 415 555 0100', '+14155550101'], 'US')).toBe(2);
    expect(await worker.has(org, '+14155550100')).toBe(true);
    expect(await worker.has(new Types.ObjectId(org), '+14155550101')).toBe(true);
    expect(await worker.has(org, '+14155550102')).toBe(false);
    expect(queries).toBe(before + 1); // one reload for the new version

    expect(await api.remove(org, ['+14155550100'], 'US')).toBe(1);
    expect(await worker.has(org, '+14155550100')).toBe(false);
    expect(await worker.has(org, '+14155550101')).toBe(true);
    // Another organization's list is its own.
    expect(await worker.has(String(new Types.ObjectId()), '+14155550101')).toBe(false);
  });

  it('asks MongoDB at every check when the list is longer than the cache holds', async () => {
    const org = String(new Types.ObjectId());
    const small = new DoNotCallList(redis, 'dnc2', 2);
    await small.add(org, ['+14155550200', '+14155550201', '+14155550202'], 'US');
    const before = queries;
    expect(await small.has(org, '+14155550202')).toBe(true);
    expect(await small.has(org, '+14155550203')).toBe(false);
    expect(queries).toBeGreaterThanOrEqual(before + 3); // the load, then one query per check
  });

  it('shares one version read among checks made at once, and still sees an add made before a check', async () => {
    const org = String(new Types.ObjectId());
    const api = new DoNotCallList(redis, 'dnc3');
    const worker = new DoNotCallList(redis, 'dnc3');
    await worker.has(org, '+14155550300');
    let gets = 0;
    const counter = new Redis(infra.redisUrl);
    // MONITOR runs on a connection of its own, which must be closed too (else it reconnects
    // forever once the test's redis-server is gone, and jest never exits).
    const monitor = await counter.monitor();
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (args[0]?.toLowerCase() === 'get' && args[1] === `dnc3:dnc:version:${org}`) gets += 1;
    });
    const checks = Array.from({ length: 50 }, (_, i) => worker.has(org, `+1415555${String(400 + i).padStart(4, '0')}`));
    expect(await Promise.all(checks)).toEqual(Array.from({ length: 50 }, () => false));
    await new Promise((r) => setTimeout(r, 100));
    expect(gets).toBe(1);

    // An add that returned before a check began is seen by that check, even while an earlier
    // check's read is on its way.
    const early = worker.has(org, '+14155550501');
    await api.add(org, ['+14155550501'], 'US');
    expect(await worker.has(org, '+14155550501')).toBe(true);
    await early;
    monitor.disconnect();
    counter.disconnect();
  });
});
