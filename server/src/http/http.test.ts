import { GraphQLError } from 'graphql';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { formatError } from './graphql';
import { AppError, ErrorCode } from '../errors';

describe('HTTP safety in production mode', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ NODE_ENV: 'production' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('turns introspection off', async () => {
    const res = await stack.graphql(`{ __schema { types { name } } }`);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/introspection/i);
  });

  it('refuses batched requests', async () => {
    const res = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ version }' }, { query: '{ version }' }]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/batch/i);
  });

  it('blocks requests a browser could send cross-site without a preflight (CSRF)', async () => {
    const res = await fetch(`${stack.url}/graphql?query=${encodeURIComponent('{ version }')}`);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Cross-Site Request Forgery/);
  });

  it('serves RED metrics per GraphQL operation name: rate, errors by code, duration', async () => {
    const scrape = async () => (await fetch(`${stack.url}/metrics`)).text();
    const value = (text: string, series: string) => {
      const line = text.split('\n').find((l) => l.startsWith(`${series} `));
      return line ? Number(line.slice(series.length + 1)) : 0;
    };
    const count = (op: string, type: string) =>
      `dialwave_graphql_operation_duration_seconds_count{operation="${op}",type="${type}"}`;
    const errors = (op: string, type: string, code: string) =>
      `dialwave_graphql_operation_errors_total{operation="${op}",type="${type}",code="${code}"}`;
    const before = await scrape();
    await stack.graphql(`query RedVersion { version }`);
    await stack.graphql(`query RedVersion { version }`);
    const denied = await stack.graphql(`query RedCampaigns { campaigns(first: 5) { totalCount } }`);
    expect(denied.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    await stack.graphql(`query RedBroken { version`);
    const after = await scrape();
    expect(value(after, count('RedVersion', 'query')) - value(before, count('RedVersion', 'query'))).toBe(2);
    expect(value(after, errors('RedVersion', 'query', 'UNAUTHENTICATED'))).toBe(0);
    expect(value(after, count('RedCampaigns', 'query')) - value(before, count('RedCampaigns', 'query'))).toBe(1);
    expect(
      value(after, errors('RedCampaigns', 'query', 'UNAUTHENTICATED')) -
        value(before, errors('RedCampaigns', 'query', 'UNAUTHENTICATED')),
    ).toBe(1);
    // A document that does not parse has no trusted name.
    expect(
      value(after, errors('(invalid)', 'invalid', 'GRAPHQL_PARSE_FAILED')) -
        value(before, errors('(invalid)', 'invalid', 'GRAPHQL_PARSE_FAILED')),
    ).toBe(1);
    expect(after).not.toMatch(/RedBroken/);
    expect(after).toMatch(
      /^dialwave_graphql_operation_duration_seconds_bucket\{le="0\.005",operation="RedVersion",type="query"\} \d+$/m,
    );
  });

  it('sends no stack traces with errors', async () => {
    const res = await stack.graphql(`{ campaigns(first: 500) { totalCount } }`);
    expect(res.errors?.[0]?.extensions?.['code']).toBeDefined();
    expect(JSON.stringify(res.errors)).not.toMatch(/stacktrace|\.ts:\d+/);
  });
});

describe('formatError', () => {
  it('masks unexpected errors and keeps client errors', () => {
    const masked = formatError(
      { message: 'connection to 10.0.0.5 refused' },
      new Error('connection to 10.0.0.5 refused'),
    );
    expect(masked).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    const client = formatError({ message: 'x' }, new AppError(ErrorCode.NOT_FOUND, 'Campaign not found'));
    expect(client.message).toBe('Campaign not found');
    expect(client.extensions?.['code']).toBe('NOT_FOUND');
    const validation = formatError(
      { message: 'Cannot query field "nope"', extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['at x'] } },
      new GraphQLError('Cannot query field "nope"'),
    );
    expect(validation.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
  });
});
