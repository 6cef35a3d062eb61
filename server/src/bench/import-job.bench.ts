import { loadavg } from 'node:os';
import { Readable, pipeline } from 'node:stream';
import { parse } from 'csv-parse';
import { CampaignModel } from '../campaigns/campaign.model';
import { createCsvParser, decodeCsvText, importContactsCsv, mapHeader, rowFields } from '../contacts/contact.import';
import type { Column } from '../contacts/contact.import';
import { checkContact, contactTarget, insertContacts } from '../contacts/contact.service';
import type { AppServices } from '../context';
import { parsePhoneNumber } from '../phones/phone.number';
import { percentile } from './stack';

/**
 * The import job path of `npm run bench -- import`: a 1,000,000-row file with 3% duplicates and
 * 1% bad rows uploaded with `Prefer: respond-async` (202 at once), the job followed to DONE, the
 * rate end to end (upload → 202 → DONE) and the API process's RSS growth (the job runs in this
 * process: ROLE=all; MongoDB in its own). Beside it, in the same process, the baseline: the raw
 * rate of csv-parse plus libphonenumber on the same file.
 */
/** Rows of the import job's file: 1,000,000, or IMPORT_BENCH_ROWS (a quicker run on a busy machine). */
export const JOB_ROWS = Number(process.env['IMPORT_BENCH_ROWS'] ?? 1_000_000);

const AREAS = ['212', '312', '415', '617', '646', '718', '202', '305', '404', '512', '213', '310', '408', '503'];
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

/** Unique numbers except every 33rd row (a repeat of the row 7 above: 3%) and every 100th (not a number: 1%). */
export function mixedCsv(rows: number): Buffer {
  const number = (n: number) =>
    `+1${AREAS[Math.floor(n / 100_000)]}${String(2_000_000 + (n % 100_000) * 7).padStart(7, '0')}`;
  const lines = ['phone,name,email,segment'];
  for (let i = 0; i < rows; i++) {
    const phone = i % 100 === 99 ? `bad-${i}` : number(i % 33 === 32 ? i - 7 : i);
    lines.push(`${phone},Person ${i},p${i}@example.com,${i % 4}`);
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** Rows per second of csv-parse and libphonenumber alone over `body` (what no import can beat). */
async function baselineRowsPerSecond(body: Buffer): Promise<{ rate: number; valid: number }> {
  const t0 = process.hrtime.bigint();
  const parser = Readable.from([body]).pipe(parse({ relax_column_count: true, skip_empty_lines: true }));
  let rows = -1;
  let valid = 0;
  for await (const record of parser as AsyncIterable<string[]>) {
    rows += 1;
    if (rows > 0 && parsePhoneNumber(record[0], 'US').ok) valid += 1;
  }
  return { rate: rows / (Number(process.hrtime.bigint() - t0) / 1e9), valid };
}

export async function runImportJobBench(
  url: string,
  token: string,
  campaignId: string,
  out: (line: string) => void,
  mongoCpuMs: () => Promise<number | undefined> = async () => undefined,
): Promise<void> {
  const body = mixedCsv(JOB_ROWS);
  out(
    `import job: load average before ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (2 cores shared)`,
  );
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  // CPU time of each process per row: on a shared machine a steadier figure than the wall clock.
  const apiCpu0 = process.cpuUsage();
  const mongoCpu0 = await mongoCpuMs();
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${url}/api/campaigns/${campaignId}/contacts.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}`, prefer: 'respond-async' },
    body,
  });
  if (res.status !== 202) throw new Error(`expected 202, got ${res.status}: ${await res.text()}`);
  const { importJobId } = (await res.json()) as { importJobId: string };
  const stored = Number(process.hrtime.bigint() - t0) / 1e9;
  let job: {
    status: string;
    report: { accepted: number; duplicates: number; rejectedCount: number; totalRows: number };
  };
  for (;;) {
    // A bench may poll (the dashboard subscribes): one small read every 200 ms.
    await new Promise((r) => setTimeout(r, 200));
    const read = await fetch(`${url}/api/import-jobs/${importJobId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    job = (await read.json()) as typeof job;
    if (job.status === 'DONE' || job.status === 'FAILED') break;
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  const apiCpu = process.cpuUsage(apiCpu0);
  const mongoCpu1 = await mongoCpuMs();
  const { report } = job;
  out(
    `import job: ${JOB_ROWS.toLocaleString('en-US')} rows (${mb(body.length)} MB, 3% duplicates, 1% bad) ${job.status}: ` +
      `202 after ${stored.toFixed(2)} s, done after ${seconds.toFixed(1)} s = ${Math.round(JOB_ROWS / seconds).toLocaleString('en-US')} rows/s end to end`,
  );
  out(
    `import job: accepted ${report.accepted}, duplicates ${report.duplicates}, rejected ${report.rejectedCount}, rows ${report.totalRows}; ` +
      `API RSS ${mb(baseRss)} -> peak ${mb(peakRss)} MB (+${mb(peakRss - baseRss)}, includes the ${mb(body.length)} MB body the bench holds)`,
  );
  const perRow = (ms: number) => ((ms * 1000) / JOB_ROWS).toFixed(1);
  out(
    `import job: CPU per row: API process ${perRow((apiCpu.user + apiCpu.system) / 1000)} µs` +
      (mongoCpu0 !== undefined && mongoCpu1 !== undefined
        ? `, MongoDB process ${perRow(mongoCpu1 - mongoCpu0)} µs`
        : '') +
      ` (of ${((seconds * 1e6) / JOB_ROWS).toFixed(1)} µs of wall clock per row)`,
  );
  const baseline = await baselineRowsPerSecond(body);
  out(
    `baseline csv-parse + libphonenumber (same file, same process): ${Math.round(baseline.rate).toLocaleString('en-US')} rows/s ` +
      `(${baseline.valid.toLocaleString('en-US')} valid numbers); import job at ${((100 * JOB_ROWS) / seconds / baseline.rate).toFixed(0)}% of it`,
  );
  out(
    `import job: load average after ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
}

/**
 * Where an import's time goes, in this process (a second line, not the figure users see: the
 * HTTP and job lines above are). The same file through each stage alone: decode + csv-parse;
 * + the row's fields and `checkContact` (libphonenumber, time zones); and the whole import core
 * with each batch's write timed (insertMany + the counter `$inc`: one round trip each to the
 * MongoDB process), so parse + normalise + write add up to the import's time.
 */
export async function runImportBreakdown(
  services: Pick<AppServices, 'events' | 'lifecycle'>,
  campaignId: string,
  rows: number,
  out: (line: string) => void,
): Promise<void> {
  const body = mixedCsv(rows);
  // 64 KB chunks, as a socket or GridFS hands the file over.
  const chunks = () =>
    Array.from({ length: Math.ceil(body.length / 65_536) }, (_, i) => body.subarray(i * 65_536, (i + 1) * 65_536));
  const campaign = await CampaignModel.findById(campaignId, { organizationId: 1 }).lean().exec();
  const organizationId = String(campaign!.organizationId);
  const { scope } = await contactTarget(organizationId, campaignId);
  const seconds = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e9;
  const records = async function* () {
    const parser = createCsvParser();
    pipeline(Readable.from(decodeCsvText(chunks())), parser, () => undefined);
    for await (const { record } of parser as AsyncIterable<{ record: string[] }>) yield record;
  };

  let t0 = process.hrtime.bigint();
  let parsed = 0;
  for await (const record of records()) parsed += record.length > 0 ? 1 : 0;
  const parse = seconds(t0);

  t0 = process.hrtime.bigint();
  let columns: Column[] | null = null;
  let valid = 0;
  for await (const record of records()) {
    if (!columns) columns = mapHeader(record);
    else if (checkContact(rowFields(columns, record), scope).ok) valid += 1;
  }
  const normalise = seconds(t0) - parse;

  const batches: number[] = [];
  /** Time with at least one write in flight (writes overlap: IMPORT_WRITES_IN_FLIGHT), ms. */
  let writing = 0;
  let inFlight = 0;
  let since = 0;
  const timedInsert: typeof insertContacts = async (id, contacts) => {
    const b0 = process.hrtime.bigint();
    if (inFlight++ === 0) since = performance.now();
    try {
      return await insertContacts(id, contacts);
    } finally {
      batches.push(Number(process.hrtime.bigint() - b0) / 1e6);
      if (--inFlight === 0) writing += performance.now() - since;
    }
  };
  t0 = process.hrtime.bigint();
  const report = await importContactsCsv(services, organizationId, campaignId, chunks(), { insert: timedInsert });
  const total = seconds(t0);
  const write = batches.reduce((a, b) => a + b, 0) / 1e3;
  const busy = writing / 1e3;
  batches.sort((a, b) => a - b);
  const us = (s: number) => ((s * 1e6) / rows).toFixed(1);
  out(
    `import breakdown (in-process, ${rows.toLocaleString('en-US')} rows, ${parsed - 1} parsed, ${valid} valid): ` +
      `decode + csv-parse ${us(parse)} µs/row, fields + checkContact ${us(normalise)} µs/row`,
  );
  out(
    `import breakdown: whole core ${us(total)} µs/row = ${Math.round(rows / total).toLocaleString('en-US')} rows/s ` +
      `(accepted ${report.accepted}, duplicates ${report.duplicates}); writes ${us(write)} µs/row summed over ${batches.length} batches (up to two at once), ` +
      `per batch p50 ${percentile(batches, 50).toFixed(1)} ms, p99 ${percentile(batches, 99).toFixed(1)} ms; ` +
      `a write in flight ${us(busy)} µs/row of the wall clock, none (parse, normalise, loop not overlapped) ${us(total - busy)} µs/row`,
  );
}
