import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { PROVIDERS } from './phone.model';
import type { ProviderName } from './phone.model';
import { graphqlEnum } from '../schema/enum';

export const TelephonyProviderEnum = graphqlEnum('TelephonyProvider', PROVIDERS);

@ObjectType('PhoneSimulation', { description: 'How the built-in simulator behaves for calls from a phone.' })
export class PhoneSimulationType {
  @Field(() => Float)
  busyRate!: number;

  @Field(() => Float)
  noAnswerRate!: number;

  @Field(() => Float)
  failRate!: number;

  @Field(() => Float)
  voicemailRate!: number;

  @Field(() => Int)
  minDurationMs!: number;

  @Field(() => Int)
  maxDurationMs!: number;

  @Field(() => Float, { description: 'Probability that an answered contact asks not to be called again.' })
  optOutRate!: number;

  @Field(() => Float, { description: 'Probability that an answered contact asks to be called back.' })
  callbackRate!: number;

  @Field(() => String, { nullable: true, description: 'The callback time the simulated agent agrees on (ISO 8601).' })
  callbackAt!: string | null;
}

@ObjectType('Phone', { description: 'A caller number and the provider that dials from it.' })
export class PhoneType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'E.164.' })
  number!: string;

  @Field(() => TelephonyProviderEnum)
  provider!: ProviderName;

  @Field({ description: 'New campaigns use it when none is chosen.' })
  isDefault!: boolean;

  @Field(() => PhoneSimulationType, { nullable: true, description: 'Only for the SIMULATED provider.' })
  simulation!: PhoneSimulationType | null;

  @Field(() => Int, { nullable: true, description: 'Live calls this number may hold at once across campaigns.' })
  maxConcurrentCalls!: number | null;

  @Field(() => Float, { nullable: true, description: 'Calls this number may start per second.' })
  callsPerSecond!: number | null;

  /** Resolved by PhoneResolver: credentials themselves are never returned. */
  @Field(() => String, {
    nullable: true,
    description:
      "The platform's id of this number where it needs one (Vapi phoneNumberId, ElevenLabs agent_phone_number_id).",
  })
  providerPhoneId!: string | null;

  @Field({ description: 'Whether provider credentials are stored for this phone (they are never returned).' })
  hasCredentials!: boolean;
}
