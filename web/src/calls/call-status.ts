import type { CallStatus } from '../gql/graphql';

export const CALL_STATUSES: CallStatus[] = [
  'INITIATED',
  'RINGING',
  'IN_PROGRESS',
  'COMPLETED',
  'BUSY',
  'NO_ANSWER',
  'FAILED',
  'VOICEMAIL',
  'CANCELED',
];

/** Call statuses that mean the line is still in use. */
export const LIVE_CALL_STATUSES: ReadonlySet<CallStatus> = new Set<CallStatus>(['INITIATED', 'RINGING', 'IN_PROGRESS']);

export function isLive(status: CallStatus): boolean {
  return LIVE_CALL_STATUSES.has(status);
}
