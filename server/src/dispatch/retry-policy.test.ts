import { contactOutcome } from './retry-policy';

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
