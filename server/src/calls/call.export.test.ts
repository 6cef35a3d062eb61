import { parse } from 'csv-parse/sync';
import { Types } from 'mongoose';
import { ContactModel } from '../contacts/contact.model';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { CallModel } from './call.model';
import { CALL_EXPORT_COLUMNS } from './call.export';

interface Org {
  token: string;
  organizationId: string;
  campaigns: string[];
}

describe('calls CSV export (streamed by the server)', () => {
  let stack: TestStack;
  let org: Org;
  let other: Org;
  const base = Date.UTC(2026, 11, 1);

  async function signUpWithCampaigns(email: string, names: string[]): Promise<Org> {
    const res = await stack.graphql<{ signUp: { token: string; user: { organization: { id: string } } } }>(
      `mutation ($i: SignUpInput!) { signUp(input: $i) { token user { organization { id } } } }`,
      { i: { email, password: 'correct horse battery', organizationName: `Org ${email}` } },
    );
    const token = res.data!.signUp.token;
    const agents = await stack.graphql<{ agents: { id: string }[] }>(`{ agents { id } }`, {}, token);
    const campaigns: string[] = [];
    for (const name of names) {
      const created = await stack.graphql<{ createCampaign: { id: string } }>(
        `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
        { i: { name, agentId: agents.data!.agents[0]!.id } },
        token,
      );
      campaigns.push(created.data!.createCampaign.id);
    }
    return { token, organizationId: res.data!.signUp.user.organization.id, campaigns };
  }

  /** `count` calls in a campaign, one per contact, a second apart from `base`, statuses in turn. */
  async function seed(o: Org, campaign: string, count: number, name: (i: number) => string) {
    const contacts = await ContactModel.insertMany(
      Array.from({ length: count }, (_, i) => ({
        organizationId: new Types.ObjectId(o.organizationId),
        campaignId: new Types.ObjectId(campaign),
        phoneNumber: `+1415555${String(1000 + i).padStart(4, '0')}`,
        name: name(i),
        email: `p${i}@example.com`,
      })),
    );
    await CallModel.insertMany(
      contacts.map((contact, i) => ({
        organizationId: contact.organizationId,
        campaignId: contact.campaignId,
        contactId: contact._id,
        phoneId: new Types.ObjectId(),
        attempt: 1,
        provider: 'SIMULATED',
        status: ['COMPLETED', 'FAILED', 'VOICEMAIL'][i % 3],
        callbackToken: `t${i}`,
        startedAt: new Date(base + i * 1000),
        durationSeconds: i % 3 === 0 ? 30 : null,
      })),
    );
  }

  beforeAll(async () => {
    stack = await startTestStack();
    org = await signUpWithCampaigns('export@example.com', ['Spring promo', 'Renewals']);
    other = await signUpWithCampaigns('other-export@example.com', ['Not yours']);
    await seed(org, org.campaigns[0]!, 1_203, (i) => (i === 5 ? '=HYPERLINK("http://x")' : `Person ${i}`));
    await seed(org, org.campaigns[1]!, 10, (i) => `Renewal ${i}`);
    await seed(other, other.campaigns[0]!, 7, (i) => `Other ${i}`);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const get = (path: string, token: string | null = org.token, signal?: AbortSignal) =>
    fetch(`${stack.url}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal });
  const rowsOf = async (res: Response) =>
    parse(await res.text(), { columns: true }) as Record<(typeof CALL_EXPORT_COLUMNS)[number], string>[];

  it("streams a campaign's calls, newest first, with contact fields and formula-safe cells", async () => {
    const res = await get(`/api/campaigns/${org.campaigns[0]}/calls.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="spring-promo-calls.csv"');
    expect(res.headers.get('x-export-rows')).toBe('1203');
    const rows = await rowsOf(res);
    // More than two of the server's 500-call batches, every one present once.
    expect(rows).toHaveLength(1_203);
    expect(new Set(rows.map((r) => r.call_id)).size).toBe(1_203);
    expect(Object.keys(rows[0]!)).toEqual([...CALL_EXPORT_COLUMNS]);
    expect(rows[0]).toMatchObject({
      contact_name: 'Person 1202',
      // A leading + would make a spreadsheet read the number as a formula (and drop the +):
      // quoted as text, as the dashboard's own export always did.
      phone_number: "'+14155552202",
      email: 'p1202@example.com',
      campaign_name: 'Spring promo',
      attempt: '1',
      started_at: new Date(base + 1202 * 1000).toISOString(),
    });
    const injected = rows.find((r) => r.email === 'p5@example.com');
    expect(injected?.contact_name).toBe(`'=HYPERLINK("http://x")`);
  });

  it('filters by status and by a start-time range', async () => {
    const from = new Date(base + 100 * 1000).toISOString();
    const to = new Date(base + 200 * 1000).toISOString();
    const res = await get(
      `/api/campaigns/${org.campaigns[0]}/calls.csv?status=COMPLETED,voicemail&from=${from}&to=${to}`,
    );
    const rows = await rowsOf(res);
    // Calls 100..199: 100 calls, a third FAILED (i % 3 === 1) left out.
    const expected = Array.from({ length: 100 }, (_, k) => 100 + k).filter((i) => i % 3 !== 1);
    expect(res.headers.get('x-export-rows')).toBe(String(expected.length));
    expect(rows.map((r) => r.email).sort()).toEqual(expected.map((i) => `p${i}@example.com`).sort());
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['COMPLETED', 'VOICEMAIL']));
  });

  it("exports the whole organization's calls, and only its own", async () => {
    const res = await get('/api/calls.csv?status=FAILED&status=COMPLETED');
    const rows = await rowsOf(res);
    const renewals = rows.filter((r) => r.campaign_id === org.campaigns[1]);
    expect(renewals).toHaveLength(7); // 10 calls, 3 of them VOICEMAIL
    expect(rows.filter((r) => r.campaign_id === org.campaigns[0])).toHaveLength(802);
    expect(rows.some((r) => r.campaign_id === other.campaigns[0])).toBe(false);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="calls.csv"');
  });

  it('refuses bad input with a message naming the parameter and its rule, before streaming anything', async () => {
    const cases: [string, number, string][] = [
      ['/api/calls.csv?status=DONE', 400, 'status: must be one of INITIATED, RINGING'],
      ['/api/calls.csv?from=yesterday', 400, 'from: must be an ISO 8601 date or date-time'],
      ['/api/calls.csv?from=2026-12-02&to=2026-12-01', 400, 'to: must be later than from'],
      ['/api/calls.csv?campaignId=nope', 400, 'campaignId: must be a campaign id'],
      [`/api/campaigns/${other.campaigns[0]}/calls.csv`, 404, 'Campaign not found'],
    ];
    for (const [path, status, message] of cases) {
      const res = await get(path);
      expect(res.status).toBe(status);
      const body = (await res.json()) as { error: { message: string } };
      expect(body.error.message).toContain(message);
    }
    expect((await get('/api/calls.csv', null)).status).toBe(401);
  });

  it('survives a client that cancels mid-download', async () => {
    const controller = new AbortController();
    const res = await get(`/api/campaigns/${org.campaigns[0]}/calls.csv`, org.token, controller.signal);
    const reader = res.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.read().catch(() => undefined);
    // The server still answers, and a full export still works.
    const again = await rowsOf(await get(`/api/campaigns/${org.campaigns[1]}/calls.csv`));
    expect(again).toHaveLength(10);
  });
});
