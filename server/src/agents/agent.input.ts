import { Field, InputType } from 'type-graphql';
import { AgentKindEnum } from './agent.type';
import type { AgentKind } from './agent.kinds';

@InputType('AgentInput')
export class AgentInput {
  @Field({ description: '1 to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'At most 2,000 characters.' })
  description?: string | null;

  @Field(() => AgentKindEnum, { nullable: true })
  kind?: AgentKind | null;

  @Field(() => String, { nullable: true })
  externalId?: string | null;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  variables?: string[] | null;
}

@InputType('UpdateAgentInput')
export class UpdateAgentInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => AgentKindEnum, { nullable: true })
  kind?: AgentKind | null;

  @Field(() => String, { nullable: true })
  externalId?: string | null;

  @Field(() => String, { nullable: true })
  url?: string | null;

  @Field(() => [String], { nullable: true })
  variables?: string[] | null;
}
