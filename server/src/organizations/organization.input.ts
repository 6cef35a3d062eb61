import { Field, InputType, Int } from 'type-graphql';

@InputType('OrganizationSettingsInput')
export class OrganizationSettingsInput {
  @Field(() => Int, {
    nullable: true,
    description:
      'At most this many calls to one number in any rolling 24 hours, across all campaigns (1 to 10080). Null: no cap. Absent: unchanged.',
  })
  maxCallsPerNumberPerDay?: number | null;

  @Field(() => Int, {
    nullable: true,
    description:
      'At most this many calls to one number in any rolling 7 days, across all campaigns (1 to 10080). Null: no cap. Absent: unchanged.',
  })
  maxCallsPerNumberPerWeek?: number | null;
}
