import { toCsv } from '../shell/csv';

/** What the calls export needs of a call. */
export interface ExportableCall {
  id: string;
  attempt: number;
  status: string;
  providerCallId?: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  error: string | null;
  contact: { id: string; name: string | null; phoneNumber: string; email?: string | null };
}

export const CALLS_CSV_HEADER = [
  'call_id',
  'contact_name',
  'phone_number',
  'email',
  'attempt',
  'status',
  'started_at',
  'answered_at',
  'ended_at',
  'duration_seconds',
  'provider_call_id',
  'error',
] as const;

/** The calls as a CSV file, safe to open in a spreadsheet (see neutralizeFormula). */
export function callsToCsv(calls: readonly ExportableCall[]): string {
  return toCsv([
    [...CALLS_CSV_HEADER],
    ...calls.map((call) => [
      call.id,
      call.contact.name,
      call.contact.phoneNumber,
      call.contact.email ?? null,
      call.attempt,
      call.status,
      call.startedAt,
      call.answeredAt,
      call.endedAt,
      call.durationSeconds,
      call.providerCallId ?? null,
      call.error,
    ]),
  ]);
}
