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

/**
 * Per-request DataLoaders: every reference goes through one, so a list costs O(1) queries.
 * Each is made on first use: a WebSocket subscription holds its context (and so its loaders)
 * for as long as it lives, and most never resolve a reference (a progress stream reads none),
 * so thousands of dashboards would otherwise each keep eight unused loaders and their caches.
 */
export class Loaders {
  private organizationLoader?: DataLoader<string, OrganizationDoc | null>;
  private agentLoader?: DataLoader<string, AgentDoc | null>;
  private phoneLoader?: DataLoader<string, PhoneDoc | null>;
  private contactLoader?: DataLoader<string, ContactDoc | null>;
  private campaignLoader?: DataLoader<string, CampaignDoc | null>;
  private userLoader?: DataLoader<string, UserDoc | null>;
  private apiKeyLoader?: DataLoader<string, ApiKeyDoc | null>;

  get organization(): DataLoader<string, OrganizationDoc | null> {
    return (this.organizationLoader ??= byId((ids) => OrganizationModel.find({ _id: { $in: ids } }).exec()));
  }
  get agent(): DataLoader<string, AgentDoc | null> {
    return (this.agentLoader ??= byId((ids) => AgentModel.find({ _id: { $in: ids } }).exec()));
  }
  get phone(): DataLoader<string, PhoneDoc | null> {
    return (this.phoneLoader ??= byId((ids) => PhoneModel.find({ _id: { $in: ids } }).exec()));
  }
  get contact(): DataLoader<string, ContactDoc | null> {
    return (this.contactLoader ??= byId((ids) => ContactModel.find({ _id: { $in: ids } }).exec()));
  }
  get campaign(): DataLoader<string, CampaignDoc | null> {
    return (this.campaignLoader ??= byId((ids) => CampaignModel.find({ _id: { $in: ids } }).exec()));
  }
  /** Who added a do-not-call entry: no secret hashes or password hashes leave MongoDB. */
  get user(): DataLoader<string, UserDoc | null> {
    return (this.userLoader ??= byId((ids) =>
      UserModel.find({ _id: { $in: ids } })
        .select('-passwordHash')
        .exec(),
    ));
  }
  get apiKey(): DataLoader<string, ApiKeyDoc | null> {
    return (this.apiKeyLoader ??= byId((ids) =>
      ApiKeyModel.find({ _id: { $in: ids } })
        .select('-secretHash')
        .exec(),
    ));
  }
}

/** A request's loaders (see Loaders). */
export function createLoaders(): Loaders {
  return new Loaders();
}
