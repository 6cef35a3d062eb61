import type { Types } from 'mongoose';
import { isValidObjectId } from 'mongoose';
import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { EventPublisher } from '../events';
import { AppError, ErrorCode, conflict, notFound } from '../errors';
import { logger } from '../logger';
import { createRedis } from '../redis';
import { CallModel } from '../calls/call.model';
import type { CallDoc } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import type { CampaignDoc, CampaignStatus } from '../campaigns/campaign.model';
import { transitionInc } from '../campaigns/campaign.stats';
import { ContactModel } from '../contacts/contact.model';
import type { ContactStatus } from '../contacts/contact.model';
import { DoNotCallList } from '../dnc/dnc.list';
import { createProviders } from '../providers/registry';
import { agentPhoneMisfit } from '../agents/agent.campaigns';
import { Simulator } from '../providers/simulated/simulator';
import { createDispatchQueue, slotJobId, startDispatchWorker } from './dispatch.queue';
import type { DispatchJobData } from './dispatch.queue';
import type { Dispatcher } from './dispatcher';
import { DispatchEngine, DispatcherStoppedError } from './engine';
import type { EngineTuning } from './engine';
import { Leases } from './leases';
import { Signals } from './signals';

export interface DispatcherDeps {
  config: Config;
  /** Commands and publishing. */
  redis: Redis;
  redisUrl: string;
  events: EventPublisher;
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
  const leases = new Leases(redis, prefix);
  const doNotCall = new DoNotCallList(redis, prefix);
  const signals = new Signals(prefix);
  const queue = createDispatchQueue(redis, prefix);
  let dead = false;
  let stopping = false;

  const addSlots = async (campaign: {
    _id: Types.ObjectId;
    dispatchGeneration: number;
    settings?: { concurrentCallsLimit?: number | null } | null;
  }) => {
    const limit = campaign.settings?.concurrentCallsLimit ?? 3;
    const id = String(campaign._id);
    const jobs = Array.from({ length: limit }, (_, index) => ({
      name: 'slot',
      data: { kind: 'slot' as const, campaignId: id, generation: campaign.dispatchGeneration, index },
      opts: { jobId: slotJobId(id, campaign.dispatchGeneration, index) },
    }));
    if (jobs.length > 0) await queue.addBulk(jobs);
  };

  const tuning: EngineTuning = {
    capacityWaitMs: 1_000,
    reconcileMs: 5_000,
    orphanAfterMs: 2 * config.dispatch.lockMs + config.dispatch.stalledIntervalMs,
    ...options.tuning,
  };
  const engine = new DispatchEngine({
    config,
    redis,
    events,
    providers,
    leases,
    signals,
    doNotCall,
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

  const loadCampaign = async (organizationId: string, campaignId: string): Promise<CampaignDoc> => {
    if (!isValidObjectId(campaignId) || !isValidObjectId(organizationId)) throw notFound('Campaign');
    const campaign = await CampaignModel.findOne({ _id: campaignId, organizationId });
    if (!campaign) throw notFound('Campaign');
    return campaign;
  };

  /**
   * One lifecycle transition: a conditional update from the allowed statuses; CONFLICT naming
   * the current status otherwise.
   */
  const transition = async (
    organizationId: string,
    campaignId: string,
    verb: string,
    from: CampaignStatus[],
    update: Record<string, unknown>,
  ): Promise<CampaignDoc> => {
    const current = await loadCampaign(organizationId, campaignId);
    const updated = await CampaignModel.findOneAndUpdate({ _id: current._id, status: { $in: from } }, update, {
      returnDocument: 'after',
    });
    if (!updated) {
      const now = await loadCampaign(organizationId, campaignId);
      throw conflict(`Cannot ${verb} a campaign that is ${now.status}`, { status: now.status });
    }
    return updated;
  };

  const publish = (campaign: CampaignDoc) => engine.publishCampaign(campaign);

  /** Starts dialling: a new generation of slots (older slots finish their call and stop). */
  const activate = async (campaign: CampaignDoc): Promise<void> => {
    await leases.unstop(String(campaign._id));
    await addSlots(campaign);
  };

  /** Bumps the generation of an ACTIVE campaign and adds its slots (limit changes, new contacts). */
  const regenerate = async (campaignId: Types.ObjectId): Promise<void> => {
    const updated = await CampaignModel.findOneAndUpdate(
      { _id: campaignId, status: 'ACTIVE' },
      { $inc: { dispatchGeneration: 1 } },
      { returnDocument: 'after' },
    );
    if (updated) await addSlots(updated);
  };

  const startScheduled = async (campaignId: string): Promise<void> => {
    const updated = await CampaignModel.findOneAndUpdate(
      { _id: campaignId, status: 'SCHEDULED' },
      { $set: { status: 'ACTIVE', startedAt: new Date() }, $inc: { dispatchGeneration: 1 } },
      { returnDocument: 'after' },
    );
    if (!updated) return;
    await activate(updated);
    void publish(updated);
  };

  const service: DispatchService = {
    engine,
    queue,
    leases,
    doNotCall,
    simulator,

    async startCampaign(organizationId, campaignId) {
      const campaign = await loadCampaign(organizationId, campaignId);
      if (campaign.status !== 'DRAFT' && campaign.status !== 'SCHEDULED') {
        throw conflict(`Cannot start a campaign that is ${campaign.status}`, { status: campaign.status });
      }
      if (!(await ContactModel.exists({ campaignId: campaign._id }))) {
        throw conflict('Cannot start a campaign without contacts: add contacts first');
      }
      // Issue 17: an agent edited after the campaign was made may no longer fit its phone.
      const misfit = await agentPhoneMisfit(campaign.agentId, campaign.phoneId);
      if (misfit) throw conflict(`Cannot start: ${misfit}`);
      const scheduledAt = campaign.scheduledAt ? new Date(campaign.scheduledAt).getTime() : 0;
      if (campaign.status === 'DRAFT' && scheduledAt > Date.now()) {
        const updated = await transition(organizationId, campaignId, 'schedule', ['DRAFT'], {
          $set: { status: 'SCHEDULED' },
        });
        await queue.add(
          'start',
          { kind: 'start', campaignId: String(campaign._id), scheduledAt },
          { jobId: `start-${String(campaign._id)}-${scheduledAt}`, delay: scheduledAt - Date.now() },
        );
        void publish(updated);
        return updated;
      }
      const updated = await transition(organizationId, campaignId, 'start', ['DRAFT', 'SCHEDULED'], {
        $set: { status: 'ACTIVE', startedAt: campaign.startedAt ?? new Date() },
        $inc: { dispatchGeneration: 1 },
      });
      await activate(updated);
      void publish(updated);
      return updated;
    },

    async pauseCampaign(organizationId, campaignId) {
      // Slots see PAUSED before their next round; a call between claim and dial is stopped by
      // the mark (Leases.confirm), set before this returns.
      const updated = await transition(organizationId, campaignId, 'pause', ['ACTIVE'], { $set: { status: 'PAUSED' } });
      await leases.stop(String(updated._id), updated.dispatchGeneration);
      void publish(updated);
      return updated;
    },

    async resumeCampaign(organizationId, campaignId) {
      const updated = await transition(organizationId, campaignId, 'resume', ['PAUSED'], {
        $set: { status: 'ACTIVE' },
        $inc: { dispatchGeneration: 1 },
      });
      await activate(updated);
      void publish(updated);
      return updated;
    },

    async cancelCampaign(organizationId, campaignId) {
      const updated = await transition(
        organizationId,
        campaignId,
        'cancel',
        ['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED'],
        {
          $set: { status: 'CANCELLED', completedAt: new Date() },
        },
      );
      await leases.stop(String(updated._id), updated.dispatchGeneration);
      // Live calls end on their own; nothing waiting is dialled any more. Each updateMany moves
      // exactly the contacts it modified, so the counters move by its count.
      for (const from of ['QUEUED', 'RETRY_SCHEDULED'] as ContactStatus[]) {
        const res = await ContactModel.updateMany(
          { campaignId: updated._id, status: from },
          { $set: { status: 'SKIPPED', skipReason: 'campaign cancelled', nextAttemptAt: null } },
        );
        if (res.modifiedCount > 0) {
          await CampaignModel.updateOne(
            { _id: updated._id },
            { $inc: transitionInc(from, 'SKIPPED', res.modifiedCount) },
          );
        }
      }
      const fresh = (await CampaignModel.findById(updated._id)) ?? updated;
      void publish(fresh);
      return fresh;
    },

    async retryFailedContacts(organizationId, campaignId) {
      const campaign = await loadCampaign(organizationId, campaignId);
      if (!['ACTIVE', 'PAUSED', 'COMPLETED'].includes(campaign.status)) {
        throw conflict(`Cannot retry the failed contacts of a campaign that is ${campaign.status}`, {
          status: campaign.status,
        });
      }
      const failed = await ContactModel.find({ campaignId: campaign._id, status: 'FAILED' }, { attempts: 1 }).lean();
      let moved = 0;
      // A new round: the attempts made so far stay counted, the round's allowance starts again.
      for (let i = 0; i < failed.length; i += 500) {
        const batch = failed.slice(i, i + 500);
        const res = await ContactModel.bulkWrite(
          batch.map((c) => ({
            updateOne: {
              filter: { _id: c._id, status: 'FAILED' },
              update: { $set: { status: 'QUEUED', roundStartAttempts: c.attempts, nextAttemptAt: null } },
            },
          })),
          { ordered: false },
        );
        if (res.modifiedCount > 0) {
          moved += res.modifiedCount;
          await CampaignModel.updateOne(
            { _id: campaign._id },
            { $inc: transitionInc('FAILED', 'QUEUED', res.modifiedCount) },
          );
        }
      }
      if (moved > 0) {
        const reopened = await CampaignModel.findOneAndUpdate(
          { _id: campaign._id, status: 'COMPLETED' },
          { $set: { status: 'ACTIVE', completedAt: null }, $inc: { dispatchGeneration: 1 } },
          { returnDocument: 'after' },
        );
        if (reopened) await activate(reopened);
        else await regenerate(campaign._id);
      }
      const fresh = (await CampaignModel.findById(campaign._id)) ?? campaign;
      void publish(fresh);
      return fresh;
    },

    async callContact(organizationId, campaignId, contactId) {
      const campaign = await loadCampaign(organizationId, campaignId);
      if (campaign.status === 'CANCELLED')
        throw conflict('Cannot call a contact of a campaign that is CANCELLED', { status: campaign.status });
      if (!isValidObjectId(contactId)) throw notFound('Contact');
      const contact = await ContactModel.findOne({ _id: contactId, campaignId: campaign._id }).lean();
      if (!contact) throw notFound('Contact');
      if (contact.status === 'CALLING') throw conflict('This contact is already in a call');
      if (contact.status === 'SKIPPED')
        throw conflict(`This contact was skipped (${contact.skipReason ?? 'no reason'}) and cannot be called`);
      if (await doNotCall.has(campaign.organizationId, contact.phoneNumber))
        throw conflict('This number is on the do-not-call list');
      const phone = await engine.phone(campaign.phoneId);
      if (!phone) throw conflict("The campaign's phone no longer exists");
      const started = await engine.startManualCall(
        campaign.toObject() as Parameters<DispatchEngine['startManualCall']>[0],
        contact as Parameters<DispatchEngine['startManualCall']>[1],
        phone,
        { rateWaitMs: MANUAL_RATE_WAIT_MS },
      );
      if ('refused' in started) {
        switch (started.refused) {
          case 'campaign':
            throw conflict(
              `The campaign already has ${campaign.settings?.concurrentCallsLimit ?? 3} live calls, its limit: try again when one ends`,
            );
          case 'contact':
            throw conflict('The contact changed state meanwhile (a slot may have dialled it): try again');
          case 'phone':
            throw new AppError(
              ErrorCode.RATE_LIMITED,
              'The phone number is at its concurrent call cap: try again when a call ends',
            );
          case 'global':
            throw new AppError(
              ErrorCode.RATE_LIMITED,
              'The deployment is at its cap on outbound calls: try again when a call ends',
            );
          case 'rate':
            throw new AppError(
              ErrorCode.RATE_LIMITED,
              "The phone number's calls-per-second rate is exhausted: try again in a moment",
            );
        }
      }
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

    async recountCampaign(organizationId, campaignId) {
      const campaign = await loadCampaign(organizationId, campaignId);
      await engine.recount(campaign._id);
      const fresh = (await CampaignModel.findById(campaign._id)) ?? campaign;
      void publish(fresh);
      return fresh;
    },

    async settingsChanged(campaign) {
      // A new generation applies the new limit at once: extra slots stop after their call, new
      // ones start (and wait for a free line, woken by releases).
      if (campaign.status === 'ACTIVE') await regenerate(campaign._id);
    },

    async contactsAdded(campaign) {
      if (campaign.status === 'ACTIVE') {
        await regenerate(campaign._id);
        return;
      }
      if (campaign.status === 'COMPLETED') {
        // New contacts reopen a finished campaign.
        const reopened = await CampaignModel.findOneAndUpdate(
          { _id: campaign._id, status: 'COMPLETED' },
          { $set: { status: 'ACTIVE', completedAt: null }, $inc: { dispatchGeneration: 1 } },
          { returnDocument: 'after' },
        );
        if (reopened) {
          await activate(reopened);
          void publish(reopened);
        }
      }
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
        startScheduled,
      });
      if (options.sweeper !== false) {
        const every = (ms: number, name: string, run: () => Promise<void>) => {
          let running = false;
          const timer = setInterval(() => {
            if (running || dead) return;
            running = true;
            run()
              .catch((error: unknown) => logger.warn({ err: (error as Error).message }, `${name} failed`))
              .finally(() => {
                running = false;
              });
          }, ms);
          timers.push(timer);
        };
        every(config.dispatch.sweepIntervalMs, 'lease sweep', () => engine.sweep());
        every(tuning.reconcileMs, 'call reconcile', () => engine.reconcile());
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
        const steps: [string, () => Promise<unknown>][] = [
          ['signals', () => signals.close()],
          ['worker', async () => worker?.close()],
          ['worker connection', async () => workerConnection?.quit()],
          ['queue', () => queue.close()],
          ['simulator', async () => simulator.close()],
        ];
        for (const [name, run] of steps) {
          try {
            await run();
          } catch (error) {
            logger.warn({ err: (error as Error).message, step: name }, 'dispatcher shutdown step failed');
          }
        }
        worker = null;
      })();
      return closing;
    },
  };
  return service;
}
