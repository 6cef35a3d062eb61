/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { randomBytes } from 'node:crypto';
import type { GraphQLResponse, TestStack } from './harness';

/** Helpers for tests that drive the API over HTTP as a client would. */

export interface TestAccount {
  token: string;
  userId: string;
  organizationId: string;
  email: string;
  password: string;
  agentId: string;
  phoneId: string;
}

/** The data of a response that must have no errors (fails with the errors otherwise). */
export async function ok<T = Record<string, any>>(promise: Promise<GraphQLResponse<T>>): Promise<T> {
  const res = await promise;
  if (res.errors && res.errors.length > 0) throw new Error(`unexpected GraphQL errors: ${JSON.stringify(res.errors)}`);
  if (!res.data) throw new Error('no data');
  return res.data;
}

/** The first error of a response that must fail, with its code and field. */
export async function fails(
  promise: Promise<GraphQLResponse<unknown>>,
): Promise<{ message: string; code: unknown; field: unknown; extensions: Record<string, unknown> }> {
  const res = await promise;
  const error = res.errors?.[0];
  if (!error) throw new Error(`expected an error, got ${JSON.stringify(res.data)}`);
  return {
    message: error.message,
    code: error.extensions?.['code'],
    field: error.extensions?.['field'],
    extensions: error.extensions ?? {},
  };
}

export const uniqueEmail = (prefix = 'user') => `${prefix}-${randomBytes(5).toString('hex')}@example.com`;

/** Signs up a new organization and returns its admin with the default agent and phone. */
export async function signUpAccount(stack: TestStack, organizationName = 'Acme'): Promise<TestAccount> {
  const email = uniqueEmail('admin');
  const password = 'correct horse battery';
  const data = await ok<any>(
    stack.graphql(
      `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id organization { id } } } }`,
      { input: { email, password, organizationName } },
    ),
  );
  const token: string = data.signUp.token;
  const refs = await ok<any>(stack.graphql(`{ agents { id isDefault } phones { id isDefault } }`, {}, token));
  return {
    token,
    userId: data.signUp.user.id,
    organizationId: data.signUp.user.organization.id,
    email,
    password,
    agentId: refs.agents[0].id,
    phoneId: refs.phones[0].id,
  };
}

/** Adds a user with `role` to the account's organization and signs them in. */
export async function addUser(
  stack: TestStack,
  admin: TestAccount,
  role: 'ADMIN' | 'OPERATOR' | 'VIEWER',
): Promise<string> {
  const email = uniqueEmail(role.toLowerCase());
  const password = 'another good password';
  await ok(
    stack.graphql(
      `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
      { input: { email, password, role } },
      admin.token,
    ),
  );
  const data = await ok<any>(
    stack.graphql(`mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }`, {
      e: email,
      p: password,
    }),
  );
  return data.login.token;
}

/** Creates a campaign with the account's agent; returns its id. */
export async function createCampaign(
  stack: TestStack,
  account: TestAccount,
  name = 'Campaign',
  settings?: Record<string, unknown>,
): Promise<string> {
  const data = await ok<any>(
    stack.graphql(
      `mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }`,
      { input: { name, agentId: account.agentId, ...(settings ? { settings } : {}) } },
      account.token,
    ),
  );
  return data.createCampaign.id;
}
