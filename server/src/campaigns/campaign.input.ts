import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { PriorityModeEnum } from './campaign.type';
import type { PriorityMode } from './campaign.model';

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
