import type { RawWebhook } from './provider';
import { agentRequestOf } from './agent-request';
import { createVapiProvider } from './vapi';
import { createRetellProvider } from './retell';
import { createElevenLabsProvider } from './elevenlabs';

/**
 * The documented mapping (docs/OPERATIONS.md, "What the agent decides") from each platform's
 * structured analysis to the contact's requests: opt-out and callback time. Bodies follow each
 * platform's documented webhook shape (see the comments in agent-request.ts).
 */
const json = (body: Record<string, unknown>): RawWebhook => ({
  method: 'POST',
  url: 'https://dialwave.example/webhooks/x',
  headers: {},
  body,
  rawBody: Buffer.from(JSON.stringify(body)),
});

describe('agent requests from structured analysis', () => {
  it('reads opt_out/optOut (true, "true", "yes"), a DO_NOT_CALL disposition, and callback_at/callbackAt', () => {
    expect(agentRequestOf({ opt_out: true })).toEqual({ optOut: true });
    expect(agentRequestOf({ optOut: 'Yes' })).toEqual({ optOut: true });
    expect(agentRequestOf({ disposition: 'do_not_call' })).toEqual({ optOut: true });
    expect(agentRequestOf({ opt_out: false, optOut: 'no', disposition: 'CALLBACK' })).toEqual({});
    expect(agentRequestOf({ callback_at: ' 2026-12-08T15:00 ' })).toEqual({ callbackRequest: '2026-12-08T15:00' });
    expect(agentRequestOf({ callbackAt: '2026-12-08T23:00:00Z' })).toEqual({
      callbackRequest: '2026-12-08T23:00:00Z',
    });
    expect(agentRequestOf({ callback_at: '', callbackAt: 42 })).toEqual({});
    expect(agentRequestOf(null)).toEqual({});
  });

  it('Vapi: end-of-call-report analysis.structuredData', () => {
    const vapi = createVapiProvider({ apiBase: 'https://api.vapi.example' });
    const update = vapi.parseWebhook(
      json({
        message: {
          type: 'end-of-call-report',
          endedReason: 'customer-ended-call',
          call: { id: 'vapi-1' },
          analysis: {
            summary: 'Ann wants a call back.',
            structuredData: { disposition: 'CALLBACK', callback_at: '2026-12-08T15:00' },
          },
        },
      }),
    );
    expect(update?.conversation).toMatchObject({ disposition: 'CALLBACK', callbackRequest: '2026-12-08T15:00' });
    expect(update?.conversation?.optOut).toBeUndefined();
    const optOut = vapi.parseWebhook(
      json({
        message: {
          type: 'end-of-call-report',
          endedReason: 'customer-ended-call',
          call: { id: 'vapi-2' },
          analysis: { structuredData: { optOut: true } },
        },
      }),
    );
    expect(optOut?.conversation?.optOut).toBe(true);
  });

  it('Retell: call_analyzed call_analysis.custom_analysis_data', () => {
    const retell = createRetellProvider({ apiBase: 'https://api.retell.example' });
    const update = retell.parseWebhook(
      json({
        event: 'call_analyzed',
        call: {
          call_id: 'retell-1',
          call_status: 'ended',
          disconnection_reason: 'user_hangup',
          call_analysis: {
            call_summary: 'Bo asked us to stop calling.',
            custom_analysis_data: { opt_out: true, callback_at: '' },
          },
        },
      }),
    );
    expect(update?.status).toBe('COMPLETED');
    expect(update?.conversation).toMatchObject({ optOut: true });
    expect(update?.conversation?.callbackRequest).toBeUndefined();
    const callback = retell.parseWebhook(
      json({
        event: 'call_analyzed',
        call: {
          call_id: 'retell-2',
          call_status: 'ended',
          disconnection_reason: 'agent_hangup',
          call_analysis: { custom_analysis_data: { callbackAt: '2026-12-09T09:30:00-05:00' } },
        },
      }),
    );
    expect(callback?.conversation?.callbackRequest).toBe('2026-12-09T09:30:00-05:00');
  });

  it('ElevenLabs: post_call_transcription analysis.data_collection_results values', () => {
    const elevenlabs = createElevenLabsProvider({ apiBase: 'https://api.elevenlabs.example' });
    const update = elevenlabs.parseWebhook(
      json({
        type: 'post_call_transcription',
        event_timestamp: 1_765_000_000,
        data: {
          conversation_id: 'conv-1',
          status: 'done',
          metadata: { start_time_unix_secs: 1_765_000_000, call_duration_secs: 20 },
          analysis: {
            transcript_summary: 'Cleo wants a call tomorrow at three.',
            data_collection_results: {
              disposition: { data_collection_id: 'disposition', value: 'CALLBACK', rationale: 'asked' },
              callback_at: { data_collection_id: 'callback_at', value: '2026-12-08T15:00', rationale: 'said 3 pm' },
              opt_out: { data_collection_id: 'opt_out', value: false, rationale: 'did not ask' },
            },
          },
        },
      }),
    );
    expect(update?.conversation).toMatchObject({ disposition: 'CALLBACK', callbackRequest: '2026-12-08T15:00' });
    expect(update?.conversation?.optOut).toBeUndefined();
  });
});
