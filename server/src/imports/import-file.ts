import { Transform } from 'node:stream';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mongoose, { Types } from 'mongoose';
import { badInput } from '../errors';

/**
 * Uploaded CSV files, kept in MongoDB's GridFS (bucket `imports`: collections `imports.files`
 * and `imports.chunks`) until their import job ends. In MongoDB rather than on a disk so that
 * any worker can run (or resume) any job, whichever API process received the upload.
 * https://www.mongodb.com/docs/manual/core/gridfs/
 */
const BUCKET = 'imports';

function bucket(): mongoose.mongo.GridFSBucket {
  const db = mongoose.connection.db;
  if (!db) throw new Error('MongoDB is not connected: connect mongoose before storing import files');
  return new mongoose.mongo.GridFSBucket(db, { bucketName: BUCKET });
}

/** Counts the bytes that pass, and refuses a file over `maxBytes` (its partial copy is removed by the caller). */
function byteCounter(maxBytes: number, onBytes: (total: number) => void): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      total += chunk.length;
      if (total > maxBytes) {
        done(badInput('csv', `the file is larger than ${Math.floor(maxBytes / (1024 * 1024))} MB: split it`));
        return;
      }
      onBytes(total);
      done(null, chunk);
    },
  });
}

/**
 * Stores an upload and returns its id and size. `head` is what the caller already read from
 * `body` (the header check), stored first.
 */
export async function storeImportFile(
  body: Readable,
  head: Buffer,
  options: { fileName: string; maxBytes: number; metadata: Record<string, unknown> },
): Promise<{ fileId: Types.ObjectId; size: number }> {
  const fileId = new Types.ObjectId();
  const upload = bucket().openUploadStreamWithId(fileId, options.fileName, { metadata: options.metadata });
  let size = 0;
  const counter = byteCounter(options.maxBytes, (total) => (size = total));
  async function* withHead(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for await (const chunk of body) yield chunk as Buffer;
  }
  try {
    await pipeline(withHead(), counter, upload);
  } catch (error) {
    await deleteImportFile(fileId);
    throw error;
  }
  return { fileId, size };
}

/**
 * The stored file as a stream of bytes; `onBytes` hears the running total of bytes handed
 * on (the job's progress: bytes read of the file's size).
 */
export async function* readImportFile(
  fileId: Types.ObjectId,
  onBytes: (total: number) => void,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of bucket().openDownloadStream(fileId)) {
    const bytes = chunk as Buffer;
    total += bytes.length;
    onBytes(total);
    yield bytes;
  }
}

/** Removes a stored file; a file already gone is not an error (two runs may both finish it). */
export async function deleteImportFile(fileId: Types.ObjectId): Promise<void> {
  try {
    await bucket().delete(fileId);
  } catch (error) {
    // The driver's "File not found for id": nothing left to remove.
    if (!/not found/i.test((error as Error).message)) throw error;
  }
}
