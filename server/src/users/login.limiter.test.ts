import { randomBytes, scryptSync } from 'node:crypto';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { signUpAccount, uniqueEmail } from '../test/api';
import type { TestAccount } from '../test/api';
import { UserModel } from './user.model';

const LOGIN = `mutation($email: String!, $password: String!) { login(email: $email, password: $password) { token } }`;
const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { token } }`;

/** Low limits, so each test needs a handful of (deliberately slow) password checks. */
const ENV = { LOGIN_FAILURES_PER_ACCOUNT: '3', LOGIN_FAILURES_PER_IP: '5', SIGNUPS_PER_IP: '2' };

describe('login and sign-up throttling', () => {
  let stack: TestStack;
  let account: TestAccount;

  /** POSTs an operation and keeps the HTTP status and Retry-After header. */
  async function post(query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    };
    return { status: response.status, retryAfter: response.headers.get('retry-after'), ...body };
  }
  const login = (email: string, password: string) => post(LOGIN, { email, password });

  beforeAll(async () => {
    stack = await startTestStack(ENV);
    account = await signUpAccount(stack, 'Throttled');
  }, 120_000);
  beforeEach(async () => {
    // Each test starts with clean counters (they live in Redis under the stack's prefix).
    const keys = await stack.app.services.redis.keys(`${stack.prefix}:auth-limit*`);
    if (keys.length > 0) await stack.app.services.redis.del(...keys);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('refuses an account after its failed logins with RATE_LIMITED, 429 and Retry-After, even with the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const wrong = await login(account.email, 'wrong password');
      expect(wrong.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    const started = Date.now();
    const refused = await login(account.email, account.password);
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    const retryAfter = refused.errors?.[0]?.extensions?.['retryAfterSeconds'] as number;
    expect(retryAfter).toBeGreaterThan(800);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect(refused.retryAfter).toBe(String(retryAfter));
    expect(refused.errors?.[0]?.message).toMatch(/^Too many failed sign-ins for this account: try again in \d+ s$/);
    // Refused before any password is hashed.
    expect(Date.now() - started).toBeLessThan(300);
    // The limit is per account: another account still signs in.
    const other = await signUpAccount(stack, 'Other');
    expect((await login(other.email, other.password)).data).toMatchObject({ login: { token: expect.any(String) } });
  });

  it('clears an account’s failures when it signs in', async () => {
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 2; i++) await login(account.email, 'wrong password');
      const ok = await login(account.email, account.password);
      expect(ok.errors).toBeUndefined();
    }
  });

  it('refuses an address after its failed logins across accounts', async () => {
    for (let i = 0; i < 5; i++) {
      const wrong = await login(uniqueEmail('nobody'), 'wrong password');
      expect(wrong.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    }
    const refused = await login(uniqueEmail('nobody'), 'wrong password');
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.message).toMatch(/^Too many failed sign-ins from this address/);
  });

  it('refuses sign-ups from one address past the limit', async () => {
    const input = () => ({ email: uniqueEmail('signup'), password: 'correct horse battery', organizationName: 'X' });
    expect((await post(SIGN_UP, { input: input() })).errors).toBeUndefined();
    expect((await post(SIGN_UP, { input: input() })).errors).toBeUndefined();
    const refused = await post(SIGN_UP, { input: input() });
    expect(refused.status).toBe(429);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED' });
    expect(refused.errors?.[0]?.message).toMatch(/^Too many sign-ups from this address/);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY says to believe it', async () => {
    const input = () => ({ email: uniqueEmail('spoof'), password: 'correct horse battery', organizationName: 'X' });
    // A client forging a new address per request is still one address.
    for (let i = 0; i < 2; i++) {
      expect((await post(SIGN_UP, { input: input() }, { 'x-forwarded-for': `203.0.113.${i}` })).errors).toBeUndefined();
    }
    const refused = await post(SIGN_UP, { input: input() }, { 'x-forwarded-for': '203.0.113.9' });
    expect(refused.status).toBe(429);
  });
});

describe('throttling behind a trusted proxy (TRUST_PROXY)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    // The test's requests come from loopback, which stands for the proxy here.
    stack = await startTestStack({ ...ENV, TRUST_PROXY: 'loopback' });
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  async function signUpFrom(forwardedFor: string) {
    const response = await fetch(`${stack.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      body: JSON.stringify({
        query: SIGN_UP,
        variables: {
          input: { email: uniqueEmail('proxied'), password: 'correct horse battery', organizationName: 'X' },
        },
      }),
    });
    return response.status;
  }

  it('limits each client address the proxy forwards, not the proxy itself', async () => {
    for (const client of ['198.51.100.1', '198.51.100.2']) {
      expect(await signUpFrom(client)).toBe(200);
      expect(await signUpFrom(client)).toBe(200);
      expect(await signUpFrom(client)).toBe(429);
    }
    // The client's own address is the nearest untrusted one: a forged entry before it changes nothing.
    expect(await signUpFrom('203.0.113.7, 198.51.100.1')).toBe(429);
  });
});

describe('password cost', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack();
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('hashes new passwords with scrypt N = 2^17, and re-hashes an older hash at the next login', async () => {
    const account = await signUpAccount(stack, 'Cost');
    const fresh = await UserModel.findById(account.userId).lean();
    expect(fresh?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);

    // A hash made with the old cost (N = 2^14), as stored before this change.
    const salt = randomBytes(16);
    const key = scryptSync(account.password.normalize('NFKC'), salt, 32, { N: 16384, r: 8, p: 1 });
    const old = ['scrypt', 16384, 8, 1, salt.toString('base64url'), key.toString('base64url')].join('$');
    await UserModel.updateOne({ _id: account.userId }, { $set: { passwordHash: old } });

    const login = await stack.graphql(LOGIN, { email: account.email, password: account.password });
    expect(login.errors).toBeUndefined();
    const after = await UserModel.findById(account.userId).lean();
    expect(after?.passwordHash).toMatch(/^scrypt\$131072\$8\$1\$/);
    // And the new hash verifies.
    expect((await stack.graphql(LOGIN, { email: account.email, password: account.password })).errors).toBeUndefined();
  }, 30_000);
});
