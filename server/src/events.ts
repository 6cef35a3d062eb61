import type { Redis } from 'ioredis';
import type { CampaignStatus } from './campaigns/campaign.model';

/**
 * Events that every state change publishes on Redis. API instances turn them into
 * subscription messages (live/). Payloads carry what a subscriber needs, so a thousand
 * dashboards cost no extra MongoDB reads for call events.
 */
export interface CallEventPayload {
  id: string;
  campaignId: string;
  contactId: string;
  attempt: number;
  status: string;
  providerCallId: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  error: string | null;
  /** Present once the agent's platform reported them (call.service.ts toCallEventPayload). */
  summary?: string;
  disposition?: string;
  recordingUrl?: string;
  endedReason?: string;
}

/** A campaign's numbers as they were right after a counter update, with that update's revision. */
export interface ProgressPayload {
  revision: number;
  status: CampaignStatus;
  stats: Record<string, number>;
  startedAt: string | null;
  lastCallAt: string | null;
  updatedAt: string;
}

/**
 * A background CSV import's state (imports/import-job.model.ts builds it), as
 * `importProgress` subscribers get it. Defined here, not there, so events.ts imports no feature.
 */
export interface ImportJobPayload {
  id: string;
  organizationId: string;
  campaignId: string;
  status: 'QUEUED' | 'RUNNING' | 'DONE' | 'FAILED';
  fileName: string | null;
  fileSize: number;
  bytesRead: number;
  report: {
    accepted: number;
    duplicates: number;
    rejected: { row: number; phoneNumber: string; reason: string }[];
    rejectedCount: number;
    totalRows: number;
    truncated: boolean;
    error: string | null;
  };
  failure: string | null;
  runs: number;
  revision: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type DialwaveEvent =
  /**
   * A campaign's status, settings or counters changed. `progress` is set when the publisher
   * has the updated document at hand (the dialing engine's counter updates), so subscribers'
   * snapshots need no MongoDB read.
   */
  | { type: 'campaign.changed'; organizationId: string; campaignId: string; at: number; progress?: ProgressPayload }
  /** A call was placed or moved to a new status. */
  | { type: 'call.changed'; organizationId: string; campaignId: string; at: number; call: CallEventPayload }
  /** An import job moved (its worker paces these: at most 4 a second, the last one always sent). */
  | { type: 'import.changed'; organizationId: string; campaignId: string; at: number; job: ImportJobPayload };

/** The Redis pub/sub channel carrying every event of one deployment (one prefix). */
export const eventsChannel = (prefix: string): string => `${prefix}:events`;

/**
 * What travels on the channel: one event, or several published in the same turn of the event
 * loop (see EventPublisher).
 */
export type EventMessage = DialwaveEvent | { type: 'batch'; events: DialwaveEvent[] };

/** Most events in one batch message (keeps messages well under a few hundred kB). */
const MAX_BATCH = 200;

interface Queued {
  text: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Publishes events on the deployment's channel. Needs a connection not in subscriber mode.
 *
 * Events go out as batches (one PUBLISH of several): a dial makes four or five events within
 * milliseconds, and across a thousand lines one message each was a fifth of the engine's Redis
 * commands. A batch leaves in a microtask, once the code that published has run on (the events
 * of one reply's promise chain go together), unless a PUBLISH of this publisher is still on its
 * way: then events gather until its reply and leave together. So a change on a quiet process
 * leaves at once, and a busy one sends at most one batch per round trip to Redis.
 *
 * Not TurnBatch (turn-batch.ts), which waits for the loop's check phase (`setImmediate`): behind
 * every other I/O callback of the poll phase. Measured in the live bench (issue 20; machine
 * shared, load 8-14 on 2 cores), wait from publish() to the PUBLISH, p50 / p90 / p99: the worker
 * 1.5 / 35 / 224 ms with TurnBatch, 2.7 / 31 / 150 ms this way; the API taking webhooks 19 / 118 /
 * 797 → 14 / 100 / 360 ms; PUBLISH per call (dispatch bench) the same, 3.10 → 3.13. Sending the
 * turn's first batch in a microtask and the rest at the check phase waited 0.5 / 29 / 158 ms in
 * the worker but added PUBLISH commands (3.35 per call). Order is kept (one connection, one
 * channel, one batch at a time); a full batch of MAX_BATCH leaves at once and the next starts.
 */
export class EventPublisher {
  private readonly channel: string;
  /** Events not yet sent, oldest first. */
  private queue: Queued[] = [];
  /** A flush is due in a microtask. */
  private scheduled = false;
  /** A PUBLISH is on its way: events wait for its reply. */
  private sending = false;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = eventsChannel(prefix);
  }

  private schedule(): void {
    if (this.scheduled || this.sending) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  /** Sends what is queued (MAX_BATCH events a message), then what gathered meanwhile. */
  private async flush(): Promise<void> {
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const queued = this.queue;
    this.queue = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < queued.length; i += MAX_BATCH) {
      const group = queued.slice(i, i + MAX_BATCH);
      const text =
        group.length === 1 ? group[0]!.text : `{"type":"batch","events":[${group.map((q) => q.text).join(',')}]}`;
      sends.push(
        this.redis.publish(this.channel, text).then(
          () => group.forEach((q) => q.resolve()),
          (error: unknown) => group.forEach((q) => q.reject(error)),
        ),
      );
    }
    await Promise.all(sends);
    this.sending = false;
    this.schedule();
  }

  /** Resolves once the message holding the event was published; rejects if that failed. */
  publish(event: DialwaveEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ text: JSON.stringify(event), resolve, reject });
      this.schedule();
    });
  }

  campaignChanged(organizationId: string, campaignId: string, progress?: ProgressPayload): Promise<void> {
    return this.publish({
      type: 'campaign.changed',
      organizationId,
      campaignId,
      at: Date.now(),
      ...(progress ? { progress } : {}),
    });
  }

  importChanged(job: ImportJobPayload): Promise<void> {
    return this.publish({
      type: 'import.changed',
      organizationId: job.organizationId,
      campaignId: job.campaignId,
      at: Date.now(),
      job,
    });
  }

  callChanged(organizationId: string, call: CallEventPayload): Promise<void> {
    return this.publish({
      type: 'call.changed',
      organizationId,
      campaignId: call.campaignId,
      at: Date.now(),
      call,
    });
  }
}

/** The progress part of a campaign document returned by a counter update (see ProgressPayload). */
export function progressPayload(doc: {
  revision?: number | null;
  status: CampaignStatus;
  stats?: unknown;
  startedAt?: Date | null;
  lastCallAt?: Date | null;
  updatedAt?: Date | null;
}): ProgressPayload | undefined {
  if (typeof doc.revision !== 'number' || !doc.updatedAt) return undefined;
  const stats: Record<string, number> = {};
  for (const [k, v] of Object.entries((doc.stats ?? {}) as Record<string, unknown>))
    if (typeof v === 'number') stats[k] = v;
  return {
    revision: doc.revision,
    status: doc.status,
    stats,
    startedAt: doc.startedAt ? doc.startedAt.toISOString() : null,
    lastCallAt: doc.lastCallAt ? doc.lastCallAt.toISOString() : null,
    updatedAt: doc.updatedAt.toISOString(),
  };
}
