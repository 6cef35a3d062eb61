import type { CallDoc } from '../calls/call.model';
import type { RawWebhook } from '../providers/provider';
import type { Simulator } from '../providers/simulated/simulator';
import type { WebhookResult } from './webhook';

/**
 * What the API asks of the dialing engine: a call now, providers' webhooks, and the worker's
 * own start and stop. The campaign lifecycle is not here: it is `services.lifecycle`
 * (campaigns/campaign.lifecycle.ts), which asks the slots of dispatch.service.ts through
 * SlotControl. The do-not-call lists are `services.doNotCall`. The implementation
 * (dispatch.service.ts) owns BullMQ, Redis leases and providers.
 * Every method scopes by organization: another organization's id is NOT_FOUND.
 */
export interface Dispatcher {
  /** "Call this contact now", within the campaign's limit; a job records the call's end. */
  callContact(organizationId: string, campaignId: string, contactId: string): Promise<CallDoc>;
  /**
   * A provider's status webhook (`/webhooks/:provider`): what became of it (webhook.ts);
   * webhook.route.ts maps it to an HTTP status.
   */
  handleWebhook(provider: string, raw: RawWebhook): Promise<WebhookResult>;
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
