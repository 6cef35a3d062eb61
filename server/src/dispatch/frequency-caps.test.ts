/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { Types } from 'mongoose';
import { CallModel } from '../calls/call.model';
import { ContactModel } from '../contacts/contact.model';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import type { DispatchService } from './dispatch.service';
import { DAY_MS, frequencyKey } from './frequency-caps';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';
import type { Fixture } from './test-fixtures';

/**
 * Frequency caps through the API and the real engine (Redis, BullMQ, the embedded MongoDB, the
 * simulator): the organization's setting, campaigns racing for the same numbers, a capped
 * contact that waits (not skipped, not failed, no attempt spent) and is dialled when the window
 * allows, and caps off by default.
 *
 * "When the window allows" is tested with production's 24-hour window: the number's record gets
 * a dial of 24 h − 4 s ago (what a call made yesterday leaves in Redis), so the wait is 4 s. No
 * test-only window size or clock exists in the code.
 */
const ENV = {
  MAX_CALL_DURATION_SECONDS: '2',
  DISPATCH_LOCK_MS: '1000',
  DISPATCH_STALLED_INTERVAL_MS: '500',
  DISPATCH_SWEEP_INTERVAL_MS: '300',
  // Generous: a loaded machine must not turn a slow place-call into a failed one.
  PLACE_CALL_TIMEOUT_MS: '2000',
};

const SETTINGS = `settings { maxCallsPerNumberPerDay maxCallsPerNumberPerWeek }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { organization { id ${SETTINGS} } } } }`;
const UPDATE = `mutation($input: OrganizationSettingsInput!) { updateOrganizationSettings(input: $input) { id ${SETTINGS} } }`;
const ORGANIZATION = `{ organization { id ${SETTINGS} } me { organization { ${SETTINGS} } } }`;
const CONTACTS = `query($id: ID!) { campaign(id: $id) { contacts(first: 50) { nodes { id phoneNumber status waitReason nextAttemptAt attempts } } } }`;
const CALL_NOW = `mutation($campaignId: ID!, $contactId: ID!) { callContact(campaignId: $campaignId, contactId: $contactId) { id } }`;

describe('frequency caps', () => {
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  const setCaps = (account: TestAccount, input: Record<string, number | null>) =>
    ok<any>(stack.graphql(UPDATE, { input }, account.token));
  /** Two campaigns of the account's organization over the same `n` numbers. */
  const twoCampaigns = async (account: TestAccount, n: number, limit: number): Promise<[Fixture, Fixture]> => {
    const organizationId = new Types.ObjectId(account.organizationId);
    const settings = { concurrentCallsLimit: limit };
    return [
      await createFixture({ contacts: n, settings, organizationId }),
      await createFixture({ contacts: n, settings, organizationId }),
    ];
  };
  /** The calls placed to the campaigns' numbers (the simulator's ledger: what was really dialled). */
  const ledgerOf = (fixtures: Fixture[]) => {
    const ids = new Set(fixtures.map((f) => f.campaignId));
    return dispatcher().simulator.ledger.filter((e) => ids.has(e.campaignId));
  };
  /** Calls placed per number. */
  const dialsPerNumber = (fixtures: Fixture[]) => {
    const counts = new Map<string, number>();
    for (const e of ledgerOf(fixtures)) counts.set(e.to, (counts.get(e.to) ?? 0) + 1);
    return counts;
  };
  const contactsOf = async (account: TestAccount, f: Fixture) =>
    (await ok<any>(stack.graphql(CONTACTS, { id: f.campaignId }, account.token))).campaign.contacts.nodes as any[];

  beforeAll(async () => {
    stack = await startTestStack(ENV);
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  describe('the organization setting', () => {
    it('is off unless sign-up sets it; sign-up takes the suggested values and checks them', async () => {
      const plain = await signUpAccount(stack, 'No caps');
      expect((await ok<any>(stack.graphql(ORGANIZATION, {}, plain.token))).organization.settings).toEqual({
        maxCallsPerNumberPerDay: null,
        maxCallsPerNumberPerWeek: null,
      });
      const input = (settings: unknown) => ({
        email: `caps-${new Types.ObjectId()}@example.com`,
        password: 'correct horse battery',
        organizationName: 'Capped',
        settings,
      });
      const signedUp = await ok<any>(
        stack.graphql(SIGN_UP, { input: input({ maxCallsPerNumberPerDay: 3, maxCallsPerNumberPerWeek: 7 }) }),
      );
      expect(signedUp.signUp.user.organization.settings).toEqual({
        maxCallsPerNumberPerDay: 3,
        maxCallsPerNumberPerWeek: 7,
      });
      const bad = await fails(stack.graphql(SIGN_UP, { input: input({ maxCallsPerNumberPerDay: 0 }) }));
      expect(bad).toMatchObject({
        code: 'BAD_USER_INPUT',
        field: 'settings.maxCallsPerNumberPerDay',
        message: 'settings.maxCallsPerNumberPerDay: must be an integer from 1 to 10080',
      });
    });

    it('is changed by an ADMIN only: absent fields stay, null turns a cap off; others see it', async () => {
      const admin = await signUpAccount(stack, 'Settings');
      const both = await setCaps(admin, { maxCallsPerNumberPerDay: 2, maxCallsPerNumberPerWeek: 5 });
      expect(both.updateOrganizationSettings.settings).toEqual({
        maxCallsPerNumberPerDay: 2,
        maxCallsPerNumberPerWeek: 5,
      });
      const one = await setCaps(admin, { maxCallsPerNumberPerWeek: null });
      expect(one.updateOrganizationSettings.settings).toEqual({
        maxCallsPerNumberPerDay: 2,
        maxCallsPerNumberPerWeek: null,
      });
      const bad = await fails(stack.graphql(UPDATE, { input: { maxCallsPerNumberPerWeek: 10_081 } }, admin.token));
      expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'maxCallsPerNumberPerWeek' });

      const viewer = await addUser(stack, admin, 'VIEWER');
      const operator = await addUser(stack, admin, 'OPERATOR');
      const seen = await ok<any>(stack.graphql(ORGANIZATION, {}, viewer));
      expect(seen.organization.settings).toEqual({ maxCallsPerNumberPerDay: 2, maxCallsPerNumberPerWeek: null });
      expect(seen.me.organization.settings).toEqual(seen.organization.settings);
      for (const token of [viewer, operator]) {
        const refused = await fails(stack.graphql(UPDATE, { input: { maxCallsPerNumberPerDay: 9 } }, token));
        expect(refused.code).toBe('FORBIDDEN');
      }
    });
  });

  describe('at dial', () => {
    it('two campaigns racing for the same numbers with a cap of 1 a day: exactly one call per number', async () => {
      const account = await signUpAccount(stack, 'Racing');
      await setCaps(account, { maxCallsPerNumberPerDay: 1 });
      const [a, b] = await twoCampaigns(account, 10, 5);
      // Started together, both in FIFO order: the two campaigns reach each number at the same moment.
      await Promise.all([
        dispatcher().startCampaign(a.orgId, a.campaignId),
        dispatcher().startCampaign(b.orgId, b.campaignId),
      ]);
      const settled = async () => {
        const contacts = await ContactModel.find({ campaignId: { $in: [a.campaignId, b.campaignId] } }).lean();
        return contacts.every((c) => c.status === 'COMPLETED' || c.waitReason === 'FREQUENCY_CAP');
      };
      await waitFor('every number called once, the other contact waiting', settled, 60_000);
      const dials = dialsPerNumber([a, b]);
      expect(dials.size).toBe(10);
      expect([...dials.values()].every((count) => count === 1)).toBe(true);

      // The other contact of each number waits, shown with why and until when: not skipped,
      // not failed, no attempt spent; the campaigns stay ACTIVE.
      const listed = [
        ...(await contactsOf(account, a)).map((c) => ({ ...c, campaignId: a.campaignId })),
        ...(await contactsOf(account, b)).map((c) => ({ ...c, campaignId: b.campaignId })),
      ];
      const waiting = listed.filter((c) => c.status !== 'COMPLETED');
      expect(waiting).toHaveLength(10);
      const redis = stack.app.services.redis;
      for (const c of waiting) {
        expect(c).toMatchObject({ status: 'QUEUED', waitReason: 'FREQUENCY_CAP', attempts: 0 });
        // Until a day after the number's one recorded dial (scored by the fence, Redis's clock).
        const key = frequencyKey(stack.prefix, account.organizationId, c.phoneNumber);
        const [, score] = await redis.zrange(key, 0, -1, 'WITHSCORES');
        expect(new Date(c.nextAttemptAt).getTime()).toBe(Number(score) + DAY_MS + 1);
      }
      for (const f of [a, b]) {
        const { stored, recount } = await countersAndRecount(f.campaignId);
        expect(stored).toEqual(recount);
        // Attempts are the calls placed: a refused dial gave its attempt back.
        expect(stored.totalAttempts).toBe(ledgerOf([f]).length);
        // A campaign with a waiting contact is not done.
        if (stored.queuedCalls > 0) expect(await campaignStatus(f.campaignId)).toBe('ACTIVE');
      }

      // "Call now" on a waiting contact is a call to the number too: refused, saying until when.
      const refused = await fails(
        stack.graphql(CALL_NOW, { campaignId: waiting[0].campaignId, contactId: waiting[0].id }, account.token),
      );
      expect(refused.code).toBe('RATE_LIMITED');
      expect(refused.message).toMatch(
        /^This number has had 1 call in the last 24 hours, the organization's frequency cap: it can be called again at /,
      );
      expect(dialsPerNumber([a, b]).get(waiting[0].phoneNumber)).toBe(1);
    }, 90_000);

    it('a contact over its cap waits, then is dialled once the window allows', async () => {
      const account = await signUpAccount(stack, 'Waiting');
      await setCaps(account, { maxCallsPerNumberPerDay: 1, maxCallsPerNumberPerWeek: 7 });
      const f = await createFixture({ contacts: 1, organizationId: new Types.ObjectId(account.organizationId) });
      const contact = await ContactModel.findById(f.contactIds[0]).lean();
      // Yesterday's call to this number, made 24 h − 4 s ago (Redis's clock, the fence's).
      const redis = stack.app.services.redis;
      const [s, us] = await redis.time();
      const now = Number(s) * 1000 + Math.floor(Number(us) / 1000);
      const key = frequencyKey(stack.prefix, account.organizationId, contact!.phoneNumber);
      await redis.zadd(key, now - DAY_MS + 4_000, 'yesterdays-call');

      await dispatcher().startCampaign(f.orgId, f.campaignId);
      await waitFor('the contact waits for the cap', async () => {
        const c = await ContactModel.findById(f.contactIds[0]).lean();
        return c?.waitReason === 'FREQUENCY_CAP';
      });
      const [held] = await contactsOf(account, f);
      expect(held).toMatchObject({ status: 'QUEUED', waitReason: 'FREQUENCY_CAP', attempts: 0 });
      const allowedAt = new Date(held.nextAttemptAt).getTime();
      expect(allowedAt).toBe(now - DAY_MS + 4_000 + DAY_MS + 1);
      expect(await CallModel.countDocuments({ campaignId: f.campaignId })).toBe(0);
      const { stored, recount } = await countersAndRecount(f.campaignId);
      expect(stored).toEqual(recount);
      expect(stored).toMatchObject({ queuedCalls: 1, totalAttempts: 0, failedCalls: 0, skippedContacts: 0 });

      await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 30_000);
      const calls = await CallModel.find({ campaignId: f.campaignId }).lean();
      expect(calls).toHaveLength(1);
      // Not before the window allowed it (the two clocks are the same machine's: 50 ms of slack).
      expect(new Date(calls[0]!.startedAt).getTime()).toBeGreaterThanOrEqual(allowedAt - 50);
      const [done] = await contactsOf(account, f);
      expect(done).toMatchObject({ status: 'COMPLETED', waitReason: null, attempts: 1 });
      expect(await redis.zcard(key)).toBe(2);
    }, 60_000);

    it('caps off by default change nothing: both campaigns call every number', async () => {
      const account = await signUpAccount(stack, 'Uncapped');
      const [a, b] = await twoCampaigns(account, 5, 5);
      await dispatcher().startCampaign(a.orgId, a.campaignId);
      await dispatcher().startCampaign(b.orgId, b.campaignId);
      for (const f of [a, b])
        await waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 30_000);
      const dials = dialsPerNumber([a, b]);
      expect(dials.size).toBe(5);
      expect([...dials.values()].every((count) => count === 2)).toBe(true);
      // No record is kept: the fence ran without its cap check.
      const records = await stack.app.services.redis.keys(`${stack.prefix}:freq:${account.organizationId}:*`);
      expect(records).toEqual([]);
      const waited = await ContactModel.countDocuments({
        campaignId: { $in: [a.campaignId, b.campaignId] },
        waitReason: { $ne: null },
      });
      expect(waited).toBe(0);
    }, 60_000);
  });
});
