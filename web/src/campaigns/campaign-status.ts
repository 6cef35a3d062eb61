import { CAMPAIGN_STATUS_VALUES } from '../gql/enums';
import type { CampaignStatus, PriorityMode } from '../gql/graphql';

/** Where each status shows in lists: the lifecycle's order (exhaustive: a new status must be placed). */
const DISPLAY_ORDER: Record<CampaignStatus, number> = {
  DRAFT: 0,
  SCHEDULED: 1,
  ACTIVE: 2,
  PAUSED: 3,
  COMPLETED: 4,
  CANCELLED: 5,
};

/** The schema's campaign statuses (generated), in lifecycle order. */
export const CAMPAIGN_STATUSES: CampaignStatus[] = [...CAMPAIGN_STATUS_VALUES].sort(
  (a, b) => DISPLAY_ORDER[a] - DISPLAY_ORDER[b],
);

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
