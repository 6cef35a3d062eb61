import { Arg, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { CampaignType } from '../campaigns/campaign.type';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { callsPerMinute, MAX_ACTIVITY_MINUTES } from './call.activity';
import type { CallsPerMinute } from './call.activity';
import { CallsPerMinuteType } from './call.activity.type';

/**
 * Call activity fields of Campaign. A resolver of its own (type-graphql merges field
 * resolvers per type) so the calls feature owns its aggregation. The campaign is already
 * scoped to the caller's organization by whatever resolved it.
 */
@Resolver(() => CampaignType)
export class CallActivityResolver {
  @FieldResolver(() => CallsPerMinuteType)
  callsPerMinute(
    @Root() campaign: CampaignDoc,
    @Arg('minutes', () => Int, {
      defaultValue: 15,
      description: `How many minutes, ending with the current one: 1 to ${MAX_ACTIVITY_MINUTES}.`,
    })
    minutes: number,
  ): Promise<CallsPerMinute> {
    return callsPerMinute(campaign._id, minutes);
  }
}
