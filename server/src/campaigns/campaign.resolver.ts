import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import {
  CampaignConnectionType,
  CampaignProgressType,
  CampaignSettingsType,
  RetryOutcomeEnum,
  CampaignStatsType,
  CampaignStatusEnum,
  CampaignType,
} from './campaign.type';
import { CreateCampaignInput, UpdateCampaignInput } from './campaign.input';
import type { CampaignDoc, CampaignStatus } from './campaign.model';
import {
  createCampaign,
  deleteCampaign,
  findCampaign,
  getCampaign,
  listCampaigns,
  updateCampaign,
} from './campaign.service';
import { campaignProgress, campaignStats } from './campaign.stats';
import type { CampaignProgressView, CampaignStatsView } from './campaign.stats';
import { duplicateCampaign } from './campaign.duplicate';
import { settingsOf } from './campaign.settings';
import type { CampaignSettings } from './campaign.settings';
import { rulesInForce } from '../dispatch/retry-policy';
import type { RetryOutcome, RetryRule } from '../dispatch/retry-policy';
import { AgentType } from '../agents/agent.type';
import type { AgentDoc } from '../agents/agent.model';
import { PhoneType } from '../phones/phone.type';
import type { PhoneDoc } from '../phones/phone.model';
import { ContactConnectionType, ContactStatusEnum } from '../contacts/contact.type';
import type { ContactDoc, ContactStatus } from '../contacts/contact.model';
import { listContacts } from '../contacts/contact.service';
import { CallStatusEnum } from '../calls/call.enum';
import { CallConnectionType, CallType } from '../calls/call.type';
import type { CallDoc, CallStatus } from '../calls/call.model';
import { listCalls } from '../calls/call.list';
import type { Page } from '../pagination';
import { requireUser } from '../context';
import type { RequestContext } from '../context';

/** A service page in the shape of a GraphQL connection. */
export interface Connection<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export const connection = <T>(page: Page<T>): Connection<T> => ({
  nodes: page.nodes,
  pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
  totalCount: page.totalCount,
});

@Resolver(() => CampaignType)
export class CampaignResolver {
  @Query(() => CampaignConnectionType)
  async campaigns(
    @Ctx() ctx: RequestContext,
    @Arg('status', () => CampaignStatusEnum, { nullable: true }) status?: CampaignStatus | null,
    @Arg('search', () => String, { nullable: true, description: 'Part of the name, any case.' }) search?: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20, description: '1 to 100.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<CampaignDoc>> {
    return connection(await listCampaigns(requireUser(ctx).organizationId, { status, search, first, after }));
  }

  @Query(() => CampaignType, {
    nullable: true,
    description: 'Null when there is no such campaign in your organization.',
  })
  campaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignDoc | null> {
    return findCampaign(requireUser(ctx).organizationId, id);
  }

  @Query(() => CampaignProgressType, { description: 'Counters and queue view from the campaign document alone.' })
  async campaignProgress(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignProgressView> {
    return campaignProgress(await getCampaign(requireUser(ctx).organizationId, id));
  }

  @Mutation(() => CampaignType)
  createCampaign(
    @Arg('input', () => CreateCampaignInput) input: CreateCampaignInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CampaignDoc> {
    return createCampaign(ctx.services, requireUser(ctx, 'OPERATOR').organizationId, input);
  }

  @Mutation(() => CampaignType, { description: 'Also while ACTIVE: new settings apply to the next dial.' })
  updateCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateCampaignInput) input: UpdateCampaignInput,
    @Ctx() ctx: RequestContext,
  ): Promise<CampaignDoc> {
    return updateCampaign(ctx.services, requireUser(ctx, 'OPERATOR').organizationId, id, input);
  }

  @Mutation(() => Boolean, { description: 'Deletes the campaign with its contacts and calls. CONFLICT while ACTIVE.' })
  deleteCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return deleteCampaign(ctx.services, requireUser(ctx, 'OPERATOR').organizationId, id);
  }

  // Lifecycle: the dialing engine owns the transitions. The campaign is looked up here
  // first so another organization's id is NOT_FOUND whatever the engine does.

  @Mutation(() => CampaignType)
  async startCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.startCampaign(organizationId, id);
  }

  @Mutation(() => CampaignType)
  async pauseCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.pauseCampaign(organizationId, id);
  }

  @Mutation(() => CampaignType)
  async resumeCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.resumeCampaign(organizationId, id);
  }

  @Mutation(() => CampaignType)
  async cancelCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.cancelCampaign(organizationId, id);
  }

  @Mutation(() => CampaignType, {
    description: 'DRAFT → SCHEDULED; the campaign starts by itself at `at` (then the calling window applies).',
  })
  async scheduleCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('at', () => Date) at: Date,
    @Ctx() ctx: RequestContext,
  ): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.scheduleCampaign(organizationId, id, at);
  }

  @Mutation(() => CampaignType, {
    description: 'A new DRAFT with the same agent, phone and settings; its contacts too when asked.',
  })
  duplicateCampaign(
    @Arg('id', () => ID) id: string,
    @Arg('withContacts', () => Boolean, { nullable: true, defaultValue: false }) withContacts: boolean | null,
    @Ctx() ctx: RequestContext,
  ): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    return duplicateCampaign(ctx.services, organizationId, id, withContacts === true);
  }

  @Mutation(() => CampaignType, {
    description:
      'Queues final contacts again for a new round: every FAILED contact, or, given `outcomes`, the FAILED and VOICEMAIL contacts whose last call ended in one of those classes.',
  })
  async retryFailedContacts(
    @Arg('id', () => ID) id: string,
    @Ctx() ctx: RequestContext,
    @Arg('outcomes', () => [RetryOutcomeEnum], {
      nullable: true,
      description: 'Outcome classes of the last call to retry. Default: FAILED contacts only, as before.',
    })
    outcomes?: RetryOutcome[] | null,
  ): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.retryFailedContacts(organizationId, id, outcomes);
  }

  @Mutation(() => CallType, { description: 'Calls one contact now, outside the campaign queue.' })
  async callContact(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('contactId', () => ID) contactId: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CallDoc> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    await getCampaign(organizationId, campaignId);
    return ctx.services.dispatcher.callContact(organizationId, campaignId, contactId);
  }

  @Mutation(() => CampaignType, { description: 'Rebuilds the counters from the contacts (ADMIN).' })
  async recountCampaign(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CampaignDoc> {
    const { organizationId } = requireUser(ctx, 'ADMIN');
    await getCampaign(organizationId, id);
    return ctx.services.lifecycle.recountCampaign(organizationId, id);
  }

  @FieldResolver(() => AgentType)
  async agent(@Root() campaign: CampaignDoc, @Ctx() ctx: RequestContext): Promise<AgentDoc> {
    const agent = await ctx.loaders.agent.load(String(campaign.agentId));
    if (!agent) throw new Error(`campaign ${String(campaign._id)} points at a missing agent`);
    return agent;
  }

  @FieldResolver(() => PhoneType)
  async phone(@Root() campaign: CampaignDoc, @Ctx() ctx: RequestContext): Promise<PhoneDoc> {
    const phone = await ctx.loaders.phone.load(String(campaign.phoneId));
    if (!phone) throw new Error(`campaign ${String(campaign._id)} points at a missing phone`);
    return phone;
  }

  @FieldResolver(() => CampaignSettingsType, {
    description: 'With every default applied and the retry rules in force.',
  })
  settings(@Root() campaign: CampaignDoc): CampaignSettings & { retryRules: RetryRule[] } {
    const settings = settingsOf(campaign);
    return { ...settings, retryRules: rulesInForce(settings) };
  }

  @FieldResolver(() => CampaignStatsType)
  stats(@Root() campaign: CampaignDoc): CampaignStatsView {
    return campaignStats(campaign);
  }

  @FieldResolver(() => ContactConnectionType)
  async contacts(
    @Root() campaign: CampaignDoc,
    @Arg('status', () => ContactStatusEnum, { nullable: true }) status?: ContactStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<ContactDoc>> {
    return connection(await listContacts(campaign._id, { status, first, after }));
  }

  @FieldResolver(() => CallConnectionType)
  async calls(
    @Root() campaign: CampaignDoc,
    @Arg('status', () => CallStatusEnum, { nullable: true }) status?: CallStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50, description: '1 to 100.' }) first?: number | null,
    @Arg('after', () => String, { nullable: true }) after?: string | null,
  ): Promise<Connection<CallDoc>> {
    return connection(await listCalls(campaign._id, { status, first, after }));
  }
}
