import type { CampaignDoc } from '../campaigns/campaign.model';
import type { CallDoc } from '../calls/call.model';

/**
 * What the API asks of the dialing engine. Services and resolvers call these; the
 * implementation (dispatch.service.ts) owns BullMQ, Redis leases and providers.
 * Every method scopes by organization: another organization's id is NOT_FOUND.
 */
export interface Dispatcher {
  startCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  pauseCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  resumeCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  cancelCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  retryFailedContacts(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  callContact(organizationId: string, campaignId: string, contactId: string): Promise<CallDoc>;
  recountCampaign(organizationId: string, campaignId: string): Promise<CampaignDoc>;
  /** A running campaign's settings changed (limit, retry policy): apply to the next dial. */
  settingsChanged(campaign: CampaignDoc): Promise<void>;
  /** Contacts were added to a campaign (which may be running): wake idle slots. */
  contactsAdded(campaign: CampaignDoc): Promise<void>;
  /** Starts the BullMQ workers of this process (ROLE=worker or all). */
  startWorkers(): Promise<void>;
  /** Stops workers and queues; safe to call twice. */
  close(): Promise<void>;
}
