import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { SPEAKERS } from './call.model';
import type { CallStatus, Speaker } from './call.model';
import { CallStatusEnum } from './call.enum';
import { ContactType } from '../contacts/contact.type';
import { PageInfoType } from '../schema/page-info.type';
import { graphqlEnum } from '../schema/enum';

// Moved to call.enum.ts (contact.type.ts needs it too); re-exported for existing importers.
export const SpeakerEnum = graphqlEnum('Speaker', SPEAKERS);

@ObjectType('TranscriptTurn')
export class TranscriptTurnType {
  @Field(() => SpeakerEnum)
  speaker!: Speaker;

  @Field()
  text!: string;

  @Field(() => Float, { nullable: true, description: 'Seconds from the moment the call was answered.' })
  at!: number | null;
}

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

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The variables sent to the agent for this call.' })
  variables!: Record<string, string> | null;

  @Field(() => [TranscriptTurnType], { nullable: true })
  transcript!: TranscriptTurnType[] | null;

  @Field(() => String, { nullable: true })
  recordingUrl!: string | null;

  @Field(() => String, { nullable: true })
  summary!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "The agent's outcome label, e.g. INTERESTED, NOT_INTERESTED, CALLBACK, DO_NOT_CALL.",
  })
  disposition!: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: "The platform's structured post-call analysis, as it sent it.",
  })
  analysis!: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description: "Why the call ended, in the platform's words (e.g. customer-ended-call).",
  })
  endedReason!: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'The contact asked not to be called again (from the analysis): the number went onto the do-not-call list.',
  })
  optOut!: boolean | null;

  @Field(() => Date, {
    nullable: true,
    description:
      "The callback time the contact asked for, read in the contact's zone (the next call may be later: the calling window).",
  })
  callbackAt!: Date | null;
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
