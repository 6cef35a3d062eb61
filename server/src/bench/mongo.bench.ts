/**
 * Embedded MongoDB benchmark, measured through mongoose over TCP like the application uses it:
 * batched inserts, findOne by a unique indexed field vs. by a non-indexed field (the ratio
 * shows the index is used), conditional findOneAndUpdate (the call-claiming pattern), and the
 * dispatcher's sorted claim among 1,000 and 100,000 waiting contacts (an ordered index walk:
 * the time should not grow with the number waiting).
 */
import mongoose, { Schema, Types } from 'mongoose';
import type { Connection } from 'mongoose';
import { startEmbeddedMongo } from '../mongo/embedded';

const DOCS = 20_000;
const BATCH = 1_000;
const LOOKUPS = 1_000;
/** Waiting contacts in the campaign a claim picks from. */
const WAITING_SIZES = [1_000, 100_000];
const CLAIMS = 50;

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

interface Waiting {
  campaignId: Types.ObjectId;
  phoneNumber: string;
  status: string;
  priority: number;
  attempts: number;
  nextAttemptAt: Date | null;
}

/**
 * Average, p50 and p99 of the dispatcher's claim (dispatch/slot.loop.ts: the first waiting, due
 * contact in FIFO order becomes CALLING) among `waiting` contacts, on a collection with the
 * indexes of contacts/contact.model.ts.
 */
async function timeClaims(conn: Connection, waiting: number): Promise<{ avg: number; p50: number; p99: number }> {
  const schema = new Schema<Waiting>({
    campaignId: Schema.Types.ObjectId,
    phoneNumber: String,
    status: String,
    priority: Number,
    attempts: Number,
    nextAttemptAt: Date,
  });
  schema.index({ campaignId: 1, phoneNumber: 1 }, { unique: true });
  schema.index({ campaignId: 1, status: 1, _id: 1 });
  schema.index({ campaignId: 1, status: 1, priority: -1, _id: 1 });
  schema.index({ campaignId: 1, status: 1, nextAttemptAt: 1 });
  schema.index({ status: 1, updatedAt: 1 });
  const Contacts = conn.model<Waiting>(`BenchContact${waiting}`, schema, `contacts_${waiting}`);
  await Contacts.init();
  const campaignId = new Types.ObjectId();
  for (let b = 0; b < waiting; b += BATCH) {
    // The driver's insertMany: seeding, not the figure, so mongoose's casting is skipped.
    await Contacts.collection.insertMany(
      Array.from({ length: Math.min(BATCH, waiting - b) }, (_, k) => ({
        campaignId,
        phoneNumber: phoneOf(b + k),
        status: 'QUEUED',
        priority: k % 5,
        attempts: 0,
        nextAttemptAt: null,
      })),
    );
  }
  const claim = async (): Promise<void> => {
    const now = new Date();
    const claimed = await Contacts.findOneAndUpdate(
      {
        campaignId,
        status: { $in: ['QUEUED', 'RETRY_SCHEDULED'] },
        $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }],
      },
      { $set: { status: 'CALLING', nextAttemptAt: null }, $inc: { attempts: 1 } },
      { sort: { _id: 1 }, returnDocument: 'before' },
    ).lean();
    if (!claimed) throw new Error('claim bench: nothing left to claim');
  };
  await timeEach(10, claim); // warm-up
  const times = await timeEach(CLAIMS, claim);
  await Contacts.collection.drop();
  return times;
}

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

    const claimTimes: Array<[number, { avg: number; p50: number; p99: number }]> = [];
    for (const waiting of WAITING_SIZES) claimTimes.push([waiting, await timeClaims(conn, waiting)]);

    const f = (n: number): string => n.toFixed(3).padStart(10);
    const lines = [
      `embedded MongoDB bench (mongoose over TCP, ${DOCS.toLocaleString('en-US')} documents)`,
      `  insert ${DOCS} in batches of ${BATCH}: ${insertMs.toFixed(0)} ms (${Math.round((DOCS / insertMs) * 1000).toLocaleString('en-US')} docs/s)`,
      `  ${'operation'.padEnd(40)}${'avg ms'.padStart(10)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}`,
      `  ${`findOne by unique index (x${LOOKUPS})`.padEnd(40)}${f(indexed.avg)}${f(indexed.p50)}${f(indexed.p99)}`,
      `  ${`findOne by non-indexed field (x${LOOKUPS})`.padEnd(40)}${f(scanned.avg)}${f(scanned.p50)}${f(scanned.p99)}`,
      `  ${`conditional findOneAndUpdate (x${LOOKUPS})`.padEnd(40)}${f(claims.avg)}${f(claims.p50)}${f(claims.p99)}`,
      `  index speed-up (scan avg / index avg): ${(scanned.avg / indexed.avg).toFixed(1)}x`,
      ...claimTimes.map(
        ([waiting, t]) =>
          `  ${`claim among ${waiting.toLocaleString('en-US')} waiting (x${CLAIMS})`.padEnd(40)}${f(t.avg)}${f(t.p50)}${f(t.p99)}`,
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await conn.close();
    await mongo.stop();
  }
}
