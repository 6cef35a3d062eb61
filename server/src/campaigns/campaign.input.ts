import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { AmbiguousTimezoneEnum, BackoffEnum, PriorityModeEnum, RetryOutcomeEnum } from './campaign.type';
import type { AmbiguousTimezoneMode } from './campaign.settings';
import type { Backoff, RetryOutcome } from '../dispatch/retry-policy';
import type { PriorityMode } from './campaign.settings';

@InputType('CallingWindowInput')
export class CallingWindowInput {
  @Field({ description: '"HH:mm", 24-hour local time.' })
  start!: string;

  @Field({ description: '"HH:mm" (exclusive); before start means the window spans midnight.' })
  end!: string;

  @Field(() => [Int], {
    nullable: true,
    description: 'ISO weekdays 1 (Monday) to 7 (Sunday). Default Monday to Friday.',
  })
  days?: number[] | null;

  @Field({ description: 'IANA zone, e.g. Europe/London.' })
  timezone!: string;
}

@InputType('RetryRuleInput')
export class RetryRuleInput {
  @Field(() => RetryOutcomeEnum)
  outcome!: RetryOutcome;

  @Field(() => Int, { description: 'Calls in all, 1 (never retried) to 11.' })
  maxAttempts!: number;

  @Field(() => Float, { description: '0 to 10080 (a week); fractions allowed.' })
  delayMinutes!: number;

  @Field(() => BackoffEnum, {
    nullable: true,
    defaultValue: 'FIXED',
    description: 'EXPONENTIAL: delayMinutes × 2^(n−1) before the n-th retry, at most 24 h.',
  })
  backoff?: Backoff | null;
}

@InputType('CampaignSettingsInput', { description: 'Omitted fields keep their value (or take the default on create).' })
export class CampaignSettingsInput {
  @Field(() => Int, { nullable: true, description: '1 to 50. Default 3.' })
  concurrentCallsLimit?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Default true.' })
  retryFailedCalls?: boolean | null;

  @Field(() => Int, { nullable: true, description: '0 to 10. Default 3.' })
  maxRetryAttempts?: number | null;

  @Field(() => Float, { nullable: true, description: '0 to 10080 (a week); fractions allowed. Default 30.' })
  retryDelayMinutes?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Do not retry calls that reached voicemail. Default false.' })
  excludeVoicemail?: boolean | null;

  @Field(() => PriorityModeEnum, { nullable: true, description: 'Default FIFO.' })
  priorityMode?: PriorityMode | null;

  @Field(() => Int, { nullable: true, description: '1 to 600, or null for no pacing.' })
  callsPerMinute?: number | null;

  @Field(() => CallingWindowInput, { nullable: true, description: 'Null: call at any time.' })
  callingWindow?: CallingWindowInput | null;

  @Field(() => [RetryRuleInput], {
    nullable: true,
    description:
      'At most one rule per outcome class; a class left out follows the four retry fields. An empty list: those fields build every rule. Changing one of those fields without retryRules drops the explicit rules.',
  })
  retryRules?: RetryRuleInput[] | null;

  @Field(() => AmbiguousTimezoneEnum, { nullable: true, description: 'Default MOST_RESTRICTIVE.' })
  ambiguousTimezones?: AmbiguousTimezoneMode | null;
}

@InputType('CreateCampaignInput')
export class CreateCampaignInput {
  @Field({ description: '1 to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID)
  agentId!: string;

  @Field(() => ID, { nullable: true, description: "Defaults to the organization's default phone." })
  phoneId?: string | null;

  @Field(() => CampaignSettingsInput, { nullable: true })
  settings?: CampaignSettingsInput | null;
}

@InputType('UpdateCampaignInput')
export class UpdateCampaignInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => CampaignSettingsInput, { nullable: true })
  settings?: CampaignSettingsInput | null;

  @Field(() => ID, { nullable: true, description: 'Only while the campaign is not ACTIVE.' })
  agentId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only while the campaign is not ACTIVE.' })
  phoneId?: string | null;
}
