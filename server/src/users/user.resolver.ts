import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { AuthPayloadType, UserType } from './user.type';
import { CreateUserInput, SignUpInput } from './user.input';
import type { UserDoc } from './user.model';
import { createUser, getUser, login, signUp } from './user.service';
import { authLimiterFor } from './login.limiter';
import type { AuthResult } from './user.service';
import { OrganizationType } from '../organizations/organization.type';
import type { OrganizationDoc } from '../organizations/organization.model';
import { requireUser } from '../context';
import type { RequestContext } from '../context';

@Resolver(() => UserType)
export class UserResolver {
  @Query(() => UserType)
  me(@Ctx() ctx: RequestContext): Promise<UserDoc> {
    const user = requireUser(ctx);
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

  @FieldResolver(() => OrganizationType)
  async organization(@Root() user: UserDoc, @Ctx() ctx: RequestContext): Promise<OrganizationDoc> {
    const org = await ctx.loaders.organization.load(String(user.organizationId));
    if (!org) throw new Error(`user ${String(user._id)} points at a missing organization`);
    return org;
  }
}
