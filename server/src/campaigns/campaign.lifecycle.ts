import type { Types } from 'mongoose';
import { isValidObjectId } from 'mongoose';
import { badInput, conflict, notFound } from '../errors';
import { ContactModel, SKIP_REASONS } from '../contacts/contact.model';
import type { ContactStatus } from '../contacts/contact.model';
import { agentPhoneMisfit } from '../agents/agent.campaigns';
import type { CampaignCounters } from './campaign.counters';
import { CampaignModel } from './campaign.model';
import type { CampaignDoc, CampaignStatus } from './campaign.model';
import { retryOutcomeOf } from '../dispatch/retry-policy';
import type { RetryOutcome } from '../dispatch/retry-policy';
import { campaignStatusChangedEvent } from '../webhooks/webhook.events';

/**
 * A campaign's lifecycle: DRAFT → (SCHEDULED →) ACTIVE ⇄ PAUSED → COMPLETED or CANCELLED, and
 * back to ACTIVE from COMPLETED when contacts are added or failed ones retried. Each transition
 * is one conditional update from the statuses it allows; anything else is a CONFLICT naming the
 * current status. The dialing itself is dispatch/'s: this asks it for slots (SlotControl).
 * Every method scopes by organization: another organization's id is NOT_FOUND.
 */

/** What the lifecycle asks of the dialing engine (dispatch/dispatch.service.ts implements it). */
export interface SlotControl {
  /** Dialling (re)starts for an ACTIVE campaign: its current generation's slots are added. */
  activate(campaign: CampaignDoc): Promise<void>;
  /** A running campaign changed (limit, contacts): a new generation of slots replaces the old. */
  regenerate(campaignId: Types.ObjectId): Promise<void>;
  /** Paused or cancelled: no call between claim and dial is placed from now on. */
  stop(campaign: CampaignDoc): Promise<void>;
  /** A SCHEDULED campaign starts at `scheduledAt` (ms since epoch), durably. */
  scheduleStart(campaignId: Types.ObjectId, scheduledAt: number): Promise<void>;
}

export interface CampaignLifecycle {
  startCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  pauseCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  resumeCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  cancelCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  /**
   * DRAFT → SCHEDULED: a delayed job with a deterministic id starts it at `at` (once, whichever
   * worker runs it, also after a restart: the job lives in Redis and the start is conditional).
   */
  scheduleCampaign(organizationId: string, campaignId: string, at: Date): Promise<CampaignDoc>;
  /** Queues final contacts again: every FAILED one, or those whose last call ended in one of `outcomes`. */
  retryFailedContacts(
    organizationId: string,
    campaignId: string,
    outcomes?: readonly RetryOutcome[] | null,
  ): Promise<CampaignDoc>;
  recountCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  /** A running campaign's settings changed (limit, retry policy): apply to the next dial. */
  settingsChanged(campaign: CampaignDoc): Promise<void>;
  /** Contacts were added to a campaign (which may be running or completed): wake or reopen it. */
  contactsAdded(campaign: CampaignDoc): Promise<void>;
  /** A scheduled start came due (the dispatch queue's start job). */
  startScheduled(campaignId: string): Promise<void>;
}

export interface LifecycleDeps {
  slots: SlotControl;
  counters: CampaignCounters;
  /** Tells dashboards the campaign changed (never throws). */
  publish: (campaign: CampaignDoc) => Promise<void>;
}

/** Batch size of a retry round's contact writes. */
const RETRY_BATCH = 500;

/** The campaign of the organization, or NOT_FOUND. */
async function loadCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc> {
  if (!isValidObjectId(campaignId) || !isValidObjectId(organizationId)) throw notFound('Campaign');
  const campaign = await CampaignModel.findOne({ _id: campaignId, organizationId });
  if (!campaign) throw notFound('Campaign');
  return campaign;
}

/**
 * A status change that happened, written to the webhook outbox right after the write that made
 * it (once: that write was conditional). Awaited, so an API call that changed a status returns
 * once its event is durable; nothing is written when no endpoint subscribes.
 */
async function statusChanged(campaign: CampaignDoc, previous: CampaignStatus): Promise<void> {
  await campaignStatusChangedEvent(campaign, previous, campaign.status);
}

/**
 * One transition: a conditional update from the allowed statuses; CONFLICT naming the current
 * status otherwise (read only then, so a transition that succeeds reads nothing first). The
 * status it left is recorded for webhooks: with several allowed, the update returns the document
 * before it (which says which) and the result is read back.
 */
async function transition(
  organizationId: string,
  campaignId: string,
  verb: string,
  from: [CampaignStatus, ...CampaignStatus[]],
  update: Record<string, unknown>,
): Promise<CampaignDoc> {
  if (!isValidObjectId(campaignId) || !isValidObjectId(organizationId)) throw notFound('Campaign');
  const filter = { _id: campaignId, organizationId, status: { $in: from } };
  let updated: CampaignDoc | null = null;
  let previous: CampaignStatus = from[0];
  if (from.length === 1) {
    updated = await CampaignModel.findOneAndUpdate(filter, update, { returnDocument: 'after' });
  } else {
    const before = await CampaignModel.findOneAndUpdate(filter, update, { returnDocument: 'before' }).lean();
    if (before) {
      previous = before.status;
      updated = await CampaignModel.findById(before._id);
    }
  }
  if (updated) {
    await statusChanged(updated, previous);
    return updated;
  }
  const now = await loadCampaign(organizationId, campaignId);
  throw conflict(`Cannot ${verb} a campaign that is ${now.status}`, { status: now.status });
}

/** COMPLETED → ACTIVE (new contacts or a retry round), with a new generation of slots; null if it was not COMPLETED. */
async function reopen(campaignId: Types.ObjectId): Promise<CampaignDoc | null> {
  const reopened = await CampaignModel.findOneAndUpdate(
    { _id: campaignId, status: 'COMPLETED' },
    { $set: { status: 'ACTIVE', completedAt: null }, $inc: { dispatchGeneration: 1 } },
    { returnDocument: 'after' },
  );
  if (reopened) await statusChanged(reopened, 'COMPLETED');
  return reopened;
}

/** The campaign as it is now, published (after a change made of several writes). */
async function publishFresh(deps: LifecycleDeps, campaign: CampaignDoc): Promise<CampaignDoc> {
  const fresh = (await CampaignModel.findById(campaign._id)) ?? campaign;
  void deps.publish(fresh);
  return fresh;
}

async function startCampaign(deps: LifecycleDeps, organizationId: string, campaignId: string): Promise<CampaignDoc> {
  const { slots, publish } = deps;
  const campaign = await loadCampaign(organizationId, campaignId);
  if (campaign.status !== 'DRAFT' && campaign.status !== 'SCHEDULED') {
    throw conflict(`Cannot start a campaign that is ${campaign.status}`, { status: campaign.status });
  }
  if (!(await ContactModel.exists({ campaignId: campaign._id }))) {
    throw conflict('Cannot start a campaign without contacts: add contacts first');
  }
  // Issue 17: an agent edited after the campaign was made may no longer fit its phone.
  const misfit = await agentPhoneMisfit(campaign.agentId, campaign.phoneId);
  if (misfit) throw conflict(`Cannot start: ${misfit}`);
  const scheduledAt = campaign.scheduledAt ? new Date(campaign.scheduledAt).getTime() : 0;
  if (campaign.status === 'DRAFT' && scheduledAt > Date.now()) {
    const updated = await transition(organizationId, campaignId, 'schedule', ['DRAFT'], {
      $set: { status: 'SCHEDULED' },
    });
    await slots.scheduleStart(campaign._id, scheduledAt);
    void publish(updated);
    return updated;
  }
  const updated = await transition(organizationId, campaignId, 'start', ['DRAFT', 'SCHEDULED'], {
    $set: { status: 'ACTIVE', startedAt: campaign.startedAt ?? new Date() },
    $inc: { dispatchGeneration: 1 },
  });
  await slots.activate(updated);
  void publish(updated);
  return updated;
}

async function pauseCampaign(deps: LifecycleDeps, organizationId: string, campaignId: string): Promise<CampaignDoc> {
  const { slots, publish } = deps;
  // Slots see PAUSED before their next round; a call between claim and dial is stopped by
  // the mark (SlotControl.stop), set before this returns.
  const updated = await transition(organizationId, campaignId, 'pause', ['ACTIVE'], { $set: { status: 'PAUSED' } });
  await slots.stop(updated);
  void publish(updated);
  return updated;
}

async function resumeCampaign(deps: LifecycleDeps, organizationId: string, campaignId: string): Promise<CampaignDoc> {
  const { slots, publish } = deps;
  const updated = await transition(organizationId, campaignId, 'resume', ['PAUSED'], {
    $set: { status: 'ACTIVE' },
    $inc: { dispatchGeneration: 1 },
  });
  await slots.activate(updated);
  void publish(updated);
  return updated;
}

async function cancelCampaign(deps: LifecycleDeps, organizationId: string, campaignId: string): Promise<CampaignDoc> {
  const { slots, counters } = deps;
  const updated = await transition(organizationId, campaignId, 'cancel', ['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED'], {
    $set: { status: 'CANCELLED', completedAt: new Date() },
  });
  await slots.stop(updated);
  // Live calls end on their own; nothing waiting is dialled any more. Each updateMany moves
  // exactly the contacts it modified, so the counters move by its count.
  for (const from of ['QUEUED', 'RETRY_SCHEDULED'] as const satisfies readonly ContactStatus[]) {
    const res = await ContactModel.updateMany(
      { campaignId: updated._id, status: from },
      { $set: { status: 'SKIPPED', skipReason: SKIP_REASONS.campaignCancelled, nextAttemptAt: null } },
    );
    if (res.modifiedCount > 0) await counters.count(updated._id, { from, to: 'SKIPPED', count: res.modifiedCount });
  }
  return publishFresh(deps, updated);
}

/** Latest start a schedule takes: a year ahead. */
const MAX_SCHEDULE_AHEAD_MS = 366 * 24 * 3600_000;

async function scheduleCampaign(
  deps: LifecycleDeps,
  organizationId: string,
  campaignId: string,
  at: Date,
): Promise<CampaignDoc> {
  const { slots, publish } = deps;
  const when = at instanceof Date ? at.getTime() : NaN;
  if (!Number.isFinite(when)) throw badInput('at', 'must be a date and time (ISO 8601)');
  if (when <= Date.now()) throw badInput('at', 'must be in the future: start the campaign to call now');
  if (when > Date.now() + MAX_SCHEDULE_AHEAD_MS) throw badInput('at', 'must be within a year from now');
  const updated = await transition(organizationId, campaignId, 'schedule', ['DRAFT'], {
    $set: { status: 'SCHEDULED', scheduledAt: new Date(when) },
  });
  await slots.scheduleStart(updated._id, when);
  void publish(updated);
  return updated;
}

async function retryFailedContacts(
  deps: LifecycleDeps,
  organizationId: string,
  campaignId: string,
  outcomes?: readonly RetryOutcome[] | null,
): Promise<CampaignDoc> {
  const { slots, counters } = deps;
  const campaign = await loadCampaign(organizationId, campaignId);
  if (!['ACTIVE', 'PAUSED', 'COMPLETED'].includes(campaign.status)) {
    throw conflict(`Cannot retry the failed contacts of a campaign that is ${campaign.status}`, {
      status: campaign.status,
    });
  }
  // Without outcome classes: every FAILED contact, as before. With them: the FAILED and
  // VOICEMAIL contacts whose last call ended in one of those classes.
  const wanted = outcomes && outcomes.length > 0 ? new Set<RetryOutcome>(outcomes) : null;
  const candidates = await ContactModel.find(
    { campaignId: campaign._id, status: { $in: wanted?.has('VOICEMAIL') ? ['FAILED', 'VOICEMAIL'] : ['FAILED'] } },
    { attempts: 1, status: 1, lastOutcome: 1 },
  ).lean();
  const chosen = wanted
    ? candidates.filter((c) =>
        wanted.has(c.lastOutcome && c.lastOutcome !== 'COMPLETED' ? retryOutcomeOf(c.lastOutcome) : 'FAILED'),
      )
    : candidates;
  let moved = 0;
  for (const from of ['FAILED', 'VOICEMAIL'] as const satisfies readonly ContactStatus[]) {
    const these = chosen.filter((c) => c.status === from);
    // A new round: the attempts made so far stay counted, the round's allowance starts again.
    for (let i = 0; i < these.length; i += RETRY_BATCH) {
      const res = await ContactModel.bulkWrite(
        these.slice(i, i + RETRY_BATCH).map((c) => ({
          updateOne: {
            filter: { _id: c._id, status: from },
            update: { $set: { status: 'QUEUED', roundStartAttempts: c.attempts, nextAttemptAt: null } },
          },
        })),
        { ordered: false },
      );
      if (res.modifiedCount > 0) {
        moved += res.modifiedCount;
        await counters.count(campaign._id, { from, to: 'QUEUED', count: res.modifiedCount });
      }
    }
  }
  if (moved > 0) {
    const reopened = await reopen(campaign._id);
    if (reopened) await slots.activate(reopened);
    else await slots.regenerate(campaign._id);
  }
  return publishFresh(deps, campaign);
}

async function recountCampaign(deps: LifecycleDeps, organizationId: string, campaignId: string): Promise<CampaignDoc> {
  const { counters } = deps;
  const campaign = await loadCampaign(organizationId, campaignId);
  await counters.recount(campaign._id);
  return publishFresh(deps, campaign);
}

async function settingsChanged(deps: LifecycleDeps, campaign: CampaignDoc): Promise<void> {
  const { slots } = deps;
  // A new generation applies the new limit at once: extra slots stop after their call, new
  // ones start (and wait for a free line, woken by releases).
  if (campaign.status === 'ACTIVE') await slots.regenerate(campaign._id);
}

async function contactsAdded(deps: LifecycleDeps, campaign: CampaignDoc): Promise<void> {
  const { slots, publish } = deps;
  if (campaign.status === 'ACTIVE') {
    await slots.regenerate(campaign._id);
    return;
  }
  if (campaign.status !== 'COMPLETED') return;
  // New contacts reopen a finished campaign.
  const reopened = await reopen(campaign._id);
  if (!reopened) return;
  await slots.activate(reopened);
  void publish(reopened);
}

async function startScheduled(deps: LifecycleDeps, campaignId: string): Promise<void> {
  const { slots, publish } = deps;
  const updated = await CampaignModel.findOneAndUpdate(
    { _id: campaignId, status: 'SCHEDULED' },
    { $set: { status: 'ACTIVE', startedAt: new Date() }, $inc: { dispatchGeneration: 1 } },
    { returnDocument: 'after' },
  );
  if (!updated) return;
  await statusChanged(updated, 'SCHEDULED');
  await slots.activate(updated);
  void publish(updated);
}

/** The lifecycle over the given slots and counters. */
export function createCampaignLifecycle(deps: LifecycleDeps): CampaignLifecycle {
  return {
    startCampaign: (organizationId, campaignId) => startCampaign(deps, organizationId, campaignId),
    pauseCampaign: (organizationId, campaignId) => pauseCampaign(deps, organizationId, campaignId),
    resumeCampaign: (organizationId, campaignId) => resumeCampaign(deps, organizationId, campaignId),
    cancelCampaign: (organizationId, campaignId) => cancelCampaign(deps, organizationId, campaignId),
    scheduleCampaign: (organizationId, campaignId, at) => scheduleCampaign(deps, organizationId, campaignId, at),
    retryFailedContacts: (organizationId, campaignId, outcomes) =>
      retryFailedContacts(deps, organizationId, campaignId, outcomes),
    recountCampaign: (organizationId, campaignId) => recountCampaign(deps, organizationId, campaignId),
    settingsChanged: (campaign) => settingsChanged(deps, campaign),
    contactsAdded: (campaign) => contactsAdded(deps, campaign),
    startScheduled: (campaignId) => startScheduled(deps, campaignId),
  };
}
