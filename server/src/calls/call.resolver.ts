import { Ctx, FieldResolver, ID, Resolver, Root } from 'type-graphql';
import { CallType } from './call.type';
import type { CallDoc } from './call.model';
import { ContactType } from '../contacts/contact.type';
import type { ContactDoc } from '../contacts/contact.model';
import type { RequestContext } from '../context';

/**
 * Fields of Call that are not stored as the schema shows them. Calls reach a client only
 * through an already scoped parent (a campaign, or a lifecycle mutation).
 */
@Resolver(() => CallType)
export class CallResolver {
  @FieldResolver(() => ID)
  campaignId(@Root() call: CallDoc): string {
    return String(call.campaignId);
  }

  @FieldResolver(() => ContactType)
  async contact(@Root() call: CallDoc, @Ctx() ctx: RequestContext): Promise<ContactDoc> {
    const contact = await ctx.loaders.contact.load(String(call.contactId));
    // Contacts go only with their campaign (deleteCampaign removes both).
    if (!contact) throw new Error(`call ${String(call._id)} points at a missing contact`);
    return contact;
  }
}
