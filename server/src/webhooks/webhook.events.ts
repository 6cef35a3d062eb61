import type { Types } from 'mongoose';
import type { CampaignStatus } from '../campaigns/campaign.model';
import { campaignStats } from '../campaigns/campaign.stats';
import { enqueueWebhookEvent } from './webhook.outbox';

/**
 * The events Dialwave reports and what each carries, written to the outbox by the code path
 * that changed the state (see webhook.outbox.ts): `call.ended` by the engine when it records a
 * call's outcome (dispatch/outcome.ts), `campaign.status_changed` by the campaign lifecycle
 * and the completion, `campaign.completed` by the completion. `contact.opted_out` is written by
 * whoever makes an opt-out, with `enqueueWebhookEvent` directly.
 */

/**
 * A call ended and its contact moved (`contactStatus`: COMPLETED, RETRY_SCHEDULED, FAILED,
 * VOICEMAIL, SKIPPED). The call itself (status, times, the conversation's summary and
 * disposition) is read by the relay from what the webhook stored, so a conversation report
 * that came just after the final status still rides along. Not awaited by the engine: the
 * insert joins this turn's batch and the slot dials on.
 */
export function callEndedEvent(
  call: { _id: Types.ObjectId; organizationId: Types.ObjectId; contactId: Types.ObjectId },
  contact: { phoneNumber: string; name?: string | null },
  contactStatus: string,
): Promise<boolean> {
  const contactId = String(call.contactId);
  return enqueueWebhookEvent(
    call.organizationId,
    'call.ended',
    `call.ended:${String(call._id)}`,
    {
      // The contact's status after this call; the agent's own disposition rides on `call`.
      disposition: contactStatus,
      contact: { id: contactId, phoneNumber: contact.phoneNumber, name: contact.name ?? null },
    },
    { orderKey: `contact:${contactId}`, callId: call._id },
  );
}

interface CampaignRef {
  _id: Types.ObjectId;
  organizationId: Types.ObjectId;
  name: string;
}

/**
 * A campaign's status changed, by one conditional update (so once): the key need only be
 * unique, and `transition` (its time and the two statuses) is.
 */
export function campaignStatusChangedEvent(
  campaign: CampaignRef,
  previous: CampaignStatus | null,
  status: CampaignStatus,
  at = Date.now(),
): Promise<boolean> {
  const id = String(campaign._id);
  return enqueueWebhookEvent(
    campaign.organizationId,
    'campaign.status_changed',
    `campaign.status_changed:${id}:${at}:${previous ?? ''}:${status}`,
    { campaignId: id, name: campaign.name, previousStatus: previous, status },
    { orderKey: `campaign:${id}`, at },
  );
}

/** A campaign completed: its final numbers (after the completion's recount). */
export async function campaignCompletedEvent(
  campaign: CampaignRef & { startedAt?: Date | null; completedAt: Date },
  stats: Record<string, unknown>,
): Promise<void> {
  const id = String(campaign._id);
  const at = campaign.completedAt.getTime();
  // Status first: a receiver ordering by campaign sees ACTIVE → COMPLETED, then the numbers.
  await campaignStatusChangedEvent(campaign, 'ACTIVE', 'COMPLETED', at);
  await enqueueWebhookEvent(
    campaign.organizationId,
    'campaign.completed',
    `campaign.completed:${id}:${at}`,
    {
      campaignId: id,
      name: campaign.name,
      stats: campaignStats({ stats }),
      startedAt: campaign.startedAt?.toISOString() ?? null,
      completedAt: campaign.completedAt.toISOString(),
    },
    { orderKey: `campaign:${id}`, at: at + 1 },
  );
}

/**
 * A contact asked not to be called again in `callId` (issue 18, dispatch/agent-verdict.ts), after
 * its number went onto the do-not-call list. One per call; in the contact's order, after that
 * call's `call.ended`.
 */
export function contactOptedOutEvent(optedOut: {
  organizationId: string;
  campaignId: string;
  contactId: string;
  phoneNumber: string;
  name: string | null;
  callId: string;
}): Promise<boolean> {
  const { organizationId, campaignId, contactId, phoneNumber, name, callId } = optedOut;
  return enqueueWebhookEvent(
    organizationId,
    'contact.opted_out',
    `contact.opted_out:${callId}`,
    { contact: { id: contactId, phoneNumber, name }, phoneNumber, campaignId, callId },
    { orderKey: `contact:${contactId}` },
  );
}
