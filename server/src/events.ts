import type { Redis } from 'ioredis';
import { TurnBatch } from './turn-batch';
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

/**
 * Publishes events on the deployment's channel. Needs a connection not in subscriber mode.
 *
 * Events published in the same turn of the event loop go out as one PUBLISH of a batch: a dial
 * makes four or five events within milliseconds, and across a thousand lines one message each
 * was a fifth of the engine's Redis commands. Order is kept (one connection, one channel); the
 * cost is at most one turn of the loop of latency. A single event is sent as itself.
 */
export class EventPublisher {
  private readonly channel: string;
  /** This turn's messages; a full batch still goes out on this turn and the next event starts another. */
  private readonly batches = new TurnBatch<string, void>(
    async (_key, messages) => {
      await this.redis.publish(
        this.channel,
        messages.length === 1 ? messages[0]! : `{"type":"batch","events":[${messages.join(',')}]}`,
      );
      return messages.map(() => undefined);
    },
    { maxItems: MAX_BATCH },
  );

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = eventsChannel(prefix);
  }

  /** Resolves once the message holding the event was published; rejects if that failed. */
  publish(event: DialwaveEvent): Promise<void> {
    return this.batches.add(this.channel, JSON.stringify(event));
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
