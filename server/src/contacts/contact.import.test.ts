/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies: their shape is checked by assertions */
import { connect } from 'node:net';
import iconv from 'iconv-lite';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { createCampaign, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { ContactModel } from './contact.model';

describe('CSV import: awkward files', () => {
  let stack: TestStack;
  let acme: TestAccount;
  beforeAll(async () => {
    stack = await startTestStack();
    acme = await signUpAccount(stack, 'Acme');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  const post = (campaignId: string, body: Uint8Array | string) =>
    fetch(`${stack.url}/api/campaigns/${campaignId}/contacts.csv`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv', authorization: `Bearer ${acme.token}` },
      body,
    });

  it('keeps columns named __proto__, constructor and toString as custom data', async () => {
    const id = await createCampaign(stack, acme, 'Prototype names');
    const res = await post(id, 'phone,__proto__,constructor,toString\n+14155550201,a,b,c\n');
    expect(((await res.json()) as any).accepted).toBe(1);
    const contact = await ContactModel.findOne({ campaignId: id }).lean();
    expect({ ...(contact?.customData as object) }).toEqual({ ['__proto__']: 'a', constructor: 'b', toString: 'c' });
    expect(Object.keys(contact?.customData as object).sort()).toEqual(['__proto__', 'constructor', 'toString']);
  });

  it('says a header row of a million columns is too long, not that the file is empty', async () => {
    const id = await createCampaign(stack, acme, 'Wide');
    const header = Array.from({ length: 1_000_000 }, (_, i) => `c${i}`).join(',');
    const started = Date.now();
    const res = await post(id, `phone,${header}\n+14155550202\n`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'csv',
      message: 'csv: the header row is longer than 65536 characters: is this the contacts file?',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await ContactModel.countDocuments({ campaignId: id })).toBe(0);
  });

  it('reads UTF-16 files by their byte-order mark, and names the problem without one', async () => {
    const text = 'Phone,Name\r\n+14155550203,José\r\n+14155550204,Zoë 😀\r\n';
    for (const encoding of ['utf16le', 'utf16be'] as const) {
      const id = await createCampaign(stack, acme, `UTF-16 ${encoding}`);
      const bom = encoding === 'utf16le' ? [0xff, 0xfe] : [0xfe, 0xff];
      const res = await post(id, Buffer.concat([Buffer.from(bom), iconv.encode(text, encoding)]));
      expect(await res.json()).toMatchObject({ accepted: 2, rejectedCount: 0 });
      const names = (await ContactModel.find({ campaignId: id }).lean()).map((c) => c.name).sort();
      expect(names).toEqual(['José', 'Zoë 😀']);
    }
    const id = await createCampaign(stack, acme, 'UTF-16 without BOM');
    const res = await post(id, iconv.encode(text, 'utf16le'));
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toBe(
      'csv: the file looks like UTF-16 without a byte-order mark: save it as UTF-8 (or UTF-16 with its byte-order mark)',
    );
  });

  it('closes the connection after refusing a file it did not read to its end', async () => {
    const id = await createCampaign(stack, acme, 'Early refusal');
    const { hostname, port } = new URL(stack.url);
    const socket = connect(Number(port), hostname);
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString()));
    const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    const firstPart = 'name,email\n' + 'Ann,a@example.com\n'.repeat(2_000);
    socket.write(
      [
        `POST /api/campaigns/${id}/contacts.csv HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        `Authorization: Bearer ${acme.token}`,
        'Content-Type: text/csv',
        `Content-Length: ${10 * 1024 * 1024}`,
        'Connection: keep-alive',
        '',
        firstPart,
      ].join('\r\n'),
    );
    // The server refuses at the header (no phone column) with most of the body unsent, and
    // closes: a keep-alive connection would leave the client's next request stuck behind it.
    let timer: NodeJS.Timeout | undefined;
    const closedInTime = await Promise.race([
      ended.then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 5_000))),
    ]);
    clearTimeout(timer);
    socket.destroy();
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply.toLowerCase()).toContain('connection: close');
    expect(closedInTime).toBe(true);
  });
});
