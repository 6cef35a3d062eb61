import type { CallStatus } from '../calls/call.model';
import type { ContactStatus } from '../contacts/contact.model';

export interface RetrySettings {
  retryFailedCalls: boolean;
  /** Retries after the first call of a round. */
  maxRetryAttempts: number;
  retryDelayMinutes: number;
  excludeVoicemail: boolean;
}

/** Where a contact goes after a call ends. */
export type ContactOutcome =
  | { status: Extract<ContactStatus, 'COMPLETED' | 'FAILED' | 'VOICEMAIL'> }
  | { status: 'RETRY_SCHEDULED'; nextAttemptAt: Date };

/**
 * The retry policy. COMPLETED is final; BUSY, NO_ANSWER, FAILED and CANCELED are retried, and
 * VOICEMAIL too unless `excludeVoicemail`. A round allows 1 + maxRetryAttempts calls
 * (`attemptsThisRound` counts the call that just ended). A contact whose retries are exhausted
 * ends FAILED, or VOICEMAIL when its last call reached a voicemail.
 */
export function contactOutcome(
  callStatus: CallStatus,
  attemptsThisRound: number,
  settings: RetrySettings,
  now: Date = new Date(),
): ContactOutcome {
  if (callStatus === 'COMPLETED') return { status: 'COMPLETED' };
  const voicemail = callStatus === 'VOICEMAIL';
  const retryable = settings.retryFailedCalls && !(voicemail && settings.excludeVoicemail);
  if (retryable && attemptsThisRound < 1 + Math.max(0, settings.maxRetryAttempts)) {
    return { status: 'RETRY_SCHEDULED', nextAttemptAt: new Date(now.getTime() + settings.retryDelayMinutes * 60_000) };
  }
  return { status: voicemail ? 'VOICEMAIL' : 'FAILED' };
}
