import type { CampaignDoc } from '../campaigns/campaign.model';
import type { CallDoc } from '../calls/call.model';
import type { RawWebhook } from '../providers/provider';
import type { Simulator } from '../providers/simulated/simulator';
import type { DoNotCallList } from '../dnc/dnc.list';
import type { WebhookResult } from './webhook';

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
  /**
   * A provider's status webhook (`/webhooks/:provider`): what became of it (webhook.ts);
   * webhook.route.ts maps it to an HTTP status.
   */
  handleWebhook(provider: string, raw: RawWebhook): Promise<WebhookResult>;
  /** The organization-wide do-not-call lists (checked at every dial). */
  readonly doNotCall: DoNotCallList;
  /** The built-in simulated provider of this process (its API is mounted at /simulator). */
  readonly simulator: Simulator;
  /** Base URL at which providers reach our webhooks: PUBLIC_URL, else this process's API. */
  publicBaseUrl(): string;
  /** Tells the dispatcher where this process's API listens (known only once it does). */
  setApiUrl(url: string): void;
  /** Starts the BullMQ workers of this process (ROLE=worker or all). */
  startWorkers(): Promise<void>;
  /**
   * Stops workers and queues; safe to call twice. `force` (Redis unreachable): let go at once,
   * as a dying process would; the jobs stay active in Redis for another worker's stall check.
   */
  close(options?: { force?: boolean }): Promise<void>;
}
