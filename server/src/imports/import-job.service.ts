import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { Types } from 'mongoose';
import { IMPORT_WRITES_IN_FLIGHT, headerProblem, importContactsCsv } from '../contacts/contact.import';
import type { CsvImportCheckpoint, CsvImportReport } from '../contacts/contact.import';
import { contactTarget, insertContacts } from '../contacts/contact.service';
import { ContactModel } from '../contacts/contact.model';
import { getCampaign } from '../campaigns/campaign.service';
import type { AppServices } from '../context';
import { AppError, notFound } from '../errors';
import { logger } from '../logger';
import { parseObjectId } from '../object-id';
import { deleteImportFile, readImportFile, storeImportFile } from './import-file';
import {
  IMPORT_JOB_MAX_REJECTED,
  ImportJobModel,
  checkpointOf,
  importJobView,
  storedCheckpoint,
} from './import-job.model';
import type { ImportJobView } from './import-job.model';
import { ProgressPacer } from './progress-pacer';

/**
 * Import jobs: a CSV stored first (GridFS), imported in the background by a worker through the
 * same core as the synchronous import (`contacts/contact.import.ts`), with a checkpoint after
 * every committed batch so a run that dies is resumed by the next one. Knows nothing of HTTP,
 * GraphQL or BullMQ: the route, the resolver and the queue translate.
 *
 * Exactness on resume. A batch is written (insertMany, then the campaign's counter `$inc`) and
 * then checkpointed; a crash in between leaves rows in MongoDB that the checkpoint does not
 * count. Each contact's `_id` is derived from the job and its file line (`contactIdFor`), so
 * the resumed run asks which ids of a batch already exist before writing it: those rows are
 * its own, counted as accepted (not duplicates, which a plain re-insert would have called
 * them), and the rest are written as usual. Up to `IMPORT_WRITES_IN_FLIGHT` batches are written
 * at once, checkpoints committing in file order, so any of the batches after the checkpoint up to
 * that many may hold rows (the later written, the earlier not, when its insert failed): the run
 * keeps asking until that many batches in a row had none of its own rows. Whether those batches'
 * counter `$inc`s happened is unknown, so a run that found such rows recounts the campaign when
 * it ends.
 */

export interface ImportJobDeps {
  services: Pick<AppServices, 'events' | 'lifecycle'>;
  /** Queues a run of the job (BullMQ). */
  enqueue: (jobId: string) => Promise<void>;
  /** Largest file stored, in bytes. */
  maxBytes: number;
  /** Least time between two progress events of one job. Default 250 ms (at most 4 a second). */
  progressEveryMs?: number;
}

/**
 * Rows per batch of a job (the synchronous import writes 1,000): each batch costs a checkpoint
 * write (the job document, with its list of rejected rows), a counter `$inc` and three round
 * trips, so bigger batches spend less on them per row; memory holds three batches at most.
 */
export const IMPORT_JOB_BATCH_SIZE = 2_000;

/** Bytes read from an upload, at most, to find its header row before storing it. */
const HEAD_BYTES = 64 * 1024;

/** The upload's first bytes: up to its first line end, or HEAD_BYTES; `complete` when that was all. */
async function readHead(body: Readable): Promise<{ head: Buffer; complete: boolean }> {
  const parts: Buffer[] = [];
  let size = 0;
  for (;;) {
    const chunk = await nextChunk(body);
    if (chunk === null) return { head: Buffer.concat(parts), complete: true };
    parts.push(chunk);
    size += chunk.length;
    if (size >= HEAD_BYTES || chunk.includes(0x0a)) return { head: Buffer.concat(parts), complete: false };
  }
}

/** The stream's next chunk without ending it (an async iterator's `return` would destroy it). */
function nextChunk(body: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunk = body.read() as Buffer | null;
    if (chunk !== null) return resolve(chunk);
    if (body.readableEnded) return resolve(null);
    const done = (value: Buffer | null, error?: Error) => {
      body.off('readable', onReadable).off('end', onEnd).off('error', onError);
      if (error) reject(error);
      else resolve(value);
    };
    const onReadable = () => {
      const next = body.read() as Buffer | null;
      if (next !== null) done(next);
    };
    const onEnd = () => done(null);
    const onError = (error: Error) => done(null, error);
    body.on('readable', onReadable).on('end', onEnd).on('error', onError);
  });
}

/**
 * Stores an upload and queues its import. Refuses at once what is known before storing: the
 * campaign (NOT_FOUND, CONFLICT when cancelled) and a header row without a phone column.
 */
export async function createImportJob(
  deps: ImportJobDeps,
  input: { organizationId: string; campaignId: string; body: Readable; fileName?: string | null },
): Promise<ImportJobView> {
  const { campaign } = await contactTarget(input.organizationId, input.campaignId);
  const { head, complete } = await readHead(input.body);
  const problem = await headerProblem(head, complete);
  if (problem) throw problem;
  const jobId = new Types.ObjectId();
  const fileName = (input.fileName ?? '').slice(0, 200) || 'contacts.csv';
  const { fileId, size } = await storeImportFile(input.body, head, {
    fileName,
    maxBytes: deps.maxBytes,
    metadata: { importJobId: jobId, campaignId: campaign._id },
  });
  const doc = await ImportJobModel.create({
    _id: jobId,
    organizationId: campaign.organizationId,
    campaignId: campaign._id,
    fileId,
    fileName,
    fileSize: size,
  });
  try {
    await deps.enqueue(String(jobId));
  } catch (error) {
    // Nothing would ever run it: say so on the job rather than leave it QUEUED forever.
    await finish(jobId, doc.runs ?? 0, { status: 'FAILED', failure: 'the import could not be queued: try again' });
    await deleteImportFile(fileId);
    throw error;
  }
  return importJobView(doc);
}

/** One job of the caller's organization (NOT_FOUND for another's, or a malformed id). */
export async function getImportJob(organizationId: string, id: string): Promise<ImportJobView> {
  const _id = parseObjectId(id);
  const org = parseObjectId(organizationId);
  const doc = _id && org ? await ImportJobModel.findOne({ _id, organizationId: org }).lean().exec() : null;
  if (!doc) throw notFound('Import job');
  return importJobView(doc);
}

/** A campaign's import jobs, newest first (the last 50). */
export async function listImportJobs(organizationId: string, campaignId: string): Promise<ImportJobView[]> {
  const campaign = await getCampaign(organizationId, campaignId);
  const docs = await ImportJobModel.find({ campaignId: campaign._id }).sort({ createdAt: -1 }).limit(50).lean().exec();
  return docs.map((doc) => importJobView(doc));
}

/**
 * The `_id` of the contact on file line `line` of job `jobId`: the job's timestamp (so contacts
 * sort by import time, as fresh ObjectIds do), 4 bytes of a hash of the job id, and the line.
 * Another job's contacts, or fresh ObjectIds, collide with these only if 4 hash bytes match.
 */
export function contactIdFor(jobId: Types.ObjectId): (line: number) => Types.ObjectId {
  const prefix = Buffer.alloc(12);
  const job = Buffer.from(jobId.id);
  job.copy(prefix, 0, 0, 4);
  createHash('sha256').update(job).digest().copy(prefix, 4, 0, 4);
  return (line) => {
    const bytes = Buffer.from(prefix);
    bytes.writeUInt32BE(line >>> 0, 8);
    return new Types.ObjectId(bytes);
  };
}

/** Why a run stopped before its end: this process is stopping, or another run took the job over. */
export class ImportStoppedError extends Error {
  override name = 'ImportStoppedError';
  constructor(readonly reason: 'stopping' | 'killed' | 'superseded') {
    super(`import run stopped: ${reason}`);
  }
}

type Finish = { status: 'DONE'; report: CsvImportReport; bytesRead: number } | { status: 'FAILED'; failure: string };

/** Ends the job of run `run` (the conditional write fences a run another one superseded). */
async function finish(jobId: Types.ObjectId, run: number, end: Finish) {
  const set =
    end.status === 'DONE'
      ? {
          status: 'DONE',
          checkpoint: storedCheckpoint({ line: 0, report: end.report }),
          bytesRead: end.bytesRead,
          failure: null,
        }
      : { status: 'FAILED', failure: end.failure };
  return ImportJobModel.findOneAndUpdate(
    { _id: jobId, status: { $in: ['QUEUED', 'RUNNING'] }, runs: run },
    { $set: { ...set, finishedAt: new Date() }, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  )
    .lean()
    .exec();
}

/**
 * A write of one batch that, after a resume, first finds the batch's rows an earlier run
 * already wrote (see the file's comment). `found` counts them.
 */
function resumingInsert(resumed: boolean): { insert: typeof insertContacts; found: () => number } {
  /** Batches in a row (by when their answer came) that held none of this job's rows. */
  let clear = resumed ? 0 : IMPORT_WRITES_IN_FLIGHT;
  let found = 0;
  const insert: typeof insertContacts = async (campaignId, contacts) => {
    // Batches are written concurrently: one cut while an earlier one is still being asked about
    // asks too (`clear` has not reached the bound yet), which only costs a query.
    if (clear >= IMPORT_WRITES_IN_FLIGHT || contacts.length === 0) return insertContacts(campaignId, contacts);
    const ids = contacts.map((c) => c._id);
    const existing = await ContactModel.collection.find({ _id: { $in: ids } }, { projection: { _id: 1 } }).toArray();
    if (existing.length === 0) {
      clear += 1;
      return insertContacts(campaignId, contacts);
    }
    clear = 0;
    found += existing.length;
    const own = new Set(existing.map((d) => String(d._id)));
    const result = await insertContacts(
      campaignId,
      contacts.filter((c) => !own.has(String(c._id))),
    );
    return { ...result, inserted: result.inserted + existing.length };
  };
  return { insert, found: () => found };
}

/**
 * Runs (or resumes) a job to its end. Bad input (a bad header, the campaign cancelled or gone)
 * ends it FAILED with the reason; anything else is thrown for the queue to retry, and the next
 * run resumes from the last checkpoint. A job already DONE or FAILED is left alone.
 */
export async function runImportJob(
  deps: ImportJobDeps,
  id: string,
  signal?: AbortSignal,
): Promise<ImportJobView | null> {
  const jobId = new Types.ObjectId(id);
  const claimed = await ImportJobModel.findOneAndUpdate(
    { _id: jobId, status: { $in: ['QUEUED', 'RUNNING'] } },
    { $set: { status: 'RUNNING' }, $inc: { runs: 1, revision: 1 } },
    { returnDocument: 'after' },
  )
    .lean()
    .exec();
  if (!claimed) return null;
  const run = claimed.runs;
  if (!claimed.startedAt) {
    claimed.startedAt = new Date();
    await ImportJobModel.updateOne({ _id: jobId, startedAt: null }, { $set: { startedAt: claimed.startedAt } }).exec();
  }
  const pacer = new ProgressPacer(deps.services.events, deps.progressEveryMs ?? 250);
  pacer.update(importJobView(claimed));
  const resume = checkpointOf(claimed);
  const { insert, found } = resumingInsert(run > 1);
  let bytesRead = 0;
  const onCommit = async (checkpoint: CsvImportCheckpoint) => {
    const doc = await ImportJobModel.findOneAndUpdate(
      { _id: jobId, status: 'RUNNING', runs: run },
      { $set: { checkpoint: storedCheckpoint(checkpoint), bytesRead }, $inc: { revision: 1 } },
      { returnDocument: 'after' },
    )
      .lean()
      .exec();
    // Another run took the job over (this one's lock lapsed): it resumes from our last checkpoint.
    if (!doc) throw new ImportStoppedError('superseded');
    pacer.update(importJobView(doc));
  };
  let end: Finish;
  try {
    const report = await importContactsCsv(
      deps.services,
      String(claimed.organizationId),
      String(claimed.campaignId),
      claimed.fileId ? readImportFile(claimed.fileId, (total) => (bytesRead = total)) : [],
      {
        maxRejected: IMPORT_JOB_MAX_REJECTED,
        batchSize: IMPORT_JOB_BATCH_SIZE,
        resume: resume.line > 0 ? resume : null,
        onCommit,
        contactId: contactIdFor(jobId),
        insert,
        ...(signal ? { signal } : {}),
      },
    );
    // Rows an earlier run wrote just before it died: their counter update may be missing.
    if (found() > 0)
      await deps.services.lifecycle.recountCampaign(String(claimed.organizationId), String(claimed.campaignId));
    end = { status: 'DONE', report, bytesRead: claimed.fileSize };
  } catch (error) {
    pacer.cancel();
    if (!(error instanceof AppError)) throw error;
    end = { status: 'FAILED', failure: error.message };
  }
  const done = await finish(jobId, run, end);
  if (!done) {
    pacer.cancel();
    throw new ImportStoppedError('superseded');
  }
  await pacer.final(importJobView(done));
  if (claimed.fileId) await deleteImportFile(claimed.fileId);
  logger.info({ importJobId: id, status: done.status, runs: run }, 'import job ended');
  return importJobView(done);
}

/** Marks a job FAILED after its last attempt failed for a reason of ours (logged by the caller). */
export async function failImportJob(deps: ImportJobDeps, id: string): Promise<void> {
  const jobId = new Types.ObjectId(id);
  const doc = await ImportJobModel.findOneAndUpdate(
    { _id: jobId, status: { $in: ['QUEUED', 'RUNNING'] } },
    {
      $set: {
        status: 'FAILED',
        failure: 'internal error: the import stopped; import the file again',
        finishedAt: new Date(),
      },
      $inc: { revision: 1 },
    },
    { returnDocument: 'after' },
  )
    .lean()
    .exec();
  if (!doc) return;
  await deps.services.events.importChanged(importJobView(doc));
  if (doc.fileId) await deleteImportFile(doc.fileId);
}
