import type { Speaker } from '../../calls/call.model';

/**
 * The simulated agent's conversation: a short script that uses the call's variables, timed
 * over the answered part of the call, and a small WAV that stands in for its recording.
 * Pure functions, so tests and the simulator share them.
 */

export interface SimulatedTurn {
  speaker: Speaker;
  text: string;
  /** Seconds from the moment the call was answered. */
  at: number;
}

export const SIMULATED_DISPOSITIONS = ['INTERESTED', 'NOT_INTERESTED', 'CALLBACK', 'DO_NOT_CALL'] as const;
export type SimulatedDisposition = (typeof SIMULATED_DISPOSITIONS)[number];

export interface SimulatedConversation {
  transcript: SimulatedTurn[];
  summary: string;
  disposition: SimulatedDisposition;
  /**
   * The simulated agent's structured analysis. `optOut` and `callbackAt` follow the mapping real
   * platforms' analyses are read with (providers/agent-request.ts).
   */
  analysis: {
    sentiment: 'positive' | 'neutral' | 'negative';
    interested: boolean;
    callbackRequested: boolean;
    optOut: boolean;
    /** ISO 8601; without an offset, a wall-clock time in the contact's zone. */
    callbackAt?: string;
  };
  endedReason: string;
}

/**
 * The callback time the simulated agent agrees on when the phone gives none: tomorrow (UTC date)
 * at 10:00, without an offset, so the engine reads it in the contact's own zone.
 */
export function defaultCallbackAt(now: Date): string {
  const tomorrow = new Date(now.getTime() + 24 * 60 * 60_000);
  return `${tomorrow.toISOString().slice(0, 10)}T10:00:00`;
}

/**
 * The disposition a draw picks: DO_NOT_CALL below `optOutRate`, CALLBACK in the next
 * `callbackRate`, the rest INTERESTED and NOT_INTERESTED in halves. Both rates 0 by default, so
 * a contact is only called back or opted out when a test or a demo asks for it.
 */
export function simulatedDisposition(random: number, optOutRate = 0, callbackRate = 0): SimulatedDisposition {
  if (random < optOutRate) return 'DO_NOT_CALL';
  if (random < optOutRate + callbackRate) return 'CALLBACK';
  const rest = 1 - optOutRate - callbackRate;
  const within = rest > 0 ? (random - optOutRate - callbackRate) / rest : 0;
  return within < 0.5 ? 'INTERESTED' : 'NOT_INTERESTED';
}

/** What each disposition makes the contact and the agent say last, and the summary. */
const ENDINGS: Record<SimulatedDisposition, { contact: string; agent: string; summary: string }> = {
  INTERESTED: {
    contact: 'Yes, that sounds good. Tell me more.',
    agent: "Great, I'll send the details by email. Thank you!",
    summary: 'is interested in the new offer; details to be sent by email.',
  },
  NOT_INTERESTED: {
    contact: "No thanks, I'm not interested.",
    agent: 'Understood, thank you for your time. Goodbye!',
    summary: 'is not interested in the new offer.',
  },
  CALLBACK: {
    contact: "I'm busy right now. Can you call me back later?",
    agent: "Of course, I'll call you back then. Goodbye!",
    summary: 'asked to be called back',
  },
  DO_NOT_CALL: {
    contact: 'Please stop calling me and take my number off your list.',
    agent: 'Understood, we will not call you again. Goodbye!',
    summary: 'asked not to be called again.',
  },
};

/** Variables the script speaks itself; the others are read back as "your <name> is <value>". */
const SPOKEN_ELSEWHERE = new Set(['name', 'phoneNumber', 'email']);

/**
 * Writes the conversation of an answered call.
 * @param random in [0, 1): picks the disposition (simulatedDisposition)
 * @param talkSeconds how long the answered part lasted; the turns are spread over it
 */
export function simulateConversation(options: {
  agentName: string;
  /** The variables the agent declared (in its order); the script mentions each. */
  declared: readonly string[];
  variables: Record<string, string>;
  random: number;
  talkSeconds: number;
  /** Probability that the contact opts out (issue 18). Default 0. */
  optOutRate?: number;
  /** Probability that the contact asks for a callback (issue 18). Default 0. */
  callbackRate?: number;
  /** The callback time agreed on. Default: defaultCallbackAt(now). */
  callbackAt?: string | null;
  now?: Date;
}): SimulatedConversation {
  const { variables } = options;
  const name = variables['name'];
  const disposition = simulatedDisposition(options.random, options.optOutRate, options.callbackRate);
  const callbackAt =
    disposition === 'CALLBACK' ? (options.callbackAt ?? defaultCallbackAt(options.now ?? new Date())) : undefined;
  const ending = ENDINGS[disposition];
  const details = options.declared
    .filter((v) => !SPOKEN_ELSEWHERE.has(v) && variables[v] !== undefined)
    .map((v) => `your ${v} is ${variables[v]}`);
  const lines: [Speaker, string][] = [
    ['AGENT', `Hi ${name ?? 'there'}, this is ${options.agentName} from Dialwave. Do you have a minute?`],
    ['CONTACT', 'Sure, what is it about?'],
    [
      'AGENT',
      details.length > 0
        ? `I see ${details.join(' and ')}. Would you like to hear about our new offer?`
        : 'We have a new offer for you. Would you like to hear about it?',
    ],
    ['CONTACT', ending.contact],
    ['AGENT', callbackAt ? `Of course, I'll call you back at ${callbackAt}. Goodbye!` : ending.agent],
  ];
  // Even spacing over the answered time; at least half a second a turn so timestamps stay ordered.
  const step = Math.max(0.5, options.talkSeconds / lines.length);
  const transcript = lines.map(([speaker, text], i) => ({ speaker, text, at: Math.round(i * step * 10) / 10 }));
  const who = name ?? 'The contact';
  const summary = `${who} ${ending.summary}${callbackAt ? ` at ${callbackAt}.` : ''}`;
  return {
    transcript,
    summary,
    disposition,
    analysis: {
      sentiment: disposition === 'INTERESTED' ? 'positive' : disposition === 'CALLBACK' ? 'neutral' : 'negative',
      interested: disposition === 'INTERESTED',
      callbackRequested: disposition === 'CALLBACK',
      optOut: disposition === 'DO_NOT_CALL',
      ...(callbackAt ? { callbackAt } : {}),
    },
    endedReason: 'assistant-ended-call',
  };
}

/** Sample rate of the generated recording: telephone quality keeps the file small. */
const SAMPLE_RATE = 8000;
/** Longest recording generated, seconds (the file stays under 100 kB). */
export const MAX_RECORDING_SECONDS = 6;

/**
 * A small WAV for a transcript: one tone per turn (agent 440 Hz, contact 330 Hz) with a
 * pause between turns, 16-bit mono PCM. Written by hand: the RIFF/WAVE header is 44 fixed
 * bytes (http://soundfile.sapp.org/doc/WaveFormat/), not worth a dependency.
 */
export function recordingWav(transcript: readonly { speaker: Speaker }[]): Buffer {
  const turns = Math.max(1, transcript.length);
  const turnSeconds = Math.min(1, MAX_RECORDING_SECONDS / turns);
  const toneSamples = Math.round(SAMPLE_RATE * turnSeconds * 0.8);
  const gapSamples = Math.round(SAMPLE_RATE * turnSeconds * 0.2);
  const samples = turns * (toneSamples + gapSamples);
  const data = Buffer.alloc(samples * 2);
  let offset = 0;
  for (let t = 0; t < turns; t++) {
    const hz = transcript[t]?.speaker === 'CONTACT' ? 330 : 440;
    for (let i = 0; i < toneSamples; i++) {
      // A short fade in and out, so turns do not click.
      const fade = Math.min(1, i / 200, (toneSamples - i) / 200);
      data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / SAMPLE_RATE) * 8000 * fade), offset);
      offset += 2;
    }
    offset += gapSamples * 2;
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16); // PCM fmt chunk size
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(1, 22); // mono
  header.writeUInt32LE(SAMPLE_RATE, 24);
  header.writeUInt32LE(SAMPLE_RATE * 2, 28); // byte rate
  header.writeUInt16LE(2, 32); // block align
  header.writeUInt16LE(16, 34); // bits per sample
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
