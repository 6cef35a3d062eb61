import { getIntrospectionQuery, parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { WebSocket } from 'ws';
import { SubscriptionClient } from 'subscriptions-transport-ws';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { subscribe } from '../test/ws';
import { checkOperationLimits, DEFAULT_LIMITS } from './limits';
import { buildAppSchema } from './schema';

/** `count` aliased copies of a full `__schema` selection (the probe that blocked the process). */
const aliasedSchemas = (count: number) =>
  `{ ${Array.from({ length: count }, (_, i) => `s${i}: __schema { types { name kind fields { name } } }`).join(' ')} }`;

describe('operation limits count introspection', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await buildAppSchema();
  });

  it('refuses aliased __schema selections quickly, naming the limit', () => {
    const started = Date.now();
    const errors = checkOperationLimits(schema, parse(aliasedSchemas(1_000)), {}, null);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED' });
    expect(['aliases', 'introspection']).toContain(errors[0]?.extensions['limit']);
    // Within the alias limit, the second root is still refused.
    const two = checkOperationLimits(schema, parse(aliasedSchemas(2)), {}, null);
    expect(two[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'introspection', max: 1 });
    expect(two[0]?.message).toBe('Query selects __schema or __type 2 times; the limit is 1 per operation');
  });

  it('counts __typename aliases like any other alias', () => {
    const query = `{ ${Array.from({ length: 31 }, (_, i) => `t${i}: __typename`).join(' ')} }`;
    expect(checkOperationLimits(schema, parse(query), {}, null)[0]?.extensions).toMatchObject({ limit: 'aliases' });
  });

  it('prices introspection fields like other fields', () => {
    const query = parse(`{ __schema { types { name fields { name } } } }`);
    const [error] = checkOperationLimits(schema, query, {}, null, { ...DEFAULT_LIMITS, maxCost: 3 });
    expect(error?.extensions).toMatchObject({ limit: 'cost', max: 3 });
  });

  it('bounds the depth of a cyclic introspection selection', () => {
    const nested = (n: number) => `{ __schema { types { ${'fields { type { '.repeat(n)}name${' } }'.repeat(n)} } } }`;
    expect(checkOperationLimits(schema, parse(nested(4)), {}, null)).toEqual([]);
    const [error] = checkOperationLimits(schema, parse(nested(8)), {}, null);
    expect(error?.message).toMatch(/^Introspection depth \d+ exceeds the limit of 15$/);
  });

  it("lets graphql-js's own introspection query through (GraphiQL, codegen)", () => {
    expect(checkOperationLimits(schema, parse(getIntrospectionQuery()), {}, null)).toEqual([]);
  });
});

describe('limits over HTTP (development: no token needed)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers a flood of aliased __schema with a small 400 at once, and stays responsive', async () => {
    // The probe of the report: 19,000 aliases, about 1 MB (it blocked the process for a minute).
    const started = Date.now();
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: aliasedSchemas(19_000) }),
    });
    const text = await response.text();
    expect(response.status).toBe(400);
    expect(text.length).toBeLessThan(2_000);
    expect(JSON.parse(text).errors[0]).toMatchObject({
      message: expect.stringMatching(/^Syntax Error: Document contains more tha[nt] 5000 tokens\. Parsing aborted\.$/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });
    // Parsing and validating all of it took 7 s on this machine; the token budget stops it first.
    expect(Date.now() - started).toBeLessThan(3_000);
    const health = await fetch(`${stack.url}/healthz`);
    expect(health.status).toBe(200);
  });

  it('applies the token budget on graphql-ws too', async () => {
    const account = await signUpAccount(stack, 'Dev');
    const sub = subscribe(stack.url, account.token, aliasedSchemas(1_000).slice(0, 60_000) + ' }');
    try {
      const result = await sub.next();
      expect(result.errors?.[0]).toMatchObject({
        message: expect.stringMatching(
          /^Syntax Error: Document contains more tha[nt] 5000 tokens\. Parsing aborted\.$/,
        ),
        extensions: { code: 'GRAPHQL_PARSE_FAILED' },
      });
    } finally {
      await sub.dispose();
    }
  });
});

describe('production: the same rules on HTTP and both WebSocket protocols', () => {
  let stack: TestStack;
  let account: TestAccount;
  beforeAll(async () => {
    stack = await startTestStack({ NODE_ENV: 'production' });
    account = await signUpAccount(stack, 'Prod');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const wsUrl = () => stack.url.replace('http', 'ws') + '/graphql';

  it('refuses introspection over graphql-ws', async () => {
    const sub = subscribe(stack.url, account.token, `{ __schema { types { name } } }`);
    try {
      const result = await sub.next();
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    } finally {
      await sub.dispose();
    }
  });

  it('refuses introspection over the legacy protocol', async () => {
    const client = new SubscriptionClient(
      wsUrl(),
      { connectionParams: { authorization: `Bearer ${account.token}` }, reconnect: false },
      WebSocket,
    );
    try {
      const result = await new Promise<{ errors?: { message: string }[]; data?: unknown }>((resolve) => {
        client.request({ query: `{ __schema { types { name } } }` }).subscribe({
          next: (value) => resolve(value as never),
          error: (error: unknown) => resolve({ errors: [error as { message: string }] }),
        });
      });
      expect(result.data ?? null).toBeNull();
      expect(result.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    } finally {
      client.close();
    }
  });

  it('names no schema fields in validation errors, on HTTP and WebSocket', async () => {
    const http = await stack.graphql(`{ campaignz { id } }`, {}, account.token);
    expect(http.errors?.[0]?.message).toBe('Cannot query field "campaignz" on type "Query".');
    const sub = subscribe(stack.url, account.token, `{ campaignz { id } }`);
    try {
      const result = await sub.next();
      expect(result.errors?.[0]?.message).toBe('Cannot query field "campaignz" on type "Query".');
    } finally {
      await sub.dispose();
    }
  });

  it('masks internal error text on the legacy protocol', async () => {
    const socket = new WebSocket(wsUrl(), 'graphql-ws');
    const messages: { type: string; payload?: { message?: string } }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${account.token}` } }));
    // A start without payload: the library itself fails reading `payload.query`.
    socket.send(JSON.stringify({ type: 'start', id: '1' }));
    const deadline = Date.now() + 5_000;
    while (!messages.some((m) => m.type === 'error') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    socket.close();
    const error = messages.find((m) => m.type === 'error');
    expect(error?.payload?.message).toBe('Internal server error');
    expect(JSON.stringify(messages)).not.toMatch(/Cannot read properties/);
  });
});
