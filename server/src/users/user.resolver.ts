import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuthPayloadType, RoleEnum, UserType } from './user.type';
import { CreateUserInput, SignUpInput } from './user.input';
import type { Role, UserDoc } from './user.model';
import { createUser, getUser, listUsers, login, removeUser, signUp, updateUserRole } from './user.service';
import { announceRevocation, principalKey } from './auth.principal';
import { authLimiterFor } from './login.limiter';
import type { AuthResult } from './user.service';
import { OrganizationType } from '../organizations/organization.type';
import type { OrganizationDoc } from '../organizations/organization.model';
import { requireUser } from '../context';
import { forbidden } from '../errors';
import type { RequestContext } from '../context';

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType)
  me(@Ctx() ctx: RequestContext): Promise<UserDoc> {
    const user = requireUser(ctx);
    // An API key acts for the organization, not as a person: say so rather than "no such account".
    if (user.apiKeyId) throw forbidden('`me` needs a login token: an API key is not a user');
    return getUser(user.organizationId, user.userId);
  }

  @Mutation(() => AuthPayloadType)
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: RequestContext): Promise<AuthResult> {
    await authLimiterFor(ctx.services.redis, ctx.services.config).signUp(ctx.clientIp);
    return signUp(ctx.services.config, input);
  }

  @Mutation(() => AuthPayloadType)
  login(
    @Arg('email') email: string,
    @Arg('password') password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<AuthResult> {
    return authLimiterFor(ctx.services.redis, ctx.services.config).login(ctx.clientIp, email, () =>
      login(ctx.services.config, email, password),
    );
  }

  @Mutation(() => UserType, { description: 'Adds a user to your organization (ADMIN).' })
  createUser(
    @Arg('input', () => CreateUserInput) input: CreateUserInput,
    @Ctx() ctx: RequestContext,
  ): Promise<UserDoc> {
    return createUser(requireUser(ctx, 'ADMIN').organizationId, input);
  }

  @Query(() => [UserType], { description: "Your organization's users (ADMIN)." })
  users(@Ctx() ctx: RequestContext): Promise<UserDoc[]> {
    return listUsers(requireUser(ctx, 'ADMIN').organizationId);
  }

  @Mutation(() => UserType, { description: 'Changes a role (ADMIN); the last ADMIN cannot be demoted (CONFLICT).' })
  updateUserRole(
    @Arg('id', () => ID) id: string,
    @Arg('role', () => RoleEnum) role: Role,
    @Ctx() ctx: RequestContext,
  ): Promise<UserDoc> {
    return updateUserRole(requireUser(ctx, 'ADMIN').organizationId, id, role);
  }

  @Mutation(() => Boolean, {
    description: 'Removes a user (ADMIN): their tokens stop working and their open sockets close (4403).',
  })
  async removeUser(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    const user = await removeUser(requireUser(ctx, 'ADMIN').organizationId, id);
    const { redis, config } = ctx.services;
    await announceRevocation(redis, config.redisPrefix, principalKey({ userId: String(user._id) }));
    return true;
  }

  @FieldResolver(() => OrganizationType)
  async organization(@Root() user: UserDoc, @Ctx() ctx: RequestContext): Promise<OrganizationDoc> {
    const org = await ctx.loaders.organization.load(String(user.organizationId));
    if (!org) throw new Error(`user ${String(user._id)} points at a missing organization`);
    return org;
  }
}
