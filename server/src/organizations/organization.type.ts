import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType('OrganizationSettings', {
  description:
    "Rules across all the organization's campaigns. Frequency caps are checked at dial: a contact over a cap waits (waitReason FREQUENCY_CAP) until its number may be called again.",
})
export class OrganizationSettingsType {
  @Field(() => Int, {
    nullable: true,
    description: 'At most this many calls to one number in any rolling 24 hours; null: no cap (the default).',
  })
  maxCallsPerNumberPerDay!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'At most this many calls to one number in any rolling 7 days; null: no cap (the default).',
  })
  maxCallsPerNumberPerWeek!: number | null;
}

@ObjectType('Organization')
export class OrganizationType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'ISO country for numbers written without a country code.' })
  defaultCountry!: string;

  /** Resolved by OrganizationResolver (defaults applied to older documents). */
  @Field(() => OrganizationSettingsType)
  settings!: OrganizationSettingsType;
}
