/**
 * Dialing-engine benchmark: the slot-job design against the older queue design, on the embedded
 * MongoDB and a redis-server child, in one process.
 *
 * The simulated provider is reached through its in-process fast path (place-call and webhook
 * delivery are function calls instead of HTTP round trips, see simulated.provider.ts); every
 * other part is the production path: BullMQ, the Lua leases, pub/sub wake-ups, MongoDB writes.
 *
 * Refill latency = from a call's end at the provider to the next dial on the same campaign,
 * counted only while that campaign still had contacts waiting.
 */
import type { Types } from 'mongoose';
import mongoose from 'mongoose';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config';
import { EventPublisher } from '../events';
import { createRedis, startRedisServer } from '../redis';
import { startEmbeddedMongo } from '../mongo/embedded';
import { OrganizationModel } from '../organizations/organization.model';
import { AgentModel } from '../agents/agent.model';
import { PhoneModel } from '../phones/phone.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import { CallModel } from '../calls/call.model';
import { DoNotCallModel } from '../dnc/dnc.model';
import { transitionInc } from '../campaigns/campaign.stats';
import { Simulator } from '../providers/simulated/simulator';
import type { LedgerEntry } from '../providers/simulated/simulator';
import { createDispatcher } from '../dispatch/dispatch.service';
import type { DispatchService } from '../dispatch/dispatch.service';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;

interface Env {
  redis: Redis;
  redisUrl: string;
  sim: Simulator;
  dispatcher: DispatchService;
  orgId: Types.ObjectId;
  phoneId: Types.ObjectId;
  agentId: Types.ObjectId;
}

/** Refill latencies from a ledger: call end → next placement on the same campaign while contacts remained. */
function refillLatencies(ledger: LedgerEntry[], contactsPerCampaign: number): number[] {
  const byCampaign = new Map<string, LedgerEntry[]>();
  for (const e of ledger) {
    const list = byCampaign.get(e.campaignId) ?? [];
    list.push(e);
    byCampaign.set(e.campaignId, list);
  }
  const out: number[] = [];
  for (const list of byCampaign.values()) {
    const placed = list.map((e) => e.placedAt).sort((a, b) => a - b);
    const ends = list.map((e) => e.endedAt).sort((a, b) => a - b);
    // The k-th end is followed by a dial while placements remain beyond the ones already made.
    let p = 0;
    for (const end of ends) {
      while (p < placed.length && placed[p]! < end) p++;
      if (p >= placed.length || p >= contactsPerCampaign) break;
      out.push(placed[p]! - end);
      p++;
    }
  }
  return out.sort((a, b) => a - b);
}

async function seedCampaigns(env: Env, campaigns: number, contacts: number, limit: number): Promise<Types.ObjectId[]> {
  const ids: Types.ObjectId[] = [];
  for (let c = 0; c < campaigns; c++) {
    const campaign = await CampaignModel.create({
      organizationId: env.orgId,
      name: `bench ${c}`,
      agentId: env.agentId,
      phoneId: env.phoneId,
      settings: { concurrentCallsLimit: limit, retryFailedCalls: false },
    });
    const docs = Array.from({ length: contacts }, (_, i) => ({
      organizationId: env.orgId,
      campaignId: campaign._id,
      phoneNumber: `+1202${String(c * 10_000 + i).padStart(7, '0')}`,
      status: 'QUEUED',
    }));
    await ContactModel.insertMany(docs);
    await CampaignModel.updateOne({ _id: campaign._id }, { $inc: transitionInc(null, 'QUEUED', contacts) });
    ids.push(campaign._id);
  }
  return ids;
}

async function setSimulation(env: Env, minDurationMs: number, maxDurationMs: number): Promise<void> {
  await PhoneModel.updateOne(
    { _id: env.phoneId },
    { $set: { simulation: { busyRate: 0, noAnswerRate: 0, failRate: 0, voicemailRate: 0, minDurationMs, maxDurationMs } } },
  );
  // The engine caches phones for 2 s.
  await new Promise((r) => setTimeout(r, 2_100));
}

async function runCampaigns(env: Env, ids: Types.ObjectId[], timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await Promise.all(ids.map((id) => env.dispatcher.startCampaign(String(env.orgId), String(id))));
  let clients = 0;
  for (;;) {
    const info = await env.redis.info('clients');
    clients = Math.max(clients, Number(/connected_clients:(\d+)/.exec(info)?.[1] ?? 0));
    const left = await CampaignModel.countDocuments({ _id: { $in: ids }, status: { $ne: 'COMPLETED' } });
    if (left === 0) break;
    if (Date.now() - t0 > timeoutMs) throw new Error(`campaigns did not complete within ${timeoutMs} ms (${left} left)`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return clients;
}

async function commandCount(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats');
  let total = 0;
  for (const match of info.matchAll(/calls=(\d+)/g)) total += Number(match[1]);
  return total;
}

/**
 * The older queue design, reproduced with BullMQ: one job per contact; a job takes a campaign
 * slot with INCR-and-check in Lua, or re-queues itself with a fixed 10 s delay when the campaign
 * is full. (We even release the slot when the call ends, not when the place-call request
 * returns, which was that design's other defect; this only flatters it.)
 */
async function runOldDesign(env: Env, campaigns: number, contacts: number, limit: number, callMs: number): Promise<number[]> {
  const prefix = `old${Date.now()}`;
  const queue = new Queue('calls', { connection: env.redis, prefix });
  const ledger: { campaignId: string; placedAt: number; endedAt: number }[] = [];
  const take = `local n = redis.call('INCR', KEYS[1]) if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end return 1`;
  const connection = createRedis(env.redisUrl);
  let done = 0;
  const total = campaigns * contacts;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((r) => (finish = r));
  const worker = new Worker(
    'calls',
    async (job) => {
      const { campaignId } = job.data as { campaignId: string };
      const ok = (await env.redis.eval(take, 1, `${prefix}:slots:${campaignId}`, limit)) as number;
      if (!ok) {
        await queue.add('call', job.data, { delay: 10_000 });
        return;
      }
      const placedAt = Date.now();
      setTimeout(() => {
        ledger.push({ campaignId, placedAt, endedAt: Date.now() });
        void env.redis.decr(`${prefix}:slots:${campaignId}`).then(() => {
          if (++done === total) finish();
        });
      }, callMs);
    },
    { connection, prefix, concurrency: 500 },
  );
  const jobs = [];
  for (let c = 0; c < campaigns; c++) for (let i = 0; i < contacts; i++) jobs.push({ name: 'call', data: { campaignId: `c${c}` } });
  await queue.addBulk(jobs);
  await finished;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  return refillLatencies(ledger.map((e) => ({ ...e }) as unknown as LedgerEntry), contacts);
}

export async function runDispatchBench(): Promise<void> {
  const mongo = await startEmbeddedMongo({ port: 0 });
  const redisServer = await startRedisServer();
  const mongoUri = `${mongo.uri}/dispatchbench`;
  const config = loadConfig({
    NODE_ENV: 'production',
    MONGODB_URI: mongoUri,
    REDIS_URL: redisServer.url,
    REDIS_PREFIX: 'bench',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0',
    ENCRYPTION_KEY: '0'.repeat(64),
    MAX_CALL_DURATION_SECONDS: '60',
    MAX_CONCURRENT_OUTBOUND_CALLS: '100000',
    WORKER_CONCURRENCY: '1200',
    LOG_LEVEL: 'silent',
  });
  await mongoose.connect(mongoUri);
  await Promise.all([OrganizationModel, AgentModel, PhoneModel, CampaignModel, ContactModel, CallModel, DoNotCallModel].map((m) => m.createIndexes()));
  const redis = createRedis(redisServer.url);
  const sim = new Simulator({ secret: config.jwt.secret });
  sim.statusEvents = 'final';
  const dispatcher = createDispatcher({ config, redis, redisUrl: redisServer.url, events: new EventPublisher(redis, config.redisPrefix), options: { directSimulator: sim } });
  // In-process webhook delivery (the fast path): the same handler the HTTP route calls.
  sim.deliver = async (url, headers, body) => {
    await dispatcher.handleWebhook('simulated', { method: 'POST', url, headers, body: JSON.parse(body) as Record<string, unknown>, rawBody: Buffer.from(body) });
  };
  await dispatcher.startWorkers();
  const org = await OrganizationModel.create({ name: 'bench' });
  const agent = await AgentModel.create({ organizationId: org._id, name: 'bench' });
  const phone = await PhoneModel.create({ organizationId: org._id, name: 'bench', number: '+14155550000', provider: 'SIMULATED' });
  const env: Env = { redis, redisUrl: redisServer.url, sim, dispatcher, orgId: org._id, phoneId: phone._id, agentId: agent._id };
  const lines: string[] = ['', 'Dispatch benchmark (slot jobs; simulator fast path; embedded MongoDB; redis-server child)', ''];
  const out = (s: string) => {
    lines.push(s);
    process.stdout.write(`${s}\n`);
  };

  try {
    // 1. Refill latency at 50 × 10 and 500 × 2.
    await setSimulation(env, 200, 300);
    const scenarios: [number, number, number][] = [
      [50, 10, 30],
      [500, 2, 4],
    ];
    const refillP99: number[] = [];
    for (const [campaigns, limit, contacts] of scenarios) {
      sim.ledger.length = 0;
      const ids = await seedCampaigns(env, campaigns, contacts, limit);
      const clients = await runCampaigns(env, ids, 300_000);
      const lat = refillLatencies(sim.ledger, contacts);
      refillP99.push(pct(lat, 99));
      out(`refill ${campaigns} campaigns x ${limit} slots: p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))} (${lat.length} refills); Redis connections: ${clients}`);
    }

    // 2. The older design at 50 × 10 (fixed 10 s re-queue when full).
    const old = await runOldDesign(env, 50, 20, 10, 250);
    out(`older design 50 x 10: refill p50 ${ms(pct(old, 50))}, p99 ${ms(pct(old, 99))}; ratio p99 old/new: ${(pct(old, 99) / refillP99[0]!).toFixed(0)}x, p50: ${(pct(old, 50) / Math.max(0.1, refillP99[0]!)).toFixed(0)}x`);

    // 3. Makespan: 60 calls of 500 ms at limit 6; ideal 10 waves × 500 ms.
    await setSimulation(env, 500, 500);
    sim.ledger.length = 0;
    const [one] = await seedCampaigns(env, 1, 60, 6);
    const t0 = Date.now();
    await runCampaigns(env, [one!], 60_000);
    const first = Math.min(...sim.ledger.map((e) => e.placedAt));
    const last = Math.max(...sim.ledger.map((e) => e.endedAt));
    out(`makespan 60 x 500 ms at limit 6: ${ms(last - first)} calls (${ms(Date.now() - t0)} start to COMPLETED) vs ideal 5000 ms: ${((last - first) / 5000).toFixed(3)}x`);

    // 4. Throughput with instant calls, and Redis commands per call.
    await setSimulation(env, 0, 0);
    sim.ledger.length = 0;
    const ids = await seedCampaigns(env, 20, 100, 50);
    const before = await commandCount(redis);
    const t1 = Date.now();
    await runCampaigns(env, ids, 300_000);
    const seconds = (Date.now() - t1) / 1000;
    const after = await commandCount(redis);
    out(`instant calls: ${sim.ledger.length} calls in ${seconds.toFixed(2)} s = ${(sim.ledger.length / seconds).toFixed(0)} calls/s; Redis commands per call: ${((after - before) / sim.ledger.length).toFixed(1)}`);
  } finally {
    await dispatcher.close();
    await redis.quit();
    await mongoose.disconnect();
    await redisServer.stop();
    await mongo.stop();
  }
}
