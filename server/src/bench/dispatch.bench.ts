/**
 * Dialing-engine benchmark: the slot-job design against the older queue design, in one run.
 *
 * MongoDB is the embedded MongoDB-compatible server in a child process (as a real mongod is
 * a separate process; MONGODB_URI points the bench at a real one instead), Redis a
 * redis-server child. The simulated provider is reached through its in-process fast path
 * (place-call and webhook delivery are function calls instead of HTTP round trips, see
 * simulated.provider.ts); every other part is the production path: BullMQ, the Lua leases,
 * pub/sub wake-ups, MongoDB writes.
 *
 * Refill latency = from a call's end at the provider (the moment its final webhook is sent)
 * to the next dial on the same campaign, counted only while that campaign still had contacts
 * waiting. It is measured below saturation (the offered load, lines / mean call length, is
 * printed beside it): at saturation it would measure the throughput limit, which the
 * instant-call figure reports on its own.
 *
 * BENCH_DISPATCH_ONLY=http,held,refill,old,makespan,instant runs a subset (profiling). `http` is the
 * headline figure, the path a deployment runs (http-path.bench.ts), and `held` holds 10,000 live
 * calls on one worker on that path (held.bench.ts); the other parts reach the simulator
 * in-process and are labelled so.
 * BENCH_DISPATCH_WEBHOOKS=1 gives the organization an endpoint subscribed to every event, so each
 * ended call also writes its webhook outbox document (nothing relays them here): what outgoing
 * webhooks cost the dialing path.
 */
import type { Types } from 'mongoose';
import mongoose from 'mongoose';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadConfig } from '../config';
import { EventPublisher } from '../events';
import { createRedis, startRedisServer } from '../redis';
import { OrganizationModel } from '../organizations/organization.model';
import { AgentModel } from '../agents/agent.model';
import { PhoneModel } from '../phones/phone.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import { CallModel } from '../calls/call.model';
import { DoNotCallModel } from '../dnc/dnc.model';
import { WEBHOOK_EVENTS, WebhookEndpointModel, WebhookOutboxModel } from '../webhooks/webhook.model';
import { transitionInc } from '../campaigns/campaign.stats';
import { Simulator } from '../providers/simulated/simulator';
import type { LedgerEntry, SimulatorPlaceBody, SimulatorWebhookBody } from '../providers/simulated/simulator';
import { createDispatcher } from '../dispatch/dispatch.service';
import type { DispatchService } from '../dispatch/dispatch.service';
import { refillLatencies, startMongoProcess } from './stack';
import { runHttpPathBench } from './http-path.bench';
import { runHeldBench } from './held.bench';

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const ms = (n: number) => `${n.toFixed(1)} ms`;

/**
 * Call length of the refill scenarios (uniform). Real calls last minutes; these are as short as
 * the run time allows while 1,000 lines stay near or below what this engine sustains on a 2-core
 * machine (see the instant-call figure), so refills measure the wake-up path, not a backlog.
 */
const REFILL_CALL_MS: [number, number] = [10_000, 20_000];
/** Contacts per campaign of the instant-call run (20 campaigns). */
const INSTANT_CONTACTS = 500;
/** The older design's fixed re-queue delay when a campaign is full. */
const OLD_REQUEUE_MS = 10_000;

interface Env {
  redis: Redis;
  redisUrl: string;
  sim: Simulator;
  dispatcher: DispatchService;
  orgId: Types.ObjectId;
  phoneId: Types.ObjectId;
  agentId: Types.ObjectId;
}

/** Most calls of one campaign live at once, over all campaigns of a ledger. */
function maxLive(ledger: Pick<LedgerEntry, 'campaignId' | 'placedAt' | 'endedAt'>[]): number {
  const byCampaign = new Map<string, [number, number][]>();
  for (const e of ledger) {
    const points = byCampaign.get(e.campaignId) ?? [];
    points.push([e.placedAt, 1], [e.endedAt, -1]);
    byCampaign.set(e.campaignId, points);
  }
  let max = 0;
  for (const points of byCampaign.values()) {
    points.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let live = 0;
    for (const [, d] of points) max = Math.max(max, (live += d));
  }
  return max;
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
    {
      $set: {
        simulation: { busyRate: 0, noAnswerRate: 0, failRate: 0, voicemailRate: 0, minDurationMs, maxDurationMs },
      },
    },
  );
  // The engine caches phones for 2 s.
  await new Promise((r) => setTimeout(r, 2_100));
}

async function redisClients(redis: Redis): Promise<number> {
  return Number(/connected_clients:(\d+)/.exec(await redis.info('clients'))?.[1] ?? 0);
}

/** Starts the campaigns and waits for them all to complete; returns the most Redis clients seen meanwhile. */
async function runCampaigns(env: Env, ids: Types.ObjectId[], timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await Promise.all(ids.map((id) => env.dispatcher.startCampaign(String(env.orgId), String(id))));
  let clients = 0;
  for (;;) {
    clients = Math.max(clients, await redisClients(env.redis));
    // One indexed find that stops at the first match: a count (an aggregate) of 500 campaigns
    // cost the embedded server ~3.5 ms every 100 ms, inside the figures measured.
    const left = await CampaignModel.exists({ _id: { $in: ids }, status: { $ne: 'COMPLETED' } });
    if (!left) break;
    if (Date.now() - t0 > timeoutMs) {
      const n = await CampaignModel.countDocuments({ _id: { $in: ids }, status: { $ne: 'COMPLETED' } });
      throw new Error(`campaigns did not complete within ${timeoutMs} ms (${n} left)`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return clients;
}

/** CPU seconds the redis-server process has used (INFO cpu), in ms. */
async function redisCpuMs(redis: Redis): Promise<number> {
  const info = await redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

async function commandCount(redis: Redis): Promise<number> {
  return [...(await commandStats(redis)).values()].reduce((a, b) => a + b, 0);
}

async function commandStats(redis: Redis): Promise<Map<string, number>> {
  const info = await redis.info('commandstats');
  const out = new Map<string, number>();
  for (const match of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) out.set(match[1]!, Number(match[2]));
  return out;
}

/**
 * The older queue design, reproduced with BullMQ on the same MongoDB, Redis and simulator:
 * one job per contact; a job takes a campaign slot with INCR-and-check in Lua, or re-queues
 * itself with a fixed 10 s delay when the campaign is full; a dial writes a call record and
 * the contact (CALLING), the final webhook writes both again (the same writes as the new
 * design's, so the comparison is like for like).
 *
 * `release: 'request'` is that design as it was: the slot is given back when the place-call
 * request returns, so the limit does not hold. `release: 'end'` gives it back when the call
 * ends, which only flatters it (a held slot is what makes the re-queue wait): the refill
 * comparison uses that variant.
 */
async function runOldDesign(
  env: Env,
  ids: Types.ObjectId[],
  contacts: number,
  limit: number,
  release: 'request' | 'end',
): Promise<{ ledger: LedgerEntry[]; clients: number; seconds: number }> {
  const prefix = `old${Date.now()}`;
  const queue = new Queue('calls', { connection: env.redis, prefix });
  const sim = new Simulator({ secret: Buffer.from('old-design') });
  sim.statusEvents = 'final';
  const take = `local n = redis.call('INCR', KEYS[1]) if n > tonumber(ARGV[1]) then redis.call('DECR', KEYS[1]) return 0 end return 1`;
  const slotKey = (campaignId: string) => `${prefix}:slots:${campaignId}`;
  const connection = createRedis(env.redisUrl);
  const total = ids.length * contacts;
  let done = 0;
  let finish: () => void = () => undefined;
  let fail: (e: unknown) => void = () => undefined;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  // The old design's webhook: record the outcome on the call and the contact, free the slot.
  sim.deliver = async (url, _headers, body) => {
    try {
      const callId = new URL(url).searchParams.get('call')!;
      const hook = JSON.parse(body) as SimulatorWebhookBody;
      const call = await CallModel.findOneAndUpdate(
        { _id: callId },
        { $set: { status: 'COMPLETED', endedAt: new Date(hook.Timestamp) } },
        { lean: true },
      );
      if (call)
        await ContactModel.updateOne({ _id: call.contactId }, { $set: { status: 'COMPLETED', currentCallId: null } });
      if (release === 'end' && call) await env.redis.decr(slotKey(String(call.campaignId)));
      if (++done === total) finish();
    } catch (error) {
      fail(error);
    }
  };
  const phone = await PhoneModel.findById(env.phoneId).lean();
  const worker = new Worker(
    'calls',
    async (job) => {
      const { campaignId, contactId, to } = job.data as { campaignId: string; contactId: string; to: string };
      const ok = (await env.redis.eval(take, 1, slotKey(campaignId), limit)) as number;
      if (!ok) {
        await queue.add('call', job.data, { delay: OLD_REQUEUE_MS });
        return;
      }
      const call = await CallModel.create({
        organizationId: env.orgId,
        campaignId,
        contactId,
        phoneId: env.phoneId,
        attempt: 1,
        provider: 'SIMULATED',
        status: 'INITIATED',
        callbackToken: 'old',
      });
      await ContactModel.updateOne(
        { _id: contactId },
        { $set: { status: 'CALLING', currentCallId: call._id }, $inc: { attempts: 1 } },
      );
      const placeBody: SimulatorPlaceBody = {
        to,
        from: '+14155550000',
        statusCallback: `http://old.invalid/webhook?call=${String(call._id)}`,
        timeLimitSeconds: 60,
        simulation: {
          busyRate: 0,
          noAnswerRate: 0,
          failRate: 0,
          voicemailRate: 0,
          minDurationMs: 1000,
          maxDurationMs: 1000,
          ...(phone?.simulation ?? {}),
        },
        metadata: { callId: String(call._id), campaignId, contactId, attempt: 1, callbackToken: 'old' },
      };
      const answer = sim.place(placeBody);
      if (answer === 'hang' || answer.status >= 300) throw new Error('old design: place-call refused');
      await CallModel.updateOne({ _id: call._id }, { $set: { providerCallId: (answer.json as { sid: string }).sid } });
      if (release === 'request') await env.redis.decr(slotKey(campaignId));
    },
    { connection, prefix, concurrency: 500 },
  );
  worker.on('failed', (_job, error) => fail(error));
  const contactDocs = await ContactModel.find({ campaignId: { $in: ids } }, { campaignId: 1, phoneNumber: 1 }).lean();
  const t0 = Date.now();
  await queue.addBulk(
    contactDocs.map((c) => ({
      name: 'call',
      data: { campaignId: String(c.campaignId), contactId: String(c._id), to: c.phoneNumber },
    })),
  );
  let clients = 0;
  const sampler = setInterval(() => {
    void redisClients(env.redis).then((n) => (clients = Math.max(clients, n)));
  }, 200);
  try {
    await finished;
  } finally {
    clearInterval(sampler);
  }
  const seconds = (Date.now() - t0) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  sim.close();
  return { ledger: sim.ledger, clients, seconds };
}

export async function runDispatchBench(): Promise<void> {
  const only = new Set(
    (process.env['BENCH_DISPATCH_ONLY'] ?? 'http,held,refill,old,makespan,instant').split(',').map((s) => s.trim()),
  );
  const out = (s: string) => process.stdout.write(`${s}\n`);
  // 0. The headline: the path a deployment runs (processes, HTTP place-call, HTTP webhooks).
  if (only.has('http')) await runHttpPathBench(out);
  // 0b. 10,000 live calls held on one worker, on the same path (held.bench.ts).
  if (only.has('held')) await runHeldBench(out);
  if (![...only].some((part) => part !== 'http' && part !== 'held')) return;
  const external = process.env['MONGODB_URI'];
  const mongo = external ? null : await startMongoProcess();
  const redisServer = await startRedisServer();
  const mongoUri = `${(external ?? mongo!.uri).replace(/\/$/, '')}/dispatchbench_${Date.now()}`;
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
  // Command events cost the engine about 8% of its CPU per call: on only to trace commands.
  const trace = Boolean(process.env['BENCH_DISPATCH_TRACE']);
  await mongoose.connect(mongoUri, { monitorCommands: trace });
  const byCommand = new Map<string, number>();
  if (trace)
    mongoose.connection
      .getClient()
      .on('commandStarted', (e: { commandName: string; command: Record<string, unknown> }) => {
        const k = `${e.commandName} ${String(e.command[e.commandName])} ${JSON.stringify(Object.keys((e.command['filter'] ?? e.command['query'] ?? {}) as object))}`;
        byCommand.set(k, (byCommand.get(k) ?? 0) + 1);
      });
  // Commands as the server counts them (serverStatus opcounters, as mongod reports them).
  const mongoCommands = async () => {
    const status = (await mongoose.connection.db!.admin().command({ serverStatus: 1 })) as {
      opcounters: Record<string, number>;
      network: { numRequests: number };
    };
    return {
      ops: Object.values(status.opcounters).reduce((a, b) => a + b, 0),
      requests: status.network.numRequests,
    };
  };
  await Promise.all(
    [OrganizationModel, AgentModel, PhoneModel, CampaignModel, ContactModel, CallModel, DoNotCallModel].map((m) =>
      m.createIndexes(),
    ),
  );
  const redis = createRedis(redisServer.url);
  const sim = new Simulator({ secret: config.jwt.secret });
  sim.statusEvents = 'final';
  const dispatcher = createDispatcher({
    config,
    redis,
    redisUrl: redisServer.url,
    events: new EventPublisher(redis, config.redisPrefix),
    options: { directSimulator: sim },
  });
  // In-process webhook delivery (the fast path): the same handler the HTTP route calls.
  sim.deliver = async (url, headers, body) => {
    await dispatcher.handleWebhook('simulated', {
      method: 'POST',
      url,
      headers,
      body: JSON.parse(body) as Record<string, unknown>,
      rawBody: Buffer.from(body),
    });
  };
  await dispatcher.startWorkers();
  // BENCH_FREQUENCY_CAPS=on: the organization has frequency caps high enough to refuse no call,
  // so the figures include the fence's cap check (count and record each dial); compare a run
  // without it for the cost (issue 18).
  const capsOn = process.env['BENCH_FREQUENCY_CAPS'] === 'on';
  const org = await OrganizationModel.create({
    name: 'bench',
    ...(capsOn ? { settings: { maxCallsPerNumberPerDay: 10_080, maxCallsPerNumberPerWeek: 10_080 } } : {}),
  });
  const agent = await AgentModel.create({ organizationId: org._id, name: 'bench' });
  const phone = await PhoneModel.create({
    organizationId: org._id,
    name: 'bench',
    number: '+14155550000',
    provider: 'SIMULATED',
  });
  const webhooks = Boolean(process.env['BENCH_DISPATCH_WEBHOOKS']);
  if (webhooks) {
    await Promise.all([WebhookEndpointModel, WebhookOutboxModel].map((m) => m.createIndexes()));
    await WebhookEndpointModel.create({
      organizationId: org._id,
      url: 'https://example.com/bench',
      events: [...WEBHOOK_EVENTS],
      secretSealed: 'never read: nothing is delivered here',
    });
  }
  const env: Env = {
    redis,
    redisUrl: redisServer.url,
    sim,
    dispatcher,
    orgId: org._id,
    phoneId: phone._id,
    agentId: agent._id,
  };
  out(
    `Dispatch benchmark (slot jobs vs the older queue design; simulator fast path; ${external ? 'MONGODB_URI' : 'embedded MongoDB in a child process'}; redis-server child; node flags: ${process.execArgv.join(' ') || 'none'})`,
  );

  const meanCallMs = (REFILL_CALL_MS[0] + REFILL_CALL_MS[1]) / 2;
  const scenarios: { campaigns: number; limit: number; contacts: number }[] = [
    // Two contacts per line: every line refills once.
    { campaigns: 50, limit: 10, contacts: 20 },
    { campaigns: 500, limit: 2, contacts: 4 },
  ].filter(
    (sc) =>
      !process.env['BENCH_DISPATCH_SCALES'] ||
      process.env['BENCH_DISPATCH_SCALES'].split(',').includes(`${sc.campaigns}x${sc.limit}`),
  );
  try {
    // 1. Refill latency of the slot design at 50 × 10 and 500 × 2.
    const fresh: number[][] = [];
    if (only.has('refill') || only.has('old')) {
      await setSimulation(env, ...REFILL_CALL_MS);
      for (const { campaigns, limit, contacts } of scenarios) {
        sim.clearLedger();
        const ids = await seedCampaigns(env, campaigns, contacts, limit);
        const t0 = Date.now();
        const clients = await runCampaigns(env, ids, 300_000);
        const lat = refillLatencies(sim.ledger, contacts);
        fresh.push(lat);
        const load = (campaigns * limit * 1000) / meanCallMs;
        out(
          `slot jobs   ${campaigns} campaigns x ${limit} lines (${contacts} contacts each, calls ${REFILL_CALL_MS[0]}-${REFILL_CALL_MS[1]} ms, offered ~${load.toFixed(0)} calls/s): ` +
            `refill p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}, max ${ms(lat[lat.length - 1] ?? NaN)} (${lat.length} refills); ` +
            `most live calls of a campaign ${maxLive(sim.ledger)} (limit ${limit}); ${((Date.now() - t0) / 1000).toFixed(1)} s; Redis connections (all clients) ${clients}`,
        );
      }
    }

    // 2. The older design, same scenarios, same call lengths, same MongoDB writes.
    if (only.has('old')) {
      for (const [i, { campaigns, limit, contacts }] of scenarios.entries()) {
        const ids = await seedCampaigns(env, campaigns, contacts, limit);
        const old = await runOldDesign(env, ids, contacts, limit, 'end');
        const lat = refillLatencies(old.ledger, contacts);
        const now = fresh[i]!;
        // A refill faster than the ledger's 1 ms resolution counts as 1 ms: the ratio is then a lower bound.
        const ratio = (p: number) =>
          `${(pct(lat, p) / Math.max(1, pct(now, p))).toFixed(0)}x${pct(now, p) < 1 ? ' (at least)' : ''}`;
        out(
          `older design ${campaigns} campaigns x ${limit} lines (slot held until the call ends): refill p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))} (${lat.length} refills); ` +
            `most live calls of a campaign ${maxLive(old.ledger)}; ${old.seconds.toFixed(1)} s; Redis connections ${old.clients}; ratio old/new: p50 ${ratio(50)}, p99 ${ratio(99)}`,
        );
      }
      // As it really was: the slot freed when the place-call request returns.
      const { campaigns, limit, contacts } = scenarios[0]!;
      const ids = await seedCampaigns(env, campaigns, contacts, limit);
      const asWas = await runOldDesign(env, ids, contacts, limit, 'request');
      out(
        `older design ${campaigns} x ${limit}, slot freed when the request returns (as it was): most live calls of a campaign ${maxLive(asWas.ledger)} vs limit ${limit} ` +
          `(no dial waited for a call to end, so it has no refill latency to compare; ${asWas.seconds.toFixed(1)} s)`,
      );
    }

    // 3. Makespan: 60 calls of 500 ms at limit 6; ideal 10 waves × 500 ms.
    if (only.has('makespan')) {
      await setSimulation(env, 500, 500);
      sim.clearLedger();
      const [one] = await seedCampaigns(env, 1, 60, 6);
      const t0 = Date.now();
      await runCampaigns(env, [one!], 60_000);
      const first = Math.min(...sim.ledger.map((e) => e.placedAt));
      const last = Math.max(...sim.ledger.map((e) => e.endedAt));
      // The simulator rings before the 500 ms of talk (a tenth of the shortest call), so a call
      // lasts ~550 ms at the provider: the ideal is 10 waves of the calls' real length.
      const callMs = sim.ledger.reduce((sum, e) => sum + (e.endedAt - e.placedAt), 0) / sim.ledger.length;
      const ideal = 10 * callMs;
      out(
        `makespan 60 calls at limit 6: ${ms(last - first)} first dial to last end (${ms(Date.now() - t0)} start to COMPLETED); ` +
          `calls last ${ms(callMs)} at the provider, ideal 10 x ${ms(callMs)} = ${ms(ideal)}: ${((last - first) / ideal).toFixed(3)}x ` +
          `(vs a flat 5000 ms: ${((last - first) / 5000).toFixed(3)}x); most live ${maxLive(sim.ledger)}`,
      );
    }

    // 4. Throughput with instant calls; Redis commands and MongoDB commands per call.
    if (only.has('instant')) {
      out(`  frequency caps ${capsOn ? 'on (BENCH_FREQUENCY_CAPS=on)' : 'off'}`);
      await setSimulation(env, 0, 0);
      sim.clearLedger();
      // Steady state: every slot dials many contacts in a row (500 per campaign, 10 per line),
      // so the figure is the dialling loop's, not that of slot jobs starting and finishing.
      const ids = await seedCampaigns(env, 20, INSTANT_CONTACTS, 50);
      const statsBefore = await commandStats(redis);
      const before = await commandCount(redis);
      const mongoBefore = await mongoCommands();
      const t1 = Date.now();
      const cpu0 = process.cpuUsage();
      const mongoCpu0 = await mongo?.cpuMs();
      const redisCpu0 = await redisCpuMs(redis);
      await runCampaigns(env, ids, 300_000);
      const seconds = (Date.now() - t1) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const mongoCpu = mongoCpu0 === undefined ? undefined : (await mongo!.cpuMs())! - mongoCpu0;
      const redisCpu = (await redisCpuMs(redis)) - redisCpu0;
      const after = await commandCount(redis);
      const mongoAfter = await mongoCommands();
      const calls = sim.ledger.length;
      // CPU time per call does not depend on what else the machine runs; calls/s does.
      out(
        `  CPU per call: ${((cpu.user + cpu.system) / 1000 / calls).toFixed(2)} ms in the bench process (engine, webhooks, drivers)` +
          (mongoCpu === undefined ? '' : `, ${(mongoCpu / calls).toFixed(2)} ms in the MongoDB process`) +
          `, ${(redisCpu / calls).toFixed(2)} ms in redis-server`,
      );
      if (trace) {
        const statsAfter = await commandStats(redis);
        for (const [k, n] of [...statsAfter]
          .map(([k, n]) => [k, n - (statsBefore.get(k) ?? 0)] as const)
          .sort((a, b) => b[1] - a[1])
          .slice(0, 15))
          out(`  redis ${(n / calls).toFixed(2)} ${k}`);
      }
      out(
        `in-process shortcut, instant calls (20 campaigns x 50 lines, ${20 * INSTANT_CONTACTS} contacts): ${calls} calls in ${seconds.toFixed(2)} s = ${(calls / seconds).toFixed(0)} calls/s; ` +
          `per call: ${((after - before) / calls).toFixed(1)} Redis commands (INFO commandstats, Lua-internal included), ` +
          `${((mongoAfter.requests - mongoBefore.requests) / calls).toFixed(1)} MongoDB round trips (serverStatus network.numRequests) carrying ` +
          `${((mongoAfter.ops - mongoBefore.ops) / calls).toFixed(1)} operations (opcounters: an inserted document counts one; bench polling included)`,
      );
      if (trace)
        for (const [k, n] of [...byCommand].sort((a, b) => b[1] - a[1])) out(`  ${(n / calls).toFixed(2)} ${k}`);
      if (webhooks)
        out(`  webhook outbox documents written: ${await WebhookOutboxModel.countDocuments({ type: 'call.ended' })}`);
    }
  } finally {
    await dispatcher.close();
    await redis.quit();
    await mongoose.disconnect();
    await redisServer.stop();
    await mongo?.stop();
  }
}
