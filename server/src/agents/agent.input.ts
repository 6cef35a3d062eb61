import { Field, InputType } from 'type-graphql';

@InputType('AgentInput')
export class AgentInput {
  @Field({ description: '1 to 200 characters.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'At most 2,000 characters.' })
  description?: string | null;
}

@InputType('UpdateAgentInput')
export class UpdateAgentInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
