import { Arg, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { SubscribeResolverData } from 'type-graphql';
import { CampaignProgressType, CampaignType } from '../campaigns/campaign.type';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { getCampaign } from '../campaigns/campaign.service';
import type { CampaignProgressView } from '../campaigns/campaign.stats';
import { CallType } from '../calls/call.type';
import type { CallEventPayload } from '../events';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import type { LiveHub } from './live.hub';

type Data = SubscribeResolverData<unknown, { campaignId?: string }, RequestContext>;

function hubOf(ctx: RequestContext): LiveHub {
  if (!ctx.services.live) throw new Error('subscriptions are served by API processes only');
  return ctx.services.live;
}

/**
 * Authorizes before anything is streamed: the caller must be signed in and the campaign must
 * belong to their organization (another organization's campaign is NOT_FOUND, like HTTP).
 * Runs once per subscription, so a token's role and organization are checked each time.
 */
async function campaignOf(data: Data): Promise<string> {
  const user = requireUser(data.context);
  const campaign = await getCampaign(user.organizationId, String(data.args.campaignId ?? ''));
  return String(campaign._id);
}

/**
 * GraphQL subscriptions. Payloads are computed once per event by the LiveHub and shared by
 * every subscriber; these resolvers only pass them through (graphql-ws runs them once per
 * subscriber per event, so they must stay this cheap).
 */
@Resolver()
export class LiveResolver {
  @Subscription(() => CampaignProgressType, {
    description:
      "A campaign's progress: the current snapshot at once, then on every change (at most 4 a second; the latest is always sent).",
    subscribe: async (data: Data) => hubOf(data.context).watchProgress(await campaignOf(data)),
  })
  campaignProgress(
    @Root() snapshot: CampaignProgressView,
    @Arg('campaignId', () => ID) _campaignId: string,
  ): CampaignProgressView {
    return snapshot;
  }

  @Subscription(() => CallType, {
    description: "Every transition of a campaign's calls, in order, uncoalesced.",
    subscribe: async (data: Data) => hubOf(data.context).watchCalls(await campaignOf(data)),
  })
  callUpdated(@Root() call: CallEventPayload, @Arg('campaignId', () => ID) _campaignId: string): CallEventPayload {
    return call;
  }

  @Subscription(() => CampaignType, {
    description: 'Status and stats changes of every campaign of your organization (coalesced per campaign).',
    subscribe: (data: Data) => hubOf(data.context).watchCampaigns(requireUser(data.context).organizationId),
  })
  campaignUpdated(@Root() campaign: CampaignDoc): CampaignDoc {
    return campaign;
  }
}
