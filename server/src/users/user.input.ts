import { Field, InputType } from 'type-graphql';
import { RoleEnum } from './user.type';
import type { Role } from './user.model';
import { OrganizationSettingsInput } from '../organizations/organization.input';

@InputType('SignUpInput')
export class SignUpInput {
  @Field()
  email!: string;

  @Field({ description: '8 to 200 characters.' })
  password!: string;

  @Field()
  organizationName!: string;

  @Field(() => OrganizationSettingsInput, {
    nullable: true,
    description: "The new organization's settings (frequency caps); left out, they are off.",
  })
  settings?: OrganizationSettingsInput | null;
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
