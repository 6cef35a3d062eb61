import type { CallStatus } from '../calls/call.model';
import type { ContactStatus, SkipReason } from '../contacts/contact.model';

/** The outcome classes a retry rule covers (a CANCELED call counts as FAILED). */
export const RETRY_OUTCOMES = ['BUSY', 'NO_ANSWER', 'FAILED', 'VOICEMAIL'] as const;
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

export const BACKOFFS = ['FIXED', 'EXPONENTIAL'] as const;
export type Backoff = (typeof BACKOFFS)[number];

/** Longest wait between two calls, whatever the backoff: a day. */
export const MAX_RETRY_DELAY_MS = 24 * 60 * 60_000;

/** One outcome class's rule. */
export interface RetryRule {
  outcome: RetryOutcome;
  /** Calls in all (this round) for a contact whose last call ended this way; 1 = never retried. */
  maxAttempts: number;
  delayMinutes: number;
  /** FIXED: `delayMinutes` each time; EXPONENTIAL: delayMinutes × 2^(n−1) before the n-th retry. */
  backoff: Backoff;
}

/** The shorthand of the older queue design; it builds the default rules. */
export interface RetryShorthand {
  retryFailedCalls: boolean;
  /** Retries after the first call of a round. */
  maxRetryAttempts: number;
  retryDelayMinutes: number;
  excludeVoicemail: boolean;
}

export interface RetrySettings extends RetryShorthand {
  /** Explicit rules; an outcome without one follows the shorthand. Null/absent: the shorthand's. */
  retryRules?: readonly RetryRule[] | null;
}

/**
 * What the agent decided in the call (issue 18), from the platform's structured analysis
 * (`providers/agent-request.ts`) and already in our terms.
 */
export interface AgentVerdict {
  /** The contact asked not to be called again. */
  optOut?: boolean;
  /**
   * The contact asked to be called back: the time they asked for, read in their own zone and
   * moved into the calling window (`callback-time.ts`), never earlier than asked.
   */
  callbackAt?: Date | null;
}

/** Where a contact goes after a call ends. */
export type ContactOutcome =
  | { status: Extract<ContactStatus, 'COMPLETED' | 'FAILED' | 'VOICEMAIL'> }
  /** `callback`: the contact asked for this time; the next call opens a new round (see contactOutcome). */
  | { status: 'RETRY_SCHEDULED'; nextAttemptAt: Date; callback?: true }
  /** The contact opted out: its number goes onto the do-not-call list (`optOut`). */
  | { status: 'SKIPPED'; skipReason: Extract<SkipReason, 'DO_NOT_CALL'>; optOut: true };

/** The outcome class of a final, unsuccessful call status. */
export function retryOutcomeOf(callStatus: Exclude<CallStatus, 'COMPLETED'>): RetryOutcome {
  switch (callStatus) {
    case 'BUSY':
    case 'NO_ANSWER':
    case 'VOICEMAIL':
      return callStatus;
    default:
      // FAILED, CANCELED, and any non-final status our own verdict closed as failed.
      return 'FAILED';
  }
}

/** The rule the shorthand gives one outcome class (today's behaviour, unchanged). */
export function shorthandRule(outcome: RetryOutcome, s: RetryShorthand): RetryRule {
  const retried = s.retryFailedCalls && !(outcome === 'VOICEMAIL' && s.excludeVoicemail);
  return {
    outcome,
    maxAttempts: retried ? 1 + Math.max(0, s.maxRetryAttempts) : 1,
    delayMinutes: s.retryDelayMinutes,
    backoff: 'FIXED',
  };
}

/**
 * The rules in force, one per outcome class in RETRY_OUTCOMES order: the campaign's explicit
 * rule for that class, else the one its shorthand builds. Read at every decision, so an edit
 * made while the campaign runs applies to the next call that ends.
 */
export function rulesInForce(settings: RetrySettings): RetryRule[] {
  return RETRY_OUTCOMES.map(
    (outcome) => settings.retryRules?.find((r) => r.outcome === outcome) ?? shorthandRule(outcome, settings),
  );
}

/** Milliseconds before the `retryNumber`-th retry (1 = the first), capped at a day. */
export function retryDelayMs(rule: RetryRule, retryNumber: number): number {
  const factor = rule.backoff === 'EXPONENTIAL' ? 2 ** Math.max(0, retryNumber - 1) : 1;
  return Math.min(MAX_RETRY_DELAY_MS, rule.delayMinutes * 60_000 * factor);
}

/**
 * The next-step decision after a call ended: the one place it is made.
 *
 * First what the agent decided (`verdict`, optional): an opt-out skips the contact
 * (DO_NOT_CALL) whatever the call's status; a callback schedules the contact at the time asked,
 * whatever the status and however many calls the round made, and the caller opens a new round
 * there (`roundStartAttempts` = attempts), so the call the contact asked for is the first of
 * its round and the retry rules count from it: a callback never uses up an attempt.
 *
 * Then the call's status. COMPLETED is final. Otherwise the rule of the call's outcome class says whether another call is allowed
 * (`attemptsThisRound`, counting the call that just ended, below its `maxAttempts`) and when
 * (its delay and backoff, the n-th retry waiting delay × 2^(n−1) when EXPONENTIAL, at most
 * 24 h). A contact that may not be called again ends VOICEMAIL when its last call reached a
 * voicemail, else FAILED.
 */
export function contactOutcome(
  callStatus: CallStatus,
  attemptsThisRound: number,
  settings: RetrySettings,
  now: Date = new Date(),
  verdict?: AgentVerdict,
): ContactOutcome {
  if (verdict?.optOut) return { status: 'SKIPPED', skipReason: 'DO_NOT_CALL', optOut: true };
  if (verdict?.callbackAt) return { status: 'RETRY_SCHEDULED', nextAttemptAt: verdict.callbackAt, callback: true };
  if (callStatus === 'COMPLETED') return { status: 'COMPLETED' };
  const outcome = retryOutcomeOf(callStatus);
  const rule = rulesInForce(settings).find((r) => r.outcome === outcome) ?? shorthandRule(outcome, settings);
  if (attemptsThisRound < rule.maxAttempts) {
    return {
      status: 'RETRY_SCHEDULED',
      nextAttemptAt: new Date(now.getTime() + retryDelayMs(rule, attemptsThisRound)),
    };
  }
  return { status: outcome === 'VOICEMAIL' ? 'VOICEMAIL' : 'FAILED' };
}
