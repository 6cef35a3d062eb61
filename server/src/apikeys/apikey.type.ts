import { Field, ID, InputType, ObjectType } from 'type-graphql';
import { RoleEnum } from '../users/user.type';
import type { Role } from '../users/user.model';

@ObjectType('ApiKey')
export class ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;

  @Field({ description: 'The first characters of the key, to recognise it.' })
  prefix!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;
}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;

  @Field({
    description: 'Shown once. Send as Authorization: Bearer <secret>, on HTTP and in WebSocket connectionParams.',
  })
  secret!: string;
}

@InputType('ApiKeyInput')
export class ApiKeyInput {
  @Field()
  name!: string;

  @Field(() => RoleEnum)
  role!: Role;
}
