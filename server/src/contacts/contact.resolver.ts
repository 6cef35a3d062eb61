import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from 'type-graphql';
import type { ContactDoc } from './contact.model';
import { settingsOf } from '../campaigns/campaign.settings';
import { zoneInForce } from '../dispatch/calling-window';
import { AddContactsResultType, ContactType, CsvImportReportType } from './contact.type';
import { ContactInput } from './contact.input';
import { addContacts } from './contact.service';
import type { AddContactsResult } from './contact.service';
import { importContactsCsv } from './contact.import';
import type { CsvImportReport } from './contact.import';
import { badInput } from '../errors';
import { requireUser } from '../context';
import type { RequestContext } from '../context';

/** Largest file the mutation takes; bigger ones stream to POST /api/campaigns/:id/contacts.csv. */
export const MAX_INLINE_CSV_BYTES = 5 * 1024 * 1024;

@Resolver(() => ContactType)
export class ContactResolver {
  @FieldResolver(() => String, {
    nullable: true,
    description:
      'IANA zone the calling window is applied in: the contact\'s own, else derived from the number (Google libphonenumber data), else the campaign\'s. A number whose prefix spans several zones, under MOST_RESTRICTIVE: those zones, joined by ", ".',
  })
  async timezone(@Root() contact: ContactDoc, @Ctx() ctx: RequestContext): Promise<string | null> {
    if (contact.timezone) return contact.timezone;
    const campaign = await ctx.loaders.campaign.load(String(contact.campaignId));
    const settings = settingsOf(campaign ?? {});
    return zoneInForce(settings.callingWindow, contact, settings.ambiguousTimezones);
  }

  /** Only while the contact waits: the reason stays on a contact cancelled or skipped meanwhile, and means nothing there. */
  @FieldResolver(() => String, { nullable: true })
  waitReason(@Root() contact: ContactDoc): string | null {
    const waiting = contact.status === 'QUEUED' || contact.status === 'RETRY_SCHEDULED';
    return waiting ? (contact.waitReason ?? null) : null;
  }

  @Mutation(() => AddContactsResultType, { description: 'Up to 10,000 contacts; also to a running campaign.' })
  addContacts(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('contacts', () => [ContactInput]) contacts: ContactInput[],
    @Ctx() ctx: RequestContext,
  ): Promise<AddContactsResult> {
    return addContacts(ctx.services, requireUser(ctx, 'OPERATOR').organizationId, campaignId, contacts);
  }

  @Mutation(() => CsvImportReportType, {
    description:
      'Imports a CSV file of up to 5 MB given inline (header row first). Bigger files: POST /api/campaigns/:id/contacts.csv.',
  })
  importContactsCsv(
    @Arg('campaignId', () => ID) campaignId: string,
    @Arg('csv') csv: string,
    @Ctx() ctx: RequestContext,
  ): Promise<CsvImportReport> {
    const { organizationId } = requireUser(ctx, 'OPERATOR');
    if (Buffer.byteLength(csv, 'utf8') > MAX_INLINE_CSV_BYTES) {
      throw badInput('csv', 'at most 5 MB here: upload bigger files to POST /api/campaigns/:id/contacts.csv');
    }
    return importContactsCsv(ctx.services, organizationId, campaignId, [csv]);
  }
}
