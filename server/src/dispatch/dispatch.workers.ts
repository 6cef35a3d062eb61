import type { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import { logger } from '../logger';
import { createRedis } from '../redis';
import type { Simulator } from '../providers/simulated/simulator';
import { startDispatchWorker } from './dispatch.queue';
import type { DispatchJobData } from './dispatch.queue';
import type { DispatchEngine } from './engine';
import { DispatcherStoppedError } from './engine.context';
import type { Leases } from './leases';
import type { Signals } from './signals';

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

export interface WorkerHostParts {
  config: Config;
  redisUrl: string;
  queue: Queue<DispatchJobData>;
  leases: Leases;
  signals: Signals;
  simulator: Simulator;
  /** Worker concurrency (jobs, i.e. virtual lines, this process holds at once). */
  concurrency: number;
  skipLockRenewal: boolean;
  /** Whether to run the periodic sweeper and reconcile. */
  sweeper: boolean;
  reconcileMs: number;
}

/**
 * This process's share of the dialing: its BullMQ worker, its sweeper and reconcile timers, and
 * the order in which they stop. It also says whether the process may still write
 * (`checkAlive`), which every engine step asks before touching state.
 */
export class WorkerHost {
  private dead = false;
  private stopping = false;
  private worker: Worker<DispatchJobData> | null = null;
  private workerConnection: Redis | null = null;
  private readonly timers: NodeJS.Timeout[] = [];
  private closing: Promise<void> | null = null;

  constructor(private readonly parts: WorkerHostParts) {}

  /** Throws DispatcherStoppedError once the process was killed or is stopping. */
  readonly checkAlive = (): void => {
    if (this.dead) throw new DispatcherStoppedError('killed');
    if (this.stopping) throw new DispatcherStoppedError('stopping');
  };

  /**
   * Starts the BullMQ worker and the periodic sweeper/reconcile (ROLE=worker or all). Idempotent.
   * `startScheduled` starts a SCHEDULED campaign whose time has come (the lifecycle's).
   */
  async start(engine: DispatchEngine, startScheduled: (campaignId: string) => Promise<void>): Promise<void> {
    const { config, signals } = this.parts;
    if (this.worker || this.dead) return;
    await signals.start(this.parts.redisUrl);
    this.workerConnection = createRedis(this.parts.redisUrl);
    this.worker = startDispatchWorker({
      connection: this.workerConnection,
      prefix: config.redisPrefix,
      concurrency: this.parts.concurrency,
      lockDuration: config.dispatch.lockMs,
      stalledInterval: config.dispatch.stalledIntervalMs,
      skipLockRenewal: this.parts.skipLockRenewal,
      engine,
      startScheduled,
    });
    if (this.parts.sweeper) {
      const isDead = () => this.dead;
      this.timers.push(repeatEvery(config.dispatch.sweepIntervalMs, 'lease sweep', () => engine.sweep(), isDead));
      this.timers.push(repeatEvery(this.parts.reconcileMs, 'call reconcile', () => engine.reconcile(), isDead));
    }
  }

  /**
   * Dies on the spot: the BullMQ worker is force-closed (locks no longer renewed, jobs left
   * active for another worker's stall check) and every running slot stops at its next step.
   */
  async kill(): Promise<void> {
    this.dead = true;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    this.parts.signals.kill();
    const w = this.worker;
    this.worker = null;
    if (w) await w.close(true).catch(() => undefined);
    this.workerConnection?.disconnect();
    this.workerConnection = null;
    this.parts.leases.close();
  }

  /** Stops worker, queue and fence; safe to call twice. `force` (Redis unreachable): as a crash would. */
  close({ force = false } = {}): Promise<void> {
    this.closing ??= (async () => {
      // Running slots stop at their next step and go back to the queue (delayed, not failed);
      // waking their waiters first lets the worker's graceful close finish at once.
      this.stopping = true;
      for (const timer of this.timers.splice(0)) clearInterval(timer);
      // Handing slots back needs Redis: without it, stop as a crash would (the steps below
      // then find nothing left to close gracefully).
      if (force) await this.kill();
      const { signals, queue, simulator, leases } = this.parts;
      await runShutdownSteps([
        ['signals', () => signals.close()],
        ['worker', async () => this.worker?.close()],
        ['worker connection', async () => this.workerConnection?.quit()],
        ['queue', () => queue.close()],
        ['simulator', async () => simulator.close()],
        ['lease fence', async () => leases.close()],
      ]);
      this.worker = null;
    })();
    return this.closing;
  }
}
