import { Types, isValidObjectId } from 'mongoose';
import { AppError, ErrorCode, conflict, notFound } from '../errors';
import { CallModel } from '../calls/call.model';
import { ContactModel, WAIT_REASONS } from '../contacts/contact.model';
import type { DoNotCallList } from '../dnc/dnc.list';
import type { FrequencyCapped } from './frequency-caps';
import type { CallLean, CampaignLean, ContactLean, EngineContext, PhoneLean } from './engine.context';
import { unclaim } from './outcome';
import { callAgentOf, checkDial } from '../agents/agent.dispatch';
import type { PlaceCallAgent } from '../providers/provider';
import { createCall, place } from './placement';

/**
 * "Call this contact now" (the sequential design's single call), within the campaign's limit:
 * which contact may be called (manualCallTarget), the call itself (startManualCall), and the
 * client error when it was refused (refusalError).
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
  target: ManualTarget,
  options: { rateWaitMs: number },
): Promise<{ call: CallLean } | { refused: ManualRefusal }> {
  const { contact, phone, agent, variables } = target;
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
  // Read while the line is held (cached per process): the fence below applies them.
  const caps = await ctx.frequencyCaps.get(campaign.organizationId);
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
        waitReason: null,
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
  const call = await createCall(ctx, campaign, phone, contact, callId, 'manual', contact.attempts + 1, variables);
  if (!call) {
    await give(false);
    return { refused: 'contact' };
  }
  // The same fence as a slot's (frequency caps included: an operator's "call now" is a call to
  // the number like any other), except that a manual call may be made on a paused campaign.
  const cap = caps
    ? { ...caps, organizationId: String(campaign.organizationId), phoneNumber: contact.phoneNumber }
    : null;
  const gate = await ctx.deps.leases.confirm(String(campaign._id), String(callId), null, cap);
  if (gate !== 'ok') {
    await CallModel.deleteOne({ _id: call._id, providerCallId: null, status: 'INITIATED' });
    // Back as it was: a waiting contact keeps its time (the claim cleared it).
    const waiting = contact.status === 'QUEUED' || contact.status === 'RETRY_SCHEDULED';
    await unclaim(ctx, campaign, contact, callId, {
      status: contact.status,
      ...(waiting && contact.nextAttemptAt ? { nextAttemptAt: contact.nextAttemptAt } : {}),
      ...(waiting && contact.waitReason ? { waitReason: WAIT_REASONS.frequencyCap } : {}),
    });
    await give(false);
    return { refused: typeof gate === 'object' ? gate : 'contact' };
  }
  void ctx.publishCall(call);
  await place(ctx, call, { campaign, phone, contact, agent, variables });
  return { call };
}

/** Why a manual call was not started (see startManualCall); an object: the number's frequency cap. */
export type ManualRefusal = 'campaign' | 'phone' | 'global' | 'rate' | 'contact' | FrequencyCapped;

/** The client error for a refused manual call: CONFLICT for the campaign or contact, RATE_LIMITED for caps. */
export function refusalError(refused: ManualRefusal, campaignLimit: number): AppError {
  if (typeof refused === 'object') return frequencyCapError(refused);
  switch (refused) {
    case 'campaign':
      return conflict(`The campaign already has ${campaignLimit} live calls, its limit: try again when one ends`);
    case 'contact':
      return conflict('The contact changed state meanwhile (a slot may have dialled it): try again');
    case 'phone':
      return new AppError(
        ErrorCode.RATE_LIMITED,
        'The phone number is at its concurrent call cap: try again when a call ends',
      );
    case 'global':
      return new AppError(
        ErrorCode.RATE_LIMITED,
        'The deployment is at its cap on outbound calls: try again when a call ends',
      );
    case 'rate':
      return new AppError(
        ErrorCode.RATE_LIMITED,
        "The phone number's calls-per-second rate is exhausted: try again in a moment",
      );
  }
}

/** What a manual call dials: the contact, the campaign's phone and agent, and the variables checked against it. */
export interface ManualTarget {
  contact: ContactLean;
  phone: PhoneLean;
  /** The campaign's agent, read once here and handed to the place-call. */
  agent: PlaceCallAgent | null;
  variables: Record<string, string>;
}

/** RATE_LIMITED for a number at its frequency cap: which cap, and when it may be called (`retryAt`). */
function frequencyCapError(refused: FrequencyCapped): AppError {
  const window = refused.capped === 'day' ? '24 hours' : '7 days';
  const at = refused.allowedAt.toISOString();
  return new AppError(
    ErrorCode.RATE_LIMITED,
    `This number has had ${refused.limit} call${refused.limit === 1 ? '' : 's'} in the last ${window}, the organization's frequency cap: it can be called again at ${at}`,
    undefined,
    { retryAt: at },
  );
}

/**
 * The contact a manual call would dial, with the campaign's phone and agent, or the client error
 * that says why it cannot be called (cancelled campaign, unknown contact, in a call, skipped,
 * do-not-call, and the slot loop's own dial checks: an agent that does not fit the phone, a
 * variable of the agent's script the contact has no value for).
 */
export async function manualCallTarget(
  engine: { phone(phoneId: Types.ObjectId): Promise<PhoneLean | null> },
  doNotCall: DoNotCallList,
  campaign: Pick<CampaignLean, '_id' | 'status' | 'organizationId' | 'phoneId' | 'agentId'>,
  contactId: string,
): Promise<ManualTarget> {
  if (campaign.status === 'CANCELLED')
    throw conflict('Cannot call a contact of a campaign that is CANCELLED', { status: campaign.status });
  if (!isValidObjectId(contactId)) throw notFound('Contact');
  const contact = await ContactModel.findOne({ _id: contactId, campaignId: campaign._id }).lean<ContactLean>();
  if (!contact) throw notFound('Contact');
  if (contact.status === 'CALLING') throw conflict('This contact is already in a call');
  if (contact.status === 'SKIPPED')
    throw conflict(`This contact was skipped (${contact.skipReason ?? 'no reason'}) and cannot be called`);
  if (await doNotCall.has(campaign.organizationId, contact.phoneNumber))
    throw conflict('This number is on the do-not-call list');
  const [phone, agent] = await Promise.all([engine.phone(campaign.phoneId), callAgentOf(campaign.agentId)]);
  if (!phone) throw conflict("The campaign's phone no longer exists");
  const check = checkDial(agent, phone, contact);
  if (!check.ok) {
    // Refused before a line is taken or the contact moves: nothing to undo.
    if (check.reason === 'MISFIT') throw conflict(`Cannot call: ${check.message}`);
    throw conflict(`Cannot call this contact: ${check.message}`, { variables: check.missing });
  }
  return { contact, phone, agent, variables: check.variables };
}
