import { Schema, Types, model } from 'mongoose';
import type { HydratedDocument, InferSchemaType } from 'mongoose';
import type { CsvImportCheckpoint } from '../contacts/contact.import';
import type { ImportJobPayload } from '../events';

export const IMPORT_JOB_STATUSES = ['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

/** The rejected rows a job lists (all are counted): enough to fix a spreadsheet, small enough to stream. */
export const IMPORT_JOB_MAX_REJECTED = 100;

const rejectionSchema = new Schema(
  { row: { type: Number, required: true }, phoneNumber: { type: String, default: '' }, reason: String },
  { _id: false },
);

/**
 * One CSV import run in the background (imports/import-job.service.ts). `checkpoint` is the
 * state after the last committed batch: a run that resumes after a crash re-reads the stored
 * file and skips every row up to `checkpoint.line`, whose counts are already in it.
 */
const importJobSchema = new Schema(
  {
    organizationId: { type: Types.ObjectId, required: true, ref: 'Organization' },
    campaignId: { type: Types.ObjectId, required: true, ref: 'Campaign' },
    status: { type: String, enum: IMPORT_JOB_STATUSES, default: 'QUEUED', required: true },
    /** The uploaded file in GridFS (bucket `imports`); removed once the job is DONE or FAILED. */
    fileId: { type: Types.ObjectId, default: null },
    fileName: { type: String, default: null },
    /** Bytes of the stored file. */
    fileSize: { type: Number, required: true },
    /** Bytes of the file read by the last committed batch: progress as a fraction of fileSize. */
    bytesRead: { type: Number, default: 0 },
    checkpoint: {
      line: { type: Number, default: 0 },
      accepted: { type: Number, default: 0 },
      duplicates: { type: Number, default: 0 },
      rejected: { type: [rejectionSchema], default: [] },
      rejectedCount: { type: Number, default: 0 },
      totalRows: { type: Number, default: 0 },
      truncated: { type: Boolean, default: false },
      error: { type: String, default: null },
    },
    /** Why the job FAILED (a bad file, the campaign gone, or an internal error). */
    failure: { type: String, default: null },
    /** Times a run started: more than one means it resumed after a restart. */
    runs: { type: Number, default: 0 },
    /** Bumped by every write: subscribers keep the newest of events that may cross. */
    revision: { type: Number, default: 0 },
    startedAt: { type: Date, default: null },
    finishedAt: { type: Date, default: null },
  },
  { timestamps: true },
);
// importJobs(campaignId): newest first.
importJobSchema.index({ campaignId: 1, createdAt: -1 });

export type ImportJob = InferSchemaType<typeof importJobSchema>;
export type ImportJobDoc = HydratedDocument<ImportJob>;
export const ImportJobModel = model('ImportJob', importJobSchema, 'importjobs');

/** What clients see of a job (GraphQL, the HTTP route, subscription events): plain JSON. */
export type ImportJobView = ImportJobPayload;

/** The checkpoint as the import core takes it back. */
export function checkpointOf(doc: Pick<ImportJob, 'checkpoint'>): CsvImportCheckpoint {
  const c = doc.checkpoint;
  return {
    line: c?.line ?? 0,
    report: {
      accepted: c?.accepted ?? 0,
      duplicates: c?.duplicates ?? 0,
      rejected: (c?.rejected ?? []).map((r) => ({
        row: r.row,
        phoneNumber: r.phoneNumber ?? '',
        reason: r.reason ?? '',
      })),
      rejectedCount: c?.rejectedCount ?? 0,
      totalRows: c?.totalRows ?? 0,
      truncated: c?.truncated ?? false,
      error: c?.error ?? null,
    },
  };
}

/** The `checkpoint` field as stored. */
export interface StoredCheckpoint {
  line: number;
  accepted: number;
  duplicates: number;
  rejected: { row: number; phoneNumber: string; reason: string }[];
  rejectedCount: number;
  totalRows: number;
  truncated: boolean;
  error: string | null;
}

/** The `checkpoint` field as stored, from the core's checkpoint. */
export function storedCheckpoint(checkpoint: CsvImportCheckpoint): StoredCheckpoint {
  const { report } = checkpoint;
  return {
    line: checkpoint.line,
    accepted: report.accepted,
    duplicates: report.duplicates,
    rejected: report.rejected.slice(0, IMPORT_JOB_MAX_REJECTED),
    rejectedCount: report.rejectedCount,
    totalRows: report.totalRows,
    truncated: report.truncated,
    error: report.error,
  };
}

export function importJobView(doc: ImportJob & { _id: Types.ObjectId }): ImportJobView {
  return {
    id: String(doc._id),
    organizationId: String(doc.organizationId),
    campaignId: String(doc.campaignId),
    status: doc.status,
    fileName: doc.fileName ?? null,
    fileSize: doc.fileSize,
    bytesRead: doc.bytesRead ?? 0,
    report: checkpointOf(doc).report,
    failure: doc.failure ?? null,
    runs: doc.runs ?? 0,
    revision: doc.revision ?? 0,
    createdAt: doc.createdAt.toISOString(),
    startedAt: doc.startedAt ? doc.startedAt.toISOString() : null,
    finishedAt: doc.finishedAt ? doc.finishedAt.toISOString() : null,
  };
}
