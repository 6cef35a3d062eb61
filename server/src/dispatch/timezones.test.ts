/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { DateTime } from 'luxon';
import { ContactModel } from '../contacts/contact.model';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { nextOpeningIn } from './calling-window';
import type { DispatchService } from './dispatch.service';
import { countersAndRecount, waitFor } from './test-fixtures';

/**
 * Contacts' time zones through the API and the real engine (Redis, BullMQ, the embedded MongoDB,
 * the simulator): given, derived from the number's prefix (Google's libphonenumber data), or
 * every zone an ambiguous prefix spans; the calling window applied in them.
 */
const CREATE = `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id settings { ambiguousTimezones } } }`;
const ADD = `mutation($id: ID!, $contacts: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $contacts) { accepted rejected { index phoneNumber reason } } }`;
const IMPORT = `mutation($id: ID!, $csv: String!) { importContactsCsv(campaignId: $id, csv: $csv) { accepted rejected { row phoneNumber reason } } }`;
const LIST = `query($id: ID!) { campaign(id: $id) { contacts(first: 50) { nodes { phoneNumber timezone status attempts } } } }`;
const START = `mutation($id: ID!) { startCampaign(id: $id) { id status } }`;
const CANCEL = `mutation($id: ID!) { cancelCampaign(id: $id) { id status } }`;

describe('contact time zones', () => {
  let stack: TestStack;
  let acme: TestAccount;

  beforeAll(async () => {
    stack = await startTestStack({ MAX_CALL_DURATION_SECONDS: '2' });
    acme = await signUpAccount(stack, 'Acme');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const zonesOf = async (id: string) =>
    Object.fromEntries(
      (await ok<any>(stack.graphql(LIST, { id }, acme.token))).campaign.contacts.nodes.map((c: any) => [
        c.phoneNumber,
        c.timezone,
      ]),
    );

  it('takes a given zone, derives one from the number, and rejects a bad one naming the row', async () => {
    const created = await ok<any>(
      stack.graphql(
        CREATE,
        {
          input: {
            name: 'zones',
            agentId: acme.agentId,
            settings: { callingWindow: { start: '09:00', end: '17:00', timezone: 'America/New_York' } },
          },
        },
        acme.token,
      ),
    );
    const id = created.createCampaign.id;
    // New campaigns: the window must be open in every zone an ambiguous prefix spans.
    expect(created.createCampaign.settings.ambiguousTimezones).toBe('MOST_RESTRICTIVE');
    const added = await ok<any>(
      stack.graphql(
        ADD,
        {
          id,
          contacts: [
            { phoneNumber: '+12135550100' },
            { phoneNumber: '+12135550101', timezone: 'America/Chicago' },
            { phoneNumber: '+12085550100' },
            { phoneNumber: '+12135550102', timezone: 'Mars/Olympus_Mons' },
          ],
        },
        acme.token,
      ),
    );
    expect(added.addContacts.accepted).toBe(3);
    expect(added.addContacts.rejected).toEqual([
      {
        index: 3,
        phoneNumber: '+12135550102',
        reason: 'timezone must be an IANA time zone such as America/Los_Angeles',
      },
    ]);
    const csv =
      'phone,name,timezone\n+13125550100,Chicago,\n+13125550101,Given,Europe/Paris\n+13125550102,Bad,EST5EDT+\n';
    const imported = await ok<any>(stack.graphql(IMPORT, { id, csv }, acme.token));
    expect(imported.importContactsCsv.accepted).toBe(2);
    expect(imported.importContactsCsv.rejected).toEqual([
      { row: 4, phoneNumber: '+13125550102', reason: 'timezone must be an IANA time zone such as America/Los_Angeles' },
    ]);
    expect(await zonesOf(id)).toEqual({
      '+12135550100': 'America/Los_Angeles',
      '+12135550101': 'America/Chicago',
      '+12085550100': 'America/Boise, America/Los_Angeles',
      '+13125550100': 'America/Chicago',
      '+13125550101': 'Europe/Paris',
    });
    // The timezone column is the zone, not custom data.
    const given = await ContactModel.findOne({ campaignId: id, phoneNumber: '+13125550101' }).lean();
    expect(given?.customData).toBeNull();
    await ok(
      stack.graphql(
        `mutation($id: ID!) { updateCampaign(id: $id, input: { settings: { ambiguousTimezones: CAMPAIGN_ZONE } }) { id } }`,
        { id },
        acme.token,
      ),
    );
    expect((await zonesOf(id))['+12085550100']).toBe('America/New_York');
  });

  it('calls a Los Angeles number of a New York campaign only in Los Angeles hours', async () => {
    // A window open now in New York and for two more hours, closed now in Los Angeles (3 h behind)
    // and in Boise (2 h behind): they wait until it opens there.
    const nyNow = DateTime.now().setZone('America/New_York');
    const hhmm = (t: DateTime) => t.toFormat('HH:mm');
    const window = {
      start: hhmm(nyNow.minus({ hours: 1 })),
      end: hhmm(nyNow.plus({ hours: 2 })),
      days: [1, 2, 3, 4, 5, 6, 7],
      timezone: 'America/New_York',
    };
    const campaigns: Record<string, string> = {};
    for (const mode of ['MOST_RESTRICTIVE', 'CAMPAIGN_ZONE']) {
      const created = await ok<any>(
        stack.graphql(
          CREATE,
          {
            input: {
              name: `window ${mode}`,
              agentId: acme.agentId,
              settings: { callingWindow: window, ambiguousTimezones: mode, retryFailedCalls: false },
            },
          },
          acme.token,
        ),
      );
      const id: string = created.createCampaign.id;
      campaigns[mode] = id;
      await ok(
        stack.graphql(
          ADD,
          {
            id,
            contacts: [
              { phoneNumber: '+12125550100' },
              { phoneNumber: '+12135550100' },
              { phoneNumber: '+12085550100' },
            ],
          },
          acme.token,
        ),
      );
    }
    const t0 = new Date();
    for (const id of Object.values(campaigns)) await ok(stack.graphql(START, { id }, acme.token));
    const byNumber = async (id: string) =>
      new Map((await ContactModel.find({ campaignId: id }).lean()).map((c) => [c.phoneNumber, c] as const));
    for (const [mode, id] of Object.entries(campaigns)) {
      await waitFor(`${mode}: New York dialled, Los Angeles held`, async () => {
        const c = await byNumber(id);
        return (c.get('+12125550100')?.attempts ?? 0) >= 1 && c.get('+12135550100')?.nextAttemptAt != null;
      });
    }
    const strict = await byNumber(campaigns['MOST_RESTRICTIVE']!);
    const laOpening = nextOpeningIn(window, t0, ['America/Los_Angeles'])!;
    // About two hours from now: when Los Angeles reaches the window's start.
    expect(Math.abs(laOpening.getTime() - (t0.getTime() + 2 * 3600_000))).toBeLessThan(61_000);
    for (const number of ['+12135550100', '+12085550100']) {
      const held = strict.get(number)!;
      expect([held.status, held.attempts]).toEqual(['QUEUED', 0]);
      // Idaho spans Boise and Los Angeles: Los Angeles opens last.
      expect(Math.abs(held.nextAttemptAt!.getTime() - laOpening.getTime())).toBeLessThan(61_000);
    }
    // In the campaign zone mode the ambiguous Idaho number is called now, in New York hours.
    await waitFor('CAMPAIGN_ZONE: Idaho dialled', async () => {
      const c = await byNumber(campaigns['CAMPAIGN_ZONE']!);
      return (c.get('+12085550100')?.attempts ?? 0) >= 1;
    });
    expect((await byNumber(campaigns['CAMPAIGN_ZONE']!)).get('+12135550100')?.attempts).toBe(0);
    for (const id of Object.values(campaigns)) await ok(stack.graphql(CANCEL, { id }, acme.token));
  }, 60_000);

  it('skips an ambiguous number with NO_TIMEZONE at dial when the setting says SKIP, also when set after the contacts came in', async () => {
    const created = await ok<any>(
      stack.graphql(
        CREATE,
        // No calling window: SKIP is about the contact, not about a window.
        { input: { name: 'skip ambiguous', agentId: acme.agentId, settings: { retryFailedCalls: false } } },
        acme.token,
      ),
    );
    const id: string = created.createCampaign.id;
    const contacts = [
      { phoneNumber: '+12125550100' }, // New York: one zone
      { phoneNumber: '+12085550100' }, // Idaho: Boise and Los Angeles
      { phoneNumber: '+12085550101', timezone: 'America/Boise' }, // Idaho, its zone given
    ];
    expect((await ok<any>(stack.graphql(ADD, { id, contacts }, acme.token))).addContacts.accepted).toBe(3);
    // Changed after the contacts were added: the engine decides when each contact's turn comes.
    const updated = await ok<any>(
      stack.graphql(
        `mutation($id: ID!) { updateCampaign(id: $id, input: { settings: { ambiguousTimezones: SKIP } }) { settings { ambiguousTimezones } } }`,
        { id },
        acme.token,
      ),
    );
    expect(updated.updateCampaign.settings.ambiguousTimezones).toBe('SKIP');
    // No zone is in force for a contact that will not be called; the others keep theirs.
    expect(await zonesOf(id)).toEqual({
      '+12125550100': 'America/New_York',
      '+12085550100': null,
      '+12085550101': 'America/Boise',
    });
    await ok(stack.graphql(START, { id }, acme.token));
    const byNumber = async () =>
      new Map((await ContactModel.find({ campaignId: id }).lean()).map((c) => [c.phoneNumber, c] as const));
    await waitFor('the ambiguous number skipped, the others dialled', async () => {
      const c = await byNumber();
      return (
        c.get('+12085550100')?.status === 'SKIPPED' &&
        (c.get('+12125550100')?.attempts ?? 0) >= 1 &&
        (c.get('+12085550101')?.attempts ?? 0) >= 1
      );
    });
    const skipped = (await byNumber()).get('+12085550100')!;
    expect([skipped.skipReason, skipped.attempts]).toEqual(['NO_TIMEZONE', 0]);
    const simulator = (stack.app.services.dispatcher as DispatchService).simulator;
    expect(simulator.ledger.filter((e) => e.campaignId === id && e.to === '+12085550100')).toEqual([]);
    await ok(stack.graphql(CANCEL, { id }, acme.token));
    await waitFor('no call live', async () => (await countersAndRecount(id)).stored.activeCalls === 0);
    const { stored, recount } = await countersAndRecount(id);
    expect(stored).toEqual(recount);
    expect(stored.skippedContacts).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
