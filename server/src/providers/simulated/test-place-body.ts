import type { SimulationSettings } from '../provider';
import type { SimulatorPlaceBody } from './simulator';

/**
 * A place-call request as the simulator's tests send it: one answered call of `durationMs`
 * (no busy, no-answer, failure or voicemail draws), its webhooks to `statusCallback`.
 */
export function testPlaceBody(statusCallback: string, durationMs: number): SimulatorPlaceBody {
  const simulation: SimulationSettings = {
    busyRate: 0,
    noAnswerRate: 0,
    failRate: 0,
    voicemailRate: 0,
    minDurationMs: durationMs,
    maxDurationMs: durationMs,
  };
  return {
    to: '+14155550100',
    from: '+14155550199',
    statusCallback,
    timeLimitSeconds: 60,
    simulation,
    metadata: { callId: 'c1', campaignId: 'k1', contactId: 'p1', attempt: 1, callbackToken: 'tok' },
  };
}
