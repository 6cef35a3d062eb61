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

export const SIMULATED_DISPOSITIONS = ['INTERESTED', 'NOT_INTERESTED', 'CALLBACK'] as const;
export type SimulatedDisposition = (typeof SIMULATED_DISPOSITIONS)[number];

export interface SimulatedConversation {
  transcript: SimulatedTurn[];
  summary: string;
  disposition: SimulatedDisposition;
  analysis: { sentiment: 'positive' | 'neutral' | 'negative'; interested: boolean; callbackRequested: boolean };
  endedReason: string;
}

/** Variables the script speaks itself; the others are read back as "your <name> is <value>". */
const SPOKEN_ELSEWHERE = new Set(['name', 'phoneNumber', 'email']);

/**
 * Writes the conversation of an answered call.
 * @param random in [0, 1): picks the disposition (INTERESTED 40 %, NOT_INTERESTED 40 %, CALLBACK 20 %)
 * @param talkSeconds how long the answered part lasted; the turns are spread over it
 */
export function simulateConversation(options: {
  agentName: string;
  /** The variables the agent declared (in its order); the script mentions each. */
  declared: readonly string[];
  variables: Record<string, string>;
  random: number;
  talkSeconds: number;
}): SimulatedConversation {
  const { variables } = options;
  const name = variables['name'];
  const disposition: SimulatedDisposition =
    options.random < 0.4 ? 'INTERESTED' : options.random < 0.8 ? 'NOT_INTERESTED' : 'CALLBACK';
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
    [
      'CONTACT',
      disposition === 'INTERESTED'
        ? 'Yes, that sounds good. Tell me more.'
        : disposition === 'CALLBACK'
          ? "I'm busy right now. Can you call me back tomorrow?"
          : "No thanks, I'm not interested.",
    ],
    [
      'AGENT',
      disposition === 'INTERESTED'
        ? "Great, I'll send the details by email. Thank you!"
        : disposition === 'CALLBACK'
          ? "Of course, I'll call you back tomorrow. Goodbye!"
          : 'Understood, thank you for your time. Goodbye!',
    ],
  ];
  // Even spacing over the answered time; at least half a second a turn so timestamps stay ordered.
  const step = Math.max(0.5, options.talkSeconds / lines.length);
  const transcript = lines.map(([speaker, text], i) => ({ speaker, text, at: Math.round(i * step * 10) / 10 }));
  const who = name ?? 'The contact';
  const summary =
    disposition === 'INTERESTED'
      ? `${who} is interested in the new offer; details to be sent by email.`
      : disposition === 'CALLBACK'
        ? `${who} asked to be called back tomorrow.`
        : `${who} is not interested in the new offer.`;
  return {
    transcript,
    summary,
    disposition,
    analysis: {
      sentiment: disposition === 'INTERESTED' ? 'positive' : disposition === 'CALLBACK' ? 'neutral' : 'negative',
      interested: disposition === 'INTERESTED',
      callbackRequested: disposition === 'CALLBACK',
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
