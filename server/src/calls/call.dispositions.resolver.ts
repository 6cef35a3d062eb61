import { Field, FieldResolver, Int, ObjectType, Resolver, Root } from 'type-graphql';
import { CampaignType } from '../campaigns/campaign.type';
import type { CampaignDoc } from '../campaigns/campaign.model';
import { dispositionCounts } from './call.dispositions';
import type { DispositionCount } from './call.dispositions';

@ObjectType('DispositionCount', { description: "Calls of a campaign that ended with one of the agent's dispositions." })
export class DispositionCountType {
  @Field()
  disposition!: string;

  @Field(() => Int)
  count!: number;
}

/** Campaign.dispositions: the calls feature owns the aggregation (see CallActivityResolver). */
@Resolver(() => CampaignType)
export class CallDispositionsResolver {
  @FieldResolver(() => [DispositionCountType], {
    description: "Calls per disposition (the agent's outcome label), most first; calls without one are left out.",
  })
  dispositions(@Root() campaign: CampaignDoc): Promise<DispositionCount[]> {
    return dispositionCounts(campaign._id);
  }
}
