import type { Types } from 'mongoose';
import { isValidObjectId } from 'mongoose';
import { CallModel, FINAL_CALL_STATUSES } from '../calls/call.model';
import { LIVE_CALL_STATUSES } from '../calls/call.service';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import type { CallLean, ContactLean, EngineContext } from './engine.context';
import { closeCall, lookUp } from './call-status';
import { unclaim, finish, recordOutcome, completeCampaign } from './outcome';
import { awaitEnd } from './placement';
import { reconcileSilentCalls } from './reconcile';

/**
 * What dead holders left: a re-run slot's own call, a manual call's job, calls past their lease
 * and CALLING contacts whose slot is gone (the sweeper), and waiters whose signal was lost
 * (reconcile). Never dials: a call is looked up, waited for, or closed.
 */

/**
 * Reclaims what dead holders left: calls past their lease with no final status (looked up,
 * else closed FAILED) and CALLING contacts whose call ended (or never existed) while no slot
 * was left to record it. Safe to run in every worker at once.
 */
export async function sweep(ctx: EngineContext): Promise<void> {
  await reconcileSilentCalls(ctx); // live calls whose webhooks stopped (reconcile.ts)
  const now = Date.now();
  const expired = await CallModel.find({
    status: { $in: LIVE_CALL_STATUSES },
    leaseExpiresAt: { $lt: new Date(now) },
  })
    .limit(200)
    .lean<CallLean[]>();
  for (const call of expired) {
    const phone = await ctx.phone(call.phoneId);
    const reason = `no final status within ${ctx.deps.config.maxCallDurationSeconds} s`;
    if (phone) await lookUp(ctx, call, phone, { forceFinal: reason });
    else await closeCall(ctx, call, 'FAILED', reason);
  }
  const stale = await ContactModel.find({
    status: 'CALLING',
    updatedAt: { $lt: new Date(now - ctx.deps.tuning.orphanAfterMs) },
  })
    .limit(500)
    .lean<ContactLean[]>();
  for (const contact of stale) {
    const call = contact.currentCallId ? await CallModel.findById(contact.currentCallId).lean<CallLean>() : null;
    if (!call) {
      await giveBackUnplaced(ctx, contact);
      continue;
    }
    const endedAt = call.endedAt ? new Date(call.endedAt).getTime() : null;
    if (FINAL_CALL_STATUSES.has(call.status) && endedAt !== null && endedAt < now - ctx.deps.tuning.orphanAfterMs) {
      await recordOutcome(ctx, call);
      await ctx.deps.leases.release(String(call.campaignId), String(call.phoneId), String(call._id), true);
      const campaign = await CampaignModel.findById(call.campaignId, { status: 1 }).lean();
      if (campaign?.status === 'ACTIVE') await completeCampaign(ctx, call.campaignId);
    }
  }
}

/** Wakes waiters whose call is final in MongoDB though no signal came (a lost pub/sub message). */
export async function reconcile(ctx: EngineContext): Promise<void> {
  const ids = ctx.deps.signals.waitingCallIds().filter((id) => isValidObjectId(id));
  if (ids.length === 0) return;
  const ended = await CallModel.find({ _id: { $in: ids }, status: { $nin: LIVE_CALL_STATUSES } }, { _id: 1 }).lean();
  for (const call of ended) ctx.deps.signals.wakeCall(String(call._id));
}

/** A re-run slot's own contact: finish its call (or give it back if the call was never created). */
export async function resumeContact(ctx: EngineContext, contact: ContactLean): Promise<void> {
  const { checkAlive } = ctx.deps;
  const call = contact.currentCallId ? await CallModel.findById(contact.currentCallId).lean<CallLean>() : null;
  checkAlive();
  if (!call) {
    // Died between claim and creating the call: nothing was dialled; the contact goes back.
    await giveBackUnplaced(ctx, contact);
    return;
  }
  await resumeCall(ctx, call);
}

/**
 * Gives back a contact claimed for a call that was never created, and frees its line — unless
 * its slot is alive and placing the call right now (it confirmed the lease, see
 * Leases.confirm): then the slot keeps both, since taking its line would let another call
 * over the limit. Revoking first means the slot can no longer confirm, so it never dials a
 * contact given back here.
 */
export async function giveBackUnplaced(ctx: EngineContext, contact: ContactLean): Promise<void> {
  const callId = contact.currentCallId;
  if (!callId) return;
  const campaign = await CampaignModel.findById(contact.campaignId, { organizationId: 1, phoneId: 1 }).lean();
  if (!campaign) return;
  const ids = [String(contact.campaignId), String(campaign.phoneId), String(callId)] as const;
  if (!(await ctx.deps.leases.revoke(...ids))) return;
  await unclaim(ctx, campaign as { _id: Types.ObjectId; organizationId: Types.ObjectId }, contact, callId, {
    status: 'QUEUED',
  });
  // The line is free either way now: wake the slots waiting for it.
  await ctx.deps.leases.release(...ids, true);
}

export async function resumeCallById(ctx: EngineContext, callId: string): Promise<void> {
  if (!isValidObjectId(callId)) return;
  const call = await CallModel.findById(callId).lean<CallLean>();
  ctx.deps.checkAlive();
  if (call) await resumeCall(ctx, call);
}

/** Finishes a call whose slot (or manual job) restarted, or a manual call's job. Never dials. */
export async function resumeCall(ctx: EngineContext, call: CallLean): Promise<void> {
  const { checkAlive } = ctx.deps;
  if (!FINAL_CALL_STATUSES.has(call.status)) {
    // The line is still busy with this call: hold its lease again (it may have lapsed).
    await ctx.deps.leases.renew(
      String(call.campaignId),
      String(call.phoneId),
      String(call._id),
      Math.max(1, ctx.callDeadline(call.startedAt) + ctx.marginMs - Date.now()),
    );
    const waiter = ctx.deps.signals.waitForCall(
      String(call._id),
      Math.max(0, ctx.callDeadline(call.startedAt) - Date.now()),
    );
    try {
      if (!call.providerCallId) {
        // Created, maybe placed, answer lost: find out rather than dial again.
        const phone = await ctx.phone(call.phoneId);
        checkAlive();
        if (phone) await lookUp(ctx, call, phone);
      }
      // Registered after `call` was read: its final webhook may have come in between.
      const now = await CallModel.findById(call._id, { status: 1 }).lean();
      checkAlive();
      if (!now || !FINAL_CALL_STATUSES.has(now.status)) await awaitEnd(ctx, call, waiter);
    } finally {
      waiter.cancel();
    }
    checkAlive();
  }
  await finish(ctx, call);
}
