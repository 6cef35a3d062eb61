import type { ContactStatus } from '../gql/graphql';

export const CONTACT_STATUSES: ContactStatus[] = [
  'QUEUED',
  'CALLING',
  'RETRY_SCHEDULED',
  'COMPLETED',
  'FAILED',
  'VOICEMAIL',
  'SKIPPED',
];
