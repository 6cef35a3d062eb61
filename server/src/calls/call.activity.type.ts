import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType('MinuteCount', { description: 'Calls placed in one minute.' })
export class MinuteCountType {
  @Field({ description: 'Start of the minute.' })
  minute!: Date;

  @Field(() => Int)
  calls!: number;
}

@ObjectType('CallsPerMinute', {
  description:
    'Calls placed per minute, counted by the server over every call of the campaign. Live: add each call from callUpdated whose startedAt is at or after asOf (its first event).',
})
export class CallsPerMinuteType {
  @Field({ description: 'Calls started before this instant are counted in the buckets.' })
  asOf!: Date;

  @Field(() => Int)
  minutes!: number;

  @Field(() => [MinuteCountType], { description: 'One per minute, oldest first, zeros included.' })
  buckets!: MinuteCountType[];
}
