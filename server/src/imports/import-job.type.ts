import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { GraphQLDateTime } from 'graphql-scalars';
import { CsvRejectionType } from '../contacts/contact.type';
import { graphqlEnum } from '../schema/enum';
import { IMPORT_JOB_STATUSES } from './import-job.model';
import type { ImportJobStatus, ImportJobView } from './import-job.model';

export const ImportJobStatusEnum = graphqlEnum(
  'ImportJobStatus',
  IMPORT_JOB_STATUSES,
  'QUEUED (stored, waiting for a worker), RUNNING, DONE (see the counts) or FAILED (see error).',
);

@ObjectType('ImportJob', {
  description:
    'A CSV import run in the background (POST /api/campaigns/:id/contacts.csv with "Prefer: respond-async"). ' +
    'Resumes after a restart from its last committed batch; importProgress streams it.',
})
export class ImportJobType {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  campaignId!: string;

  @Field(() => ImportJobStatusEnum)
  status!: ImportJobStatus;

  @Field(() => String, { nullable: true })
  fileName!: string | null;

  @Field(() => Float, { description: 'Bytes of the uploaded file.' })
  fileSize!: number;

  @Field(() => Float, { description: 'Bytes of the file read so far: progress is bytesRead / fileSize.' })
  bytesRead!: number;

  @Field(() => Int, { description: 'Data rows read so far (the header is not counted).' })
  rowsRead!: number;

  @Field(() => Int)
  accepted!: number;

  @Field(() => Int, { description: 'Numbers already in the campaign or repeated in the file.' })
  duplicates!: number;

  @Field(() => Int, { description: 'Rows refused (all of them; errors lists the first 100).' })
  rejected!: number;

  @Field(() => [CsvRejectionType], { description: 'The first 100 rejected rows, in file order.' })
  errors!: CsvRejectionType[];

  @Field({ description: 'True when the file had more rows than one import takes; the rest were not read.' })
  truncated!: boolean;

  @Field(() => String, {
    nullable: true,
    description:
      'Why the job FAILED (nothing more was imported), or, when DONE, why the file could not be read to its end ' +
      '(the rows before the break were imported).',
  })
  error!: string | null;

  @Field(() => Int, { description: 'Runs started: more than 1 when the job resumed after a restart.' })
  runs!: number;

  @Field(() => GraphQLDateTime)
  createdAt!: string;

  @Field(() => GraphQLDateTime, { nullable: true })
  startedAt!: string | null;

  @Field(() => GraphQLDateTime, { nullable: true })
  finishedAt!: string | null;
}

/** The GraphQL shape of a job (flat: counts beside the status). */
export function importJobType(job: ImportJobView): ImportJobType {
  const { report } = job;
  return {
    id: job.id,
    campaignId: job.campaignId,
    status: job.status,
    fileName: job.fileName,
    fileSize: job.fileSize,
    bytesRead: job.bytesRead,
    rowsRead: report.totalRows,
    accepted: report.accepted,
    duplicates: report.duplicates,
    rejected: report.rejectedCount,
    errors: report.rejected,
    truncated: report.truncated,
    error: job.failure ?? report.error,
    runs: job.runs,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}
