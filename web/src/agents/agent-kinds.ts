import type { AgentKind } from '../gql/graphql';

/** What each agent kind needs in the form, and how it is described to the person filling it. */
export const AGENT_KIND_FORM: Record<
  AgentKind,
  { label: string; provider: string; externalId?: string; url?: string; urlPlaceholder?: string }
> = {
  SIMULATED: { label: 'Simulated (built in)', provider: 'Simulated, Twilio or Exotel phones' },
  TWILIO_STREAM: {
    label: 'Twilio media stream',
    provider: 'Twilio phones',
    url: 'Stream URL (wss://)',
    urlPlaceholder: 'wss://agent.example.com/media',
  },
  TWIML_URL: {
    label: 'Twilio TwiML URL',
    provider: 'Twilio phones',
    url: 'TwiML URL (https://)',
    urlPlaceholder: 'https://agent.example.com/twiml',
  },
  EXOTEL_FLOW: { label: 'Exotel flow', provider: 'Exotel phones', externalId: 'Exotel app (flow) id' },
  VAPI: { label: 'Vapi assistant', provider: 'Vapi phones', externalId: 'Vapi assistantId' },
  RETELL: { label: 'Retell agent', provider: 'Retell phones', externalId: 'Retell agent_id' },
  ELEVENLABS: { label: 'ElevenLabs agent', provider: 'ElevenLabs phones', externalId: 'ElevenLabs agent_id' },
};

export const AGENT_KINDS = Object.keys(AGENT_KIND_FORM) as AgentKind[];

/** "name, plan  company" → ["name", "plan", "company"] (commas or spaces, each name once). */
export function parseVariables(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter(Boolean))];
}
