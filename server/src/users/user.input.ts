import { Field, InputType } from 'type-graphql';
import { RoleEnum } from './user.type';
import type { Role } from './user.model';

@InputType('SignUpInput')
export class SignUpInput {
  @Field()
  email!: string;

  @Field({ description: '8 to 200 characters.' })
  password!: string;

  @Field()
  organizationName!: string;
}

@InputType('CreateUserInput')
export class CreateUserInput {
  @Field()
  email!: string;

  @Field({ description: '8 to 200 characters.' })
  password!: string;

  @Field(() => RoleEnum)
  role!: Role;
}
