import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { CallType } from './call.type';
import type { CallDoc } from './call.model';
import { ContactType } from '../contacts/contact.type';
import type { ContactDoc } from '../contacts/contact.model';
import { requireUser } from '../context';
import type { RequestContext } from '../context';
import { findCall } from './call.service';

/**
 * Fields of Call that are not stored as the schema shows them. Calls reach a client through
 * an already scoped parent (a campaign, or a lifecycle mutation), or through `call(id)`,
 * which scopes by organization itself.
 */
@Resolver(() => CallType)
export class CallResolver {
  @Query(() => CallType, { nullable: true, description: 'One call of your organization; null when there is none.' })
  call(@Arg('id', () => ID) id: string, @Ctx() ctx: RequestContext): Promise<CallDoc | null> {
    return findCall(requireUser(ctx).organizationId, id);
  }

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
