/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies: their shape is checked by assertions */
import iconv from 'iconv-lite';
import { Redis } from 'ioredis';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { addUser, ok, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { DoNotCallModel } from './dnc.model';

describe('POST /api/dnc.csv', () => {
  let stack: TestStack;
  let acme: TestAccount;
  beforeAll(async () => {
    stack = await startTestStack();
    acme = await signUpAccount(stack, 'Acme');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (body: Uint8Array | string, token = acme.token, type = 'text/csv') =>
    fetch(`${stack.url}/api/dnc.csv`, {
      method: 'POST',
      headers: { 'content-type': type, authorization: `Bearer ${token}` },
      body,
    });
  const numbersOf = async (organizationId: string) =>
    (await DoNotCallModel.find({ organizationId }).sort({ phoneNumber: 1 }).lean()).map((e) => e.phoneNumber);

  it('adds the numbers of the phone column, national ones in the organization country, with a CSV source', async () => {
    const res = await post('Name,Phone Number\nAnn,+1 415 555 0301\nBob,(415) 555-0302\n');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      added: 2,
      alreadyListed: 0,
      rejected: [],
      rejectedCount: 0,
      totalRows: 2,
      truncated: false,
      error: null,
    });
    const entry = await DoNotCallModel.findOne({ organizationId: acme.organizationId, phoneNumber: '+14155550302' });
    expect(entry?.source).toMatchObject({ kind: 'CSV' });
    expect(String(entry?.source?.userId)).toBe(acme.userId);
  });

  it('reads a plain list of numbers without a header, in Windows-1252 or UTF-16', async () => {
    const res = await post('+14155550311\n+14155550312\r\n');
    expect(await res.json()).toMatchObject({ added: 2, totalRows: 2, rejectedCount: 0 });
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('téléphone\r\n+14155550313\r\n', 'utf16le')]);
    // "téléphone" is no phone header, and not a number: the file is refused, naming the rule.
    const refused = await post(utf16);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).error).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    const cp1252 = iconv.encode('Téléphone,phone\r\nJosé,+14155550314\r\n', 'win1252');
    expect(await (await post(cp1252)).json()).toMatchObject({ added: 1, rejectedCount: 0 });
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('number\r\n+14155550315\r\n', 'utf16le')]);
    expect(await (await post(le)).json()).toMatchObject({ added: 1 });
    expect(await numbersOf(acme.organizationId)).toEqual(
      expect.arrayContaining(['+14155550311', '+14155550312', '+14155550314', '+14155550315']),
    );
  });

  it('counts numbers already listed, in the list or earlier in the file, and reports bad rows by row', async () => {
    await ok(stack.graphql(`mutation { addDoNotCall(phoneNumbers: ["+14155550321"]) }`, {}, acme.token));
    const csv = [
      'phone',
      '+14155550321',
      '+14155550322',
      'not a number',
      '+1 415 555 0322',
      '',
      '+999',
      '+14155550323',
    ];
    const report: any = await (await post(csv.join('\n') + '\n')).json();
    expect(report).toMatchObject({ added: 2, alreadyListed: 2, rejectedCount: 2, totalRows: 6 });
    expect(report.rejected).toEqual([
      { row: 4, phoneNumber: 'not a number', reason: 'phoneNumber is not a phone number' },
      { row: 7, phoneNumber: '+999', reason: expect.stringMatching(/^phoneNumber is not/) },
    ]);
    // The first add's source stays: a later import does not take the number over.
    const first = await DoNotCallModel.findOne({ organizationId: acme.organizationId, phoneNumber: '+14155550321' });
    expect(first?.source?.kind).toBe('MANUAL');
  });

  it('bumps the do-not-call version once per batch, so the dialers reload once per batch', async () => {
    const redis = new Redis(stack.redisUrl);
    const key = `${stack.prefix}:dnc:version:${acme.organizationId}`;
    const before = Number((await redis.get(key)) ?? 0);
    const numbers = Array.from({ length: 2500 }, (_, i) => `+1212555${String(i).padStart(4, '0')}`);
    const report: any = await (await post(['phone', ...numbers].join('\n'))).json();
    expect(report).toMatchObject({ added: 2500, rejectedCount: 0 });
    expect(Number(await redis.get(key))).toBe(before + 3);
    redis.disconnect();
  });

  it('is for OPERATORs and ADMINs, and wants text/csv', async () => {
    const viewer = await addUser(stack, acme, 'VIEWER');
    const refused = await post('phone\n+14155550331\n', viewer);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as any).error.code).toBe('FORBIDDEN');
    const operator = await addUser(stack, acme, 'OPERATOR');
    expect(await (await post('phone\n+14155550331\n', operator)).json()).toMatchObject({ added: 1 });
    expect((await post('phone\n+14155550332\n', 'not-a-token')).status).toBe(401);
    expect((await post('phone\n+14155550332\n', operator, 'application/json')).status).toBe(415);
    expect(await numbersOf(acme.organizationId)).not.toContain('+14155550332');
  });

  it('keeps each organization to its own list', async () => {
    const globex = await signUpAccount(stack, 'Globex');
    expect(await (await post('phone\n+14155550341\n', globex.token)).json()).toMatchObject({ added: 1 });
    expect(await numbersOf(globex.organizationId)).toEqual(['+14155550341']);
    expect(await numbersOf(acme.organizationId)).not.toContain('+14155550341');
  });
});
