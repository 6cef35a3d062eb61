import { Field, Float, InputType, Int } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { TelephonyProviderEnum } from './phone.type';
import type { ProviderName } from './phone.model';

@InputType('SimulationInput', {
  description:
    'Behaviour of the built-in simulated provider for calls placed from this phone.\nRates are probabilities (0–1) of each outcome; the remainder is answered and COMPLETED.\nDurations are how long an answered call lasts, picked uniformly in [min, max].',
})
export class SimulationInput {
  @Field(() => Float, { nullable: true })
  busyRate?: number | null;

  @Field(() => Float, { nullable: true })
  noAnswerRate?: number | null;

  @Field(() => Float, { nullable: true })
  failRate?: number | null;

  @Field(() => Float, { nullable: true })
  voicemailRate?: number | null;

  @Field(() => Int, { nullable: true })
  minDurationMs?: number | null;

  @Field(() => Int, { nullable: true })
  maxDurationMs?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Probability that an answered contact asks not to be called again.',
  })
  optOutRate?: number | null;

  @Field(() => Float, {
    nullable: true,
    description: 'Probability that an answered contact asks to be called back; the simulated agent picks a time.',
  })
  callbackRate?: number | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The callback time the simulated agent agrees on, ISO 8601: with an offset an instant, without one the contact's wall-clock time. Default: tomorrow at 10:00, the contact's time.",
  })
  callbackAt?: string | null;
}

@InputType('PhoneInput')
export class PhoneInput {
  @Field({ description: '1 to 200 characters.' })
  name!: string;

  @Field({
    description: "A valid number; without a country code it is read in the organization's country. Stored as E.164.",
  })
  number!: string;

  @Field(() => TelephonyProviderEnum)
  provider!: ProviderName;

  @Field(() => SimulationInput, { nullable: true })
  simulation?: SimulationInput | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'Provider credentials for this number (e.g. Twilio accountSid/authToken). Encrypted at rest, never returned.',
  })
  credentials?: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The platform's id of this number where it needs one (Vapi phoneNumberId, ElevenLabs agent_phone_number_id).",
  })
  providerPhoneId?: string | null;

  @Field(() => Int, { nullable: true, description: '1 to 10,000; null: no cap of its own.' })
  maxConcurrentCalls?: number | null;

  @Field(() => Float, { nullable: true, description: 'More than 0, at most 1,000; null: provider default.' })
  callsPerSecond?: number | null;

  @Field(() => Boolean, { nullable: true, description: "Make it the organization's default phone." })
  isDefault?: boolean | null;
}

@InputType('UpdatePhoneInput', { description: 'Only the fields given change; null clears the optional caps.' })
export class UpdatePhoneInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  number?: string | null;

  @Field(() => SimulationInput, { nullable: true })
  simulation?: SimulationInput | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  credentials?: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description:
      "The platform's id of this number where it needs one (Vapi phoneNumberId, ElevenLabs agent_phone_number_id).",
  })
  providerPhoneId?: string | null;

  @Field(() => Int, { nullable: true })
  maxConcurrentCalls?: number | null;

  @Field(() => Float, { nullable: true })
  callsPerSecond?: number | null;

  @Field(() => Boolean, { nullable: true })
  isDefault?: boolean | null;
}
