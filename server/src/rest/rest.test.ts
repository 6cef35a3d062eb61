/* eslint-disable @typescript-eslint/no-explicit-any -- JSON response bodies: their shape is checked by assertions */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { openApiDocument } from './rest.openapi';
import { REST_BASE, restRouters } from './rest.routes';
import { pacingFor } from './rest.client.route';
import SwaggerParser from '@apidevtools/swagger-parser';

const run = promisify(execFile);
const DESIGNS = path.resolve(__dirname, '../../../docs/older-designs');

let stack: TestStack;
let admin: TestAccount;
/** An OPERATOR API key: the server-to-server credential an older client would be given. */
let key: string;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signUpAccount(stack, 'Legacy Clients Inc');
  // Short simulated calls so a started campaign finishes within the test.
  await ok(
    stack.graphql(
      `mutation($id: ID!) { updatePhone(id: $id, input: { simulation: { minDurationMs: 50, maxDurationMs: 100, busyRate: 0, noAnswerRate: 0, failRate: 0, voicemailRate: 0 } }) { id } }`,
      { id: admin.phoneId },
      admin.token,
    ),
  );
  const created = await ok<any>(
    stack.graphql(`mutation { createApiKey(input: { name: "legacy", role: OPERATOR }) { secret } }`, {}, admin.token),
  );
  key = created.createApiKey.secret;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function call(method: string, route: string, body?: unknown, token: string | null = key) {
  const res = await fetch(`${stack.url}${REST_BASE}${route}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** The keys of a JSON value, recursively (arrays by their first element), as dotted paths. */
function shape(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) return value.length > 0 ? shape(value[0], `${prefix}[]`) : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [`${prefix}${k}`, ...shape(v, `${prefix}${k}.`)]);
}

/** The fenced blocks of a markdown document, with their language. */
function blocks(markdown: string): { lang: string; text: string }[] {
  return [...markdown.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1]!, text: m[2]! }));
}

describe('the queue design’s curl examples, replayed verbatim', () => {
  it('creates, fills, starts and reports a campaign exactly as its document shows', async () => {
    const doc = readFileSync(path.join(DESIGNS, 'queue-design.md'), 'utf8');
    const script = blocks(doc).find((b) => b.lang === 'bash' && b.text.includes('curl -X POST http://localhost:5000'));
    expect(script).toBeDefined();
    // One command per `# comment` heading; lines joined by their trailing backslashes by the shell.
    const commands = script!.text
      .split(/^# .*$/m)
      .map((c) => c.trim())
      .filter(Boolean);
    expect(commands).toHaveLength(4);
    let campaignId = 'CAMPAIGN_ID';
    const outputs: any[] = [];
    for (const command of commands) {
      const concrete = command
        .replaceAll('http://localhost:5000', stack.url)
        .replaceAll('YOUR_TOKEN', key)
        .replaceAll('YOUR_AGENT_ID', admin.agentId)
        .replaceAll('CAMPAIGN_ID', campaignId);
      const { stdout } = await run('sh', ['-c', `${concrete} -sS`]);
      const out = JSON.parse(stdout);
      outputs.push(out);
      if (outputs.length === 1) campaignId = out.data.id;
    }
    const [created, added, started, progress] = outputs;
    expect(created).toMatchObject({
      success: true,
      data: {
        name: 'Test Campaign',
        agentId: admin.agentId,
        status: 'draft',
        settings: { priorityMode: 'fifo', concurrentCallsLimit: 3 },
      },
    });
    expect(created.data._id).toBe(created.data.id);
    expect(added).toEqual({ success: true, data: { accepted: 1, duplicates: 0, rejected: [] } });
    expect(started).toMatchObject({ success: true, data: { id: campaignId, status: 'active' } });
    // The documented progress response, key for key (values depend on timing).
    const documented = JSON.parse(blocks(doc).find((b) => b.lang === 'json' && b.text.includes('"queue"'))!.text);
    expect(shape(progress)).toEqual(expect.arrayContaining(shape(documented)));
    expect(Object.keys(progress)).toEqual(['campaign', 'queue']);
    expect(progress.campaign.totalContacts).toBe(1);
  });

  it('takes the usage example’s create body with settings (priorityMode "fifo", concurrentCallsLimit 5)', async () => {
    const doc = readFileSync(path.join(DESIGNS, 'queue-design.md'), 'utf8');
    const example = blocks(doc).find((b) => b.text.startsWith('POST /api/v1/campaigns\n'))!.text;
    // The document annotates its JSON with `//` comments, which no JSON parser takes: drop them.
    const body = JSON.parse(
      example
        .split('\n')
        .slice(1)
        .join('\n')
        .replace(/\/\/.*$/gm, '')
        .replace('"agent123"', JSON.stringify(admin.agentId))
        .replace('"phone123"', JSON.stringify(admin.phoneId)),
    );
    const res = await call('POST', '/campaigns', body);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({
      name: 'Sales Outreach Q1',
      description: 'Q1 sales campaign',
      phoneId: admin.phoneId,
      settings: {
        retryFailedCalls: true,
        maxRetryAttempts: 3,
        retryDelayMinutes: 30,
        excludeVoicemail: true,
        priorityMode: 'fifo',
        concurrentCallsLimit: 5,
      },
    });
    // The add-contacts example body, as written.
    const contactsBody = JSON.parse(
      blocks(doc)
        .find((b) => b.text.startsWith('POST /api/v1/campaigns/{id}/contacts'))!
        .text.split('\n')
        .slice(1)
        .join('\n'),
    );
    const added = await call('POST', `/campaigns/${res.body.data.id}/contacts`, contactsBody);
    expect(added).toEqual({ status: 201, body: { success: true, data: { accepted: 2, duplicates: 0, rejected: [] } } });
    const contacts = await call('GET', `/campaigns/${res.body.data.id}/contacts?limit=1`);
    expect(contacts.body).toMatchObject({
      success: true,
      data: [
        {
          phoneNumber: '+14155551234',
          name: 'John Doe',
          priority: 10,
          customData: { accountType: 'premium' },
          status: 'queued',
        },
      ],
      totalCount: 2,
      pageInfo: { hasNextPage: true },
    });
    const next = await call(
      'GET',
      `/campaigns/${res.body.data.id}/contacts?limit=1&after=${contacts.body.pageInfo.endCursor}`,
    );
    expect(next.body.data.map((c: any) => c.name)).toEqual(['Jane Smith']);
  });
});

describe('every /api/v1/campaigns route', () => {
  it('lists with filters, gets, updates, deletes and runs the lifecycle through the same services', async () => {
    const created = await call('POST', '/campaigns', { name: 'Lifecycle', agentId: admin.agentId });
    const id = created.body.data.id as string;
    const list = await call('GET', `/campaigns?status=draft&search=lifecycle&limit=5`);
    expect(list.body.data.map((c: any) => c.id)).toContain(id);
    expect((await call('GET', `/campaigns?status=active&search=lifecycle`)).body.data).toEqual([]);
    expect((await call('GET', `/campaigns/${id}`)).body.data.name).toBe('Lifecycle');
    const patched = await call('PATCH', `/campaigns/${id}`, {
      name: 'Renamed',
      settings: { priorityMode: 'priority', concurrentCallsLimit: 2 },
    });
    expect(patched.body.data).toMatchObject({
      name: 'Renamed',
      settings: { priorityMode: 'priority', concurrentCallsLimit: 2 },
    });
    await call('POST', `/campaigns/${id}/contacts`, {
      contacts: [{ phoneNumber: '+14155550101' }, { phoneNumber: '+14155550102' }],
    });
    expect((await call('POST', `/campaigns/${id}/start`)).body.data.status).toBe('active');
    expect((await call('DELETE', `/campaigns/${id}`)).status).toBe(409);
    expect((await call('POST', `/campaigns/${id}/pause`)).body.data.status).toBe('paused');
    expect((await call('POST', `/campaigns/${id}/resume`)).body.data.status).toBe('active');
    const done = async () => (await call('GET', `/campaigns/${id}/stats`)).body.data;
    const deadline = Date.now() + 15_000;
    let stats = await done();
    while (stats.progress < 100 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await done();
    }
    expect(stats).toMatchObject({ totalContacts: 2, completedCalls: 2, progress: 100, successRate: 100 });
    const calls = await call('GET', `/campaigns/${id}/calls?status=completed`);
    expect(calls.body.totalCount).toBe(2);
    expect(calls.body.data[0]).toMatchObject({ status: 'completed', provider: 'SIMULATED', attempt: 1 });
    // A COMPLETED campaign may retry its failed contacts (none here): 200 with the campaign.
    const retried = await call('POST', `/campaigns/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.data.id).toBe(id);
    const deleted = await call('DELETE', `/campaigns/${id}`);
    expect(deleted).toEqual({
      status: 200,
      body: { success: true, message: 'Campaign deleted', data: { campaignId: id } },
    });
    expect((await call('GET', `/campaigns/${id}`)).status).toBe(404);
  });

  it('cancels a campaign', async () => {
    const created = await call('POST', '/campaigns', { name: 'To cancel', agentId: admin.agentId });
    const res = await call('POST', `/campaigns/${created.body.data.id}/cancel`);
    expect(res.status).toBe(200);
    expect(res.body.data.status).toBe('cancelled');
  });
});

describe('errors', () => {
  it('answers 400 with the field and the rule', async () => {
    const cases: [unknown, string][] = [
      [{ agentId: admin.agentId }, 'name'],
      [{ name: 'x', agentId: admin.agentId, settings: { concurrentCallsLimit: 51 } }, 'settings.concurrentCallsLimit'],
      [{ name: 'x', agentId: admin.agentId, settings: { priorityMode: 'random' } }, 'settings.priorityMode'],
      [{ name: 'x', agentId: admin.agentId, settings: 'fast' }, 'settings'],
      ['[1,2]', 'body'],
      ['{"name": ', 'body'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/campaigns', body);
      expect({
        field,
        status: res.status,
        success: res.body.success,
        code: res.body.error?.code,
        got: res.body.error?.field,
      }).toEqual({
        field,
        status: 400,
        success: false,
        code: 'BAD_USER_INPUT',
        got: field,
      });
      expect(res.body.error.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    }
    expect((await call('GET', '/campaigns?limit=500')).body.error).toMatchObject({
      field: 'limit',
      message: 'limit: must be an integer from 1 to 100',
    });
  });

  it('answers 401, 403, 404 and 409 as {success: false, error: {code, message}}', async () => {
    const created = await call('POST', '/campaigns', { name: 'Errors', agentId: admin.agentId });
    const id = created.body.data.id;
    const none = await call('GET', '/campaigns', undefined, null);
    expect(none).toMatchObject({ status: 401, body: { success: false, error: { code: 'UNAUTHENTICATED' } } });
    expect((await call('GET', '/campaigns', undefined, 'dw_live_' + 'x'.repeat(32))).status).toBe(401);
    const viewer = await addUser(stack, admin, 'VIEWER');
    const forbidden = await call('POST', `/campaigns/${id}/start`, undefined, viewer);
    expect(forbidden).toEqual({
      status: 403,
      body: { success: false, error: { code: 'FORBIDDEN', message: 'This needs the OPERATOR role; you are VIEWER' } },
    });
    expect((await call('GET', `/campaigns/${id}`, undefined, viewer)).status).toBe(200);
    const missing = await call('GET', '/campaigns/0123456789abcdef01234567');
    expect(missing).toEqual({
      status: 404,
      body: { success: false, error: { code: 'NOT_FOUND', message: 'Campaign not found' } },
    });
    expect((await call('GET', '/campaigns/not-an-id')).status).toBe(404);
    await call('POST', `/campaigns/${id}/cancel`);
    const conflict = await call('POST', `/campaigns/${id}/start`);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ success: false, error: { code: 'CONFLICT' } });
    const unknown = await call('GET', '/nothing-here');
    expect(unknown).toMatchObject({ status: 404, body: { success: false, error: { code: 'NOT_FOUND' } } });
  });
});

describe('the sequential design’s client routes', () => {
  const doc = () => readFileSync(path.join(DESIGNS, 'sequential-design.md'), 'utf8');
  /** The documented request and response JSON following a route's heading. */
  function documented(route: string): { request?: any; response?: any } {
    // The `### n. …` section whose http block names the route.
    const section = doc()
      .split('\n### ')
      .find((part) => part.includes('```http') && part.includes(route))!;
    const json = blocks(section).filter((b) => b.lang === 'json');
    const parse = (t: string) => JSON.parse(t.replace('{ ... }', '{}'));
    return json.length === 2
      ? { request: parse(json[0]!.text), response: parse(json[1]!.text) }
      : { response: parse(json[0]!.text) };
  }

  it('start-calling, calling-status, make-call and stop-calling take the documented bodies and answer the documented shapes', async () => {
    const created = await call('POST', '/campaigns', { name: 'Sequential', agentId: admin.agentId });
    const id = created.body.data.id as string;
    await call('POST', `/campaigns/${id}/contacts`, {
      contacts: [
        { phoneNumber: '+14155550201', name: 'John Doe' },
        { phoneNumber: '+14155550202' },
        { phoneNumber: '+14155550203' },
      ],
    });
    const contacts = (await call('GET', `/campaigns/${id}/contacts`)).body.data;

    // make-call first, on a DRAFT campaign: "make a single call now".
    const makeCall = documented('/make-call');
    const body = JSON.parse(
      JSON.stringify(makeCall.request)
        .replace('contact_id_here', contacts[0].id)
        .replace('agent_id_here', admin.agentId),
    );
    const made = await call('POST', `/client/campaigns/${id}/make-call`, body);
    expect(made.status).toBe(200);
    expect(shape(made.body)).toEqual(expect.arrayContaining(shape(makeCall.response)));
    expect(made.body.data.contact).toEqual({ _id: contacts[0].id, name: 'John Doe', phone: '+14155550201' });

    const start = documented('/start-calling');
    const startBody = JSON.parse(JSON.stringify(start.request).replace('agent_id_here', admin.agentId));
    const started = await call('POST', `/client/campaigns/${id}/start-calling`, startBody);
    expect(started.body).toEqual({
      success: true,
      message: 'Campaign calling started',
      data: { campaignId: id, totalContacts: 3, status: 'started' },
    });
    expect(shape(started.body)).toEqual(shape(start.response));
    // delayBetweenCalls 2000 ms → one line, 30 call starts a minute.
    expect((await call('GET', `/campaigns/${id}`)).body.data.settings).toMatchObject({
      concurrentCallsLimit: 1,
      callsPerMinute: 30,
    });

    const status = await call('GET', `/client/campaigns/${id}/calling-status`);
    expect(shape(status.body)).toEqual(shape(documented('/calling-status').response));
    expect(status.body.data).toMatchObject({ campaignId: id, isRunning: true, totalContacts: 3 });

    const stopped = await call('POST', `/client/campaigns/${id}/stop-calling`);
    expect(stopped.body).toEqual({
      success: true,
      message: 'Campaign calling stopped',
      data: { campaignId: id, status: 'stopped' },
    });
    expect(shape(stopped.body)).toEqual(shape(documented('/stop-calling').response));
    expect((await call('GET', `/client/campaigns/${id}/calling-status`)).body.data.isRunning).toBe(false);
  });

  it('validates delayBetweenCalls and contactId by name', async () => {
    const created = await call('POST', '/campaigns', { name: 'Bad client', agentId: admin.agentId });
    const id = created.body.data.id;
    const bad = await call('POST', `/client/campaigns/${id}/start-calling`, { delayBetweenCalls: -1 });
    expect(bad).toMatchObject({
      status: 400,
      body: { success: false, error: { code: 'BAD_USER_INPUT', field: 'delayBetweenCalls' } },
    });
    const noContact = await call('POST', `/client/campaigns/${id}/make-call`, {});
    expect(noContact).toMatchObject({
      status: 400,
      body: { error: { field: 'contactId', message: 'contactId: is required' } },
    });
    const otherAgent = await call('POST', `/client/campaigns/${id}/make-call`, {
      contactId: '0123456789abcdef01234567',
      agentId: '0123456789abcdef01234567',
    });
    expect(otherAgent).toMatchObject({ status: 400, body: { error: { field: 'agentId' } } });
  });

  it('maps delayBetweenCalls onto one line and a start rate', () => {
    expect(pacingFor(2000)).toEqual({ concurrentCallsLimit: 1, callsPerMinute: 30 });
    expect(pacingFor(0)).toEqual({ concurrentCallsLimit: 1, callsPerMinute: null });
    expect(pacingFor(50)).toEqual({ concurrentCallsLimit: 1, callsPerMinute: 600 });
    expect(pacingFor(60_000)).toEqual({ concurrentCallsLimit: 1, callsPerMinute: 1 });
  });
});

describe('OpenAPI 3.1 document', () => {
  /** Every method + path the routers serve, in OpenAPI's `{param}` form. */
  function served(): string[] {
    const out: string[] = [];
    for (const router of restRouters(stack.app.services)) {
      for (const layer of router.stack as any[]) {
        if (!layer.route) continue;
        const routePath = String(layer.route.path).replace(/:(\w+)/g, '{$1}');
        for (const method of Object.keys(layer.route.methods)) out.push(`${method.toUpperCase()} ${routePath}`);
      }
    }
    return out.sort();
  }
  const documented = () =>
    Object.entries(openApiDocument.paths)
      .flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`))
      .sort();

  it('is served at /api/v1/openapi.json and documents exactly the routes served', async () => {
    const res = await fetch(`${stack.url}${REST_BASE}/openapi.json`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.openapi).toBe('3.1.0');
    expect(served()).toEqual(documented());
    expect(served()).toHaveLength(19);
  });

  it('is a valid OpenAPI 3.1 document (swagger-parser checks it against the 3.1 schema and resolves every $ref)', async () => {
    const doc = JSON.parse(JSON.stringify(openApiDocument));
    await expect(SwaggerParser.validate(doc)).resolves.toMatchObject({ openapi: '3.1.0' });
  });

  it('every documented operation answers over HTTP (never the router’s own 404)', async () => {
    for (const operation of documented()) {
      const [method, template] = operation.split(' ') as [string, string];
      const route = template.replace('{id}', '0123456789abcdef01234567');
      const res = await call(method, route, method === 'GET' || method === 'DELETE' ? undefined : {});
      expect({ operation, routerMiss: String(res.body.error?.message ?? '').startsWith('No route') }).toEqual({
        operation,
        routerMiss: false,
      });
    }
  });
});
