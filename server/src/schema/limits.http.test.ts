/** Operation limits (cost, aliases, depth) as a client meets them over HTTP. */
import { buildSchema, getIntrospectionQuery, parse } from 'graphql';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { checkOperationLimits, DEFAULT_LIMITS } from './limits';

let stack: TestStack;
let acme: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  acme = await signUpAccount(stack, 'Acme');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('operation limits', () => {
  it('refuses a too costly query before running it, naming the limit', async () => {
    const res = await stack.graphql(
      `{ campaigns(first: 100) { nodes { contacts(first: 100) { nodes { id phoneNumber } } } } }`,
      {},
      acme.token,
    );
    expect(res.data).toBeUndefined();
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'cost', max: 5000 });
    expect(res.errors?.[0]?.message).toMatch(/cost .* exceeds the limit of 5000/);
  });

  it('refuses more than 30 aliases', async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `v${i}: version`).join(' ');
    const res = await stack.graphql(`{ ${aliases} }`, {}, acme.token);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'aliases' });
    await ok(stack.graphql(`{ ${aliases.split(' ').slice(0, 60).join(' ')} }`, {}, acme.token));
  });

  it('lets a normal dashboard query and introspection through', async () => {
    await ok(
      stack.graphql(
        `{ campaigns(first: 50) { nodes { id name agent { name } phone { number } stats { progress successRate } settings { concurrentCallsLimit } } } }`,
        {},
        acme.token,
      ),
    );
    await ok(stack.graphql(getIntrospectionQuery()));
  });

  it('checks depth, with fragments expanded (the reusable check)', async () => {
    // A cyclic schema: our contract has no cycles deep enough to pass 10 with valid fields.
    const schema = buildSchema(
      `type Query { node: Node } type Node { id: ID, parent: Node, children(first: Int): [Node] }`,
    );
    const deep = (n: number) =>
      `query { ...A } fragment A on Query { node { ${'parent { '.repeat(n - 2)}id${' }'.repeat(n - 2)} } }`;
    expect(checkOperationLimits(schema, parse(deep(10)), {}, null)).toEqual([]);
    const [error] = checkOperationLimits(schema, parse(deep(11)), {}, null);
    expect(error?.message).toBe('Query depth 11 exceeds the limit of 10');
    expect(error?.extensions).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', limit: 'depth', max: 10, actual: 11 });
    // Cost follows `first`, taken from variables.
    const wide = parse(`query($n: Int) { node { children(first: $n) { children(first: $n) { id } } } }`);
    expect(checkOperationLimits(schema, wide, { n: 10 }, null)).toEqual([]);
    expect(checkOperationLimits(schema, wide, { n: 100 }, null, { ...DEFAULT_LIMITS })[0]?.extensions).toMatchObject({
      limit: 'cost',
    });
  });
});
