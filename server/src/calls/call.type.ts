import { Field, ID, Int, ObjectType } from 'type-graphql';
import { CALL_STATUSES } from './call.model';
import type { CallStatus } from './call.model';
// A cycle (Contact.lastOutcome uses CallStatus): safe, type-graphql reads both lazily.
import { ContactType } from '../contacts/contact.type';
import { PageInfoType } from '../schema/page-info.type';
import { graphqlEnum } from '../schema/enum';

export const CallStatusEnum = graphqlEnum('CallStatus', CALL_STATUSES);

@ObjectType('Call', { description: 'One attempt to reach a contact.' })
export class CallType {
  @Field(() => ID)
  id!: string;

  /** Resolved by CallResolver (the stored value is an ObjectId). */
  @Field(() => ID)
  campaignId!: string;

  /** Resolved by CallResolver through the contact DataLoader. */
  @Field(() => ContactType)
  contact!: ContactType;

  @Field(() => Int, { description: '1 for the first call to a contact, 2 for its first retry, …' })
  attempt!: number;

  @Field(() => CallStatusEnum)
  status!: CallStatus;

  @Field(() => String, { nullable: true })
  providerCallId!: string | null;

  @Field()
  startedAt!: Date;

  @Field(() => Date, { nullable: true })
  answeredAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  durationSeconds!: number | null;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@ObjectType('CallConnection')
export class CallConnectionType {
  @Field(() => [CallType])
  nodes!: CallType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}
