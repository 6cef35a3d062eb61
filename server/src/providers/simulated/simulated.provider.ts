import type { CallStatus } from '../../calls/call.model';
import {
  field,
  header,
  isInvalidNumberSipCode,
  placeCallFailure,
  placeCallHttpError,
  PlaceCallError,
} from '../provider';
import type { PlaceCallRequest, ProviderStatusUpdate, RawWebhook, TelephonyProvider } from '../provider';
import { SIMULATOR_SIGNATURE_HEADER, simulatorKeys, verifySimulatorSignature } from './simulator';
import type { Simulator, SimulatorLookup, SimulatorPlaceBody, SimulatorWebhookBody } from './simulator';
import type { CallConversation } from '../../calls/call.conversation';
import { agentRequestOf } from '../agent-request';
import { httpRequest } from '../http-client';
import type { HttpAnswer } from '../http-client';

const SIMULATION_DEFAULTS = {
  busyRate: 0.1,
  noAnswerRate: 0.1,
  failRate: 0.05,
  voicemailRate: 0.1,
  invalidRate: 0,
  minDurationMs: 2_000,
  maxDurationMs: 8_000,
  optOutRate: 0,
  callbackRate: 0,
};

export interface SimulatedProviderOptions {
  /** The deployment secret the simulator's keys derive from (config.jwt.secret). */
  secret: Uint8Array;
  /** Base URL of the simulator API (…/simulator is appended); read at each call, since the API's port is known late. */
  baseUrl: () => string;
  /**
   * In-process fast path (bench only): talk to this Simulator object directly instead of over
   * HTTP. Same ledger, same webhooks; it skips one HTTP round trip per call.
   */
  direct?: Simulator;
}

/** The client side of the built-in simulator: it talks to it over HTTP like to any provider. */
export function createSimulatedProvider(options: SimulatedProviderOptions): TelephonyProvider {
  const keys = simulatorKeys(options.secret);
  const api = () => `${options.baseUrl().replace(/\/$/, '')}/simulator`;
  const auth = { authorization: `Bearer ${keys.api}` };

  return {
    name: 'SIMULATED',

    async placeCall(request: PlaceCallRequest) {
      const body: SimulatorPlaceBody = {
        to: request.to,
        from: request.from,
        statusCallback: request.callbackUrl,
        timeLimitSeconds: request.timeLimitSeconds,
        simulation: { ...SIMULATION_DEFAULTS, ...(request.simulation ?? {}) },
        metadata: {
          callId: request.callId,
          campaignId: request.metadata.campaignId,
          contactId: request.metadata.contactId,
          attempt: request.metadata.attempt,
          callbackToken: request.callbackToken,
        },
        ...(request.agent ? { agent: { name: request.agent.name, variables: request.agent.variables } } : {}),
        ...(request.variables ? { variables: request.variables } : {}),
      };
      if (options.direct) {
        const answer = options.direct.place(body);
        if (answer === 'hang') throw new PlaceCallError('SIMULATED: place-call timed out', true);
        if (answer.status >= 300)
          throw new PlaceCallError(`SIMULATED: place-call answered ${answer.status}`, answer.status >= 500);
        return { providerCallId: (answer.json as { sid: string }).sid };
      }
      let response: HttpAnswer;
      try {
        response = await httpRequest(
          `${api()}/calls`,
          { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(body) },
          request.timeoutMs,
        );
      } catch (error) {
        throw placeCallFailure(error, 'SIMULATED');
      }
      if (!response.ok) throw placeCallHttpError(response, 'SIMULATED');
      const json = response.json() as { sid?: string };
      if (!json.sid) throw new PlaceCallError('SIMULATED: place-call answer has no sid', true);
      return { providerCallId: json.sid };
    },

    verifyWebhook(raw: RawWebhook) {
      return verifySimulatorSignature(keys.signing, header(raw, SIMULATOR_SIGNATURE_HEADER), raw.rawBody);
    },

    parseWebhook(raw: RawWebhook): ProviderStatusUpdate | null {
      const status = mapSimulatorStatus(field(raw, 'CallStatus'), field(raw, 'AnsweredBy'));
      if (!status) return null;
      const duration = field(raw, 'Duration');
      const ts = Number(field(raw, 'Timestamp'));
      return {
        providerCallId: field(raw, 'CallSid') ?? null,
        status,
        ...(status === 'IN_PROGRESS' && Number.isFinite(ts) ? { answeredAt: new Date(ts) } : {}),
        ...(duration !== undefined ? { durationSeconds: Number(duration) } : {}),
        ...(status === 'FAILED' ? { error: 'the simulated network failed the call' } : {}),
        // As for Twilio, whose callbacks the simulator's follow: SIP 404 on a failed call.
        ...(status === 'FAILED' && isInvalidNumberSipCode(field(raw, 'SipResponseCode'))
          ? { invalidNumber: true }
          : {}),
        sequence: Number(field(raw, 'SequenceNumber') ?? 0),
        ...(Number.isFinite(ts) ? { eventAt: new Date(ts) } : {}),
        ...conversationOf(raw.body as Partial<SimulatorWebhookBody>),
      };
    },

    async lookupCall(query) {
      const url = query.providerCallId
        ? `${api()}/calls/${encodeURIComponent(query.providerCallId)}`
        : `${api()}/calls?token=${encodeURIComponent(query.callbackToken)}`;
      if (options.direct) {
        const found = options.direct.lookup(
          query.providerCallId ? { sid: query.providerCallId } : { token: query.callbackToken },
        );
        return found ? toUpdate(found) : null;
      }
      const response = await httpRequest(url, { headers: auth }, 10_000);
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`SIMULATED: look-up answered ${response.status}`);
      return toUpdate(response.json() as SimulatorLookup);
    },
  };
}

/** The conversation fields of a simulator webhook (final webhooks of answered calls carry them). */
function conversationOf(body: Partial<SimulatorWebhookBody>): { conversation?: CallConversation } {
  const conversation: CallConversation = {
    ...(Array.isArray(body.Transcript) ? { transcript: body.Transcript } : {}),
    ...(typeof body.RecordingUrl === 'string' ? { recordingUrl: body.RecordingUrl } : {}),
    ...(typeof body.Summary === 'string' ? { summary: body.Summary } : {}),
    ...(typeof body.Disposition === 'string' ? { disposition: body.Disposition } : {}),
    ...(body.Analysis && typeof body.Analysis === 'object' ? { analysis: { ...body.Analysis } } : {}),
    ...(typeof body.EndedReason === 'string' ? { endedReason: body.EndedReason } : {}),
    // Issue 18: read with the same mapping as the real platforms' analyses.
    ...agentRequestOf(body.Analysis && typeof body.Analysis === 'object' ? { ...body.Analysis } : null),
  };
  return Object.keys(conversation).length > 0 ? { conversation } : {};
}

/** A look-up's answer in our terms; it classifies an invalid number as the final webhook does. */
function toUpdate(found: SimulatorLookup): ProviderStatusUpdate {
  const status = mapSimulatorStatus(found.status, found.answeredBy) ?? 'IN_PROGRESS';
  return {
    providerCallId: found.sid,
    status,
    ...(found.duration !== undefined ? { durationSeconds: found.duration } : {}),
    ...(status === 'FAILED' && isInvalidNumberSipCode(found.sipResponseCode) ? { invalidNumber: true } : {}),
  };
}

function mapSimulatorStatus(status: string | undefined, answeredBy: string | undefined): CallStatus | null {
  switch (status) {
    case 'ringing':
      return 'RINGING';
    case 'in-progress':
      return 'IN_PROGRESS';
    case 'completed':
      return answeredBy === 'machine' ? 'VOICEMAIL' : 'COMPLETED';
    case 'busy':
      return 'BUSY';
    case 'no-answer':
      return 'NO_ANSWER';
    case 'failed':
      return 'FAILED';
    default:
      return null;
  }
}
