/**
 * Embedded MongoDB benchmark, measured through mongoose over TCP like the application uses it:
 * batched inserts, findOne by a unique indexed field vs. by a non-indexed field (the ratio
 * shows the index is used), and conditional findOneAndUpdate (the call-claiming pattern).
 */
import mongoose, { Schema } from 'mongoose';
import { startEmbeddedMongo } from '../mongo/embedded';

const DOCS = 20_000;
const BATCH = 1_000;
const LOOKUPS = 1_000;

interface Row {
  phone: string;
  code: string;
  i: number;
  status: string;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function timeEach(
  n: number,
  fn: (k: number) => Promise<void>,
): Promise<{ avg: number; p50: number; p99: number }> {
  const times: number[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = process.hrtime.bigint();
    await fn(k);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return { avg: times.reduce((s, t) => s + t, 0) / n, p50: percentile(times, 50), p99: percentile(times, 99) };
}

const phoneOf = (i: number): string => `+1555${String(i).padStart(7, '0')}`;

/** Runs the benchmark against a fresh embedded server and prints a table to stdout. */
export async function runMongoBench(): Promise<void> {
  const mongo = await startEmbeddedMongo({ port: 0 });
  const conn = await mongoose.createConnection(mongo.uri, { dbName: 'bench' }).asPromise();
  try {
    const schema = new Schema<Row>({ phone: String, code: String, i: Number, status: String });
    schema.index({ phone: 1 }, { unique: true });
    const Rows = conn.model<Row>('BenchRow', schema, 'rows');
    await Rows.init();

    const t0 = process.hrtime.bigint();
    for (let b = 0; b < DOCS / BATCH; b++) {
      const docs = Array.from({ length: BATCH }, (_, k) => {
        const i = b * BATCH + k;
        return { phone: phoneOf(i), code: `c${i}`, i, status: 'QUEUED' };
      });
      await Rows.insertMany(docs, { lean: true });
    }
    const insertMs = Number(process.hrtime.bigint() - t0) / 1e6;

    const pick = (k: number): number => (k * 7919) % DOCS;
    // Warm up the JIT and the connection pool so the figures describe steady state.
    await timeEach(200, async (k) => {
      await Rows.findOne({ phone: phoneOf(pick(k + 1)) }).lean();
    });
    const indexed = await timeEach(LOOKUPS, async (k) => {
      await Rows.findOne({ phone: phoneOf(pick(k)) }).lean();
    });
    const scanned = await timeEach(LOOKUPS, async (k) => {
      await Rows.findOne({ code: `c${pick(k)}` }).lean();
    });
    const claims = await timeEach(LOOKUPS, async (k) => {
      await Rows.findOneAndUpdate(
        { phone: phoneOf(pick(k)), status: 'QUEUED' },
        { $set: { status: 'CALLING' } },
        { returnDocument: 'after' },
      ).lean();
    });

    const f = (n: number): string => n.toFixed(3).padStart(10);
    const lines = [
      `embedded MongoDB bench (mongoose over TCP, ${DOCS.toLocaleString('en-US')} documents)`,
      `  insert ${DOCS} in batches of ${BATCH}: ${insertMs.toFixed(0)} ms (${Math.round((DOCS / insertMs) * 1000).toLocaleString('en-US')} docs/s)`,
      `  ${'operation'.padEnd(40)}${'avg ms'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`,
      `  ${`findOne by unique index (x${LOOKUPS})`.padEnd(40)}${f(indexed.avg)}${f(indexed.p50)}${f(indexed.p99)}`,
      `  ${`findOne by non-indexed field (x${LOOKUPS})`.padEnd(40)}${f(scanned.avg)}${f(scanned.p50)}${f(scanned.p99)}`,
      `  ${`conditional findOneAndUpdate (x${LOOKUPS})`.padEnd(40)}${f(claims.avg)}${f(claims.p50)}${f(claims.p99)}`,
      `  index speed-up (scan avg / index avg): ${(scanned.avg / indexed.avg).toFixed(1)}x`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await conn.close();
    await mongo.stop();
  }
}
