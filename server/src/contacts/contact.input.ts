import { Field, InputType, Int } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';

@InputType('ContactInput')
export class ContactInput {
  @Field({
    description: "Any common format; without a country code it is read in the organization's country. Stored as E.164.",
  })
  phoneNumber!: string;

  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: '-1000 to 1000, default 0; higher is dialled first in PRIORITY mode.',
  })
  priority?: number | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'A flat object (string, number, boolean or null values), at most 4 KB as JSON.',
  })
  customData?: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description: 'IANA zone, e.g. America/Los_Angeles. Default: derived from the number (Google libphonenumber data).',
  })
  timezone?: string | null;
}
