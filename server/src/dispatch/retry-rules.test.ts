/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { Types } from 'mongoose';
import { CallModel } from '../calls/call.model';
import { ContactModel } from '../contacts/contact.model';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import type { DispatchService } from './dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';
import type { Fixture } from './test-fixtures';

/**
 * Retry rules per outcome class, through the real engine (Redis, BullMQ, the embedded MongoDB,
 * the simulator with fixed draws: each campaign's phone answers every call the same way) and
 * through the API (the rules in force, the shorthand, validation).
 */
const ENV = {
  MAX_CALL_DURATION_SECONDS: '2',
  DISPATCH_LOCK_MS: '1000',
  DISPATCH_STALLED_INTERVAL_MS: '500',
  DISPATCH_SWEEP_INTERVAL_MS: '300',
  PLACE_CALL_TIMEOUT_MS: '500',
};

const RULES = `settings { retryFailedCalls maxRetryAttempts retryDelayMinutes excludeVoicemail retryRules { outcome maxAttempts delayMinutes backoff } }`;
const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id ${RULES} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id, input: $input) { id ${RULES} } }`;

describe('retry rules per outcome', () => {
  let stack: TestStack;
  let acme: TestAccount;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  const completed = (f: Fixture) =>
    waitFor('campaign completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED', 60_000);
  const contactsOf = (f: Fixture) => ContactModel.find({ campaignId: f.campaignId }).sort({ _id: 1 }).lean();
  /** Start times of each call of one contact, in order. */
  const callStarts = async (contactId: Types.ObjectId) =>
    (await CallModel.find({ contactId }).sort({ attempt: 1 }).lean()).map((c) => new Date(c.startedAt).getTime());

  beforeAll(async () => {
    stack = await startTestStack(ENV);
    acme = await signUpAccount(stack, 'Acme');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  describe('through the API', () => {
    it('shows the rules the shorthand builds, and old clients keep working', async () => {
      const data = await ok<any>(
        stack.graphql(
          CREATE,
          {
            input: {
              name: 'old client',
              agentId: acme.agentId,
              settings: { maxRetryAttempts: 2, excludeVoicemail: true },
            },
          },
          acme.token,
        ),
      );
      expect(data.createCampaign.settings.retryRules).toEqual([
        { outcome: 'BUSY', maxAttempts: 3, delayMinutes: 30, backoff: 'FIXED' },
        { outcome: 'NO_ANSWER', maxAttempts: 3, delayMinutes: 30, backoff: 'FIXED' },
        { outcome: 'FAILED', maxAttempts: 3, delayMinutes: 30, backoff: 'FIXED' },
        { outcome: 'VOICEMAIL', maxAttempts: 1, delayMinutes: 30, backoff: 'FIXED' },
      ]);
      const off = await ok<any>(
        stack.graphql(
          UPDATE,
          { id: data.createCampaign.id, input: { settings: { retryFailedCalls: false } } },
          acme.token,
        ),
      );
      expect(off.updateCampaign.settings.retryRules.map((r: any) => r.maxAttempts)).toEqual([1, 1, 1, 1]);
    });

    it('overlays explicit rules on the shorthand; editing the shorthand alone drops them', async () => {
      const created = await ok<any>(
        stack.graphql(
          CREATE,
          {
            input: {
              name: 'rules',
              agentId: acme.agentId,
              settings: {
                maxRetryAttempts: 1,
                retryDelayMinutes: 5,
                retryRules: [
                  { outcome: 'BUSY', maxAttempts: 4, delayMinutes: 2, backoff: 'EXPONENTIAL' },
                  // backoff omitted: FIXED (the input's default)
                  { outcome: 'VOICEMAIL', maxAttempts: 1, delayMinutes: 0 },
                ],
              },
            },
          },
          acme.token,
        ),
      );
      const id = created.createCampaign.id;
      expect(created.createCampaign.settings.retryRules).toEqual([
        { outcome: 'BUSY', maxAttempts: 4, delayMinutes: 2, backoff: 'EXPONENTIAL' },
        { outcome: 'NO_ANSWER', maxAttempts: 2, delayMinutes: 5, backoff: 'FIXED' },
        { outcome: 'FAILED', maxAttempts: 2, delayMinutes: 5, backoff: 'FIXED' },
        { outcome: 'VOICEMAIL', maxAttempts: 1, delayMinutes: 0, backoff: 'FIXED' },
      ]);
      // Another setting leaves the rules alone.
      const other = await ok<any>(
        stack.graphql(UPDATE, { id, input: { settings: { concurrentCallsLimit: 4 } } }, acme.token),
      );
      expect(other.updateCampaign.settings.retryRules[0]).toMatchObject({ outcome: 'BUSY', maxAttempts: 4 });
      // An older client's shorthand edit: what it sees in the four fields is what applies.
      const old = await ok<any>(
        stack.graphql(UPDATE, { id, input: { settings: { maxRetryAttempts: 3 } } }, acme.token),
      );
      expect(old.updateCampaign.settings.retryRules.map((r: any) => [r.outcome, r.maxAttempts, r.backoff])).toEqual([
        ['BUSY', 4, 'FIXED'],
        ['NO_ANSWER', 4, 'FIXED'],
        ['FAILED', 4, 'FIXED'],
        ['VOICEMAIL', 4, 'FIXED'],
      ]);
    });

    it.each([
      [[{ outcome: 'BUSY', maxAttempts: 0, delayMinutes: 1 }], 'settings.retryRules[0].maxAttempts'],
      [[{ outcome: 'BUSY', maxAttempts: 12, delayMinutes: 1 }], 'settings.retryRules[0].maxAttempts'],
      [[{ outcome: 'BUSY', maxAttempts: 2, delayMinutes: -1 }], 'settings.retryRules[0].delayMinutes'],
      [
        [
          { outcome: 'BUSY', maxAttempts: 2, delayMinutes: 1 },
          { outcome: 'BUSY', maxAttempts: 3, delayMinutes: 1 },
        ],
        'settings.retryRules[1].outcome',
      ],
    ])('refuses bad rules, naming the field (%j)', async (retryRules, field) => {
      const error = await fails(
        stack.graphql(CREATE, { input: { name: 'bad', agentId: acme.agentId, settings: { retryRules } } }, acme.token),
      );
      expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    });
  });

  describe('through the engine', () => {
    it('retries each outcome class by its own rule', async () => {
      // The shorthand alone would allow 1 + 5 calls for every class.
      const shorthand = { retryFailedCalls: true, maxRetryAttempts: 5, retryDelayMinutes: 0.002 };
      const busy = await createFixture({
        contacts: 2,
        simulation: { busyRate: 1 },
        settings: {
          ...shorthand,
          retryRules: [{ outcome: 'BUSY', maxAttempts: 2, delayMinutes: 0.002, backoff: 'FIXED' }],
        },
      });
      const failed = await createFixture({
        contacts: 2,
        simulation: { failRate: 1 },
        settings: {
          ...shorthand,
          retryRules: [{ outcome: 'FAILED', maxAttempts: 1, delayMinutes: 0, backoff: 'FIXED' }],
        },
      });
      const vm = await createFixture({
        contacts: 2,
        simulation: { voicemailRate: 1 },
        settings: {
          ...shorthand,
          retryRules: [{ outcome: 'VOICEMAIL', maxAttempts: 3, delayMinutes: 0.002, backoff: 'FIXED' }],
        },
      });
      // No rule for NO_ANSWER: the shorthand's 1 + 5 calls.
      const noAnswer = await createFixture({
        contacts: 1,
        simulation: { noAnswerRate: 1 },
        settings: {
          ...shorthand,
          retryRules: [{ outcome: 'BUSY', maxAttempts: 1, delayMinutes: 0, backoff: 'FIXED' }],
        },
      });
      const all = [busy, failed, vm, noAnswer];
      for (const f of all) await dispatcher().startCampaign(f.orgId, f.campaignId);
      for (const f of all) await completed(f);
      expect((await contactsOf(busy)).map((c) => [c.status, c.attempts, c.lastOutcome])).toEqual(
        Array(2).fill(['FAILED', 2, 'BUSY']),
      );
      expect((await contactsOf(failed)).map((c) => [c.status, c.attempts])).toEqual(Array(2).fill(['FAILED', 1]));
      expect((await contactsOf(vm)).map((c) => [c.status, c.attempts])).toEqual(Array(2).fill(['VOICEMAIL', 3]));
      expect((await contactsOf(noAnswer)).map((c) => [c.status, c.attempts])).toEqual([['FAILED', 6]]);
      for (const f of all) {
        const { stored, recount } = await countersAndRecount(f.campaignId);
        expect(stored).toEqual(recount);
      }
    }, 90_000);

    it('waits delay × 2^(n−1) before the n-th retry with EXPONENTIAL backoff', async () => {
      // 1.2 s, 2.4 s, 4.8 s. A fixed delay would wait 1.2 s each time: the third gap tells them apart.
      const f = await createFixture({
        contacts: 1,
        simulation: { busyRate: 1, minDurationMs: 50, maxDurationMs: 50 },
        settings: { retryRules: [{ outcome: 'BUSY', maxAttempts: 4, delayMinutes: 0.02, backoff: 'EXPONENTIAL' }] },
      });
      await dispatcher().startCampaign(f.orgId, f.campaignId);
      await completed(f);
      const starts = await callStarts(f.contactIds[0]!);
      expect(starts).toHaveLength(4);
      const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
      expect(gaps[0]).toBeGreaterThanOrEqual(1_200);
      expect(gaps[1]).toBeGreaterThanOrEqual(2_400);
      expect(gaps[2]).toBeGreaterThanOrEqual(4_800);
    }, 60_000);

    it('applies a rule edited while the campaign runs at the next decision', async () => {
      const f = await createFixture({
        contacts: 1,
        organizationId: new Types.ObjectId(acme.organizationId),
        simulation: { busyRate: 1, minDurationMs: 50, maxDurationMs: 50 },
        settings: { retryRules: [{ outcome: 'BUSY', maxAttempts: 4, delayMinutes: 0.03, backoff: 'FIXED' }] },
      });
      await dispatcher().startCampaign(f.orgId, f.campaignId);
      const contactId = f.contactIds[0]!;
      await waitFor('first retry scheduled', async () => {
        const c = await ContactModel.findById(contactId).lean();
        return c?.status === 'RETRY_SCHEDULED' && c.attempts === 1;
      });
      await ok(
        stack.graphql(
          UPDATE,
          {
            id: f.campaignId,
            input: { settings: { retryRules: [{ outcome: 'BUSY', maxAttempts: 2, delayMinutes: 0.03 }] } },
          },
          acme.token,
        ),
      );
      await completed(f);
      const contact = await ContactModel.findById(contactId).lean();
      expect([contact?.status, contact?.attempts]).toEqual(['FAILED', 2]);
    }, 60_000);

    it('never retries a number the simulator reports invalid, however generous the rules', async () => {
      const generous = {
        retryFailedCalls: true,
        maxRetryAttempts: 10,
        retryDelayMinutes: 0,
        retryRules: [{ outcome: 'FAILED', maxAttempts: 5, delayMinutes: 0, backoff: 'FIXED' }],
      };
      const invalid = await createFixture({
        contacts: 3,
        organizationId: new Types.ObjectId(acme.organizationId),
        simulation: { invalidRate: 1 },
        settings: generous,
      });
      // The same rules with an ordinary failure: the contact is called five times.
      const failing = await createFixture({ contacts: 1, simulation: { failRate: 1 }, settings: generous });
      for (const f of [invalid, failing]) await dispatcher().startCampaign(f.orgId, f.campaignId);
      for (const f of [invalid, failing]) await completed(f);
      expect((await contactsOf(invalid)).map((c) => [c.status, c.skipReason, c.attempts, c.lastOutcome])).toEqual(
        Array(3).fill(['SKIPPED', 'INVALID_NUMBER', 1, 'FAILED']),
      );
      // One call each at the provider; the call keeps its status and says why.
      expect([...dispatcher().simulator.dialCounts(invalid.campaignId).values()]).toEqual([1, 1, 1]);
      const calls = await CallModel.find({ campaignId: invalid.campaignId }).lean();
      expect(calls.map((c) => [c.status, c.invalidNumber])).toEqual(Array(3).fill(['FAILED', true]));
      expect((await contactsOf(failing)).map((c) => [c.status, c.attempts])).toEqual([['FAILED', 5]]);
      // retryFailedContacts does not bring them back either: they are not FAILED.
      const RETRY = `mutation($id: ID!, $outcomes: [RetryOutcome!]) { retryFailedContacts(id: $id, outcomes: $outcomes) { id status } }`;
      const retried = await ok<any>(stack.graphql(RETRY, { id: invalid.campaignId, outcomes: ['FAILED'] }, acme.token));
      expect(retried.retryFailedContacts.status).toBe('COMPLETED');
      expect((await contactsOf(invalid)).every((c) => c.status === 'SKIPPED')).toBe(true);
      for (const f of [invalid, failing]) {
        const { stored, recount } = await countersAndRecount(f.campaignId);
        expect(stored).toEqual(recount);
      }
      expect((await countersAndRecount(invalid.campaignId)).stored.skippedContacts).toBe(3);
    }, 60_000);

    it('retryFailedContacts takes the outcome classes to retry; FAILED contacts only by default', async () => {
      const busy = await createFixture({
        contacts: 2,
        organizationId: new Types.ObjectId(acme.organizationId),
        simulation: { busyRate: 1 },
      });
      const vm = await createFixture({
        contacts: 2,
        organizationId: new Types.ObjectId(acme.organizationId),
        simulation: { voicemailRate: 1 },
      });
      for (const f of [busy, vm]) await dispatcher().startCampaign(f.orgId, f.campaignId);
      for (const f of [busy, vm]) await completed(f);
      const RETRY = `mutation($id: ID!, $outcomes: [RetryOutcome!]) { retryFailedContacts(id: $id, outcomes: $outcomes) { id status } }`;
      // Last calls were BUSY: asking for NO_ANSWER only changes nothing.
      await ok(stack.graphql(RETRY, { id: busy.campaignId, outcomes: ['NO_ANSWER'] }, acme.token));
      expect((await contactsOf(busy)).map((c) => [c.status, c.attempts])).toEqual(Array(2).fill(['FAILED', 1]));
      // VOICEMAIL contacts stay where they are by default, as before.
      const byDefault = await ok<any>(stack.graphql(RETRY, { id: vm.campaignId }, acme.token));
      expect(byDefault.retryFailedContacts.status).toBe('COMPLETED');
      // Asked for, they are called again.
      const again = await ok<any>(stack.graphql(RETRY, { id: vm.campaignId, outcomes: ['VOICEMAIL'] }, acme.token));
      expect(again.retryFailedContacts.status).toBe('ACTIVE');
      await ok(stack.graphql(RETRY, { id: busy.campaignId, outcomes: ['BUSY'] }, acme.token));
      for (const f of [busy, vm]) await completed(f);
      expect((await contactsOf(busy)).map((c) => [c.status, c.attempts])).toEqual(Array(2).fill(['FAILED', 2]));
      expect((await contactsOf(vm)).map((c) => [c.status, c.attempts])).toEqual(Array(2).fill(['VOICEMAIL', 2]));
      for (const f of [busy, vm]) {
        const { stored, recount } = await countersAndRecount(f.campaignId);
        expect(stored).toEqual(recount);
      }
    }, 60_000);
  });
});
