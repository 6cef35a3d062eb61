import { isValidObjectId } from 'mongoose';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { EventPublisher } from '../events';
import { notFound } from '../errors';
import { logger } from '../logger';
import { createRedis } from '../redis';
import { CallModel } from '../calls/call.model';
import type { CallDoc } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { CampaignCounters } from '../campaigns/campaign.counters';
import { createCampaignLifecycle } from '../campaigns/campaign.lifecycle';
import type { SlotControl } from '../campaigns/campaign.lifecycle';
import { settingsOf } from '../campaigns/campaign.settings';
import { DoNotCallList } from '../dnc/dnc.list';
import { createProviders } from '../providers/registry';
import { Simulator } from '../providers/simulated/simulator';
import { createDispatchQueue, slotJobId, startDispatchWorker } from './dispatch.queue';
import type { DispatchJobData } from './dispatch.queue';
import type { Dispatcher } from './dispatcher';
import { DispatchEngine } from './engine';
import { DispatcherStoppedError } from './engine.context';
import type { EngineTuning } from './engine.context';
import { Leases } from './leases';
import { manualCallTarget, refusalError } from './manual-call';
import { Signals } from './signals';

export interface DispatcherDeps {
  config: Config;
  /** Commands and publishing. */
  redis: Redis;
  redisUrl: string;
  events: EventPublisher;
  /** The do-not-call lists checked at every dial (the app's services.doNotCall); default: its own. */
  doNotCall?: DoNotCallList;
  /** Overrides for tests and the bench; production takes everything from config. */
  options?: DispatcherOptions;
}

export interface DispatcherOptions {
  tuning?: Partial<EngineTuning>;
  /** Tests only: this worker never renews its job locks, so its jobs stall while still running. */
  skipLockRenewal?: boolean;
  /** Worker concurrency; default config.workerConcurrency. */
  concurrency?: number;
  /**
   * Bench only: reach this Simulator in-process instead of over HTTP (place-call and webhook
   * delivery). Same ledger, same engine; it saves the HTTP round trips.
   */
  directSimulator?: Simulator;
  /** Whether to run the periodic sweeper and reconcile in startWorkers. Default true. */
  sweeper?: boolean;
}

/** The implementation's extra handles, for tests and the bench. */
export interface DispatchService extends Dispatcher {
  readonly engine: DispatchEngine;
  readonly queue: Queue<DispatchJobData>;
  readonly leases: Leases;
  /**
   * This process's worker dies on the spot (tests; and `close({ force })` when Redis does not answer). Its BullMQ worker is force-closed (locks no
   * longer renewed, jobs left active for another worker's stall check) and every running slot
   * stops at its next step without writing anything. The webhook handler keeps working: it
   * belongs to the API side of the process.
   */
  kill(): Promise<void>;
  /** Runs one sweep now (tests). */
  sweep(): Promise<void>;
}

/** Caps on how long a manual call waits for the phone's rate bucket before RATE_LIMITED. */
const MANUAL_RATE_WAIT_MS = 2_000;

/** The engine's tuning: defaults (see EngineTuning), then the caller's overrides (tests, bench). */
function tuningOf(config: Config, overrides?: Partial<EngineTuning>): EngineTuning {
  return {
    capacityWaitMs: 1_000,
    reconcileMs: 5_000,
    orphanAfterMs: 2 * config.dispatch.lockMs + config.dispatch.stalledIntervalMs,
    ...overrides,
  };
}

/** Adds the slot jobs of a campaign's current generation, one per line of its limit (idempotent: fixed job ids). */
async function addSlotJobs(
  queue: Queue<DispatchJobData>,
  campaign: Pick<CampaignDoc, '_id' | 'dispatchGeneration' | 'settings'>,
): Promise<void> {
  const limit = settingsOf(campaign).concurrentCallsLimit;
  const id = String(campaign._id);
  const jobs = Array.from({ length: limit }, (_, index) => ({
    name: 'slot',
    data: { kind: 'slot' as const, campaignId: id, generation: campaign.dispatchGeneration, index },
    opts: { jobId: slotJobId(id, campaign.dispatchGeneration, index) },
  }));
  if (jobs.length > 0) await queue.addBulk(jobs);
}

/** Runs `run` every `ms`, never two at once, and not once the process is dead; failures are logged. */
function repeatEvery(ms: number, name: string, run: () => Promise<void>, isDead: () => boolean): NodeJS.Timeout {
  let running = false;
  return setInterval(() => {
    if (running || isDead()) return;
    running = true;
    run()
      .catch((error: unknown) => logger.warn({ err: (error as Error).message }, `${name} failed`))
      .finally(() => {
        running = false;
      });
  }, ms);
}

/** Shutdown steps in order, each guarded on its own: one that fails is logged and the next still runs. */
async function runShutdownSteps(steps: [string, () => Promise<unknown>][]): Promise<void> {
  for (const [name, run] of steps) {
    try {
      await run();
    } catch (error) {
      logger.warn({ err: (error as Error).message, step: name }, 'dispatcher shutdown step failed');
    }
  }
}

/** What the campaign lifecycle (campaigns/campaign.lifecycle.ts) asks of the slots. */
function createSlotControl(queue: Queue<DispatchJobData>, leases: Leases): SlotControl {
  return {
    async activate(campaign) {
      await leases.unstop(String(campaign._id));
      await addSlotJobs(queue, campaign);
    },
    async regenerate(campaignId) {
      const updated = await CampaignModel.findOneAndUpdate(
        { _id: campaignId, status: 'ACTIVE' },
        { $inc: { dispatchGeneration: 1 } },
        { returnDocument: 'after' },
      );
      if (updated) await addSlotJobs(queue, updated);
    },
    async stop(campaign) {
      await leases.stop(String(campaign._id), campaign.dispatchGeneration);
    },
    async scheduleStart(campaignId, scheduledAt) {
      await queue.add(
        'start',
        { kind: 'start', campaignId: String(campaignId), scheduledAt },
        { jobId: `start-${String(campaignId)}-${scheduledAt}`, delay: scheduledAt - Date.now() },
      );
    },
  };
}

export function createDispatcher(deps: DispatcherDeps): DispatchService {
  const { config, redis, events } = deps;
  const options = deps.options ?? {};
  const prefix = config.redisPrefix;
  let apiUrl: string | null = null;
  const fallbackUrl = `http://127.0.0.1:${config.port}`;
  const publicBaseUrl = () => config.publicUrl ?? apiUrl ?? fallbackUrl;

  const simulator =
    options.directSimulator ?? new Simulator({ secret: config.jwt.secret, publicBaseUrl: () => config.publicUrl });
  const providers = createProviders({
    config,
    // The simulator is part of the API: this process's own API when it has one, else PUBLIC_URL's.
    simulatorBaseUrl: () => config.simulatorUrl ?? apiUrl ?? config.publicUrl ?? fallbackUrl,
    ...(options.directSimulator ? { directSimulator: options.directSimulator } : {}),
  });
  const leases = new Leases(redis, prefix, config.redisWait);
  const doNotCall = deps.doNotCall ?? new DoNotCallList(redis, prefix);
  const signals = new Signals(prefix);
  const queue = createDispatchQueue(redis, prefix);
  let dead = false;
  let stopping = false;

  const counters = new CampaignCounters();

  const addSlots = (campaign: Pick<CampaignDoc, '_id' | 'dispatchGeneration' | 'settings'>) =>
    addSlotJobs(queue, campaign);
  const tuning = tuningOf(config, options.tuning);
  const engine = new DispatchEngine({
    config,
    redis,
    events,
    providers,
    leases,
    signals,
    doNotCall,
    counters,
    publicBaseUrl,
    tuning,
    ensureSlots: addSlots,
    checkAlive: () => {
      if (dead) throw new DispatcherStoppedError('killed');
      if (stopping) throw new DispatcherStoppedError('stopping');
    },
  });

  let worker: Worker<DispatchJobData> | null = null;
  let workerConnection: Redis | null = null;
  const timers: NodeJS.Timeout[] = [];
  let closing: Promise<void> | null = null;

  const publish = (campaign: CampaignDoc) => engine.publishCampaign(campaign);

  const slots = createSlotControl(queue, leases);
  const lifecycle = createCampaignLifecycle({ slots, counters, publish });

  const service: DispatchService = {
    engine,
    queue,
    leases,
    doNotCall,
    simulator,

    ...lifecycle,

    async callContact(organizationId, campaignId, contactId) {
      if (!isValidObjectId(campaignId) || !isValidObjectId(organizationId)) throw notFound('Campaign');
      const campaign = await CampaignModel.findOne({ _id: campaignId, organizationId });
      if (!campaign) throw notFound('Campaign');
      const { contact, phone } = await manualCallTarget(engine, doNotCall, campaign, contactId);
      const started = await engine.startManualCall(campaign.toObject(), contact, phone, {
        rateWaitMs: MANUAL_RATE_WAIT_MS,
      });
      if ('refused' in started) throw refusalError(started.refused, settingsOf(campaign).concurrentCallsLimit);
      // A job waits for the call's end and records it, durably: this request does not.
      await queue.add(
        'call',
        { kind: 'call', callId: String(started.call._id) },
        { jobId: `call-${String(started.call._id)}` },
      );
      const call = await CallModel.findById(started.call._id);
      if (!call) throw new Error('the call just created is missing');
      return call as CallDoc;
    },

    handleWebhook: (provider, raw) => engine.handleWebhook(provider, raw),

    publicBaseUrl,

    setApiUrl(url: string) {
      apiUrl = url;
    },

    async startWorkers() {
      if (worker || dead) return;
      await signals.start(deps.redisUrl);
      workerConnection = createRedis(deps.redisUrl);
      worker = startDispatchWorker({
        connection: workerConnection,
        prefix,
        concurrency: options.concurrency ?? config.workerConcurrency,
        lockDuration: config.dispatch.lockMs,
        stalledInterval: config.dispatch.stalledIntervalMs,
        skipLockRenewal: options.skipLockRenewal ?? false,
        engine,
        startScheduled: lifecycle.startScheduled,
      });
      if (options.sweeper !== false) {
        const isDead = () => dead;
        timers.push(repeatEvery(config.dispatch.sweepIntervalMs, 'lease sweep', () => engine.sweep(), isDead));
        timers.push(repeatEvery(tuning.reconcileMs, 'call reconcile', () => engine.reconcile(), isDead));
      }
    },

    sweep: () => engine.sweep(),

    async kill() {
      dead = true;
      for (const timer of timers.splice(0)) clearInterval(timer);
      signals.kill();
      const w = worker;
      worker = null;
      if (w) await w.close(true).catch(() => undefined);
      workerConnection?.disconnect();
      workerConnection = null;
      leases.close();
    },

    close({ force = false } = {}) {
      closing ??= (async () => {
        // Running slots stop at their next step and go back to the queue (delayed, not failed);
        // waking their waiters first lets the worker's graceful close finish at once.
        stopping = true;
        for (const timer of timers.splice(0)) clearInterval(timer);
        // Handing slots back needs Redis: without it, stop as a crash would (the steps below
        // then find nothing left to close gracefully).
        if (force) await service.kill();
        await runShutdownSteps([
          ['signals', () => signals.close()],
          ['worker', async () => worker?.close()],
          ['worker connection', async () => workerConnection?.quit()],
          ['queue', () => queue.close()],
          ['simulator', async () => simulator.close()],
          ['lease fence', async () => leases.close()],
        ]);
        worker = null;
      })();
      return closing;
    },
  };
  return service;
}
