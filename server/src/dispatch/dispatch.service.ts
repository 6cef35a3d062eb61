import { isValidObjectId } from 'mongoose';
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { EventPublisher } from '../events';
import { notFound } from '../errors';
import { CallModel } from '../calls/call.model';
import type { CallDoc } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { CampaignCounters } from '../campaigns/campaign.counters';
import { createCampaignLifecycle } from '../campaigns/campaign.lifecycle';
import type { CampaignLifecycle, SlotControl } from '../campaigns/campaign.lifecycle';
import { settingsOf } from '../campaigns/campaign.settings';
import { DoNotCallList } from '../dnc/dnc.list';
import { createProviders } from '../providers/registry';
import { Simulator } from '../providers/simulated/simulator';
import { createDispatchQueue, slotJobId } from './dispatch.queue';
import type { DispatchJobData } from './dispatch.queue';
import type { Dispatcher } from './dispatcher';
import { DispatchEngine } from './engine';
import type { EngineDeps, EngineTuning } from './engine.context';
import { WorkerHost } from './dispatch.workers';
import { Leases } from './leases';
import { manualCallTarget, refusalError } from './manual-call';
import { Signals } from './signals';

export interface DispatcherDeps {
  config: Config;
  /** Commands and publishing; the dispatch queue's connection. */
  redis: Redis;
  /**
   * The per-call commands (leases, call-ended publishes), best with ioredis'
   * `enableAutoPipelining` (app.ts says why). Default: `redis`.
   */
  commands?: Redis;
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

/**
 * The implementation, with extra handles for app.ts, tests and the bench. The campaign lifecycle
 * it builds (it owns the slots the lifecycle drives) is `lifecycle`, which app.ts hands to the
 * API as `services.lifecycle`; tests and the bench also reach its methods here directly.
 */
export interface DispatchService extends Dispatcher, Omit<CampaignLifecycle, 'startScheduled'> {
  readonly lifecycle: CampaignLifecycle;
  /** The do-not-call lists it checks at every dial (the app's `services.doNotCall`). */
  readonly doNotCall: DoNotCallList;
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
    dialsInFlight: config.dispatch.dialsInFlight,
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

/** What a manual call needs of the dispatcher's parts. */
interface ManualCallParts {
  engine: DispatchEngine;
  doNotCall: DoNotCallList;
  queue: Queue<DispatchJobData>;
}

/** "Call this contact now", within the campaign's limit; a durable job records the call's end. */
async function callContactNow(
  { engine, doNotCall, queue }: ManualCallParts,
  organizationId: string,
  campaignId: string,
  contactId: string,
): Promise<CallDoc> {
  if (!isValidObjectId(campaignId) || !isValidObjectId(organizationId)) throw notFound('Campaign');
  const campaign = await CampaignModel.findOne({ _id: campaignId, organizationId });
  if (!campaign) throw notFound('Campaign');
  const target = await manualCallTarget(engine, doNotCall, campaign, contactId);
  const started = await engine.startManualCall(campaign.toObject(), target, { rateWaitMs: MANUAL_RATE_WAIT_MS });
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
}

/** The engine and its providers (the simulator among them), from config and the test/bench overrides. */
function createEngine(
  deps: DispatcherDeps,
  parts: Pick<EngineDeps, 'leases' | 'doNotCall' | 'signals' | 'counters' | 'tuning' | 'checkAlive' | 'ensureSlots'>,
) {
  const { config, events } = deps;
  const redis = deps.commands ?? deps.redis;
  let apiUrl: string | null = null;
  const fallbackUrl = `http://127.0.0.1:${config.port}`;
  const publicBaseUrl = () => config.publicUrl ?? apiUrl ?? fallbackUrl;
  const direct = deps.options?.directSimulator;
  const providers = createProviders({
    config,
    // The simulator is part of the API: this process's own API when it has one, else PUBLIC_URL's.
    simulatorBaseUrl: () => config.simulatorUrl ?? apiUrl ?? config.publicUrl ?? fallbackUrl,
    ...(direct ? { directSimulator: direct } : {}),
  });
  const engine = new DispatchEngine({ config, redis, events, providers, publicBaseUrl, ...parts });
  const setApiUrl = (url: string) => {
    apiUrl = url;
  };
  return { engine, publicBaseUrl, setApiUrl };
}

export function createDispatcher(deps: DispatcherDeps): DispatchService {
  const { config, redis } = deps;
  const options = deps.options ?? {};
  const prefix = config.redisPrefix;
  const leases = new Leases(deps.commands ?? redis, prefix, config.redisWait);
  const doNotCall = deps.doNotCall ?? new DoNotCallList(deps.commands ?? redis, prefix);
  const signals = new Signals(prefix);
  const queue = createDispatchQueue(redis, prefix);
  const counters = new CampaignCounters();
  const tuning = tuningOf(config, options.tuning);
  const simulator =
    options.directSimulator ??
    new Simulator({
      secret: config.jwt.secret,
      publicBaseUrl: () => config.publicUrl,
      ledgerLimit: config.simulatorLedgerLimit,
    });
  const host = new WorkerHost({
    config,
    redisUrl: deps.redisUrl,
    queue,
    leases,
    signals,
    simulator,
    concurrency: options.concurrency ?? config.workerConcurrency,
    skipLockRenewal: options.skipLockRenewal ?? false,
    sweeper: options.sweeper !== false,
    reconcileMs: tuning.reconcileMs,
  });
  const { engine, publicBaseUrl, setApiUrl } = createEngine(deps, {
    leases,
    doNotCall,
    signals,
    counters,
    tuning,
    checkAlive: host.checkAlive,
    ensureSlots: (campaign) => addSlotJobs(queue, campaign),
  });
  const lifecycle = createCampaignLifecycle({
    slots: createSlotControl(queue, leases),
    counters,
    publish: (campaign) => engine.publishCampaign(campaign),
  });
  return {
    engine,
    queue,
    leases,
    doNotCall,
    simulator,
    lifecycle,
    ...lifecycle,
    callContact: (organizationId, campaignId, contactId) =>
      callContactNow({ engine, doNotCall, queue }, organizationId, campaignId, contactId),
    handleWebhook: (provider, raw) => engine.handleWebhook(provider, raw),
    publicBaseUrl,
    setApiUrl,
    startWorkers: () => host.start(engine, lifecycle.startScheduled),
    sweep: () => engine.sweep(),
    kill: () => host.kill(),
    close: (closeOptions) => host.close(closeOptions),
  };
}
