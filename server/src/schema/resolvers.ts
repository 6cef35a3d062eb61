import type { NonEmptyArray } from 'type-graphql';
import { SystemResolver } from './system.resolver';
import { UserResolver } from '../users/user.resolver';
import { OrganizationResolver } from '../organizations/organization.resolver';
import { AgentResolver } from '../agents/agent.resolver';
import { PhoneResolver } from '../phones/phone.resolver';
import { CampaignResolver } from '../campaigns/campaign.resolver';
import { ContactResolver } from '../contacts/contact.resolver';
import { CallResolver } from '../calls/call.resolver';
import { CallActivityResolver } from '../calls/call.activity.resolver';
import { CallDispositionsResolver } from '../calls/call.dispositions.resolver';
import { DoNotCallResolver } from '../dnc/dnc.resolver';
import { LiveResolver } from '../live/live.resolver';
import { ApiKeyResolver } from '../apikeys/apikey.resolver';
import { WebhookResolver } from '../webhooks/webhook.resolver';
import { ImportJobResolver } from '../imports/import-job.resolver';

/**
 * Every resolver class of the API. Add a feature's resolver here (one line each).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- type-graphql's own type
export const resolvers: NonEmptyArray<Function> = [
  SystemResolver,
  UserResolver,
  OrganizationResolver,
  AgentResolver,
  PhoneResolver,
  CampaignResolver,
  ContactResolver,
  CallResolver,
  CallActivityResolver,
  CallDispositionsResolver,
  LiveResolver,
  DoNotCallResolver,
  ApiKeyResolver,
  WebhookResolver,
  ImportJobResolver,
];
