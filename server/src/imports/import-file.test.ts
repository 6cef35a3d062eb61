import { Readable } from 'node:stream';
import mongoose from 'mongoose';
import { startTestInfra } from '../test/harness';
import type { TestInfra } from '../test/harness';
import { deleteImportFile, readImportFile, storeImportFile } from './import-file';

/**
 * GridFS through the driver's own GridFSBucket, on the embedded MongoDB server (or a real one
 * with MONGODB_URI): what import jobs store their uploads in.
 */
describe('import files (GridFS)', () => {
  let infra: TestInfra;
  beforeAll(async () => {
    infra = await startTestInfra();
    await mongoose.connect(infra.mongoUri);
  });
  afterAll(async () => {
    await mongoose.disconnect();
    await infra?.stop();
  });

  const db = () => mongoose.connection.db!;

  it('stores a file of several chunks, reads it back byte for byte with its progress, and deletes it', async () => {
    // 1.2 MB: five 255 KiB chunks, the last one short.
    const bytes = Buffer.alloc(1_200_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 8)) & 0xff;
    const body = Readable.from([bytes.subarray(100, 700_000), bytes.subarray(700_000)]);
    const { fileId, size } = await storeImportFile(body, bytes.subarray(0, 100), {
      fileName: 'contacts.csv',
      maxBytes: 10_000_000,
      metadata: { note: 'test' },
    });
    expect(size).toBe(bytes.length);
    const files = await db().collection('imports.files').find({ _id: fileId }).toArray();
    expect(files).toEqual([expect.objectContaining({ length: bytes.length, filename: 'contacts.csv' })]);
    expect(await db().collection('imports.chunks').countDocuments({ files_id: fileId })).toBe(5);
    const indexes = (await db().collection('imports.chunks').listIndexes().toArray()).map((i) => i['key']);
    expect(indexes).toContainEqual({ files_id: 1, n: 1 });

    const seen: number[] = [];
    const parts: Buffer[] = [];
    for await (const chunk of readImportFile(fileId, (total) => seen.push(total))) parts.push(chunk);
    expect(Buffer.concat(parts).equals(bytes)).toBe(true);
    expect(seen.at(-1)).toBe(bytes.length);
    expect(seen.length).toBe(5);

    await deleteImportFile(fileId);
    await deleteImportFile(fileId); // gone already: not an error
    expect(await db().collection('imports.files').countDocuments({ _id: fileId })).toBe(0);
    expect(await db().collection('imports.chunks').countDocuments({ files_id: fileId })).toBe(0);
  });

  it('refuses a file over the limit and leaves nothing of it behind', async () => {
    const before = await db().collection('imports.chunks').countDocuments({});
    const body = Readable.from([Buffer.alloc(600_000, 0x41)]);
    await expect(
      storeImportFile(body, Buffer.alloc(0), { fileName: 'big.csv', maxBytes: 500_000, metadata: {} }),
    ).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    expect(await db().collection('imports.chunks').countDocuments({})).toBe(before);
  });
});
