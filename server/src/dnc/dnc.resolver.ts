import { Arg, Ctx, Int, Mutation, Query, Resolver } from 'type-graphql';
import { requireUser } from '../context';
import type { RequestContext } from '../context';

/** The organization's do-not-call list. Numbers on it are SKIPPED ("do-not-call") at dial time. */
@Resolver()
export class DoNotCallResolver {
  @Query(() => [String], { description: "The organization's do-not-call numbers (E.164)." })
  doNotCallList(@Ctx() ctx: RequestContext): Promise<string[]> {
    return ctx.services.doNotCall.list(requireUser(ctx).organizationId);
  }

  @Mutation(() => Int, { description: 'Adds numbers to the do-not-call list; returns how many were new.' })
  addDoNotCall(
    @Arg('phoneNumbers', () => [String]) phoneNumbers: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return ctx.services.doNotCall.add(
      requireUser(ctx, 'OPERATOR').organizationId,
      phoneNumbers,
      ctx.services.config.defaultCountry,
    );
  }

  @Mutation(() => Int, { description: 'Removes numbers from the do-not-call list; returns how many were on it.' })
  removeDoNotCall(
    @Arg('phoneNumbers', () => [String]) phoneNumbers: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    return ctx.services.doNotCall.remove(
      requireUser(ctx, 'OPERATOR').organizationId,
      phoneNumbers,
      ctx.services.config.defaultCountry,
    );
  }
}
