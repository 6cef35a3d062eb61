import { Types } from 'mongoose';
import { CallModel } from '../calls/call.model';
import type { CallLean, CampaignLean, ContactLean, EngineContext, PhoneLean } from './engine.context';
import { unclaim } from './outcome';
import { createCall, place } from './placement';

/**
 * "Call this contact now" (the sequential design's single call), within the campaign's limit.
 */

/**
 * "Call this contact now" (the sequential design's single call): takes a line of the campaign
 * (it counts toward the limit), claims this contact, creates and places the call. The caller
 * then hands the call to a job that waits for its end (resumeCall). Returns null with the
 * reason when the line or the contact is not available.
 */
export async function startManualCall(
  ctx: EngineContext,
  campaign: CampaignLean,
  contact: ContactLean,
  phone: PhoneLean,
  options: { rateWaitMs: number },
): Promise<{ call: CallLean } | { refused: 'campaign' | 'phone' | 'global' | 'rate' | 'contact' }> {
  const callId = new Types.ObjectId();
  const give = (announce: boolean) =>
    ctx.deps.leases.release(String(campaign._id), String(phone._id), String(callId), announce);
  const deadline = Date.now() + options.rateWaitMs;
  let lease = await ctx.deps.leases.acquire(ctx.leaseRequest(campaign, phone, callId));
  // A rate bucket refills at a known time: wait for it briefly rather than refuse.
  while (!lease.ok && lease.blocker === 'rate' && Date.now() + lease.retryInMs <= deadline) {
    await new Promise((r) => setTimeout(r, lease.ok ? 0 : lease.retryInMs));
    lease = await ctx.deps.leases.acquire(ctx.leaseRequest(campaign, phone, callId));
  }
  if (!lease.ok) return { refused: lease.blocker };
  const final = ['FAILED', 'VOICEMAIL', 'COMPLETED'].includes(contact.status);
  const now = new Date();
  // Conditional on the state we read (status and attempts): a slot claiming it meanwhile wins.
  const res = await ctx.deps.counters.moveContact(
    campaign._id,
    { _id: contact._id, status: contact.status, attempts: contact.attempts },
    {
      $set: {
        status: 'CALLING',
        currentCallId: callId,
        slotId: 'manual',
        nextAttemptAt: null,
        // A contact already finished gets a fresh round of retries for this call.
        ...(final ? { roundStartAttempts: contact.attempts } : {}),
      },
      $inc: { attempts: 1 },
    },
    { from: contact.status, to: 'CALLING', attempts: 1, lastCallAt: now },
  );
  if (!res.moved) {
    await give(false);
    return { refused: 'contact' };
  }
  void ctx.publishCampaign(campaign, res.campaign);
  const call = await createCall(ctx, campaign, phone, contact, callId, 'manual', contact.attempts + 1);
  if (!call) {
    await give(false);
    return { refused: 'contact' };
  }
  // The same fence as a slot's, except that a manual call may be made on a paused campaign.
  if ((await ctx.deps.leases.confirm(String(campaign._id), String(callId), null)) !== 'ok') {
    await CallModel.deleteOne({ _id: call._id, providerCallId: null, status: 'INITIATED' });
    await unclaim(ctx, campaign, contact, callId, { status: contact.status });
    await give(false);
    return { refused: 'contact' };
  }
  void ctx.publishCall(call);
  await place(ctx, call, campaign, phone, contact);
  return { call };
}
