import { CALL_STATUS_VALUES } from '../gql/enums';
import type { CallStatus } from '../gql/graphql';

/** Where each status shows in lists: a call's life first, then its outcomes (exhaustive: a new status must be placed). */
const DISPLAY_ORDER: Record<CallStatus, number> = {
  INITIATED: 0,
  RINGING: 1,
  IN_PROGRESS: 2,
  COMPLETED: 3,
  BUSY: 4,
  NO_ANSWER: 5,
  FAILED: 6,
  VOICEMAIL: 7,
  CANCELED: 8,
};

/** The schema's call statuses (generated), in display order. */
export const CALL_STATUSES: CallStatus[] = [...CALL_STATUS_VALUES].sort((a, b) => DISPLAY_ORDER[a] - DISPLAY_ORDER[b]);

/** Call statuses that mean the line is still in use. */
export const LIVE_CALL_STATUSES: ReadonlySet<CallStatus> = new Set<CallStatus>(['INITIATED', 'RINGING', 'IN_PROGRESS']);

export function isLive(status: CallStatus): boolean {
  return LIVE_CALL_STATUSES.has(status);
}
