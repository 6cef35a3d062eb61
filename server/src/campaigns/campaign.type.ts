import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { CAMPAIGN_STATUSES } from './campaign.model';
import { PRIORITY_MODES } from './campaign.settings';
import { AMBIGUOUS_TIMEZONE_MODES } from './campaign.settings';
import type { AmbiguousTimezoneMode } from './campaign.settings';
import type { CampaignStatus } from './campaign.model';
import type { PriorityMode } from './campaign.settings';
import { AgentType } from '../agents/agent.type';
import { PhoneType } from '../phones/phone.type';
import { ContactConnectionType } from '../contacts/contact.type';
import { CallConnectionType } from '../calls/call.type';
import { PageInfoType } from '../schema/page-info.type';
import { graphqlEnum } from '../schema/enum';
import { BACKOFFS, RETRY_OUTCOMES } from '../dispatch/retry-policy';
import type { Backoff, RetryOutcome } from '../dispatch/retry-policy';

export const CampaignStatusEnum = graphqlEnum('CampaignStatus', CAMPAIGN_STATUSES);
export const PriorityModeEnum = graphqlEnum(
  'PriorityMode',
  PRIORITY_MODES,
  'Which waiting contact is dialled next: FIFO (oldest first), LIFO (newest first), PRIORITY (highest priority, then oldest).',
);

@ObjectType('CallingWindow', { description: 'When calls may be placed, in local time.' })
export class CallingWindowType {
  @Field({ description: '"HH:mm" the window opens.' })
  start!: string;

  @Field({ description: '"HH:mm" the window closes (exclusive).' })
  end!: string;

  @Field(() => [Int], { description: 'ISO weekdays, 1 (Monday) to 7 (Sunday).' })
  days!: number[];

  @Field({ description: 'IANA zone used for contacts without a zone of their own.' })
  timezone!: string;
}

export const AmbiguousTimezoneEnum = graphqlEnum(
  'AmbiguousTimezone',
  AMBIGUOUS_TIMEZONE_MODES,
  "For a contact without a zone whose number's prefix spans several: CAMPAIGN_ZONE (the calling window's zone), MOST_RESTRICTIVE (the window must be open in every zone the prefix spans) or SKIP (the contact is not called: SKIPPED with skipReason NO_TIMEZONE when its turn comes, whether or not the campaign has a calling window).",
);

export const RetryOutcomeEnum = graphqlEnum(
  'RetryOutcome',
  RETRY_OUTCOMES,
  'How an unsuccessful call ended, as retry rules see it (a CANCELED call counts as FAILED).',
);
export const BackoffEnum = graphqlEnum('Backoff', BACKOFFS);

@ObjectType('RetryRule')
export class RetryRuleType {
  @Field(() => RetryOutcomeEnum)
  outcome!: RetryOutcome;

  @Field(() => Int, { description: 'Calls in all for a contact whose last call ended this way (1 = never retried).' })
  maxAttempts!: number;

  @Field(() => Float)
  delayMinutes!: number;

  @Field(() => BackoffEnum)
  backoff!: Backoff;
}

@ObjectType('CampaignSettings')
export class CampaignSettingsType {
  @Field(() => Int)
  concurrentCallsLimit!: number;

  @Field()
  retryFailedCalls!: boolean;

  @Field(() => Int)
  maxRetryAttempts!: number;

  @Field(() => Float)
  retryDelayMinutes!: number;

  @Field()
  excludeVoicemail!: boolean;

  @Field(() => PriorityModeEnum)
  priorityMode!: PriorityMode;

  @Field(() => Int, {
    nullable: true,
    description: 'Calls started per minute at most; null: as fast as lines free up.',
  })
  callsPerMinute!: number | null;

  @Field(() => CallingWindowType, { nullable: true })
  callingWindow!: CallingWindowType | null;

  @Field(() => [RetryRuleType], {
    description:
      'The rules in force, one per outcome class: explicit ones, else those the four retry fields above build.',
  })
  retryRules!: RetryRuleType[];

  @Field(() => AmbiguousTimezoneEnum, { description: 'Default MOST_RESTRICTIVE.' })
  ambiguousTimezones!: AmbiguousTimezoneMode;
}

@ObjectType('CampaignStats', {
  description:
    'Contact counts: queued + active + retryScheduled + completed + failed + voicemail + skipped = totalContacts.',
})
export class CampaignStatsType {
  @Field(() => Int)
  totalContacts!: number;

  @Field(() => Int)
  queuedCalls!: number;

  @Field(() => Int)
  activeCalls!: number;

  @Field(() => Int)
  retryScheduled!: number;

  @Field(() => Int)
  completedCalls!: number;

  @Field(() => Int)
  failedCalls!: number;

  @Field(() => Int)
  voicemailCalls!: number;

  @Field(() => Int)
  skippedContacts!: number;

  @Field(() => Int, { description: 'Calls placed (every attempt).' })
  totalAttempts!: number;

  @Field(() => Float, { description: 'Contacts with a final outcome / total × 100.' })
  progress!: number;

  @Field(() => Float, { description: 'Completed / final outcomes × 100.' })
  successRate!: number;
}

@ObjectType('QueueStats', { description: "The older queue design's view, derived from the same counters." })
export class QueueStatsType {
  @Field(() => Int)
  waiting!: number;

  @Field(() => Int)
  active!: number;

  @Field(() => Int)
  completed!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  delayed!: number;
}

@ObjectType('CampaignProgress')
export class CampaignProgressType {
  @Field(() => ID)
  campaignId!: string;

  @Field(() => CampaignStatusEnum)
  status!: CampaignStatus;

  @Field(() => CampaignStatsType)
  stats!: CampaignStatsType;

  @Field(() => QueueStatsType)
  queue!: QueueStatsType;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastCallAt!: Date | null;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, {
    nullable: true,
    description:
      'Subscriptions only: when pacing (at most 4 snapshots a second) held this snapshot back, the moment it let it go; null when it was sent as soon as it came. Its delay beyond pacing is receipt − max(updatedAt, heldUntil).',
  })
  heldUntil!: Date | null;
}

/** Reference fields, stats and connections are resolved by CampaignResolver. */
@ObjectType('Campaign')
export class CampaignType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => CampaignStatusEnum)
  status!: CampaignStatus;

  @Field(() => AgentType)
  agent!: AgentType;

  @Field(() => PhoneType)
  phone!: PhoneType;

  @Field(() => CampaignSettingsType)
  settings!: CampaignSettingsType;

  @Field(() => Date, { nullable: true, description: 'When a SCHEDULED campaign starts by itself.' })
  scheduledAt!: Date | null;

  @Field(() => CampaignStatsType)
  stats!: CampaignStatsType;

  @Field(() => ContactConnectionType)
  contacts!: ContactConnectionType;

  @Field(() => CallConnectionType)
  calls!: CallConnectionType;

  @Field()
  createdAt!: Date;

  @Field()
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  completedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastCallAt!: Date | null;
}

@ObjectType('CampaignConnection')
export class CampaignConnectionType {
  @Field(() => [CampaignType])
  nodes!: CampaignType[];

  @Field(() => PageInfoType)
  pageInfo!: PageInfoType;

  @Field(() => Int)
  totalCount!: number;
}
