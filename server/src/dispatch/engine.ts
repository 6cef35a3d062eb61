import type { Types } from 'mongoose';
import type { progressPayload } from '../events';
import type { advanceCall } from '../calls/call.service';
import type { PlaceCallAgent, ProviderStatusUpdate, RawWebhook } from '../providers/provider';
import { applyStatus } from './call-status';
import { EngineContext } from './engine.context';
import type { CallLean, CampaignLean, EngineDeps, PhoneLean, SlotRef, SlotResult } from './engine.context';
import { startManualCall } from './manual-call';
import type { ManualTarget } from './manual-call';
import { reconcile, resumeCall, resumeCallById, sweep } from './recovery';
import { runSlot } from './slot.loop';
import { handleWebhook } from './webhook';
import type { WebhookResult } from './webhook';

/**
 * The dialing engine as its callers see it: what a slot job does, what a webhook does, what
 * the sweeper does. It knows nothing of BullMQ job objects (dispatch.queue.ts translates) nor of
 * HTTP (webhook.route.ts translates). Each role lives in its own file (see README.md); this class
 * only holds their shared context and hands calls on.
 */
export class DispatchEngine {
  private readonly ctx: EngineContext;

  constructor(deps: EngineDeps) {
    this.ctx = new EngineContext(deps);
  }

  /** See EngineContext.callDeadline. */
  callDeadline(startedAt: Date): number {
    return this.ctx.callDeadline(startedAt);
  }

  /** See EngineContext.leaseMs. */
  get leaseMs(): number {
    return this.ctx.leaseMs;
  }

  /** One slot job: dial, wait, record, loop, until the slot has nothing to do now (slot.loop.ts). */
  runSlot(ref: SlotRef): Promise<SlotResult> {
    return runSlot(this.ctx, ref);
  }

  /** "Call this contact now" (manual-call.ts). */
  startManualCall(
    campaign: CampaignLean,
    target: ManualTarget,
    options: { rateWaitMs: number },
  ): ReturnType<typeof startManualCall> {
    return startManualCall(this.ctx, campaign, target, options);
  }

  /** Finishes a call whose slot or manual job restarted; never dials (recovery.ts). */
  resumeCall(call: CallLean): Promise<void> {
    return resumeCall(this.ctx, call);
  }

  resumeCallById(callId: string): Promise<void> {
    return resumeCallById(this.ctx, callId);
  }

  /**
   * Applies a call status from any source (a webhook, a provider look-up, our own verdict):
   * forward only, and the waiting slot is told when it is final (call-status.ts).
   */
  applyStatus(
    call: { _id: Types.ObjectId },
    update: ProviderStatusUpdate,
    guard?: Parameters<typeof advanceCall>[2],
  ): Promise<boolean> {
    return applyStatus(this.ctx, call, update, guard);
  }

  /** A provider's status webhook (webhook.ts); webhook.route.ts maps the result to HTTP. */
  handleWebhook(provider: string, raw: RawWebhook): Promise<WebhookResult> {
    return handleWebhook(this.ctx, provider, raw);
  }

  /** A call's webhook token (see EngineContext.callbackTokenFor). */
  callbackTokenFor(callId: Types.ObjectId | string): string {
    return this.ctx.callbackTokenFor(callId);
  }

  /** Reclaims what dead holders left (recovery.ts). Safe to run in every worker at once. */
  sweep(): Promise<void> {
    return sweep(this.ctx);
  }

  /** Wakes waiters whose call is final though no signal came (recovery.ts). */
  reconcile(): Promise<void> {
    return reconcile(this.ctx);
  }

  /** Rebuilds a campaign's counters from its contacts (see CampaignCounters.recount). */
  recount(campaignId: Types.ObjectId): Promise<unknown> {
    return this.ctx.deps.counters.recount(campaignId);
  }

  /** How many times a counter update raced a completion and recounted (tests read it). */
  get completionRaces(): number {
    return this.ctx.deps.counters.completionRaces;
  }

  /** How many recounts found counters that had drifted (tests assert zero). */
  get driftCorrections(): number {
    return this.ctx.deps.counters.driftCorrections;
  }

  phone(phoneId: Types.ObjectId | string): Promise<PhoneLean | null> {
    return this.ctx.phone(phoneId);
  }

  /** A campaign's agent as the slots read it (cached two seconds per process: EngineContext.agent). */
  agent(agentId: Types.ObjectId | string): Promise<PlaceCallAgent | null> {
    return this.ctx.agent(agentId);
  }

  publishCampaign(
    campaign: { _id: Types.ObjectId; organizationId: Types.ObjectId },
    after?: Parameters<typeof progressPayload>[0] | null,
  ): Promise<void> {
    return this.ctx.publishCampaign(campaign, after);
  }
}
