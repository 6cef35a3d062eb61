import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { CallStatus } from './call.model';
import { CallStatusEnum } from './call.enum';
import { ContactType } from '../contacts/contact.type';
import { PageInfoType } from '../schema/page-info.type';

// Moved to call.enum.ts (contact.type.ts needs it too); re-exported for existing importers.
export { CallStatusEnum } from './call.enum';

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
