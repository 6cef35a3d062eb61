import { createHmac } from 'node:crypto';
import type { Types } from 'mongoose';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { EventPublisher } from '../events';
import { progressPayload } from '../events';
import { logger } from '../logger';
import type { Call } from '../calls/call.model';
import { toCallEventPayload } from '../calls/call.service';
import type { CampaignCounters } from '../campaigns/campaign.counters';
import type { Campaign } from '../campaigns/campaign.model';
import { settingsOf } from '../campaigns/campaign.settings';
import type { Contact } from '../contacts/contact.model';
import type { DoNotCallList } from '../dnc/dnc.list';
import { PhoneModel } from '../phones/phone.model';
import type { Phone } from '../phones/phone.model';
import { defaultCallsPerSecond } from '../providers/registry';
import type { ProviderSet } from '../providers/registry';
import { Permits } from '../permits';
import { callAgentOf } from '../agents/agent.dispatch';
import type { PlaceCallAgent } from '../providers/provider';
import { ReadCache } from './read-cache';
import { FrequencyCapCache } from './frequency-caps';
import type { LeaseRequest, Leases } from './leases';
import type { Signals } from './signals';

/**
 * What every part of the dialing engine shares: its dependencies, its timing (call deadline,
 * lease length), the phone cache, and publishing. The parts themselves are functions of this
 * context, one file per role (see README.md): slot.loop.ts, placement.ts, outcome.ts,
 * call-status.ts, recovery.ts, manual-call.ts, webhook.ts; engine.ts puts them together.
 *
 * Ownership: the webhook handler owns the Call document (status moves forward only); the slot
 * that placed the call owns the contact's transition and the campaign counters, and releases
 * the lease. The sweeper takes over both when a slot died and was not re-run. Every write is
 * conditional, so whoever comes second changes nothing.
 */

export interface EngineTuning {
  /** Safety net of a capacity wait: a lost release message costs at most this. Default 1000 ms. */
  capacityWaitMs: number;
  /** How often waiting calls are checked against MongoDB, in case a pub/sub message was lost. Default 5000 ms. */
  reconcileMs: number;
  /** A CALLING contact untouched this long with a final (or no) call is the sweeper's. Default 2 × lock duration. */
  orphanAfterMs: number;
  /** Dials (claim to place-call answered) in flight at once in this process; more wait in order (permits.ts). DISPATCH_DIALS_IN_FLIGHT, default 128. */
  dialsInFlight: number;
}

export interface EngineDeps {
  config: Config;
  redis: Redis;
  events: EventPublisher;
  providers: ProviderSet;
  leases: Leases;
  signals: Signals;
  doNotCall: DoNotCallList;
  /** The counter rule (campaigns/campaign.counters.ts): every contact move goes through it. */
  counters: CampaignCounters;
  /** Base URL at which providers reach our webhooks. */
  publicBaseUrl: () => string;
  tuning: EngineTuning;
  /** Re-adds the current generation's slot jobs (idempotent): used when a retry is scheduled. */
  ensureSlots: (campaign: Pick<CampaignLean, '_id' | 'dispatchGeneration' | 'settings'>) => Promise<void>;
  /** Throws when this process has been killed (tests); called after every await of a slot loop. */
  checkAlive: () => void;
}

export interface SlotRef {
  campaignId: string;
  generation: number;
  index: number;
}

/** What the job processor does with a slot when the engine returns. */
export type SlotResult = { kind: 'done'; reason: string } | { kind: 'delay'; until: number; reason: string };

/** Thrown at a slot's next step once its process is stopping (or, in tests, killed). */
export class DispatcherStoppedError extends Error {
  override name = 'DispatcherStoppedError';
  constructor(readonly reason: 'stopping' | 'killed' | 'closed') {
    super(`dispatcher ${reason}`);
  }
}

export type CampaignLean = Campaign & { _id: Types.ObjectId };
export type ContactLean = Contact & { _id: Types.ObjectId };
export type CallLean = Call & { _id: Types.ObjectId };
export type PhoneLean = Phone & { _id: Types.ObjectId };

/** How long a cached phone or agent answers for (read-cache.ts: the bound on an edit's delay). */
export const CACHE_MS = 2_000;

export const done = (reason: string): SlotResult => ({ kind: 'done', reason });

export class EngineContext {
  /** Organizations' frequency caps, cached per process (frequency-caps.ts). */
  readonly frequencyCaps = new FrequencyCapCache();
  /** Backpressure on dialling: at most `tuning.dialsInFlight` place-calls in flight (permits.ts). */
  readonly dialPermits: Permits;
  /** Phones change rarely; two seconds of staleness costs nothing and saves a read per dial. */
  private readonly phones = new ReadCache<PhoneLean>(CACHE_MS, (id) =>
    PhoneModel.findById(id).lean<PhoneLean>().exec(),
  );
  /**
   * The campaigns' agents, as the dial checks read them: a read per call was one of the worker's
   * six MongoDB round trips per call. An edit applies to every dial that starts two seconds
   * after it (read-cache.ts), the slots' "next call" within that bound; manual calls read afresh.
   */
  private readonly agents = new ReadCache<PlaceCallAgent>(CACHE_MS, (id) => callAgentOf(id));
  private readonly maxMs: number;
  private readonly graceMs: number;
  /** How long a lease outlives its call's deadline. */
  readonly marginMs: number;

  constructor(readonly deps: EngineDeps) {
    const { config } = deps;
    this.maxMs = config.maxCallDurationSeconds * 1000;
    this.graceMs = Math.min(5_000, Math.max(200, this.maxMs / 4));
    this.marginMs = Math.min(10_000, Math.max(500, this.maxMs / 2));
    this.dialPermits = new Permits(deps.tuning.dialsInFlight);
  }

  /**
   * When a slot stops waiting for a call's final status and asks the provider (or closes the
   * call as FAILED): the place-call timeout, the longest call, and a grace for the last webhook.
   */
  callDeadline(startedAt: Date): number {
    return startedAt.getTime() + this.deps.config.dispatch.placeCallTimeoutMs + this.maxMs + this.graceMs;
  }

  /** Lease length: the call deadline plus a margin, so a live slot always closes its call before its lease lapses. */
  get leaseMs(): number {
    return this.deps.config.dispatch.placeCallTimeoutMs + this.maxMs + this.graceMs + this.marginMs;
  }

  /** The campaign's concurrent-call limit (its number of slots). */
  limitOf(campaign: CampaignLean): number {
    return Math.max(0, settingsOf(campaign).concurrentCallsLimit);
  }

  /** What a line of this campaign on this phone asks of the leases (limits, caps, rate buckets). */
  leaseRequest(campaign: CampaignLean, phone: PhoneLean, callId: Types.ObjectId): LeaseRequest {
    return {
      campaignId: String(campaign._id),
      phoneId: String(phone._id),
      callId: String(callId),
      leaseMs: this.leaseMs,
      campaignLimit: this.limitOf(campaign),
      phoneCap: phone.maxConcurrentCalls ?? 0,
      globalCap: this.deps.config.maxConcurrentOutboundCalls,
      phoneRatePerSecond: phone.callsPerSecond ?? defaultCallsPerSecond(phone.provider),
      campaignCallsPerMinute: settingsOf(campaign).callsPerMinute ?? 0,
    };
  }

  /**
   * A call's webhook token: an HMAC of its id, so a webhook is checked without reading the call
   * (constant-time against the recomputed value). Calls are stored with it too (provider
   * look-ups by token), and a token that does not match the HMAC is still checked against the
   * stored one (say, calls made under a previous secret).
   */
  callbackTokenFor(callId: Types.ObjectId | string): string {
    return createHmac('sha256', this.deps.config.jwt.secret)
      .update(`callback:${String(callId)}`)
      .digest('base64url');
  }

  /** A phone, from a cache of two seconds (one read shared by the slots that ask at once). */
  phone(phoneId: Types.ObjectId | string): Promise<PhoneLean | null> {
    return this.phones.get(String(phoneId));
  }

  /** A campaign's agent as the dial checks read it (callAgentOf), from a cache of two seconds; null without one. */
  agent(agentId: Types.ObjectId | string | null | undefined): Promise<PlaceCallAgent | null> {
    return agentId ? this.agents.get(String(agentId)) : Promise.resolve(null);
  }

  /** Publishes a change; `after` (the document a counter update returned) carries the numbers. */
  async publishCampaign(
    campaign: { _id: Types.ObjectId; organizationId: Types.ObjectId },
    after?: Parameters<typeof progressPayload>[0] | null,
  ): Promise<void> {
    try {
      const progress = after ? progressPayload(after) : undefined;
      await this.deps.events.campaignChanged(String(campaign.organizationId), String(campaign._id), progress);
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot publish campaign.changed');
    }
  }

  async publishCall(call: CallLean): Promise<void> {
    try {
      await this.deps.events.callChanged(String(call.organizationId), toCallEventPayload(call));
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'cannot publish call.changed');
    }
  }
}
