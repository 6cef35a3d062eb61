import type { Types } from 'mongoose';
import { logger } from '../logger';
import { contactOptedOutEvent } from '../webhooks/webhook.events';
import { CallModel } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { settingsOf } from '../campaigns/campaign.settings';
import { ContactModel, SKIP_REASONS } from '../contacts/contact.model';
import type { ContactStatus } from '../contacts/contact.model';
import { callbackTime } from './callback-time';
import { contactOutcome } from './retry-policy';
import type { AgentVerdict } from './retry-policy';
import type { CallLean, CampaignLean, ContactLean, EngineContext } from './engine.context';

/**
 * What the agent decided in a call (issue 18), between the call as stored and the next-step
 * decision (`retry-policy.ts contactOutcome`, which alone decides where the contact goes), and
 * what an opt-out does beyond its own contact (do-not-call list, other campaigns, the event).
 */

/** What a call may carry of the contact's requests (call.model.ts). */
export interface CallRequests {
  optOut?: boolean | null;
  callbackRequest?: string | null;
}

/** Whether the contact asked something in this call: its outcome must then be decided from the stored call. */
export function carriesRequest(call: CallRequests): boolean {
  return call.optOut === true || (typeof call.callbackRequest === 'string' && call.callbackRequest !== '');
}

/**
 * The agent's verdict on a call in our terms: an opt-out as it is; a callback as the time to
 * call (read in the contact's zone, moved into the calling window: `callback-time.ts`), with the
 * time asked (`askedAt`, kept on the call). An unreadable callback time is logged and ignored.
 */
export function verdictOf(
  call: CallRequests & { _id: Types.ObjectId },
  contact: Pick<ContactLean, 'timezone' | 'prefixTimezones'>,
  campaign: Pick<CampaignLean, 'settings'>,
  now: Date = new Date(),
): { verdict: AgentVerdict; askedAt: Date | null } | undefined {
  if (!carriesRequest(call)) return undefined;
  if (call.optOut === true) return { verdict: { optOut: true }, askedAt: null };
  const time = callbackTime(call.callbackRequest ?? '', contact, settingsOf(campaign), now);
  if (!time) {
    logger.warn(
      { callId: String(call._id), callbackRequest: call.callbackRequest },
      'callback time not understood (ISO 8601, at most a year ahead); deciding by the call status',
    );
    return undefined;
  }
  return { verdict: { callbackAt: time.at }, askedAt: time.askedAt };
}

/** Keeps the callback time asked, as read in the contact's zone, on the call (`Call.callbackAt`). */
export async function recordCallbackAt(callId: Types.ObjectId, askedAt: Date): Promise<void> {
  await CallModel.updateOne({ _id: callId }, { $set: { callbackAt: askedAt } });
}

const NOT_YET_DIALLED: ContactStatus[] = ['QUEUED', 'RETRY_SCHEDULED'];

/**
 * What an opt-out does beside its own contact's move to SKIPPED (made by the caller just after,
 * so a crash in between is repaired by recording the call again): the number goes onto the organization's
 * do-not-call list with the call as its source (the list's version moves, so every dial-time
 * check sees it at once: `dnc/dnc.list.ts`); then the same number waiting in any other campaign
 * of the organization (QUEUED or RETRY_SCHEDULED: a live call is not cut) is SKIPPED
 * `DO_NOT_CALL`, through the counter rule; then `contact.opted_out` is published. The list first:
 * a slot that claims one of those contacts meanwhile finds it on the list before dialling.
 */
export async function applyOptOut(
  ctx: EngineContext,
  campaign: Pick<CampaignLean, '_id' | 'organizationId'>,
  contact: Pick<ContactLean, '_id' | 'phoneNumber' | 'name'>,
  callId: Types.ObjectId,
): Promise<void> {
  const organizationId = String(campaign.organizationId);
  await ctx.deps.doNotCall.add(organizationId, [contact.phoneNumber], ctx.deps.config.defaultCountry, {
    kind: 'OPT_OUT',
    callId,
    campaignId: campaign._id,
  });
  const others = await CampaignModel.find(
    { organizationId: campaign.organizationId, _id: { $ne: campaign._id } },
    { _id: 1 },
  ).lean();
  // By campaign and number: the contacts' unique {campaignId, phoneNumber} index serves it.
  const waiting =
    others.length === 0
      ? []
      : await ContactModel.find(
          {
            campaignId: { $in: others.map((c) => c._id) },
            phoneNumber: contact.phoneNumber,
            status: { $in: NOT_YET_DIALLED },
          },
          { _id: 1, campaignId: 1, status: 1 },
        ).lean();
  for (const other of waiting) await skipWaiting(ctx, campaign.organizationId, other);
  const optedOut = {
    organizationId,
    campaignId: String(campaign._id),
    contactId: String(contact._id),
    phoneNumber: contact.phoneNumber,
    name: contact.name ?? null,
    callId: String(callId),
  };
  // The webhook comes from the outbox (durable, written only when an endpoint subscribes). Live
  // dashboards need no event of their own: the counter updates that skipped the contacts publish.
  await contactOptedOutEvent(optedOut);
}

/** One waiting contact of another campaign → SKIPPED DO_NOT_CALL, if it is still waiting. */
async function skipWaiting(
  ctx: EngineContext,
  organizationId: Types.ObjectId,
  contact: { _id: Types.ObjectId; campaignId: Types.ObjectId; status: ContactStatus },
): Promise<void> {
  const moved = await ctx.deps.counters.moveContact(
    contact.campaignId,
    { _id: contact._id, status: contact.status },
    { $set: { status: 'SKIPPED', skipReason: SKIP_REASONS.doNotCall, nextAttemptAt: null } },
    { from: contact.status, to: 'SKIPPED' },
  );
  if (moved.moved) void ctx.publishCampaign({ _id: contact.campaignId, organizationId }, moved.campaign);
}

/** Where a call can have left its contact (the outcome's statuses a late request may change). */
const AFTER_CALL: ReadonlySet<ContactStatus> = new Set(['COMPLETED', 'FAILED', 'VOICEMAIL', 'RETRY_SCHEDULED']);
/** Reads of a contact while the slot records its call's outcome: 40 × 50 ms at most. */
const OUTCOME_READS = 40;

/** The contact once the call's outcome is recorded (null if it is not within the reads). */
async function contactAfter(call: Pick<CallLean, '_id' | 'contactId'>): Promise<ContactLean | null> {
  for (let i = 0; i < OUTCOME_READS; i++) {
    const contact = await ContactModel.findById(call.contactId).lean<ContactLean>();
    if (!contact) return null;
    if (contact.status !== 'CALLING' || String(contact.currentCallId) !== String(call._id)) return contact;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/**
 * A request that arrived after the call's final status (Vapi's end-of-call-report after its
 * "ended" status-update, Retell's call_analyzed after call_ended): the slot may have recorded the
 * outcome without it. Waits (bounded) for that outcome, then asks the same decision
 * (`contactOutcome` with the verdict) and moves the contact, if it still stands where this call
 * left it (no later call, not skipped). A callback needs a campaign that still dials (ACTIVE or
 * PAUSED); one the slot already scheduled is left as it is.
 */
export async function applyLateRequest(ctx: EngineContext, call: CallLean): Promise<void> {
  const contact = await contactAfter(call);
  if (!contact || contact.attempts !== call.attempt || !AFTER_CALL.has(contact.status)) return;
  const campaign = await CampaignModel.findById(call.campaignId).lean<CampaignLean>();
  const agent = campaign ? verdictOf(call, contact, campaign) : undefined;
  if (!campaign || !agent) return;
  const decided = contactOutcome(
    call.status,
    contact.attempts - (contact.roundStartAttempts ?? 0),
    settingsOf(campaign),
    new Date(),
    agent.verdict,
  );
  let $set: Record<string, unknown>;
  if ('optOut' in decided) {
    await applyOptOut(ctx, campaign, contact, call._id);
    $set = { status: decided.status, skipReason: decided.skipReason, nextAttemptAt: null };
  } else if ('callback' in decided) {
    // A campaign that no longer dials does not reopen for it; one the slot already scheduled stays.
    const dials = campaign.status === 'ACTIVE' || campaign.status === 'PAUSED';
    if (!dials || contact.roundStartAttempts === contact.attempts) return;
    $set = { status: decided.status, nextAttemptAt: decided.nextAttemptAt, roundStartAttempts: contact.attempts };
  } else return;
  const moved = await ctx.deps.counters.moveContact(
    campaign._id,
    { _id: contact._id, status: contact.status, attempts: call.attempt },
    { $set },
    { from: contact.status, to: decided.status },
  );
  if (!moved.moved) return;
  void ctx.publishCampaign(campaign, moved.campaign);
  if ('optOut' in decided) return;
  if (agent.askedAt) await recordCallbackAt(call._id, agent.askedAt);
  if (campaign.status === 'ACTIVE') await ctx.deps.ensureSlots(campaign);
}
