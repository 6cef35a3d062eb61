import type { CampaignStatus, PriorityMode } from '../gql/graphql';

export const CAMPAIGN_STATUSES: CampaignStatus[] = ['DRAFT', 'SCHEDULED', 'ACTIVE', 'PAUSED', 'COMPLETED', 'CANCELLED'];

export type CampaignAction = 'start' | 'pause' | 'resume' | 'cancel' | 'retryFailed';

/** Which actions a campaign's status allows; the API enforces the same rules. */
export const ALLOWED_ACTIONS: Record<CampaignStatus, readonly CampaignAction[]> = {
  DRAFT: ['start'],
  SCHEDULED: ['cancel'],
  ACTIVE: ['pause', 'cancel'],
  PAUSED: ['resume', 'cancel'],
  COMPLETED: ['retryFailed'],
  CANCELLED: [],
};

export function canRun(status: CampaignStatus, action: CampaignAction): boolean {
  return ALLOWED_ACTIONS[status].includes(action);
}

/** The status a campaign shows right after an action, before the API confirms it. */
export const OPTIMISTIC_STATUS: Record<CampaignAction, CampaignStatus> = {
  start: 'ACTIVE',
  pause: 'PAUSED',
  resume: 'ACTIVE',
  cancel: 'CANCELLED',
  retryFailed: 'ACTIVE',
};

/** Short names for the dialling order, as operators say them. */
export const PRIORITY_MODE_LABELS: Record<PriorityMode, string> = {
  FIFO: 'first in, first out',
  LIFO: 'newest first',
  PRIORITY: 'by contact priority',
};
