/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import iconv from 'iconv-lite';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, createCampaign, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { CampaignModel } from '../campaigns/campaign.model';
import { ContactModel } from './contact.model';
import { recountCounters } from '../campaigns/campaign.stats';
import { decodeCsvText } from './contact.import';

let stack: TestStack;
let acme: TestAccount;
let rival: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  [acme, rival] = await Promise.all([signUpAccount(stack, 'Acme'), signUpAccount(stack, 'Rival')]);
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const ADD = `mutation($id: ID!, $contacts: [ContactInput!]!) { addContacts(campaignId: $id, contacts: $contacts) { accepted duplicates rejected { index phoneNumber reason } } }`;
const CONTACTS = `query($id: ID!, $status: ContactStatus, $first: Int, $after: String) { campaign(id: $id) {
  stats { totalContacts queuedCalls }
  contacts(status: $status, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id phoneNumber name email priority customData status attempts timezone } }
} }`;

/** A valid US number for index i (fictional 555 exchange, several area codes). */
const usNumber = (i: number) =>
  `+1${['212', '312', '415', '617', '646'][Math.floor(i / 10_000) % 5]}555${String(i % 10_000).padStart(4, '0')}`;

describe('addContacts', () => {
  it('normalises, deduplicates and rejects with index and reason', async () => {
    const id = await createCampaign(stack, acme, 'Add');
    const contacts = [
      {
        phoneNumber: '(415) 555-2671',
        name: ' Ann ',
        email: 'Ann@Example.com',
        priority: 5,
        customData: { plan: 'gold', spend: 12.5, vip: true, note: null },
      },
      { phoneNumber: '+1 415 555 2671' }, // same number, other format: duplicate in the batch
      { phoneNumber: '12' },
      { phoneNumber: '+442071838750', name: 'London' },
      { phoneNumber: '+14155550100', email: 'not an email' },
      { phoneNumber: '+14155550101', priority: 1001 },
      { phoneNumber: '+14155550102', priority: -1001 },
      { phoneNumber: '+14155550103', priority: -1000 },
      { phoneNumber: '+14155550104', customData: { nested: { no: 1 } } },
      { phoneNumber: '+14155550105', customData: { big: 'x'.repeat(5000) } },
      { phoneNumber: '+14155550106', customData: { list: [1, 2] } },
      { phoneNumber: '' },
    ];
    const data = await ok<any>(stack.graphql(ADD, { id, contacts }, acme.token));
    expect(data.addContacts.accepted).toBe(3);
    expect(data.addContacts.duplicates).toBe(1);
    expect(data.addContacts.rejected).toEqual([
      { index: 2, phoneNumber: '12', reason: 'phoneNumber is not a valid phone number for US' },
      { index: 4, phoneNumber: '+14155550100', reason: 'email is not an email address' },
      { index: 5, phoneNumber: '+14155550101', reason: 'priority must be an integer from -1000 to 1000' },
      { index: 6, phoneNumber: '+14155550102', reason: 'priority must be an integer from -1000 to 1000' },
      {
        index: 8,
        phoneNumber: '+14155550104',
        reason: 'customData.nested must be a string, number, boolean or null (the object is flat)',
      },
      { index: 9, phoneNumber: '+14155550105', reason: 'customData must be at most 4096 bytes as JSON' },
      {
        index: 10,
        phoneNumber: '+14155550106',
        reason: 'customData.list must be a string, number, boolean or null (the object is flat)',
      },
      { index: 11, phoneNumber: '', reason: 'phoneNumber is empty' },
    ]);

    // Again: everything already there is a duplicate.
    const again = await ok<any>(
      stack.graphql(
        ADD,
        { id, contacts: [{ phoneNumber: '+14155552671' }, { phoneNumber: '+14155550107' }] },
        acme.token,
      ),
    );
    expect(again.addContacts).toEqual({ accepted: 1, duplicates: 1, rejected: [] });

    const list = await ok<any>(stack.graphql(CONTACTS, { id }, acme.token));
    expect(list.campaign.stats).toEqual({ totalContacts: 4, queuedCalls: 4 });
    expect(list.campaign.contacts.totalCount).toBe(4);
    expect(list.campaign.contacts.nodes[0]).toMatchObject({
      phoneNumber: '+14155552671',
      name: 'Ann',
      email: 'ann@example.com',
      priority: 5,
      customData: { plan: 'gold', spend: 12.5, vip: true, note: null },
      status: 'QUEUED',
      attempts: 0,
      timezone: 'America/Los_Angeles', // 415: derived from the number's prefix (libphonenumber data)
    });
    expect(list.campaign.contacts.nodes[1]).toMatchObject({ phoneNumber: '+442071838750', timezone: 'Europe/London' });
  });

  it('takes at most 10,000 contacts per call', async () => {
    const id = await createCampaign(stack, acme, 'Too many');
    const contacts = Array.from({ length: 10_001 }, (_, i) => ({ phoneNumber: usNumber(i) }));
    const error = await fails(stack.graphql(ADD, { id, contacts }, acme.token));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'contacts' });
  });

  it('adds to a running campaign and tells the lifecycle; refuses a CANCELLED one', async () => {
    const id = await createCampaign(stack, acme, 'Live');
    await CampaignModel.updateOne({ _id: id }, { $set: { status: 'ACTIVE' } });
    const lifecycle = stack.app.services.lifecycle;
    const original = lifecycle.contactsAdded;
    const seen: number[] = [];
    lifecycle.contactsAdded = async (campaign) => {
      seen.push(campaign.stats?.totalContacts ?? -1);
    };
    try {
      await ok(
        stack.graphql(
          ADD,
          { id, contacts: [{ phoneNumber: '+14155550150' }, { phoneNumber: '+14155550151' }] },
          acme.token,
        ),
      );
    } finally {
      lifecycle.contactsAdded = original;
    }
    expect(seen).toEqual([2]);
    await CampaignModel.updateOne({ _id: id }, { $set: { status: 'CANCELLED' } });
    const error = await fails(stack.graphql(ADD, { id, contacts: [{ phoneNumber: '+14155550152' }] }, acme.token));
    expect(error.code).toBe('CONFLICT');
    expect(error.message).toMatch(/CANCELLED/);
  });

  it('pages contacts with a status filter and validates the cursor', async () => {
    const id = await createCampaign(stack, acme, 'Paged');
    await ok(
      stack.graphql(
        ADD,
        { id, contacts: Array.from({ length: 12 }, (_, i) => ({ phoneNumber: usNumber(20_000 + i) })) },
        acme.token,
      ),
    );
    await ContactModel.updateMany(
      { campaignId: id, phoneNumber: { $in: [usNumber(20_000), usNumber(20_005)] } },
      { $set: { status: 'FAILED' } },
    );
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const data: any = await ok<any>(stack.graphql(CONTACTS, { id, first: 5, after }, acme.token));
      seen.push(...data.campaign.contacts.nodes.map((n: any) => n.phoneNumber));
      after = data.campaign.contacts.pageInfo.hasNextPage ? data.campaign.contacts.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(Array.from({ length: 12 }, (_, i) => usNumber(20_000 + i)));
    const failed = await ok<any>(stack.graphql(CONTACTS, { id, status: 'FAILED' }, acme.token));
    expect(failed.campaign.contacts.totalCount).toBe(2);
    expect((await fails(stack.graphql(CONTACTS, { id, after: 'nope!' }, acme.token))).code).toBe('BAD_USER_INPUT');
    expect((await fails(stack.graphql(CONTACTS, { id, first: 101 }, acme.token))).code).toBe('BAD_USER_INPUT');
  });
});

describe('CSV import', () => {
  const post = (campaignId: string, body: Uint8Array | string, token: string | null = acme.token, type = 'text/csv') =>
    fetch(`${stack.url}/api/campaigns/${campaignId}/contacts.csv`, {
      method: 'POST',
      headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });

  it('streams 20,000 rows with a BOM, duplicates and bad rows over HTTP', async () => {
    const id = await createCampaign(stack, acme, 'Big import');
    const lines = ['Phone_Number,Name,EMAIL,Priority,Plan,Region'];
    for (let i = 0; i < 20_000; i++) {
      if (i % 1000 === 7) lines.push(`not-a-number,Bad ${i},,,,`);
      else if (i % 1000 === 8)
        lines.push(`${usNumber(i - 2)},Dup ${i},,,,`); // repeats a number two rows up
      else if (i % 5000 === 9) lines.push(`${usNumber(i)},Prio ${i},,9999,,`);
      else lines.push(`${usNumber(i)},"Person, ${i}",p${i}@example.com,${i % 7},${i % 2 ? 'gold' : 'silver'},`);
    }
    const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
    const res = await post(id, body);
    expect(res.status).toBe(200);
    const report = (await res.json()) as any;
    expect(report).toMatchObject({
      totalRows: 20_000,
      accepted: 20_000 - 40 - 4,
      duplicates: 20,
      rejectedCount: 24,
      truncated: false,
      error: null,
    });
    // The header is row 1, so data row i is line i + 2.
    expect(report.rejected[0]).toEqual({
      row: 9,
      phoneNumber: 'not-a-number',
      reason: 'phoneNumber is not a phone number',
    });
    expect(report.rejected).toContainEqual({
      row: 11,
      phoneNumber: usNumber(9),
      reason: 'priority must be an integer from -1000 to 1000',
    });

    const campaign = await CampaignModel.findById(id).lean();
    expect(campaign?.stats?.totalContacts).toBe(report.accepted);
    expect(campaign?.stats?.queuedCalls).toBe(report.accepted);
    const counted = await recountCounters(id);
    expect(counted.totalContacts).toBe(report.accepted);
    const first = await ContactModel.findOne({ campaignId: id, phoneNumber: usNumber(0) }).lean();
    expect(first).toMatchObject({
      name: 'Person, 0',
      email: 'p0@example.com',
      priority: 0,
      customData: { Plan: 'silver' },
    });

    // The first rows again: numbers already in the campaign are duplicates (found by the unique index).
    const again = (await (await post(id, Buffer.from(lines.slice(0, 101).join('\n')))).json()) as any;
    expect(again).toMatchObject({ totalRows: 100, accepted: 0, duplicates: 98, rejectedCount: 2 });
  });

  it('reads a Windows-1252 file (Excel on Windows)', async () => {
    const id = await createCampaign(stack, acme, 'Latin-1');
    const body = iconv.encode(
      'Phone,Name,City\r\n+14155550171,José Müller,Zürich\r\n+14155550172,Ana,São Paulo\r\n',
      'win1252',
    );
    expect(body.includes(0xe9)).toBe(true); // é as one byte: not valid UTF-8
    const report = (await (await post(id, body)).json()) as any;
    expect(report).toMatchObject({ accepted: 2, rejectedCount: 0 });
    const jose = await ContactModel.findOne({ campaignId: id, phoneNumber: '+14155550171' }).lean();
    expect(jose).toMatchObject({ name: 'José Müller', customData: { City: 'Zürich' } });
  });

  it('decodes UTF-8 split across chunks and switches to Windows-1252 at the first invalid byte', async () => {
    const utf8 = Buffer.from('\uFEFFname\nJosé 😀\n', 'utf8');
    const chunks = Array.from(utf8, (b) => Uint8Array.of(b)); // one byte at a time
    let text = '';
    for await (const part of decodeCsvText(chunks)) text += part;
    expect(text).toBe('name\nJosé 😀\n');
    text = '';
    for await (const part of decodeCsvText([Buffer.from('a,b\n'), Buffer.from([0x4a, 0x6f, 0x73, 0xe9, 0x0a])]))
      text += part;
    expect(text).toBe('a,b\nJosé\n');
  });

  it('answers 401, 403, 404, 415 and 400 with a JSON error', async () => {
    const id = await createCampaign(stack, acme, 'Errors');
    expect((await post(id, 'phone\n+14155550180\n', null)).status).toBe(401);
    expect((await post(id, 'phone\n+14155550180\n', 'bad.token')).status).toBe(401);
    const rivalRes = await post(id, 'phone\n+14155550180\n', rival.token);
    expect(rivalRes.status).toBe(404);
    expect(await rivalRes.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'Campaign not found' } });
    expect((await post('not-an-id', 'phone\n+14155550180\n')).status).toBe(404);
    expect((await post(id, '{}', acme.token, 'application/json')).status).toBe(415);
    const noPhone = await post(id, 'name,email\nAnn,a@b.co\n');
    expect(noPhone.status).toBe(400);
    expect(((await noPhone.json()) as any).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    const viewerToken = await addUser(stack, acme, 'VIEWER');
    expect((await post(id, 'phone\n+14155550180\n', viewerToken)).status).toBe(403);
  });

  it('reports a broken file and keeps the rows before the break', async () => {
    const id = await createCampaign(stack, acme, 'Broken');
    const report = (await (await post(id, 'phone,name\n+14155550190,Ann\n+14155550191,"unterminated\n')).json()) as any;
    expect(report).toMatchObject({ accepted: 1, rejectedCount: 1, totalRows: 2, error: null });
    expect(report.rejected[0]).toMatchObject({ row: 3, phoneNumber: '' });
    expect(report.rejected[0].reason).toMatch(/^the row is not valid CSV: Quote Not Closed/);
  });

  it('imports a small file through the importContactsCsv mutation with the same report', async () => {
    const id = await createCampaign(stack, acme, 'Inline');
    const csv = 'number,name,segment\n+14155550195,Ann,A\n+14155550195,Ann again,A\nbad,Bob,B\n\n+14155550196,,C\n';
    const data = await ok<any>(
      stack.graphql(
        `mutation($id: ID!, $csv: String!) { importContactsCsv(campaignId: $id, csv: $csv) { accepted duplicates rejected { row phoneNumber reason } rejectedCount totalRows truncated } }`,
        { id, csv },
        acme.token,
      ),
    );
    expect(data.importContactsCsv).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [{ row: 4, phoneNumber: 'bad', reason: 'phoneNumber is not a phone number' }],
      rejectedCount: 1,
      totalRows: 4,
      truncated: false,
    });
  });
});
