/** How an answered call reaches the campaign's voice agent (contract.graphql AgentKind). */
export const AGENT_KINDS = [
  'SIMULATED',
  'TWILIO_STREAM',
  'TWIML_URL',
  'EXOTEL_FLOW',
  'VAPI',
  'RETELL',
  'ELEVENLABS',
] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/**
 * The telephony providers each kind works with. SIMULATED also fits Twilio and Exotel
 * phones: there it is the built-in greeting those providers played before agents had kinds
 * (Twilio's DEFAULT_TWIML, Exotel's bridge), so campaigns made before kinds keep working.
 */
export const PROVIDERS_OF_KIND: Record<AgentKind, readonly string[]> = {
  SIMULATED: ['SIMULATED', 'TWILIO', 'EXOTEL'],
  TWILIO_STREAM: ['TWILIO'],
  TWIML_URL: ['TWILIO'],
  EXOTEL_FLOW: ['EXOTEL'],
  VAPI: ['VAPI'],
  RETELL: ['RETELL'],
  ELEVENLABS: ['ELEVENLABS'],
};

/** Whether an agent of `kind` can talk on a phone of `provider`. */
export function agentFitsProvider(kind: AgentKind, provider: string): boolean {
  return PROVIDERS_OF_KIND[kind].includes(provider);
}

/** The message a refused agent/phone pair gets: it names both, and what would fit. */
export function misfitMessage(agent: { name: string; kind: AgentKind }, phone: { name: string; provider: string }) {
  return (
    `agent "${agent.name}" (${agent.kind}) cannot talk on phone "${phone.name}" (${phone.provider}): ` +
    `a ${agent.kind} agent needs a phone of ${PROVIDERS_OF_KIND[agent.kind].join(' or ')}`
  );
}

/** Kinds that name the platform's own agent in `externalId`. */
export const KINDS_WITH_EXTERNAL_ID: ReadonlySet<AgentKind> = new Set(['EXOTEL_FLOW', 'VAPI', 'RETELL', 'ELEVENLABS']);
/** Kinds that reach the agent at `url`, with the URL scheme each needs. */
export const URL_SCHEME_OF_KIND: Partial<Record<AgentKind, readonly string[]>> = {
  // Twilio <Stream url>: "The url attribute ... must be a wss:// URL" (twilio.com/docs/voice/twiml/stream).
  TWILIO_STREAM: ['wss:'],
  // Twilio Calls API `Url`: the TwiML document's absolute URL (twilio.com/docs/voice/api/call-resource).
  TWIML_URL: ['https:', 'http:'],
};
