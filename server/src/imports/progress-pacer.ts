import type { EventPublisher, ImportJobPayload } from '../events';
import { logger } from '../logger';

/**
 * Paces one import job's progress events: the first at once, then at most one every
 * `everyMs` (the latest state when the gap is over, never a stale one), and the final state
 * at once whatever the pace. A job commits a batch every few milliseconds at full speed;
 * dashboards need a few updates a second, as campaign snapshots get (live/live.hub.ts).
 */
export class ProgressPacer {
  private lastAt = Number.NEGATIVE_INFINITY;
  private pending: ImportJobPayload | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly events: Pick<EventPublisher, 'importChanged'>,
    private readonly everyMs: number,
  ) {}

  /** A newer state: sent now if the gap allows, else when it does. */
  update(job: ImportJobPayload): void {
    this.pending = job;
    if (this.timer) return;
    const wait = this.lastAt + this.everyMs - Date.now();
    if (wait <= 0) this.send();
    else this.timer = setTimeout(() => this.send(), wait);
  }

  /** The last state: sent at once, and nothing after it. */
  async final(job: ImportJobPayload): Promise<void> {
    this.cancel();
    this.lastAt = Date.now();
    await this.events.importChanged(job);
  }

  /** Drops what is pending (the run stopped: the next run, or its end, says what follows). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = null;
  }

  private send(): void {
    this.timer = null;
    const job = this.pending;
    this.pending = null;
    if (!job) return;
    this.lastAt = Date.now();
    // Progress is advisory: a lost event is followed by the next one (or the final one).
    this.events
      .importChanged(job)
      .catch((error: unknown) => logger.warn({ err: error, importJobId: job.id }, 'could not publish import progress'));
  }
}
