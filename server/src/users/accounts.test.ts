/* eslint-disable @typescript-eslint/no-explicit-any -- GraphQL response data: its shape is checked by assertions */
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, fails, ok, signUpAccount, uniqueEmail } from '../test/api';
import type { TestAccount } from '../test/api';
import { signToken } from './auth.token';

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token user { id email role organization { id name } } } }`;
const LOGIN = `mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token user { email role } } }`;

let stack: TestStack;
let admin: TestAccount;

beforeAll(async () => {
  stack = await startTestStack();
  admin = await signUpAccount(stack, 'Accounts Inc');
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

describe('sign-up', () => {
  it('creates an organization with its admin, a default simulated phone and a default agent', async () => {
    const email = uniqueEmail();
    const data = await ok<any>(
      stack.graphql(SIGN_UP, {
        input: { email: email.toUpperCase(), password: 'long enough', organizationName: '  Widgets  ' },
      }),
    );
    expect(data.signUp.user).toMatchObject({ email, role: 'ADMIN', organization: { name: 'Widgets' } });
    const token = data.signUp.token as string;
    const refs = await ok<any>(
      stack.graphql(
        `{ me { email } agents { name isDefault } phones { name number provider isDefault simulation { minDurationMs } } }`,
        {},
        token,
      ),
    );
    expect(refs.me.email).toBe(email);
    expect(refs.agents).toEqual([{ name: 'Default agent', isDefault: true }]);
    expect(refs.phones).toEqual([
      {
        name: 'Simulated line',
        number: '+12025550100',
        provider: 'SIMULATED',
        isDefault: true,
        simulation: { minDurationMs: 2000 },
      },
    ]);
  });

  it('validates email, password and organization name, naming the field', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ email: 'not-an-email', password: 'long enough', organizationName: 'X' }, 'email'],
      [{ email: uniqueEmail(), password: 'short', organizationName: 'X' }, 'password'],
      [{ email: uniqueEmail(), password: 'long enough', organizationName: '   ' }, 'organizationName'],
      [{ email: uniqueEmail(), password: 'long enough', organizationName: 'x'.repeat(201) }, 'organizationName'],
    ];
    for (const [input, field] of cases) {
      const error = await fails(stack.graphql(SIGN_UP, { input }));
      expect({ code: error.code, field: error.field }).toEqual({ code: 'BAD_USER_INPUT', field });
    }
  });

  it('refuses a taken email with CONFLICT', async () => {
    const error = await fails(
      stack.graphql(SIGN_UP, { input: { email: admin.email, password: 'long enough', organizationName: 'Again' } }),
    );
    expect(error.code).toBe('CONFLICT');
  });

  it('is FORBIDDEN when sign-up is off', async () => {
    stack.app.services.config.allowSignup = false;
    try {
      const error = await fails(
        stack.graphql(SIGN_UP, {
          input: { email: uniqueEmail(), password: 'long enough', organizationName: 'Closed' },
        }),
      );
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toMatch(/Sign-up is closed/);
    } finally {
      stack.app.services.config.allowSignup = true;
    }
  });
});

describe('login and tokens', () => {
  it('signs in with the right password (email in any case)', async () => {
    const data = await ok<any>(stack.graphql(LOGIN, { e: admin.email.toUpperCase(), p: admin.password }));
    expect(data.login.user).toEqual({ email: admin.email, role: 'ADMIN' });
    await ok(stack.graphql(`{ me { id } }`, {}, data.login.token));
  });

  it('gives the same UNAUTHENTICATED answer for a wrong password and an unknown email', async () => {
    const wrong = await fails(stack.graphql(LOGIN, { e: admin.email, p: 'wrong password' }));
    const unknown = await fails(stack.graphql(LOGIN, { e: uniqueEmail(), p: 'wrong password' }));
    expect(wrong).toEqual(unknown);
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password' });
  });

  it('rejects missing, malformed, forged and expired tokens', async () => {
    expect((await fails(stack.graphql(`{ me { id } }`))).code).toBe('UNAUTHENTICATED');
    expect(await fails(stack.graphql(`{ me { id } }`, {}, 'not.a.token'))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Invalid token',
    });
    const config = stack.app.services.config;
    const user = { userId: admin.userId, organizationId: admin.organizationId, role: 'ADMIN' as const };
    const forged = await signToken({ ...config.jwt, secret: new TextEncoder().encode('x'.repeat(40)) }, user);
    expect((await fails(stack.graphql(`{ me { id } }`, {}, forged))).code).toBe('UNAUTHENTICATED');
    const expired = await signToken(config.jwt, user, -10);
    expect(await fails(stack.graphql(`{ me { id } }`, {}, expired))).toMatchObject({
      code: 'UNAUTHENTICATED',
      message: 'Token expired: sign in again',
    });
  });
});

describe('roles', () => {
  let operator: string;
  let viewer: string;
  beforeAll(async () => {
    operator = await addUser(stack, admin, 'OPERATOR');
    viewer = await addUser(stack, admin, 'VIEWER');
  });

  const createAgent = `mutation { createAgent(input: { name: "Bot" }) { id } }`;
  const createPhone = `mutation { createPhone(input: { name: "Line", number: "+14155552671", provider: SIMULATED }) { id } }`;
  const createUser = (role: string) =>
    `mutation { createUser(input: { email: "${uniqueEmail()}", password: "long enough", role: ${role} }) { id } }`;
  const createCampaign = (agentId: string) =>
    `mutation { createCampaign(input: { name: "C", agentId: "${agentId}" }) { id } }`;

  it('ADMIN manages users, agents and phones; others may not', async () => {
    for (const token of [operator, viewer]) {
      for (const op of [createAgent, createPhone, createUser('VIEWER')]) {
        expect((await fails(stack.graphql(op, {}, token))).code).toBe('FORBIDDEN');
      }
    }
    await ok(stack.graphql(createAgent, {}, admin.token));
    await ok(stack.graphql(createUser('VIEWER'), {}, admin.token));
  });

  it('OPERATOR runs campaigns; VIEWER only reads', async () => {
    const created = await ok<any>(stack.graphql(createCampaign(admin.agentId), {}, operator));
    const id = created.createCampaign.id as string;
    const viewerWrites = [
      createCampaign(admin.agentId),
      `mutation { updateCampaign(id: "${id}", input: { name: "x" }) { id } }`,
      `mutation { deleteCampaign(id: "${id}") }`,
      `mutation { addContacts(campaignId: "${id}", contacts: [{ phoneNumber: "+14155552671" }]) { accepted } }`,
      `mutation { startCampaign(id: "${id}") { id } }`,
      `mutation { importContactsCsv(campaignId: "${id}", csv: "phone\\n+14155552671") { accepted } }`,
    ];
    for (const op of viewerWrites) {
      const error = await fails(stack.graphql(op, {}, viewer));
      expect(error.code).toBe('FORBIDDEN');
      expect(error.message).toBe('This needs the OPERATOR role; you are VIEWER');
    }
    const read = await ok<any>(
      stack.graphql(
        `{ campaign(id: "${id}") { name } campaigns { totalCount } agents { id } phones { id } me { role } }`,
        {},
        viewer,
      ),
    );
    expect(read.me.role).toBe('VIEWER');
    expect(read.campaign.name).toBe('C');
    // recountCampaign is an admin tool.
    expect((await fails(stack.graphql(`mutation { recountCampaign(id: "${id}") { id } }`, {}, operator))).code).toBe(
      'FORBIDDEN',
    );
    await ok(
      stack.graphql(`mutation { updateCampaign(id: "${id}", input: { name: "Renamed" }) { id } }`, {}, operator),
    );
  });
});

describe('phones and agents', () => {
  it('normalises numbers to E.164, rejects invalid ones, and never returns credentials', async () => {
    const data = await ok<any>(
      stack.graphql(
        `mutation($input: PhoneInput!) { createPhone(input: $input) { number provider hasCredentials isDefault maxConcurrentCalls callsPerSecond } }`,
        {
          input: {
            name: 'Twilio line',
            number: '(415) 555-2672',
            provider: 'TWILIO',
            credentials: { accountSid: 'AC1', authToken: 'secret' },
            maxConcurrentCalls: 5,
            callsPerSecond: 1,
          },
        },
        admin.token,
      ),
    );
    expect(data.createPhone).toEqual({
      number: '+14155552672',
      provider: 'TWILIO',
      hasCredentials: true,
      isDefault: false,
      maxConcurrentCalls: 5,
      callsPerSecond: 1,
    });
    const bad = await fails(
      stack.graphql(
        `mutation { createPhone(input: { name: "x", number: "+1555555", provider: SIMULATED }) { id } }`,
        {},
        admin.token,
      ),
    );
    expect(bad).toMatchObject({ code: 'BAD_USER_INPUT', field: 'number' });
    const dup = await fails(
      stack.graphql(
        `mutation { createPhone(input: { name: "x", number: "+14155552672", provider: SIMULATED }) { id } }`,
        {},
        admin.token,
      ),
    );
    expect(dup.code).toBe('CONFLICT');
    const rates = await fails(
      stack.graphql(
        `mutation { createPhone(input: { name: "x", number: "+14155552673", provider: SIMULATED, simulation: { busyRate: 0.6, failRate: 0.6 } }) { id } }`,
        {},
        admin.token,
      ),
    );
    expect(rates).toMatchObject({ code: 'BAD_USER_INPUT', field: 'simulation' });
  });

  it('moves the default phone with updatePhone', async () => {
    const created = await ok<any>(
      stack.graphql(
        `mutation { createPhone(input: { name: "Second", number: "+14155552674", provider: SIMULATED }) { id } }`,
        {},
        admin.token,
      ),
    );
    await ok(
      stack.graphql(
        `mutation($id: ID!) { updatePhone(id: $id, input: { isDefault: true, simulation: { minDurationMs: 10, maxDurationMs: 20 } }) { id } }`,
        { id: created.createPhone.id },
        admin.token,
      ),
    );
    const phones = await ok<any>(
      stack.graphql(`{ phones { id isDefault simulation { minDurationMs maxDurationMs busyRate } } }`, {}, admin.token),
    );
    const defaults = phones.phones.filter((p: any) => p.isDefault);
    expect(defaults).toEqual([
      {
        id: created.createPhone.id,
        isDefault: true,
        simulation: { minDurationMs: 10, maxDurationMs: 20, busyRate: 0.1 },
      },
    ]);
    // Back to the original default so other tests see the account as it was signed up.
    await ok(
      stack.graphql(
        `mutation($id: ID!) { updatePhone(id: $id, input: { isDefault: true }) { id } }`,
        { id: admin.phoneId },
        admin.token,
      ),
    );
  });

  it('updates and deletes agents, refusing one a campaign uses', async () => {
    const agent = await ok<any>(
      stack.graphql(`mutation { createAgent(input: { name: "Temp", description: "d" }) { id } }`, {}, admin.token),
    );
    const id = agent.createAgent.id as string;
    const updated = await ok<any>(
      stack.graphql(
        `mutation($id: ID!) { updateAgent(id: $id, input: { name: "Renamed" }) { name description } }`,
        { id },
        admin.token,
      ),
    );
    expect(updated.updateAgent).toEqual({ name: 'Renamed', description: 'd' });
    await ok(
      stack.graphql(
        `mutation($a: ID!) { createCampaign(input: { name: "Uses agent", agentId: $a }) { id } }`,
        { a: id },
        admin.token,
      ),
    );
    expect((await fails(stack.graphql(`mutation($id: ID!) { deleteAgent(id: $id) }`, { id }, admin.token))).code).toBe(
      'CONFLICT',
    );
    expect(
      (await fails(stack.graphql(`mutation($id: ID!) { deleteAgent(id: $id) }`, { id: admin.agentId }, admin.token)))
        .code,
    ).toBe('CONFLICT');
  });
});
