/* eslint-disable @typescript-eslint/no-explicit-any -- JSON replies: their shape is checked by assertions */
import { startApp } from '../app';
import type { AppHandle } from '../app';
import { postGraphQL, startTestInfra, startTestStack, testConfig } from '../test/harness';
import type { TestInfra, TestStack } from '../test/harness';
import { createCampaign, signUpAccount } from '../test/api';
import type { TestAccount } from '../test/api';
import { subscribe } from '../test/ws';
import { countersAndRecount, waitFor } from '../dispatch/test-fixtures';
import { ContactModel } from '../contacts/contact.model';
import { ImportJobModel } from './import-job.model';
import { IMPORT_JOB_BATCH_SIZE } from './import-job.service';

/**
 * Import jobs through the real parts: HTTP upload (202), GridFS on the embedded MongoDB, a
 * BullMQ worker on a real Redis, progress over graphql-ws, and a worker killed mid-job.
 */

const AREAS = ['212', '312', '415', '617', '646', '718', '202', '305', '404', '512'];
const numberOf = (n: number) =>
  `+1${AREAS[Math.floor(n / 10_000) % AREAS.length]}555${String(n % 10_000).padStart(4, '0')}`;

/**
 * A contacts file: `rows` data rows, every 33rd repeating the number 7 rows up (3%), every
 * 100th a number that is no number (1%), so a report has all three counts.
 */
function contactsCsv(rows: number): Buffer {
  const lines = ['phone,name,segment'];
  for (let i = 0; i < rows; i++) {
    const phone = i % 100 === 99 ? `not-a-number-${i}` : numberOf(i % 33 === 32 ? i - 7 : i);
    lines.push(`${phone},Person ${i},${i % 4}`);
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

const IMPORT_PROGRESS = `subscription($id: ID!) {
  importProgress(id: $id) { id status rowsRead accepted duplicates rejected truncated error bytesRead fileSize runs }
}`;

async function post(
  url: string,
  token: string,
  campaignId: string,
  body: Uint8Array | string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/api/campaigns/${campaignId}/contacts.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}`, ...headers },
    body,
  });
}

const ASYNC = { prefer: 'respond-async' };

async function jobReport(url: string, token: string, id: string): Promise<any> {
  const res = await fetch(`${url}/api/import-jobs/${id}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

/** A synchronous report with the job's shorter list of rejected rows. */
function asJobReport(report: any): any {
  return { ...report, rejected: report.rejected.slice(0, 100) };
}

describe('import jobs', () => {
  let stack: TestStack;
  let acme: TestAccount;
  beforeAll(async () => {
    stack = await startTestStack();
    acme = await signUpAccount(stack, 'Acme');
  }, 120_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('answers 202 with the job at once, streams paced progress, and ends with the synchronous report', async () => {
    const file = contactsCsv(12_000);
    const asyncId = await createCampaign(stack, acme, 'Async');
    const res = await post(stack.url, acme.token, asyncId, file, ASYNC);
    expect(res.status).toBe(202);
    expect(res.headers.get('preference-applied')).toBe('respond-async');
    const body = (await res.json()) as any;
    expect(body).toEqual({ importJobId: expect.any(String), status: 'QUEUED' });
    expect(res.headers.get('location')).toBe(`/api/import-jobs/${body.importJobId}`);

    const sub = subscribe<any>(stack.url, acme.token, IMPORT_PROGRESS, { id: body.importJobId });
    try {
      await waitFor(
        'the final state',
        () => ['DONE', 'FAILED'].includes(sub.results.at(-1)?.data?.importProgress?.status),
        60_000,
      );
      const states = sub.results.map((r) => r.data?.importProgress);
      expect(states.at(-1)).toMatchObject({ status: 'DONE', bytesRead: file.length, fileSize: file.length, runs: 1 });
      // Progress moved forward while it ran, and never backwards.
      const running = states.filter((s) => s.status === 'RUNNING' && s.rowsRead > 0);
      expect(running.length).toBeGreaterThan(0);
      for (let i = 1; i < states.length; i++) expect(states[i].rowsRead).toBeGreaterThanOrEqual(states[i - 1].rowsRead);
      // Paced: at most 4 in any second, plus the first and the final one (generous: delivery jitter).
      const at = sub.receivedAt;
      for (let i = 0; i + 6 < at.length; i++) expect(at[i + 6]! - at[i]!).toBeGreaterThan(1_000);
    } finally {
      await sub.dispose();
    }

    const syncId = await createCampaign(stack, acme, 'Sync');
    const syncRes = await post(stack.url, acme.token, syncId, file);
    expect(syncRes.status).toBe(200);
    const syncReport = (await syncRes.json()) as any;
    const job = await jobReport(stack.url, acme.token, body.importJobId);
    expect(job.report).toEqual(asJobReport(syncReport));
    expect(syncReport).toMatchObject({ totalRows: 12_000, rejectedCount: 120, truncated: false, error: null });
    expect(syncReport.duplicates).toBeGreaterThan(300);
    expect(await ContactModel.countDocuments({ campaignId: asyncId })).toBe(job.report.accepted);
    const { stored, recount } = await countersAndRecount(asyncId);
    expect(stored).toEqual(recount);

    // GraphQL reads: the job, and the campaign's list.
    const read = await stack.graphql<any>(
      `query($id: ID!, $c: ID!) { importJob(id: $id) { status accepted errors { row reason } } importJobs(campaignId: $c) { id } }`,
      { id: body.importJobId, c: asyncId },
      acme.token,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data?.importJob).toMatchObject({ status: 'DONE', accepted: job.report.accepted });
    expect(read.data?.importJob.errors[0]).toEqual({ row: 101, reason: expect.stringContaining('phoneNumber') });
    expect(read.data?.importJobs).toEqual([{ id: body.importJobId }]);
  }, 120_000);

  it('refuses at once what it can know before storing, and fails the job with the reason otherwise', async () => {
    const id = await createCampaign(stack, acme, 'Bad input');
    const wrongType = await post(stack.url, acme.token, id, 'phone\n+14155550100\n', {
      ...ASYNC,
      'content-type': 'application/json',
    });
    expect(wrongType.status).toBe(415);
    const noPhone = await post(stack.url, acme.token, id, 'name,email\nAnn,a@example.com\n', ASYNC);
    expect(noPhone.status).toBe(400);
    expect(((await noPhone.json()) as any).error).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'csv',
      message: 'csv: the header row needs a phone column (phone, phoneNumber, phone_number or number)',
    });
    const other = await signUpAccount(stack, 'Other');
    const foreign = await post(stack.url, other.token, id, 'phone\n+14155550100\n', ASYNC);
    expect(foreign.status).toBe(404);
    expect(await ImportJobModel.countDocuments({ campaignId: id })).toBe(0);

    // A quoted header cell across lines: the route's look at the first line cannot judge it, the job can.
    const res = await post(stack.url, acme.token, id, '"na\nme",email\nAnn,ann@example.com\n', ASYNC);
    expect(res.status).toBe(202);
    const { importJobId } = (await res.json()) as any;
    await waitFor(
      'the job to fail',
      async () => (await ImportJobModel.findById(importJobId).lean())?.status === 'FAILED',
    );
    const job = await jobReport(stack.url, acme.token, importJobId);
    expect(job.failure).toBe('csv: the header row needs a phone column (phone, phoneNumber, phone_number or number)');
    // Another organization cannot read it.
    const hidden = await fetch(`${stack.url}/api/import-jobs/${importJobId}`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(hidden.status).toBe(404);
  }, 60_000);
});

describe('import jobs: a worker killed mid-job', () => {
  let infra: TestInfra;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    infra = await startTestInfra();
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await infra.stop();
  });

  const RESUME_ENV = { IMPORT_LOCK_MS: '1000', IMPORT_STALLED_INTERVAL_MS: '300' };

  /** An app, an account and a campaign whose import job of `rows` rows has made its first checkpoint. */
  async function jobPastFirstCheckpoint(name: string, rows: number) {
    const a: AppHandle = await startApp({
      config: testConfig(infra, RESUME_ENV),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => a.stop());
    const stackA: TestStack = { ...infra, app: a, url: a.url, graphql: (q, v, t) => postGraphQL(a.url, q, v, t) };
    const account = await signUpAccount(stackA, name);
    const campaignId = await createCampaign(stackA, account, name);
    const file = contactsCsv(rows);
    const res = await post(a.url, account.token, campaignId, file, ASYNC);
    expect(res.status).toBe(202);
    const { importJobId } = (await res.json()) as any;
    let early: any = null;
    await waitFor('a first checkpoint', async () => {
      const doc = await ImportJobModel.findById(importJobId).lean();
      if (doc?.checkpoint && doc.checkpoint.line > 0) early ??= doc.checkpoint;
      return early !== null;
    });
    return { a, stackA, account, campaignId, file, importJobId, early };
  }

  /**
   * Resumes the job on a second (worker) app and checks it ends DONE with the synchronous
   * import's report of the same file, each row once, and counters equal to a recount.
   */
  async function resumeMatchesSyncImport(job: Awaited<ReturnType<typeof jobPastFirstCheckpoint>>) {
    const { a, stackA, account, campaignId, file, importJobId } = job;
    const b = await startApp({
      config: testConfig(infra, { ...RESUME_ENV, ROLE: 'worker' }),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => b.stop());
    await waitFor(
      'the resumed job to end',
      async () => (await ImportJobModel.findById(importJobId).lean())?.status !== 'RUNNING',
      90_000,
    );
    const resumed = await jobReport(a.url, account.token, importJobId);
    expect(resumed.status).toBe('DONE');
    expect(resumed.runs).toBeGreaterThanOrEqual(2);
    const syncId = await createCampaign(stackA, account, 'Reference');
    const reference = (await (await post(a.url, account.token, syncId, file)).json()) as any;
    expect(resumed.report).toEqual(asJobReport(reference));
    const contacts = await ContactModel.find({ campaignId }, { phoneNumber: 1 }).lean();
    expect(contacts.length).toBe(reference.accepted);
    expect(new Set(contacts.map((c) => c.phoneNumber)).size).toBe(contacts.length);
    // Counter $incs of batches written but not checkpointed stayed: the run that found rows of
    // its own recounted.
    const { stored, recount } = await countersAndRecount(campaignId);
    expect(stored).toEqual(recount);
    expect(stored.totalContacts).toBe(reference.accepted);
  }

  it('resumes on another worker from the last checkpoint: every row once, counts exact', async () => {
    const job = await jobPastFirstCheckpoint('Resumer', 30_000);
    const { a, campaignId, importJobId, early } = job;
    // Keep the early checkpoint, let at least one more batch be written after it, then die.
    await waitFor('a later batch', async () => {
      const doc = await ImportJobModel.findById(importJobId).lean();
      return (doc?.checkpoint?.line ?? 0) > early.line;
    });
    await a.services.imports.kill();
    // As if the batches after the early checkpoint had been written but never checkpointed:
    // the resumed run must find them its own, not duplicates.
    await ImportJobModel.updateOne({ _id: importJobId }, { $set: { checkpoint: early } });
    const writtenBefore = await ContactModel.countDocuments({ campaignId });
    expect(writtenBefore).toBeGreaterThan(early.accepted);
    await resumeMatchesSyncImport(job);
  }, 180_000);

  it('resumes exactly when, of the two batches written at once, only the later one was written', async () => {
    // Long enough that the job is still running two batches past its first checkpoint.
    const job = await jobPastFirstCheckpoint('Gapped', 60_000);
    const { a, campaignId, importJobId, early } = job;
    // The file lines ending the two batches after it (the row of line l is l - 2; every 100th
    // is no number, so not in a batch).
    const batchEnds: number[] = [];
    for (let line = early.line + 1, rows = 0; batchEnds.length < 2; line++) {
      if ((line - 2) % 100 !== 99 && ++rows % IMPORT_JOB_BATCH_SIZE === 0) batchEnds.push(line);
    }
    await waitFor(
      'both batches written',
      async () => ((await ImportJobModel.findById(importJobId).lean())?.checkpoint?.line ?? 0) >= batchEnds[1]!,
    );
    await a.services.imports.kill();
    // As if the first batch's insert had failed while the second's, in flight beside it, went
    // through: the checkpoint is the early one, the first batch's rows are missing, the second's
    // are there. A run that stopped asking at the first batch without rows of its own would
    // call the second's rows duplicates.
    await ImportJobModel.updateOne({ _id: importJobId }, { $set: { checkpoint: early } });
    const lineOf = (id: unknown) => parseInt(String(id).slice(16), 16);
    const written = await ContactModel.find({ campaignId }, { _id: 1 }).lean();
    const firstBatch = written.filter((c) => lineOf(c._id) > early.line && lineOf(c._id) <= batchEnds[0]!);
    const secondBatch = written.filter((c) => lineOf(c._id) > batchEnds[0]! && lineOf(c._id) <= batchEnds[1]!);
    expect(firstBatch.length).toBeGreaterThan(IMPORT_JOB_BATCH_SIZE * 0.9);
    expect(secondBatch.length).toBeGreaterThan(IMPORT_JOB_BATCH_SIZE * 0.9);
    await ContactModel.deleteMany({ _id: { $in: firstBatch.map((c) => c._id) } });
    await resumeMatchesSyncImport(job);
  }, 180_000);

  it('hands a running job back when its worker stops, and the next worker resumes it', async () => {
    const a: AppHandle = await startApp({
      config: testConfig(infra),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => a.stop());
    const stackA: TestStack = { ...infra, app: a, url: a.url, graphql: (q, v, t) => postGraphQL(a.url, q, v, t) };
    const account = await signUpAccount(stackA, 'Stopper');
    const campaignId = await createCampaign(stackA, account, 'Handed back');
    const file = contactsCsv(20_000);
    const res = await post(a.url, account.token, campaignId, file, ASYNC);
    const { importJobId } = (await res.json()) as any;
    await waitFor(
      'a first checkpoint',
      async () => ((await ImportJobModel.findById(importJobId).lean())?.checkpoint?.line ?? 0) > 0,
    );
    const t0 = Date.now();
    await a.services.imports.close();
    // At its next batch, not at the end of the file.
    expect(Date.now() - t0).toBeLessThan(5_000);
    const handedBack = await ImportJobModel.findById(importJobId).lean();
    expect(handedBack?.status).toBe('RUNNING');

    const b = await startApp({
      config: testConfig(infra, { ROLE: 'worker' }),
      mongoUri: infra.mongoUri,
      redisUrl: infra.redisUrl,
    });
    stops.push(() => b.stop());
    await waitFor(
      'the resumed job to end',
      async () => (await ImportJobModel.findById(importJobId).lean())?.status !== 'RUNNING',
      90_000,
    );
    const job = await jobReport(a.url, account.token, importJobId);
    // Resumed at once (a delayed job, not a stalled one), by the second run.
    expect(job).toMatchObject({ status: 'DONE', runs: 2 });
    const reference = (await (
      await post(a.url, account.token, await createCampaign(stackA, account, 'Ref'), file)
    ).json()) as any;
    expect(job.report).toEqual(asJobReport(reference));
    expect(await ContactModel.countDocuments({ campaignId })).toBe(reference.accepted);
  }, 180_000);
});
