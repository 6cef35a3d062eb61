import type { Redis } from 'ioredis';

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
}

/** A campaign's numbers as they were right after a counter update, with that update's revision. */
export interface ProgressPayload {
  revision: number;
  status: string;
  stats: Record<string, number>;
  startedAt: string | null;
  lastCallAt: string | null;
  updatedAt: string;
}

export type DialwaveEvent =
  /**
   * A campaign's status, settings or counters changed. `progress` is set when the publisher
   * has the updated document at hand (the dialing engine's counter updates), so subscribers'
   * snapshots need no MongoDB read.
   */
  | { type: 'campaign.changed'; organizationId: string; campaignId: string; at: number; progress?: ProgressPayload }
  /** A call was placed or moved to a new status. */
  | { type: 'call.changed'; organizationId: string; campaignId: string; at: number; call: CallEventPayload };

/** The Redis pub/sub channel carrying every event of one deployment (one prefix). */
export const eventsChannel = (prefix: string): string => `${prefix}:events`;

/** Publishes events on the deployment's channel. Needs a connection not in subscriber mode. */
export class EventPublisher {
  private readonly channel: string;
  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = eventsChannel(prefix);
  }

  async publish(event: DialwaveEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify(event));
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
  status: string;
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
