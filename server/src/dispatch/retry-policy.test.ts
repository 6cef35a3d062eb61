import { contactOutcome, MAX_RETRY_DELAY_MS, retryDelayMs, rulesInForce } from './retry-policy';

const base = { retryFailedCalls: true, maxRetryAttempts: 2, retryDelayMinutes: 1, excludeVoicemail: false };
const now = new Date('2026-01-01T00:00:00Z');

describe('retry policy', () => {
  it('completes on COMPLETED whatever the attempts', () => {
    expect(contactOutcome('COMPLETED', 9, base, now)).toEqual({ status: 'COMPLETED' });
  });

  it.each(['BUSY', 'NO_ANSWER', 'FAILED', 'VOICEMAIL'] as const)(
    'retries %s until 1 + maxRetryAttempts calls',
    (status) => {
      expect(contactOutcome(status, 1, base, now)).toEqual({
        status: 'RETRY_SCHEDULED',
        nextAttemptAt: new Date('2026-01-01T00:01:00Z'),
      });
      expect(contactOutcome(status, 2, base, now).status).toBe('RETRY_SCHEDULED');
      expect(contactOutcome(status, 3, base, now).status).toBe(status === 'VOICEMAIL' ? 'VOICEMAIL' : 'FAILED');
    },
  );

  it('does not retry voicemail when excluded, nor anything when retries are off', () => {
    expect(contactOutcome('VOICEMAIL', 1, { ...base, excludeVoicemail: true }, now)).toEqual({ status: 'VOICEMAIL' });
    expect(contactOutcome('BUSY', 1, { ...base, excludeVoicemail: true }, now).status).toBe('RETRY_SCHEDULED');
    expect(contactOutcome('BUSY', 1, { ...base, retryFailedCalls: false }, now)).toEqual({ status: 'FAILED' });
    expect(contactOutcome('NO_ANSWER', 1, { ...base, maxRetryAttempts: 0 }, now)).toEqual({ status: 'FAILED' });
  });
});

describe('retry rules', () => {
  it('follows the rule of the outcome class, the shorthand for classes without one', () => {
    const settings = {
      ...base,
      retryRules: [{ outcome: 'BUSY' as const, maxAttempts: 5, delayMinutes: 10, backoff: 'FIXED' as const }],
    };
    expect(contactOutcome('BUSY', 4, settings, now).status).toBe('RETRY_SCHEDULED');
    expect(contactOutcome('BUSY', 5, settings, now).status).toBe('FAILED');
    // NO_ANSWER follows the shorthand: 1 + 2 calls, 1 minute apart.
    expect(contactOutcome('NO_ANSWER', 3, settings, now).status).toBe('FAILED');
    // A CANCELED call counts as FAILED.
    expect(
      contactOutcome(
        'CANCELED',
        1,
        { ...base, retryRules: [{ outcome: 'FAILED', maxAttempts: 1, delayMinutes: 0, backoff: 'FIXED' }] },
        now,
      ),
    ).toEqual({ status: 'FAILED' });
  });

  it('doubles the delay per retry with EXPONENTIAL, capped at 24 h', () => {
    const rule = { outcome: 'NO_ANSWER' as const, maxAttempts: 11, delayMinutes: 60, backoff: 'EXPONENTIAL' as const };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(rule, n) / 60_000)).toEqual([60, 120, 240, 480, 960, 1440]);
    expect(retryDelayMs({ ...rule, backoff: 'FIXED' }, 6)).toBe(60 * 60_000);
    expect(contactOutcome('NO_ANSWER', 3, { ...base, retryRules: [rule] }, now)).toEqual({
      status: 'RETRY_SCHEDULED',
      nextAttemptAt: new Date(now.getTime() + MAX_RETRY_DELAY_MS / 6),
    });
  });

  it('lists the rules in force in a fixed order', () => {
    expect(rulesInForce({ ...base, excludeVoicemail: true }).map((r) => [r.outcome, r.maxAttempts])).toEqual([
      ['BUSY', 3],
      ['NO_ANSWER', 3],
      ['FAILED', 3],
      ['VOICEMAIL', 1],
    ]);
  });

  describe("with the agent's verdict (issue 18)", () => {
    const at = new Date('2026-01-02T17:00:00Z');

    it('skips an opted-out contact whatever the call status or the rules', () => {
      for (const status of ['COMPLETED', 'BUSY', 'VOICEMAIL'] as const)
        expect(contactOutcome(status, 1, base, now, { optOut: true, callbackAt: at })).toEqual({
          status: 'SKIPPED',
          skipReason: 'DO_NOT_CALL',
          optOut: true,
        });
    });

    it('schedules a callback at the time given, even when the rules allow no more calls', () => {
      expect(contactOutcome('COMPLETED', 1, base, now, { callbackAt: at })).toEqual({
        status: 'RETRY_SCHEDULED',
        nextAttemptAt: at,
        callback: true,
      });
      // 3 calls this round and retries off: the rules alone would end it FAILED.
      expect(contactOutcome('NO_ANSWER', 3, { ...base, retryFailedCalls: false }, now, { callbackAt: at })).toEqual({
        status: 'RETRY_SCHEDULED',
        nextAttemptAt: at,
        callback: true,
      });
    });

    it('decides by the status alone without a verdict, or with an empty one', () => {
      expect(contactOutcome('COMPLETED', 1, base, now, {})).toEqual({ status: 'COMPLETED' });
      expect(contactOutcome('BUSY', 3, base, now, { optOut: false, callbackAt: null })).toEqual({ status: 'FAILED' });
    });
  });
});
