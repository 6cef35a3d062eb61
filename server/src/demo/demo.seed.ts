import { randomBytes } from 'node:crypto';
import type { AppServices } from '../context';
import { logger } from '../logger';
import { createAccount } from '../users/user.service';
import { UserModel } from '../users/user.model';
import { createCampaign } from '../campaigns/campaign.service';
import { addContacts } from '../contacts/contact.service';
import type { ContactFields } from '../contacts/contact.service';
import { AgentModel } from '../agents/agent.model';

export const DEMO_EMAIL = 'admin@demo.dialwave.local';
const DEMO_CONTACTS = 200;

/**
 * Embedded mode's demo: organization "Demo Co", its admin, the default agent (a scripted
 * SIMULATED agent that uses each contact's name and plan) and a fast
 * simulated line (answered calls last 1–4 s), and a DRAFT "Demo campaign" of 200 contacts.
 * Built through the same services as sign-up and addContacts. The password is random per
 * process (the server listens on every interface by default) and shown in the start banner.
 * @returns the demo login, or null when the demo user already exists
 */
export async function seedDemoData(services: AppServices): Promise<{ email: string; password: string } | null> {
  if (await UserModel.exists({ email: DEMO_EMAIL })) {
    logger.info({ email: DEMO_EMAIL }, 'demo data already present');
    return null;
  }
  const password = `demo-${randomBytes(6).toString('base64url')}`;
  const { user } = await createAccount(
    services.config,
    { email: DEMO_EMAIL, password, organizationName: 'Demo Co' },
    { simulation: { minDurationMs: 1_000, maxDurationMs: 4_000 } },
  );
  const organizationId = String(user.organizationId);
  const agent = await AgentModel.findOne({ organizationId, isDefault: true }).exec();
  if (!agent) throw new Error('the demo account has no default agent');
  // A scripted SIMULATED agent whose lines use the contact's data, so the demo's answered
  // calls come back with a transcript, a summary, a disposition and a recording.
  await AgentModel.updateOne(
    { _id: agent._id },
    { $set: { name: 'Ava (simulated)', kind: 'SIMULATED', variables: ['name', 'plan'] } },
  );
  const campaign = await createCampaign(services, organizationId, {
    name: 'Demo campaign',
    description: 'Two hundred simulated contacts: start it and watch the numbers move.',
    agentId: String(agent._id),
  });
  // Fictional 555-01xx numbers in two area codes.
  const contacts: ContactFields[] = Array.from({ length: DEMO_CONTACTS }, (_, i) => ({
    phoneNumber: `+1${i < 100 ? '202' : '312'}5550${String(100 + (i % 100))}`,
    name: `Demo contact ${i + 1}`,
    priority: i % 5,
    customData: { segment: i % 2 === 0 ? 'A' : 'B', plan: ['Basic', 'Plus', 'Premium'][i % 3]! },
  }));
  const result = await addContacts(services, organizationId, String(campaign._id), contacts);
  logger.info({ organizationId, campaignId: String(campaign._id), contacts: result.accepted }, 'demo data seeded');
  return { email: DEMO_EMAIL, password };
}
