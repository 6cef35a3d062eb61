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

export type DialwaveEvent =
  /** A campaign's status, settings or counters changed. */
  | { type: 'campaign.changed'; organizationId: string; campaignId: string; at: number }
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

  campaignChanged(organizationId: string, campaignId: string): Promise<void> {
    return this.publish({ type: 'campaign.changed', organizationId, campaignId, at: Date.now() });
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
