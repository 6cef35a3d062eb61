/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies: their shape is checked by assertions */
import { connect } from 'node:net';
import iconv from 'iconv-lite';
import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import { createCampaign, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { ContactModel } from './contact.model';
import { IMPORT_WRITES_IN_FLIGHT, importContactsCsv } from './contact.import';
import type { CsvImportCheckpoint } from './contact.import';
import { insertContacts } from './contact.service';

describe('CSV import: awkward files and overlapping writes', () => {
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

  // Writes overlap parsing.
  it('writes two batches at a time, committing checkpoints in file order, each counting exactly the rows up to its line', async () => {
    const id = await createCampaign(stack, acme, 'Overlap');
    // Line n (from 2) holds data row n - 1: every 7th a bad number, every 11th a repeat of the row before it.
    const lines = ['phone,name'];
    for (let row = 1; row <= 250; row++) {
      const phone = row % 7 === 0 ? `bad-${row}` : `+1415555${String(row % 11 === 0 ? row - 1 : row).padStart(4, '0')}`;
      lines.push(`${phone},P${row}`);
    }
    const file = lines.join('\n') + '\n';
    const writtenSizes: number[] = [];
    let writing = 0;
    let mostAtOnce = 0;
    let calls = 0;
    const checkpoints: CsvImportCheckpoint[] = [];
    const insert: typeof insertContacts = async (campaignId, contacts) => {
      writing += 1;
      mostAtOnce = Math.max(mostAtOnce, writing);
      // Slow enough that the loop reaches the next batch's end meanwhile; every other batch
      // slower, so a later batch's write ends first and its commit must wait for the earlier one.
      await new Promise((r) => setTimeout(r, ++calls % 2 === 1 ? 60 : 10));
      try {
        return await insertContacts(campaignId, contacts);
      } finally {
        writing -= 1;
        writtenSizes.push(contacts.length);
      }
    };
    const report = await importContactsCsv(stack.app.services, acme.organizationId, id, [file], {
      batchSize: 40,
      insert,
      onCommit: async (checkpoint) => {
        checkpoints.push(checkpoint);
      },
    });
    expect(mostAtOnce).toBe(IMPORT_WRITES_IN_FLIGHT);
    const dataRows = (line: number) => line - 1;
    const bad = (line: number) => Math.floor(dataRows(line) / 7);
    for (const { line, report: r } of checkpoints) {
      // Every data row up to the line, and none after it, is in the checkpoint's counts.
      expect(r.totalRows).toBe(dataRows(line));
      expect(r.rejectedCount).toBe(bad(line));
      expect(r.accepted + r.duplicates + r.rejectedCount).toBe(dataRows(line));
      expect(r.rejected.every((x) => x.row <= line)).toBe(true);
    }
    expect(checkpoints.map((c) => c.line)).toEqual([...checkpoints.map((c) => c.line)].sort((a, b) => a - b));
    const last = checkpoints[checkpoints.length - 1]!;
    expect(last.line).toBe(251);
    expect(last.report).toEqual(report);
    expect(report).toMatchObject({ totalRows: 250, rejectedCount: 35 });
    expect(report.accepted + report.duplicates).toBe(215);
    expect(await ContactModel.countDocuments({ campaignId: id })).toBe(report.accepted);
    expect(writtenSizes.reduce((a, b) => a + b, 0)).toBe(215);
  });

  it('reports a failed write, commits nothing after it, and starts no write once it is known', async () => {
    const id = await createCampaign(stack, acme, 'Failing write');
    const file = 'phone\n' + Array.from({ length: 100 }, (_, i) => `+1415556${String(i).padStart(4, '0')}`).join('\n');
    let calls = 0;
    const insert: typeof insertContacts = async (campaignId, contacts) => {
      calls += 1;
      if (calls === 2) throw new Error('write failed');
      return insertContacts(campaignId, contacts);
    };
    const committed: number[] = [];
    await expect(
      importContactsCsv(stack.app.services, acme.organizationId, id, [file], {
        batchSize: 10,
        insert,
        onCommit: async ({ line }) => void committed.push(line),
      }),
    ).rejects.toThrow('write failed');
    // The batch after the failed one may have been under way beside it (written, never committed).
    expect(calls).toBeLessThanOrEqual(1 + IMPORT_WRITES_IN_FLIGHT);
    expect(committed).toEqual([11]);
    expect(await ContactModel.countDocuments({ campaignId: id })).toBe(10 * (calls - 1));
  });
});
