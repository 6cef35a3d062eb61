/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, createCampaign, fails, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { subscribe } from '../test/ws';

const USERS = `{ users { id email role } }`;
const SET_ROLE = `mutation($id: ID!, $role: Role!) { updateUserRole(id: $id, role: $role) { id role } }`;
const REMOVE = `mutation($id: ID!) { removeUser(id: $id) }`;

let stack: TestStack;
let admin: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signUpAccount(stack, 'People Inc');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

const idOf = async (token: string) => (await ok<any>(stack.graphql(`{ me { id } }`, {}, token))).me.id as string;

describe('user management', () => {
  it('lists the organization’s users, for ADMINs only', async () => {
    const operator = await addUser(stack, admin, 'OPERATOR');
    const other = await signUpAccount(stack, 'Elsewhere');
    const data = await ok<any>(stack.graphql(USERS, {}, admin.token));
    const emails = data.users.map((u: { email: string }) => u.email);
    expect(emails).toContain(admin.email);
    expect(emails).not.toContain(other.email);
    expect(data.users).toContainEqual({ id: await idOf(operator), email: expect.any(String), role: 'OPERATOR' });
    expect((await fails(stack.graphql(USERS, {}, operator))).code).toBe('FORBIDDEN');
  });

  it('changes a role, effective on the user’s next request with the token they already hold', async () => {
    const token = await addUser(stack, admin, 'VIEWER');
    const id = await idOf(token);
    const campaignId = await createCampaign(stack, admin, 'Role change');
    const update = `mutation { updateCampaign(id: "${campaignId}", input: { name: "By promoted" }) { id } }`;
    expect((await fails(stack.graphql(update, {}, token))).code).toBe('FORBIDDEN');
    const changed = await ok<any>(stack.graphql(SET_ROLE, { id, role: 'OPERATOR' }, admin.token));
    expect(changed.updateUserRole).toEqual({ id, role: 'OPERATOR' });
    await ok(stack.graphql(update, {}, token));
    expect(
      await fails(stack.graphql(SET_ROLE, { id: '0123456789abcdef01234567', role: 'VIEWER' }, admin.token)),
    ).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never demotes or removes the last ADMIN', async () => {
    const org = await signUpAccount(stack, 'Solo');
    const demote = await fails(stack.graphql(SET_ROLE, { id: org.userId, role: 'VIEWER' }, org.token));
    expect(demote).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/last ADMIN/) });
    expect((await fails(stack.graphql(REMOVE, { id: org.userId }, org.token))).code).toBe('CONFLICT');
    // Still an ADMIN, still there.
    expect((await ok<any>(stack.graphql(`{ me { role } }`, {}, org.token))).me.role).toBe('ADMIN');

    // With a second ADMIN the first may go.
    const second = await addUser(stack, org, 'ADMIN');
    await ok(stack.graphql(SET_ROLE, { id: org.userId, role: 'OPERATOR' }, second));
    const secondId = await idOf(second);
    expect((await fails(stack.graphql(SET_ROLE, { id: secondId, role: 'VIEWER' }, second))).code).toBe('CONFLICT');
  });

  it('a removed user’s token stops working on the next request and their sockets close (4403)', async () => {
    const token = await addUser(stack, admin, 'VIEWER');
    const id = await idOf(token);
    const campaignId = await createCampaign(stack, admin, 'Watched by removed');
    const sub = subscribe<any>(
      stack.url,
      token,
      `subscription($id: ID!) { campaignProgress(campaignId: $id) { stats { totalContacts } } }`,
      { id: campaignId },
    );
    await sub.next();
    expect(await ok(stack.graphql(REMOVE, { id }, admin.token))).toEqual({ removeUser: true });
    expect((await sub.closed).code).toBe(4403);
    // A query that does not itself read the user: the authentication must refuse it.
    expect(await fails(stack.graphql(`{ campaigns { totalCount } }`, {}, token))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'This account no longer exists: sign in again',
    });
    const listed = await ok<any>(stack.graphql(USERS, {}, admin.token));
    expect(listed.users.map((u: { id: string }) => u.id)).not.toContain(id);
    expect((await fails(stack.graphql(REMOVE, { id }, admin.token))).code).toBe('NOT_FOUND');
  });
});
