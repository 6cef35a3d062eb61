import { Arg, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import { connection } from '../campaigns/campaign.resolver';
import type { Connection } from '../campaigns/campaign.resolver';
import type { CampaignDoc } from '../campaigns/campaign.model';
import type { UserDoc } from '../users/user.model';
import { CampaignType } from '../campaigns/campaign.type';
import { UserType } from '../users/user.type';
import { DoNotCallEntryConnectionType, DoNotCallSourceType } from './dnc.type';
import { listDoNotCallEntries, sourceOf } from './dnc.service';
import type { DncEntryView, DncSourceView } from './dnc.service';

/** A referenced document, only when it belongs to the entry's organization. */
function sameOrganization<T extends { organizationId: unknown }>(doc: T | null, source: DncSourceView): T | null {
  return doc && String(doc.organizationId) === source.organizationId ? doc : null;
}

/** The organization's do-not-call list. Numbers on it are SKIPPED ("do-not-call") at dial time. */
@Resolver(() => DoNotCallSourceType)
export class DoNotCallResolver {
  @Query(() => [String], { description: "The organization's do-not-call numbers (E.164)." })
  doNotCallList(@Ctx() ctx: RequestContext): Promise<string[]> {
    return ctx.services.doNotCall.list(requireUser(ctx).organizationId);
  }

  @Query(() => DoNotCallEntryConnectionType, {
    description:
      "The organization's do-not-call entries in number order, with their source. `search`: the first digits of the number, in international form (+44 20…, 0044 20…) or national form in the organization's country (415 555…); a prefix, not any part.",
  })
  async doNotCallEntries(
    @Ctx() ctx: RequestContext,
    @Arg('search', () => String, { nullable: true }) search?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<DncEntryView>> {
    const { organizationId } = requireUser(ctx);
    return connection(
      await listDoNotCallEntries(organizationId, { search, first, after }, ctx.services.config.defaultCountry),
    );
  }

  @Mutation(() => Int, {
    description:
      'Adds numbers to the do-not-call list; returns how many were new. Their source: MANUAL by you, or API by your key.',
  })
  addDoNotCall(
    @Arg('phoneNumbers', () => [String]) phoneNumbers: string[],
    @Ctx() ctx: RequestContext,
  ): Promise<number> {
    const caller = requireUser(ctx, 'OPERATOR');
    return ctx.services.doNotCall.add(
      caller.organizationId,
      phoneNumbers,
      ctx.services.config.defaultCountry,
      sourceOf(caller, 'MANUAL'),
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

  @FieldResolver(() => UserType, { nullable: true })
  async user(@Root() source: DncSourceView, @Ctx() ctx: RequestContext): Promise<UserDoc | null> {
    if (!source.userId) return null;
    return sameOrganization(await ctx.loaders.user.load(source.userId), source);
  }

  @FieldResolver(() => String, { nullable: true })
  async apiKeyName(@Root() source: DncSourceView, @Ctx() ctx: RequestContext): Promise<string | null> {
    if (!source.apiKeyId) return null;
    return sameOrganization(await ctx.loaders.apiKey.load(source.apiKeyId), source)?.name ?? null;
  }

  @FieldResolver(() => CampaignType, { nullable: true })
  async campaign(@Root() source: DncSourceView, @Ctx() ctx: RequestContext): Promise<CampaignDoc | null> {
    if (!source.campaignId) return null;
    return sameOrganization(await ctx.loaders.campaign.load(source.campaignId), source);
  }
}
