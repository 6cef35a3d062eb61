import { CampaignModel } from '../campaigns/campaign.model';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { campaignProgress } from '../campaigns/campaign.stats';
import type { CampaignProgressView } from '../campaigns/campaign.stats';
import type { CallEventPayload, DialwaveEvent, ImportJobPayload, ProgressPayload } from '../events';
import type { EventSubscriber } from '../pubsub';
import { logger } from '../logger';

export interface LiveHubOptions {
  /**
   * Most snapshots of one campaign in any window of `windowMs`. Default 4 (per 1,000 ms): at
   * most 4 a second, strictly, over any second, not just on average.
   */
  maxPerWindow?: number;
  /** Default 1,000 ms. */
  windowMs?: number;
  /**
   * For a campaign that has been changing all the time (nearly two full windows of sends), the
   * gap kept before the last snapshot a window allows, so it gets evenly spaced snapshots
   * rather than bursts followed by a long silence. Default 250 ms.
   */
  spacingMs?: number;
}

/**
 * When the next snapshot of a campaign may be sent, given the times of its recent sends
 * (oldest first, the last 2 × max are enough): a change is sent at once while the window has
 * room, so a campaign that changes now and then never waits; a busy one is held to `max` per
 * window, evenly spaced once it has been busy for two windows, and the latest state is always
 * sent when the window allows.
 */
export function nextSendAt(
  sent: readonly number[],
  now: number,
  o: { max: number; windowMs: number; spacingMs: number },
): number {
  const inWindow = sent.filter((t) => t > now - o.windowMs);
  const inTwo = sent.filter((t) => t > now - 2 * o.windowMs).length;
  let at = now;
  if (inWindow.length >= o.max) at = Math.max(at, inWindow[inWindow.length - o.max]! + o.windowMs);
  if (inWindow.length >= o.max - 1 && inWindow.length > 0 && inTwo >= 2 * o.max - 2)
    at = Math.max(at, inWindow[inWindow.length - 1]! + o.spacingMs);
  return at;
}

/** One subscriber's mailbox: an async iterable fed by the hub. */
class Mailbox<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private done = false;
  constructor(private readonly onClose: () => void) {}

  push(item: T): void {
    if (this.done) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: item, done: false });
    } else this.items.push(item);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.items.length = 0;
      this.onClose();
      this.waiter?.({ value: undefined, done: true });
      this.waiter = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}

/** Subscribers by key, with a count so the hub skips work nobody listens to. */
class Channels<T> {
  private readonly byKey = new Map<string, Set<Mailbox<T>>>();
  open(key: string): Mailbox<T> {
    let set = this.byKey.get(key);
    if (!set) this.byKey.set(key, (set = new Set()));
    const mailbox: Mailbox<T> = new Mailbox<T>(() => {
      set.delete(mailbox);
      if (set.size === 0 && this.byKey.get(key) === set) this.byKey.delete(key);
    });
    set.add(mailbox);
    return mailbox;
  }
  has(key: string): boolean {
    return this.byKey.has(key);
  }
  send(key: string, item: T): void {
    const set = this.byKey.get(key);
    if (set) for (const mailbox of set) mailbox.push(item);
  }
  count(): number {
    let n = 0;
    for (const set of this.byKey.values()) n += set.size;
    return n;
  }
  closeAll(): void {
    for (const set of [...this.byKey.values()]) for (const mailbox of [...set]) void mailbox.return();
  }
}

interface CoalesceState {
  organizationId: string;
  /** Cancels the scheduled flush; null when none is scheduled. */
  timer: (() => void) | null;
  computing: boolean;
  pending: boolean;
  /** When the last snapshots were sent (the last 2 × `maxPerWindow`, oldest first). */
  sentAt: number[];
  /** The newest numbers known (from an event or a read) and their revision. */
  latest: CampaignProgressView | null;
  revision: number;
  /** A change arrived without its numbers (a status or settings change): read the campaign. */
  needsRead: boolean;
  /** When the scheduled flush was held back by pacing, the time pacing lets it go; else null. */
  heldUntil: number | null;
}

/** A progress view from the numbers an event carried. */
function viewOf(campaignId: string, p: ProgressPayload): CampaignProgressView {
  return campaignProgress({
    _id: campaignId,
    status: p.status,
    stats: p.stats,
    startedAt: p.startedAt ? new Date(p.startedAt) : null,
    lastCallAt: p.lastCallAt ? new Date(p.lastCallAt) : null,
    updatedAt: new Date(p.updatedAt),
  });
}

/**
 * Turns Redis events into subscription payloads for one API process. One Redis subscription
 * per process; a campaign change costs one MongoDB read however many dashboards watch it;
 * call events pass straight through, in order.
 */
export class LiveHub {
  private readonly progress = new Channels<CampaignProgressView>();
  private readonly calls = new Channels<CallEventPayload>();
  private readonly campaigns = new Channels<CampaignDoc>();
  private readonly importJobs = new Channels<ImportJobPayload>();
  private readonly coalesce = new Map<string, CoalesceState>();
  private readonly pacing: { max: number; windowMs: number; spacingMs: number };
  private closed = false;
  /** Campaign reads made to build snapshots; exposed for tests and benches. */
  computed = 0;

  constructor(
    private readonly events: EventSubscriber,
    options: LiveHubOptions = {},
  ) {
    this.pacing = {
      max: Math.max(1, options.maxPerWindow ?? 4),
      windowMs: options.windowMs ?? 1_000,
      spacingMs: options.spacingMs ?? 250,
    };
  }

  /** Starts consuming the deployment's events. Resolves once the Redis subscription is live. */
  async start(): Promise<void> {
    // Resolves once Redis confirms the subscription, so no event published after start() is missed.
    await this.events.start((message) => {
      if (this.closed) return;
      const events = message.type === 'batch' ? message.events : [message];
      for (const event of events) {
        try {
          this.onEvent(event);
        } catch (error) {
          logger.error({ err: error }, 'live event handling failed');
        }
      }
    });
  }

  /** Live subscribers across all three kinds (for metrics). */
  subscriberCount(): number {
    return this.progress.count() + this.calls.count() + this.campaigns.count() + this.importJobs.count();
  }

  private onEvent(event: DialwaveEvent): void {
    switch (event.type) {
      case 'call.changed':
        // A call's own transitions move no counter: the slot's counter updates publish
        // campaign.changed themselves.
        this.calls.send(event.campaignId, event.call);
        return;
      case 'campaign.changed':
        this.schedule(event.campaignId, event.organizationId, event.progress);
        return;
      case 'import.changed':
        // Paced by the job's worker already (imports/progress-pacer.ts): passed straight on.
        this.importJobs.send(event.job.id, event.job);
        return;
      default: {
        const unknown: never = event;
        logger.warn({ event: unknown }, 'unknown live event');
      }
    }
  }

  private schedule(campaignId: string, organizationId: string, progress?: ProgressPayload): void {
    if (this.closed) return;
    if (!this.progress.has(campaignId) && !this.campaigns.has(organizationId)) {
      this.coalesce.delete(campaignId);
      return;
    }
    let state = this.coalesce.get(campaignId);
    if (!state) {
      state = {
        organizationId,
        timer: null,
        computing: false,
        pending: false,
        sentAt: [],
        latest: null,
        revision: -1,
        needsRead: false,
        heldUntil: null,
      };
      this.coalesce.set(campaignId, state);
    }
    // Events from several processes may arrive out of order: only a higher revision is newer.
    if (progress && progress.revision > state.revision) {
      state.latest = viewOf(campaignId, progress);
      state.revision = progress.revision;
    } else if (!progress) state.needsRead = true;
    this.arm(campaignId, state);
  }

  /** Schedules a flush: at once while the campaign's window has room, else when it does (see nextSendAt). */
  private arm(campaignId: string, state: CoalesceState): void {
    if (state.timer || state.computing) {
      state.pending = true;
      return;
    }
    const now = Date.now();
    const wait = nextSendAt(state.sentAt, now, this.pacing) - now;
    const s = state;
    // Sending now: in a microtask, i.e. once the Redis data at hand is handled (every event of
    // a batch message, every message of the chunk read), so they make one snapshot. Not
    // setImmediate: that waited for the rest of the loop's poll phase too (webhook requests,
    // other sockets' I/O), which under load was the largest stage of the delivery delay
    // (1,000 dashboards: p50 40 ms, p99 300 ms from the event's arrival to the flush).
    if (wait <= 0) {
      s.heldUntil = null;
      let cancelled = false;
      queueMicrotask(() => {
        if (!cancelled) void this.flush(campaignId, s);
      });
      s.timer = () => (cancelled = true);
    } else {
      s.heldUntil = now + wait;
      const timeout = setTimeout(() => void this.flush(campaignId, s), wait);
      s.timer = () => clearTimeout(timeout);
    }
  }

  private async flush(campaignId: string, state: CoalesceState): Promise<void> {
    state.timer = null;
    state.computing = true;
    state.pending = false;
    try {
      // campaignUpdated subscribers get whole campaigns, and a change without numbers needs
      // them too: only then is MongoDB read. Otherwise the numbers the events carried suffice.
      const wantsDoc = this.campaigns.has(state.organizationId);
      if (state.needsRead || wantsDoc || !state.latest) {
        state.needsRead = false;
        const doc = await CampaignModel.findById(campaignId).exec();
        this.computed += 1;
        if (doc) {
          const revision = doc.revision ?? 0;
          if (revision >= state.revision) {
            state.latest = campaignProgress(doc);
            state.revision = revision;
          }
          if (wantsDoc) this.campaigns.send(String(doc.organizationId), doc);
        }
      }
      // One object per release, shared by every subscriber (live/shared-execution.ts executes
      // and serializes it once), saying whether pacing held it, so a client can tell the
      // delay pacing chose from the delay of the path itself.
      if (state.latest)
        this.progress.send(campaignId, {
          ...state.latest,
          heldUntil: state.heldUntil === null ? null : new Date(state.heldUntil),
        });
    } catch (error) {
      logger.warn({ err: error, campaignId }, 'could not compute a progress snapshot');
    } finally {
      state.computing = false;
      state.sentAt.push(Date.now());
      if (state.sentAt.length > 2 * this.pacing.max) state.sentAt.shift();
    }
    if (state.pending && !this.closed) this.arm(campaignId, state);
  }

  /*
   * The watch* methods return plain iterators, not async generators, on purpose: an async
   * generator suspended on an await cannot be returned until its next value arrives, so an
   * unsubscribe from a quiet campaign would leak its mailbox. Here return() closes at once.
   */

  /**
   * Progress of one campaign: the current snapshot at once, then one per change (coalesced).
   * The caller has already checked that the campaign belongs to the subscriber.
   */
  watchProgress(campaignId: string): AsyncIterableIterator<CampaignProgressView> {
    // Open the mailbox before reading, so a change between the read and the first update is not lost.
    const mailbox = this.progress.open(campaignId);
    let last = Number.NEGATIVE_INFINITY;
    let first: Promise<IteratorResult<CampaignProgressView>> | null = (async () => {
      const doc = await CampaignModel.findById(campaignId).exec();
      if (!doc) return mailbox.return();
      const snapshot = campaignProgress(doc);
      last = snapshot.updatedAt.getTime();
      return { value: snapshot, done: false };
    })();
    const iterator: AsyncIterableIterator<CampaignProgressView> = {
      async next() {
        if (first) {
          const result = first;
          first = null;
          return result;
        }
        for (;;) {
          const result = await mailbox.next();
          if (result.done) return result;
          // A snapshot computed before our own read may arrive after it: never go backwards.
          const at = result.value.updatedAt.getTime();
          if (at < last) continue;
          last = at;
          return result;
        }
      },
      return: () => mailbox.return(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Every call transition of one campaign, in order, uncoalesced. */
  watchCalls(campaignId: string): AsyncIterableIterator<CallEventPayload> {
    return this.calls.open(campaignId);
  }

  /** Status and stats changes of every campaign of an organization (coalesced per campaign). */
  watchCampaigns(organizationId: string): AsyncIterableIterator<CampaignDoc> {
    return this.campaigns.open(organizationId);
  }

  /**
   * One import job: its state at once (from `read`, made after the mailbox is open, so no
   * change in between is lost), then each newer one, ending after DONE or FAILED. The caller
   * has already checked that the job belongs to the subscriber.
   */
  watchImport(jobId: string, read: () => Promise<ImportJobPayload | null>): AsyncIterableIterator<ImportJobPayload> {
    const mailbox = this.importJobs.open(jobId);
    let last = Number.NEGATIVE_INFINITY;
    let ended = false;
    const deliver = (job: ImportJobPayload): IteratorResult<ImportJobPayload> => {
      last = job.revision;
      ended = job.status === 'DONE' || job.status === 'FAILED';
      return { value: job, done: false };
    };
    let first: Promise<IteratorResult<ImportJobPayload>> | null = (async () => {
      const job = await read();
      return job ? deliver(job) : mailbox.return();
    })();
    const iterator: AsyncIterableIterator<ImportJobPayload> = {
      async next() {
        if (first) {
          const result = first;
          first = null;
          return result;
        }
        if (ended) return mailbox.return();
        for (;;) {
          const result = await mailbox.next();
          if (result.done) return result;
          // Events of two runs (one stopping, one resuming) may cross: only a newer revision moves it.
          if (result.value.revision <= last) continue;
          return deliver(result.value);
        }
      },
      return: () => mailbox.return(),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Ends every subscription and ignores events from now on (the app closes the subscriber); safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const state of this.coalesce.values()) state.timer?.();
    this.coalesce.clear();
    this.progress.closeAll();
    this.calls.closeAll();
    this.campaigns.closeAll();
    this.importJobs.closeAll();
  }
}
