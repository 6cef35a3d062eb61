import { parsePhoneNumberFromString as parseMin } from 'libphonenumber-js';
import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';
import { parsePhoneNumber } from '../phones/phone.number';
import { benchGraphQL, startBenchStack, timeRuns } from './stack';
import { JOB_ROWS, runImportBreakdown, runImportJobBench } from './import-job.bench';

/**
 * CSV import and list-query bench, over HTTP against a whole process:
 * - a generated 100,000-row CSV through POST /api/campaigns/:id/contacts.csv: rows/s and the
 *   peak RSS and heap (sampled every 50 ms) — flat memory is the point of the streaming import;
 * - the import job path at 1,000,000 rows (3% duplicates, 1% bad): upload → 202 → DONE, rows/s
 *   and RSS growth, beside csv-parse + libphonenumber alone on the same file (import-job.bench.ts);
 * - phone-number validation alone, per number: the full ("max") metadata the import uses against
 *   the default ("min") one, on the import's numbers and on random international ones;
 * - a 50-campaign list with agent, phone and stats (DataLoader-batched) over 200 runs, against
 *   a trivial `{ version }` query in the same run as the baseline.
 */
const ROWS = 100_000;
const RUNS = 200;
/**
 * Parts to run: IMPORT_BENCH_PARTS, comma-separated among sync, job, breakdown, list (default all),
 * so a profile (BENCH_MONGO_NODE_ARGS=--cpu-prof) holds one part's work alone.
 */
const PARTS = new Set((process.env['IMPORT_BENCH_PARTS'] ?? 'sync,job,breakdown,list').split(',').map((p) => p.trim()));
const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

const CSV_AREAS = ['212', '312', '415', '617', '646', '718', '202', '305', '404', '512'];

function csv(rows: number): Buffer {
  const lines = ['phone,name,email,segment'];
  for (let i = 0; i < rows; i++) {
    lines.push(
      `+1${CSV_AREAS[Math.floor(i / 10_000) % CSV_AREAS.length]}555${String(i % 10_000).padStart(4, '0')},Person ${i},p${i}@example.com,${i % 4}`,
    );
  }
  return Buffer.from(lines.join('\n') + '\n', 'utf8');
}

/** Random numbers of several countries, about half of them invalid (seeded: the same every run). */
function internationalNumbers(count: number): string[] {
  let seed = 12345;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648);
  const codes = ['1', '44', '49', '33', '91', '65', '61', '55', '81', '234'];
  const numbers: string[] = [];
  for (let i = 0; i < count; i++) {
    let digits = '';
    for (let j = 0, n = 7 + (next() % 6); j < n; j++) digits += String(next() % 10);
    numbers.push(`+${codes[next() % codes.length]}${digits}`);
  }
  return numbers;
}

/** Mean microseconds per call of `check` over `numbers` (after one warm-up pass). */
function microsPerNumber(numbers: string[], check: (n: string) => unknown): number {
  for (const n of numbers) check(n);
  const t0 = process.hrtime.bigint();
  for (const n of numbers) check(n);
  return Number(process.hrtime.bigint() - t0) / 1e3 / numbers.length;
}

export async function runImportBench(): Promise<void> {
  // Without the driver's command events, as production runs (nothing here counts commands).
  const stack = await startBenchStack({}, { monitorCommands: false });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  try {
    const { signUp } = await benchGraphQL(
      stack.url,
      `mutation { signUp(input: { email: "bench@example.com", password: "bench password", organizationName: "Bench" }) { token } }`,
    );
    const token: string = signUp.token;
    const { agents, phones } = await benchGraphQL(stack.url, `{ agents { id } phones { id } }`, {}, token);
    const agentId: string = agents[0].id;
    const create = async (name: string) =>
      (
        await benchGraphQL(
          stack.url,
          `mutation($a: ID!, $n: String!) { createCampaign(input: { name: $n, agentId: $a }) { id } }`,
          { a: agentId, n: name },
          token,
        )
      ).createCampaign.id as string;

    if (PARTS.has('sync')) await runSyncImport(stack.url, token, await create('Import bench'), out);
    // 1c. The import job path (upload → 202 → DONE) at 1,000,000 rows, beside its baseline.
    if (PARTS.has('job'))
      await runImportJobBench(stack.url, token, await create('Import job bench'), out, stack.mongoCpuMs);
    // 1d. Where the time goes (in-process, labelled as such).
    if (PARTS.has('breakdown'))
      await runImportBreakdown(stack.app.services, await create('Import breakdown'), Math.min(JOB_ROWS, 200_000), out);
    if (PARTS.has('list')) await runListBench(stack.url, token, agentId, phones[0].id, out);
  } finally {
    await stack.stop();
  }
}

/** 1. The synchronous CSV import of 100,000 rows: rows/s and memory, and what number validation costs. */
async function runSyncImport(url: string, token: string, campaignId: string, out: (line: string) => void) {
  const body = csv(ROWS);
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  let peakExternal = base.external;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
    peakExternal = Math.max(peakExternal, m.external);
  }, 50);
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${url}/api/campaigns/${campaignId}/contacts.csv`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` },
    body,
  });
  const report = (await res.json()) as { accepted: number; rejectedCount: number; duplicates: number };
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  clearInterval(sampler);
  out(
    `import: ${ROWS.toLocaleString('en-US')} rows (${mb(body.length)} MB) in ${seconds.toFixed(2)} s = ${Math.round(ROWS / seconds).toLocaleString('en-US')} rows/s`,
  );
  out(`import: accepted ${report.accepted}, duplicates ${report.duplicates}, rejected ${report.rejectedCount}`);

  // 1b. What validating with the full metadata costs per number, beside the import's time per row.
  const rowMicros = (seconds * 1e6) / ROWS;
  const importNumbers = Array.from(
    { length: ROWS },
    (_, i) => `+1${CSV_AREAS[Math.floor(i / 10_000) % CSV_AREAS.length]}555${String(i % 10_000).padStart(4, '0')}`,
  );
  for (const [label, numbers] of [
    ['import numbers', importNumbers],
    ['random international', internationalNumbers(ROWS)],
  ] as const) {
    const min = microsPerNumber(numbers, (n) => parseMin(n, 'US')?.isValid());
    const max = microsPerNumber(numbers, (n) => parseMax(n, 'US')?.isValid());
    const rejectedByMaxOnly = numbers.filter(
      (n) => parseMin(n, 'US')?.isValid() && !parsePhoneNumber(n, 'US').ok,
    ).length;
    out(
      `phone validation (${label}): max metadata ${max.toFixed(2)} µs/number, min ${min.toFixed(2)} µs/number (+${(max - min).toFixed(2)} µs, ${((100 * (max - min)) / rowMicros).toFixed(1)}% of the import's ${rowMicros.toFixed(0)} µs per row); ${rejectedByMaxOnly} of ${numbers.length.toLocaleString('en-US')} pass min but not max`,
    );
  }
  out(
    `import: RSS ${mb(base.rss)} -> peak ${mb(peakRss)} MB (+${mb(peakRss - base.rss)}); heap ${mb(base.heapUsed)} -> peak ${mb(peakHeap)} MB (+${mb(peakHeap - base.heapUsed)}); V8-counted external (Buffers) +${mb(peakExternal - base.external)} MB [the API process; MongoDB runs in its own process; includes the ${mb(body.length)} MB body the bench itself holds]`,
  );
}

/** 2. A 50-campaign dashboard list against a trivial query. */
async function runListBench(url: string, token: string, agentId: string, phoneId: string, out: (line: string) => void) {
  const extra = await benchGraphQL(
    url,
    `mutation { a: createAgent(input: { name: "A2" }) { id } b: createAgent(input: { name: "A3" }) { id } p: createPhone(input: { name: "P2", number: "+14155550190", provider: SIMULATED }) { id } }`,
    {},
    token,
  );
  const agentIds = [agentId, extra.a.id, extra.b.id];
  const phoneIds = [phoneId, extra.p.id];
  for (let i = 0; i < 50; i++) {
    await benchGraphQL(
      url,
      `mutation($a: ID!, $p: ID!, $n: String!) { createCampaign(input: { name: $n, agentId: $a, phoneId: $p }) { id } }`,
      { a: agentIds[i % 3], p: phoneIds[i % 2], n: `List ${i}` },
      token,
    );
  }
  const list = `{ campaigns(first: 50) { totalCount nodes { id name status agent { id name } phone { id number } stats { totalContacts progress successRate } } } }`;
  const listed = await timeRuns(RUNS, () => benchGraphQL(url, list, {}, token));
  const trivial = await timeRuns(RUNS, () => benchGraphQL(url, `{ version }`, {}, token));
  out(
    `list 50 campaigns (agent, phone, stats): p50 ${listed.p50.toFixed(2)} ms, p99 ${listed.p99.toFixed(2)} ms over ${RUNS} runs`,
  );
  out(`baseline { version }:                   p50 ${trivial.p50.toFixed(2)} ms, p99 ${trivial.p99.toFixed(2)} ms`);
  out(
    `ratio list/baseline: p50 ${(listed.p50 / trivial.p50).toFixed(1)}x, p99 ${(listed.p99 / trivial.p99).toFixed(1)}x`,
  );
}
