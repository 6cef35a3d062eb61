import { isDeepStrictEqual } from 'node:util';
import { CallModel } from '../calls/call.model';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from '../contacts/contact.model';
import type { AppError } from '../errors';
import { signSimulatorWebhook } from '../providers/simulated/simulator';
import { dispatchSuite } from '../test/dispatch-suite';
import { addContacts, campaignStatus, countersAndRecount, createFixture, waitFor } from './test-fixtures';

const ENV = {
  MAX_CALL_DURATION_SECONDS: '2',
  DISPATCH_LOCK_MS: '1000',
  DISPATCH_STALLED_INTERVAL_MS: '500',
  DISPATCH_SWEEP_INTERVAL_MS: '300',
  PLACE_CALL_TIMEOUT_MS: '500',
};

describe('dispatch: manual calls, late counters, webhooks', () => {
  const suite = dispatchSuite(ENV);
  const { dispatcher, sim, completed, expectInvariants } = suite;

  it('calls one contact now within the limit, and refuses when the campaign is full', async () => {
    const f = await createFixture({
      contacts: 3,
      settings: { concurrentCallsLimit: 1 },
      // Long enough that the second request finds the line held on a loaded machine (400 ms was
      // not, at a load of 20), within the suite's MAX_CALL_DURATION_SECONDS of 2.
      simulation: { minDurationMs: 1_500, maxDurationMs: 1_500 },
    });
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[2]));
    expect(call.attempt).toBe(1);
    expect(String(call.contactId)).toBe(String(f.contactIds[2]));
    const full = await dispatcher()
      .callContact(f.orgId, f.campaignId, String(f.contactIds[0]))
      .catch((e: unknown) => e);
    expect((full as AppError).code).toBe('CONFLICT');
    expect((full as AppError).message).toMatch(/limit/);
    await waitFor(
      'manual call recorded',
      async () => (await ContactModel.findById(f.contactIds[2]).lean())?.status === 'COMPLETED',
    );
    // The contact moves first, then its counters ($inc) and the line's release: on a loaded
    // machine a check right after the contact reads COMPLETED can fall in between.
    await waitFor('counters equal to the recount', async () => {
      const { stored, recount } = await countersAndRecount(f.campaignId);
      return isDeepStrictEqual(stored, recount);
    });
    await waitFor('lease released', async () => (await dispatcher().leases.count(f.campaignId)) === 0);
    await expect(dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[2]))).resolves.toBeTruthy();
  });

  it('calls a contact of a COMPLETED campaign now, its counters still equal to the recount', async () => {
    const f = await createFixture({
      contacts: 2,
      settings: { concurrentCallsLimit: 2, retryFailedCalls: false },
      simulation: { minDurationMs: 200, maxDurationMs: 200, failRate: 1 },
    });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
    expect(call.attempt).toBe(2);
    await waitFor('manual call recorded', async () => {
      const contact = await ContactModel.findById(f.contactIds[0]).lean();
      return contact?.status === 'FAILED' && contact.currentCallId === null && contact.attempts === 2;
    });
    await waitFor('lease released', async () => (await dispatcher().leases.count(f.campaignId)) === 0);
    const c = await countersAndRecount(f.campaignId);
    expect(c.stored).toEqual(c.recount);
  });

  it("recounts when a call's counter update lands after another slot completed the campaign and recounted", async () => {
    // The simulator's first draw is the first call's length (200 ms); every later one is 0.999:
    // the second call lasts 1199 ms, and no webhook is dropped (every rate is 0 anyway).
    let draws = 0;
    sim().setRandom(() => (draws++ === 0 ? 0 : 0.999));
    const f = await createFixture({
      contacts: 2,
      settings: { concurrentCallsLimit: 2 },
      simulation: { minDurationMs: 200, maxDurationMs: 1200 },
    });
    // Hold the first call's counter update (its contact is COMPLETED already) until the second
    // call's slot has found nothing left, completed the campaign and recounted.
    const collection = CampaignModel.collection;
    const original = collection.findOneAndUpdate.bind(collection) as (...args: unknown[]) => Promise<unknown>;
    let held = false;
    let released = false;
    const spy = jest.spyOn(collection, 'findOneAndUpdate').mockImplementation((async (...args: unknown[]) => {
      const [filter, update] = args as [{ _id?: unknown }, { $inc?: Record<string, number> }];
      if (held || String(filter._id) !== f.campaignId || (update.$inc?.['stats.activeCalls'] ?? 0) >= 0)
        return original(...args);
      held = true;
      await waitFor('completed while the update is held', async () => {
        const c = await CampaignModel.findById(f.campaignId, { status: 1, stats: 1 }).lean();
        return c?.status === 'COMPLETED' && c.stats?.completedCalls === 2;
      });
      try {
        return await original(...args);
      } finally {
        released = true;
      }
    }) as never);
    try {
      const racesBefore = dispatcher().engine.completionRaces;
      await dispatcher().startCampaign(f.orgId, f.campaignId);
      await waitFor('the held update applied', async () => released);
      await waitFor('counters equal to the recount again', async () => {
        const { stored, recount } = await countersAndRecount(f.campaignId);
        return isDeepStrictEqual(stored, recount);
      });
      expect(dispatcher().engine.completionRaces).toBe(racesBefore + 1);
      expect(held).toBe(true);
      // The completion's recount could not know the held update was coming, so it corrected
      // the lagging counters (and says so); the update then counted its call twice, and the
      // second recount undid that.
      expect(suite.driftSince()).toBe(1);
      suite.acceptDrift();
      await expectInvariants(f, 2);
      const { stored } = await countersAndRecount(f.campaignId);
      expect(stored).toMatchObject({ activeCalls: 0, completedCalls: 2, totalAttempts: 2 });
    } finally {
      spy.mockRestore();
      sim().setRandom(Math.random);
    }
  });

  it('wakes a running campaign when contacts are added', async () => {
    const f = await createFixture({ contacts: 2, settings: { concurrentCallsLimit: 2 } });
    await dispatcher().startCampaign(f.orgId, f.campaignId);
    await completed(f);
    await addContacts(f.campaign._id, f.organizationId, 3, { offset: 100 });
    await dispatcher().contactsAdded((await CampaignModel.findById(f.campaign._id))!);
    await waitFor(
      'reopened and completed',
      async () =>
        sim().ledger.filter((e) => e.campaignId === f.campaignId).length === 5 &&
        (await campaignStatus(f.campaignId)) === 'COMPLETED',
    );
    await expectInvariants(f, 2);
  });

  it('answers webhooks: 404 unknown call, 403 wrong token or signature (nothing changes), replays applied once', async () => {
    const f = await createFixture({
      contacts: 1,
      settings: { concurrentCallsLimit: 1 },
      simulation: { minDurationMs: 1500, maxDurationMs: 1500 },
    });
    const call = await dispatcher().callContact(f.orgId, f.campaignId, String(f.contactIds[0]));
    const post = (query: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
      fetch(`${suite.stack().url}/webhooks/simulated${query}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
      });
    const body = {
      CallSid: 'SIMforged',
      CallStatus: 'completed',
      AnsweredBy: 'human',
      Timestamp: Date.now(),
      SequenceNumber: 9,
    };
    expect((await post(`?call=${String(new CallModel()._id)}&token=x`, body)).status).toBe(404);
    expect((await post(`?call=${String(call._id)}&token=wrong`, body)).status).toBe(403);
    // Right token, no signature: still refused.
    expect((await post(`?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`, body)).status).toBe(
      403,
    );
    expect((await CallModel.findById(call._id).lean())!.status).not.toBe('COMPLETED');
    await waitFor(
      'call recorded',
      async () => (await ContactModel.findById(f.contactIds[0]).lean())?.status === 'COMPLETED',
    );
    const json = JSON.stringify({
      CallSid: (await CallModel.findById(call._id).lean())!.providerCallId,
      CallStatus: 'ringing',
      Timestamp: Date.now(),
      SequenceNumber: 0,
    });
    const late = await fetch(
      `${suite.stack().url}/webhooks/simulated?call=${String(call._id)}&token=${encodeURIComponent(call.callbackToken)}`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-simulator-signature': signSimulatorWebhook(sim().signingKey, json),
        },
        body: json,
      },
    );
    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ ok: true, applied: false });
    expect((await CallModel.findById(call._id).lean())!.status).toBe('COMPLETED');

    // Signed and with the token of its call id, but no such call: 404; another provider call: 403.
    const signedPost = (id: string, payload: Record<string, unknown>) => {
      const text = JSON.stringify(payload);
      return fetch(
        `${suite.stack().url}/webhooks/simulated?call=${id}&token=${encodeURIComponent(dispatcher().engine.callbackTokenFor(id))}`,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-simulator-signature': signSimulatorWebhook(sim().signingKey, text),
          },
          body: text,
        },
      );
    };
    expect((await signedPost(String(new CallModel()._id), body)).status).toBe(404);
    const before = await CallModel.findById(call._id).lean();
    expect((await signedPost(String(call._id), { ...body, CallSid: 'SIManother' })).status).toBe(403);
    expect(await CallModel.findById(call._id).lean()).toEqual(before);
  });
});
