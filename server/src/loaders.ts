import DataLoader from 'dataloader';
import { Types } from 'mongoose';
import { AgentModel } from './agents/agent.model';
import type { AgentDoc } from './agents/agent.model';
import { PhoneModel } from './phones/phone.model';
import type { PhoneDoc } from './phones/phone.model';
import { ContactModel } from './contacts/contact.model';
import type { ContactDoc } from './contacts/contact.model';
import { CampaignModel } from './campaigns/campaign.model';
import type { CampaignDoc } from './campaigns/campaign.model';
import { OrganizationModel } from './organizations/organization.model';
import type { OrganizationDoc } from './organizations/organization.model';
import { UserModel } from './users/user.model';
import type { UserDoc } from './users/user.model';
import { ApiKeyModel } from './apikeys/apikey.model';
import type { ApiKeyDoc } from './apikeys/apikey.model';

/**
 * Loads documents by id in one `$in` query per tick, in key order (null when missing).
 * References are loaded through parents already scoped to the caller's organization.
 */
function byId<T extends { _id: Types.ObjectId }>(
  find: (ids: Types.ObjectId[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader<string, T | null>(async (keys) => {
    const ids = keys.filter((k) => Types.ObjectId.isValid(k)).map((k) => new Types.ObjectId(k));
    const docs = await find(ids);
    const map = new Map(docs.map((d) => [String(d._id), d]));
    return keys.map((k) => map.get(k) ?? null);
  });
}

/** Per-request DataLoaders: every reference goes through one, so a list costs O(1) queries. */
export function createLoaders() {
  return {
    organization: byId<OrganizationDoc>((ids) => OrganizationModel.find({ _id: { $in: ids } }).exec()),
    agent: byId<AgentDoc>((ids) => AgentModel.find({ _id: { $in: ids } }).exec()),
    phone: byId<PhoneDoc>((ids) => PhoneModel.find({ _id: { $in: ids } }).exec()),
    contact: byId<ContactDoc>((ids) => ContactModel.find({ _id: { $in: ids } }).exec()),
    campaign: byId<CampaignDoc>((ids) => CampaignModel.find({ _id: { $in: ids } }).exec()),
    // Who added a do-not-call entry: no secret hashes or password hashes leave MongoDB.
    user: byId<UserDoc>((ids) =>
      UserModel.find({ _id: { $in: ids } })
        .select('-passwordHash')
        .exec(),
    ),
    apiKey: byId<ApiKeyDoc>((ids) =>
      ApiKeyModel.find({ _id: { $in: ids } })
        .select('-secretHash')
        .exec(),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
