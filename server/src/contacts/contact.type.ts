import { Field, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { CONTACT_STATUSES } from './contact.model';
import type { ContactStatus } from './contact.model';
import { CallStatusEnum } from '../calls/call.enum';
import type { CallStatus } from '../calls/call.model';
import { PageInfoType } from '../schema/page-info.type';
import { graphqlEnum } from '../schema/enum';

export const ContactStatusEnum = graphqlEnum('ContactStatus', CONTACT_STATUSES);

@ObjectType('Contact')
export class ContactType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'E.164.' })
  phoneNumber!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => Int)
  priority!: number;

  @Field(() => GraphQLJSONObject, { nullable: true })
  customData!: Record<string, unknown> | null;

  @Field(() => String, {
    nullable: true,
    description: 'IANA zone, given or derived from the number when its country has one zone.',
  })
  timezone!: string | null;

  @Field(() => ContactStatusEnum)
  status!: ContactStatus;

  @Field(() => String, {
    nullable: true,
    description: 'Why a SKIPPED contact was skipped, e.g. DO_NOT_CALL, INVALID_NUMBER, MISSING_VARIABLE, NO_TIMEZONE.',
  })
  skipReason!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Why a waiting contact (QUEUED or RETRY_SCHEDULED) is held until nextAttemptAt, e.g. FREQUENCY_CAP: its number reached the organization's cap on calls per day or week. Null otherwise.",
  })
  waitReason!: string | null;

  @Field(() => Int)
  attempts!: number;

  @Field(() => CallStatusEnum, { nullable: true })
  lastOutcome!: CallStatus | null;

  @Field(() => Date, { nullable: true })
  nextAttemptAt!: Date | null;
}

@ObjectType('ContactConnection')
export class ContactConnectionType {
  @Field(() => [ContactType])
  nodes!: ContactType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}

@ObjectType('ContactRejection')
export class ContactRejectionType {
  @Field(() => Int, { description: 'Position in the `contacts` list, from 0.' })
  index!: number;

  @Field({ description: 'As given.' })
  phoneNumber!: string;

  @Field()
  reason!: string;
}

@ObjectType('AddContactsResult')
export class AddContactsResultType {
  @Field(() => Int)
  accepted!: number;

  @Field(() => Int, { description: 'Numbers already in the campaign or repeated in the batch.' })
  duplicates!: number;

  @Field(() => [ContactRejectionType])
  rejected!: ContactRejectionType[];
}

@ObjectType('CsvRejection')
export class CsvRejectionType {
  @Field(() => Int, { description: 'Row of the file, from 1; the header is row 1, so the first contact is row 2.' })
  row!: number;

  @Field({ description: 'As written in the file (empty when missing).' })
  phoneNumber!: string;

  @Field()
  reason!: string;
}

@ObjectType('CsvImportReport')
export class CsvImportReportType {
  @Field(() => Int)
  accepted!: number;

  @Field(() => Int)
  duplicates!: number;

  @Field(() => [CsvRejectionType], { description: 'The first 1,000 rejected rows; rejectedCount has them all.' })
  rejected!: CsvRejectionType[];

  @Field(() => Int)
  rejectedCount!: number;

  @Field(() => Int, { description: 'Data rows read (the header is not counted).' })
  totalRows!: number;

  @Field({ description: 'True when the file had more rows than one import takes; the rest were not read.' })
  truncated!: boolean;
}
