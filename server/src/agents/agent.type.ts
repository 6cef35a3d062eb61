import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Agent', { description: 'A voice agent: what speaks when a call is answered.' })
export class AgentType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field({ description: 'New campaigns use it when none is chosen.' })
  isDefault!: boolean;

  @Field()
  createdAt!: Date;
}
