import type { Redis } from 'ioredis';
import { eventsChannel } from '../events';
import type { DialwaveEvent, EventMessage } from '../events';
import { logger } from '../logger';
import { CampaignModel } from '../campaigns/campaign.model';
import { campaignStats } from '../campaigns/campaign.stats';
import { ContactModel } from '../contacts/contact.model';
import { CallModel } from '../calls/call.model';
import { isFinalCallStatus } from '../calls/call.service';
import { recordEvent } from './webhook.service';
import type { WebhookDeps } from './webhook.service';

/**
 * Turns the engine's event stream (events.ts, Redis pub/sub) into outgoing webhook events, off
 * the dialing path: the engine publishes as it always did and never waits for a receiver.
 *
 * Guarantee: Redis pub/sub is at most once. An event published while no API instance listens
 * (every instance restarting) produces no webhook; everything recorded from it is then durable
 * (MongoDB + BullMQ) and delivered at least once (receivers drop duplicates by `webhook-id`).
 * Every listening instance sees every event; `dedupeKey` (unique per endpoint) and a Redis
 * compare-and-set for campaign statuses make one message of each.
 */

/** Sets a campaign's last seen status; returns the previous one ('' if none), or null when unchanged. */
const STATUS_CAS = `
local prev = redis.call('GET', KEYS[1])
if prev == ARGV[1] then return false end
redis.call('SET', KEYS[1], ARGV[1], 'EX', 2592000)
if prev then return prev end
return ''`;

export interface WebhookEventSource {
  /** Stops listening; waits for events being recorded unless `force` (Redis unreachable). Idempotent. */
  close(force?: boolean): Promise<void>;
}

/** Reads of a contact until its call's outcome is recorded: 20 × 25 ms at most. */
const OUTCOME_READS = 20;

async function contactAfter(contactId: string, callId: string) {
  for (let i = 0; ; i++) {
    const contact = await ContactModel.findById(contactId, { status: 1, phoneNumber: 1, name: 1, currentCallId: 1 })
      .lean()
      .exec();
    const pending = contact?.status === 'CALLING' && String(contact.currentCallId) === callId;
    if (!pending || i >= OUTCOME_READS) return contact;
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function startWebhookEventSource(options: {
  /** A connection of its own: it enters subscriber mode. */
  subscriber: Redis;
  /** Commands (the status compare-and-set). */
  redis: Redis;
  prefix: string;
  deps: WebhookDeps;
}): Promise<WebhookEventSource> {
  const { subscriber, redis, prefix, deps } = options;
  /** Statuses this instance saw last, so most counter updates cost no Redis round trip. */
  const seen = new Map<string, string>();
  /**
   * Work in flight per order key (a contact, a campaign): one key's events are recorded one
   * after another in publication order, different keys in parallel, so a slow read for one
   * contact holds up no other.
   */
  const chains = new Map<string, Promise<void>>();

  const handle = async (event: DialwaveEvent): Promise<void> => {
    // An import's progress is for its own subscribers; no outgoing webhook carries it.
    if (event.type === 'import.changed') return;
    if (event.type === 'call.changed') {
      const call = event.call;
      if (!isFinalCallStatus(call.status)) return;
      // The contact's status after this call (COMPLETED, RETRY_SCHEDULED, FAILED, VOICEMAIL…):
      // the engine records it just after the call's final status, so wait for it a little.
      const contact = await contactAfter(call.contactId, call.id);
      // The conversation's outcome (issue 17) as stored by now: a report that came with or just
      // after the final status is read back; one arriving later stays on `call(id)` only (one
      // call.ended per call, deduped by dedupeKey).
      const talked = await CallModel.findById(call.id, { summary: 1, disposition: 1 }).lean().exec();
      const summary = talked?.summary ?? call.summary ?? null;
      const callDisposition = talked?.disposition ?? call.disposition ?? null;
      await recordEvent(deps, {
        organizationId: event.organizationId,
        type: 'call.ended',
        dedupeKey: `call.ended:${call.id}`,
        orderKey: `contact:${call.contactId}`,
        at: event.at,
        data: {
          // The agent's disposition (INTERESTED, CALLBACK…) rides on the call, as on callUpdated;
          // the top-level `disposition` keeps meaning the contact's status after the call.
          call: { ...call, summary, disposition: callDisposition },
          outcome: call.status,
          disposition: contact?.status ?? null,
          contact: contact
            ? { id: call.contactId, phoneNumber: contact.phoneNumber, name: contact.name ?? null }
            : null,
          summary,
        },
      });
      return;
    }
    // campaign.changed: the status comes with the engine's counter updates, else from MongoDB.
    const known = event.progress?.status;
    if (known !== undefined && seen.get(event.campaignId) === known) return;
    const campaign = await CampaignModel.findById(event.campaignId).exec();
    if (!campaign) return;
    const status = known ?? campaign.status;
    if (seen.get(event.campaignId) === status) return;
    seen.set(event.campaignId, status);
    const previous = (await redis.eval(STATUS_CAS, 1, `${prefix}:webhooks:status:${event.campaignId}`, status)) as
      string | null;
    if (previous === null) return; // another instance saw this transition first
    // A campaign first seen as DRAFT was just created: not a status change.
    if (previous === '' && status === 'DRAFT') return;
    const base = {
      organizationId: event.organizationId,
      orderKey: `campaign:${event.campaignId}`,
      at: event.at,
    };
    await recordEvent(deps, {
      ...base,
      type: 'campaign.status_changed',
      dedupeKey: `campaign.status_changed:${event.campaignId}:${event.at}:${status}`,
      data: { campaignId: event.campaignId, name: campaign.name, previousStatus: previous || null, status },
    });
    if (status === 'COMPLETED') {
      await recordEvent(deps, {
        ...base,
        type: 'campaign.completed',
        dedupeKey: `campaign.completed:${event.campaignId}:${event.at}`,
        data: {
          campaignId: event.campaignId,
          name: campaign.name,
          stats: campaignStats(campaign),
          startedAt: campaign.startedAt?.toISOString() ?? null,
          completedAt: new Date(event.at).toISOString(),
        },
      });
    }
  };

  const onMessage = (_channel: string, raw: string) => {
    let message: EventMessage;
    try {
      message = JSON.parse(raw) as EventMessage;
    } catch {
      return;
    }
    const events = message.type === 'batch' ? message.events : [message];
    for (const event of events) {
      const key = event.type === 'call.changed' ? `contact:${event.call.contactId}` : `campaign:${event.campaignId}`;
      const next = (chains.get(key) ?? Promise.resolve()).then(() =>
        handle(event).catch((error: unknown) =>
          logger.warn({ err: (error as Error).message, event: event.type }, 'could not record a webhook event'),
        ),
      );
      chains.set(key, next);
      void next.then(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
    }
  };
  subscriber.on('message', onMessage);
  await subscriber.subscribe(eventsChannel(prefix));
  let closing: Promise<void> | null = null;
  return {
    close: (force = false) =>
      (closing ??= (async () => {
        subscriber.off('message', onMessage);
        if (force) {
          subscriber.disconnect();
          return;
        }
        await Promise.all(chains.values());
        await subscriber.quit().catch(() => subscriber.disconnect());
      })()),
  };
}
