import { agentRequestOf } from '../agent-request';
import { defaultCallbackAt, simulateConversation, simulatedDisposition } from './simulated.conversation';

const base = { agentName: 'Ava', declared: [], variables: { name: 'Ann' }, talkSeconds: 10 };

describe('simulated conversation: opt-outs and callbacks (issue 18)', () => {
  it('draws DO_NOT_CALL below optOutRate, CALLBACK in the next callbackRate, the rest in halves', () => {
    expect(simulatedDisposition(0.05, 0.1, 0.2)).toBe('DO_NOT_CALL');
    expect(simulatedDisposition(0.25, 0.1, 0.2)).toBe('CALLBACK');
    expect(simulatedDisposition(0.5, 0.1, 0.2)).toBe('INTERESTED');
    expect(simulatedDisposition(0.9, 0.1, 0.2)).toBe('NOT_INTERESTED');
    // Both rates 0 by default: nobody opts out or asks for a callback.
    expect(simulatedDisposition(0)).toBe('INTERESTED');
    expect(simulatedDisposition(0.99)).toBe('NOT_INTERESTED');
  });

  it('says the callback time it agreed on, and the analysis carries both requests by the documented mapping', () => {
    const callback = simulateConversation({ ...base, random: 0.5, callbackRate: 1, callbackAt: '2026-12-08T15:00' });
    expect(callback.disposition).toBe('CALLBACK');
    expect(callback.transcript.at(-1)?.text).toContain('2026-12-08T15:00');
    expect(agentRequestOf(callback.analysis)).toEqual({ callbackRequest: '2026-12-08T15:00' });

    const optOut = simulateConversation({ ...base, random: 0.5, optOutRate: 1 });
    expect(optOut.disposition).toBe('DO_NOT_CALL');
    expect(agentRequestOf(optOut.analysis)).toEqual({ optOut: true });

    const now = new Date('2026-12-07T22:00:00Z');
    const byDefault = simulateConversation({ ...base, random: 0, callbackRate: 1, now });
    expect(byDefault.analysis.callbackAt).toBe(defaultCallbackAt(now));
    expect(defaultCallbackAt(now)).toBe('2026-12-08T10:00:00');
  });
});
