import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DNC_SOURCE_KINDS } from './dnc.model';
import type { DncSourceKind } from './dnc.model';
import { CampaignType } from '../campaigns/campaign.type';
import { PageInfoType } from '../schema/page-info.type';
import { graphqlEnum } from '../schema/enum';
import { UserType } from '../users/user.type';

export const DoNotCallSourceKindEnum = graphqlEnum(
  'DoNotCallSourceKind',
  DNC_SOURCE_KINDS,
  'How a number came onto the do-not-call list: MANUAL (a user added it), CSV (a file import), API (an API key added it), OPT_OUT (the contact asked, in a call).',
);

@ObjectType('DoNotCallSource', { description: 'Who or what put a number on the do-not-call list.' })
export class DoNotCallSourceType {
  @Field(() => DoNotCallSourceKindEnum)
  kind!: DncSourceKind;

  /** Resolved by DoNotCallResolver through the user DataLoader. */
  @Field(() => UserType, {
    nullable: true,
    description: 'The user who added it (MANUAL, CSV); null for a key, an opt-out, or a user since removed.',
  })
  user!: UserType | null;

  @Field(() => ID, { nullable: true, description: 'The API key that added it (API, or CSV sent with a key).' })
  apiKeyId!: string | null;

  /** Resolved by DoNotCallResolver through the API key DataLoader. */
  @Field(() => String, { nullable: true, description: "That key's name; null once the key is deleted." })
  apiKeyName!: string | null;

  @Field(() => ID, { nullable: true, description: 'OPT_OUT: the call in which the contact asked not to be called.' })
  callId!: string | null;

  @Field(() => ID, { nullable: true, description: "OPT_OUT: that call's campaign." })
  campaignId!: string | null;

  /** Resolved by DoNotCallResolver through the campaign DataLoader. */
  @Field(() => CampaignType, { nullable: true, description: 'OPT_OUT: the campaign; null once it is deleted.' })
  campaign!: CampaignType | null;
}

@ObjectType('DoNotCallEntry', { description: 'A number on the do-not-call list: never dialled by any campaign.' })
export class DoNotCallEntryType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'E.164.' })
  phoneNumber!: string;

  @Field({ description: 'When it was added.' })
  createdAt!: Date;

  @Field(() => DoNotCallSourceType, { description: 'Set by the first add: adding it again keeps it.' })
  source!: DoNotCallSourceType;
}

@ObjectType('DoNotCallEntryConnection')
export class DoNotCallEntryConnectionType {
  @Field(() => [DoNotCallEntryType])
  nodes!: DoNotCallEntryType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int, { description: 'Entries matching the search, all pages.' })
  totalCount!: number;
}
