import { Field, ID, ObjectType } from 'type-graphql';
import { ROLES } from './user.model';
import type { Role } from './user.model';
import { OrganizationType } from '../organizations/organization.type';
import { graphqlEnum } from '../schema/enum';

export const RoleEnum = graphqlEnum(
  'Role',
  ROLES,
  'ADMIN manages users, agents and phones; OPERATOR runs campaigns; VIEWER reads.',
);

@ObjectType('User')
export class UserType {
  @Field(() => ID)
  id!: string;

  @Field()
  email!: string;

  @Field(() => RoleEnum)
  role!: Role;

  /** Resolved by UserResolver through the organization DataLoader. */
  @Field(() => OrganizationType)
  organization!: OrganizationType;
}

@ObjectType('AuthPayload')
export class AuthPayloadType {
  @Field({ description: 'Send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => UserType)
  user!: UserType;
}
