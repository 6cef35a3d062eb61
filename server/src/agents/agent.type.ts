import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { AGENT_KINDS } from './agent.kinds';
import type { AgentKind } from './agent.kinds';

const KIND_DESCRIPTIONS: Record<AgentKind, string> = {
  SIMULATED: "The built-in simulated agent: a short scripted conversation that uses the contact's variables.",
  TWILIO_STREAM: "Twilio: <Connect><Stream> to the agent's wss:// URL; each variable travels as a <Parameter>.",
  TWIML_URL: "Twilio: the call fetches TwiML from the agent's own URL; variables travel with the request.",
  EXOTEL_FLOW: 'Exotel: the answered call is handed to an Exotel app/flow (externalId); variables in CustomField.',
  VAPI: 'Vapi places the call with this assistant (externalId); variables as assistantOverrides.variableValues.',
  RETELL: 'Retell places the call with this agent (externalId); variables as retell_llm_dynamic_variables.',
  ELEVENLABS: 'ElevenLabs Agents places the call with this agent (externalId); variables as dynamic_variables.',
};

export const AgentKindEnum = Object.fromEntries(AGENT_KINDS.map((k) => [k, k])) as { [K in AgentKind]: K };
registerEnumType(AgentKindEnum, {
  name: 'AgentKind',
  description: "How an answered call reaches the campaign's voice agent.",
  valuesConfig: Object.fromEntries(AGENT_KINDS.map((k) => [k, { description: KIND_DESCRIPTIONS[k] }])),
});

@ObjectType('Agent', { description: 'A voice agent: what speaks when a call is answered.' })
export class AgentType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({ description: 'New campaigns use it when none is chosen.' })
  isDefault!: boolean;

  @Field()
  createdAt!: Date;

  @Field(() => AgentKindEnum)
  kind!: AgentKind;

  @Field(() => String, {
    nullable: true,
    description: "The platform's own id: Vapi assistantId, Retell agent_id, ElevenLabs agent_id, Exotel app id.",
  })
  externalId!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'TWILIO_STREAM: the wss:// media-stream URL. TWIML_URL: the https:// TwiML URL.',
  })
  url!: string | null;

  @Field(() => [String], {
    description: "Names the agent's script uses. A contact must supply each (from name, email or customData).",
  })
  variables!: string[];
}
