import { Types } from 'mongoose';
import { ContactModel } from '../contacts/contact.model';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { DispatchService } from '../dispatch/dispatch.service';
import { campaignStatus, countersAndRecount, createFixture, waitFor } from '../dispatch/test-fixtures';
import type { Fixture } from '../dispatch/test-fixtures';
import { CampaignCounters } from './campaign.counters';
import type { ContactMove } from './campaign.counters';
import { CampaignModel } from './campaign.model';

const ENV = {
  MAX_CALL_DURATION_SECONDS: '2',
  DISPATCH_LOCK_MS: '1000',
  DISPATCH_STALLED_INTERVAL_MS: '500',
  DISPATCH_SWEEP_INTERVAL_MS: '300',
  PLACE_CALL_TIMEOUT_MS: '500',
};

describe('campaign counters: the one way contacts move', () => {
  let stack: TestStack;
  const dispatcher = () => stack.app.services.dispatcher as DispatchService;
  /** Every counter update made through the rule, by campaign: "FROM->TO". */
  const moves = new Map<string, string[]>();
  let spy: jest.SpyInstance;

  beforeAll(async () => {
    stack = await startTestStack(ENV);
  });
  // Installed before each test: the jest config restores mocks after each.
  beforeEach(() => {
    const original = CampaignCounters.prototype.count;
    spy = jest.spyOn(CampaignCounters.prototype, 'count').mockImplementation(function (
      this: CampaignCounters,
      campaignId: Types.ObjectId,
      move: ContactMove,
      options?: { whole?: boolean },
    ) {
      const key = String(campaignId);
      moves.set(key, [...(moves.get(key) ?? []), `${move.from ?? 'NEW'}->${move.to}`]);
      return original.call(this, campaignId, move, options ?? {});
    } as typeof original);
  });
  afterEach(() => spy.mockRestore());
  afterAll(async () => {
    await stack?.stop();
  });

  const revisionOf = async (f: Fixture) =>
    (await CampaignModel.findById(f.campaignId, { revision: 1 }).lean())?.revision ?? 0;
  const movesOf = (f: Fixture) => moves.get(f.campaignId) ?? [];

  /** Runs `path` and checks that it moved counters through the rule, bumped revision, and left them exact. */
  async function expectPath(f: Fixture, path: () => Promise<unknown>, expected: string) {
    const before = await revisionOf(f);
    const seen = movesOf(f).length;
    await path();
    expect(movesOf(f).slice(seen)).toContain(expected);
    expect(await revisionOf(f)).toBeGreaterThan(before);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
  }

  it('counts a claim and an outcome, and the cancel of what still waits', async () => {
    const f = await createFixture({ contacts: 3, settings: { concurrentCallsLimit: 1 } });
    // A cancel of a DRAFT campaign skips its waiting contacts (a batch move).
    const other = await createFixture({ contacts: 2 });
    await expectPath(other, () => dispatcher().cancelCampaign(other.orgId, other.campaignId), 'QUEUED->SKIPPED');
    await expectPath(
      f,
      async () => {
        await dispatcher().startCampaign(f.orgId, f.campaignId);
        await waitFor('completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED');
      },
      'QUEUED->CALLING',
    );
    expect(movesOf(f)).toContain('CALLING->COMPLETED');
  });

  it('counts a claim given back (do-not-call) and a retry round', async () => {
    const f = await createFixture({
      contacts: 2,
      settings: { concurrentCallsLimit: 1 },
      simulation: { failRate: 1 },
    });
    const contacts = await ContactModel.find({ campaignId: f.campaignId }).lean();
    await dispatcher().doNotCall.add(f.orgId, [contacts[0]!.phoneNumber], 'US');
    await expectPath(
      f,
      async () => {
        await dispatcher().startCampaign(f.orgId, f.campaignId);
        await waitFor('completed', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED');
      },
      'CALLING->SKIPPED',
    );
    expect(movesOf(f)).toContain('CALLING->FAILED');
    // The retry restarts dialling at once, so the stored counters are compared with a recount
    // only once the campaign is quiet again: in between, the two reads could straddle a claim.
    await expectPath(
      f,
      async () => {
        await dispatcher().retryFailedContacts(f.orgId, f.campaignId);
        await waitFor('completed again', async () => (await campaignStatus(f.campaignId)) === 'COMPLETED');
      },
      'FAILED->QUEUED',
    );
  });

  it('counts a manual call (callContact)', async () => {
    const f = await createFixture({ contacts: 1, simulation: { minDurationMs: 100, maxDurationMs: 100 } });
    await expectPath(
      f,
      async () => {
        await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
        await waitFor(
          'manual call recorded',
          async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
        );
      },
      'QUEUED->CALLING',
    );
    expect(movesOf(f)).toContain('CALLING->COMPLETED');
  });

  it("counts the sweeper's take-over of a contact whose slot died before creating its call", async () => {
    const f = await createFixture({ contacts: 1 });
    // What a slot that died between its claim and the call's creation leaves: a CALLING
    // contact with a call id no call has, untouched for long, its claim counted.
    const callId = new Types.ObjectId();
    await ContactModel.collection.updateOne(
      { _id: f.contactIds[0] },
      { $set: { status: 'CALLING', currentCallId: callId, slotId: '1-0', attempts: 1, updatedAt: new Date(0) } },
    );
    await CampaignModel.updateOne(
      { _id: f.campaign._id },
      { $inc: { 'stats.queuedCalls': -1, 'stats.activeCalls': 1, 'stats.totalAttempts': 1 } },
    );
    await expectPath(f, () => dispatcher().sweep(), 'CALLING->QUEUED');
    expect((await ContactModel.findById(f.contactIds[0]).lean())?.status).toBe('QUEUED');
  });

  it('recounts when a move is counted after the campaign completed and recounted (the completion race)', async () => {
    const f = await createFixture({ contacts: 2 });
    const counters = new CampaignCounters();
    // One contact ends its call; the completion's recount sees it final before its `$inc` lands.
    await ContactModel.updateMany({ campaignId: f.campaignId }, { $set: { status: 'COMPLETED', attempts: 1 } });
    await CampaignModel.updateOne({ _id: f.campaign._id }, { $set: { status: 'COMPLETED' } });
    await CampaignModel.updateOne(
      { _id: f.campaign._id },
      { $set: { 'stats.queuedCalls': 0, 'stats.activeCalls': 0, 'stats.completedCalls': 2, 'stats.totalAttempts': 2 } },
    );
    const before = await revisionOf(f);
    // Every path counts through `count`, so this late `$inc` stands for any of them.
    const after = await counters.count(f.campaign._id, { from: 'CALLING', to: 'COMPLETED' });
    expect(counters.completionRaces).toBe(1);
    expect(after?.stats).toMatchObject({ activeCalls: 0, completedCalls: 2 });
    expect(await revisionOf(f)).toBe(before + 1);
    const { stored, recount } = await countersAndRecount(f.campaignId);
    expect(stored).toEqual(recount);
    // Outside a race nothing is recounted.
    const g = await createFixture({ contacts: 1 });
    await counters.count(g.campaign._id, { from: 'QUEUED', to: 'SKIPPED' });
    expect(counters.completionRaces).toBe(1);
  });

  it('counts nothing when the conditional contact write changed nothing', async () => {
    const f = await createFixture({ contacts: 1 });
    const counters = new CampaignCounters();
    const before = await revisionOf(f);
    const res = await counters.moveContact(
      f.campaign._id,
      { _id: f.contactIds[0]!, status: 'CALLING' },
      { $set: { status: 'COMPLETED' } },
      { from: 'CALLING', to: 'COMPLETED' },
    );
    expect(res.moved).toBe(false);
    expect(await revisionOf(f)).toBe(before);
  });
});
