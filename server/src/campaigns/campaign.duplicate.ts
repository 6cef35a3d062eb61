import { Types } from 'mongoose';
import { CampaignModel } from './campaign.model';
import type { CampaignDoc } from './campaign.model';
import { getCampaign } from './campaign.service';
import { ContactModel } from '../contacts/contact.model';
import { insertContacts } from '../contacts/contact.service';
import type { NewContact } from '../contacts/contact.service';
import type { AppServices } from '../context';

/** Contacts copied per insert. */
const COPY_BATCH = 1000;

/**
 * A new DRAFT with the campaign's agent, phone and settings, named "<name> (copy)"; with its
 * contacts when asked, each QUEUED again with no attempts (their number, name, email, priority,
 * custom data and zones kept). Counters move with each batch inserted (the counter rule).
 */
export async function duplicateCampaign(
  services: Pick<AppServices, 'events'>,
  organizationId: string,
  id: string,
  withContacts: boolean,
): Promise<CampaignDoc> {
  const source = await getCampaign(organizationId, id);
  const name = `${source.name} (copy)`.slice(0, 200);
  const copy = await CampaignModel.create({
    organizationId: source.organizationId,
    name,
    description: source.description ?? null,
    agentId: source.agentId,
    phoneId: source.phoneId,
    status: 'DRAFT',
    settings: source.toObject().settings,
  });
  if (withContacts) {
    let batch: NewContact[] = [];
    const flush = async () => {
      if (batch.length > 0) await insertContacts(copy._id, batch);
      batch = [];
    };
    const cursor = ContactModel.find({ campaignId: source._id }).sort({ _id: 1 }).lean().cursor();
    for await (const c of cursor) {
      const now = new Date();
      batch.push({
        _id: new Types.ObjectId(),
        organizationId: copy.organizationId,
        campaignId: copy._id,
        phoneNumber: c.phoneNumber,
        name: c.name ?? null,
        email: c.email ?? null,
        priority: c.priority ?? 0,
        customData: (c.customData as NewContact['customData']) ?? null,
        timezone: c.timezone ?? null,
        prefixTimezones: c.prefixTimezones && c.prefixTimezones.length > 0 ? [...c.prefixTimezones] : null,
        status: 'QUEUED',
        attempts: 0,
        nextAttemptAt: null,
        lastOutcome: null,
        skipReason: null,
        currentCallId: null,
        createdAt: now,
        updatedAt: now,
      });
      if (batch.length >= COPY_BATCH) await flush();
    }
    await flush();
  }
  await services.events.campaignChanged(organizationId, String(copy._id));
  return (await CampaignModel.findById(copy._id)) ?? copy;
}
