import { CONTACT_STATUS_VALUES } from '../gql/enums';
import type { ContactStatus } from '../gql/graphql';

/** Where each status shows in lists: waiting, calling, then outcomes (exhaustive: a new status must be placed). */
const DISPLAY_ORDER: Record<ContactStatus, number> = {
  QUEUED: 0,
  CALLING: 1,
  RETRY_SCHEDULED: 2,
  COMPLETED: 3,
  FAILED: 4,
  VOICEMAIL: 5,
  SKIPPED: 6,
};

/** The schema's contact statuses (generated), in display order. */
export const CONTACT_STATUSES: ContactStatus[] = [...CONTACT_STATUS_VALUES].sort(
  (a, b) => DISPLAY_ORDER[a] - DISPLAY_ORDER[b],
);
