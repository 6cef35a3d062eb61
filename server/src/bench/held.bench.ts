/**
 * Ten thousand live calls on one worker (issue 20, `BENCH_DISPATCH_ONLY=held`): 200 campaigns ×
 * 50 lines of simulated calls lasting 30–60 s, held for 3 minutes, on the path a deployment runs
 * (the `split` way of the http bench: ROLE=api + ROLE=worker + the embedded MongoDB server as its
 * own process, place-call over HTTP to the simulator (in its own process unless
 * BENCH_HTTP_SIMULATOR=api), webhooks over HTTP to the API). At
 * steady state about lines / mean call length (220) calls end, and as many start, every second.
 *
 * Figures, every one beside the same processes' idle baseline taken right before the campaigns
 * start: worker RSS (peak = VmHWM, steady = median of the hold's samples), event-loop delay p99
 * per process and per sampling window (prom-client resets it at each scrape), refill p99 (a call's
 * end at the simulator → the next dial on that campaign, from the simulator's ledger, ends inside
 * the hold only; split into stages by the calls' times in MongoDB, `refillStages`), live calls held (the worker's own `dialwave_live_calls`), CPU per held call per
 * second (/proc/<pid>/stat), and what one live line costs (RSS and heap over the baseline, per
 * live call).
 *
 * Sizes (env): BENCH_HELD_CAMPAIGNS (200), BENCH_HELD_LIMIT (50), BENCH_HELD_SECONDS (180),
 * BENCH_HELD_MIN_CALL_S (30), BENCH_HELD_MAX_CALL_S (60), BENCH_HELD_CONTACTS (enough for every
 * line to keep dialling through the ramp and the hold), BENCH_HELD_SAMPLE_S (5),
 * BENCH_HELD_STAGGER_S (0: every campaign started at once; N: the starts spread evenly over N
 * seconds, so that with N about one mean call length the calls end at the offered rate from the
 * first generation on, instead of in the wave an all-at-once start makes).
 * BENCH_HTTP_NODE_ARGS adds node flags to the Dialwave processes (`--cpu-prof`,
 * `--heapsnapshot-signal=SIGUSR2`), as in the http bench.
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { cpuMs, cpuSummary, fetchLedger, loopP99Of, mainLoopMs, scrapeMetrics, startSplit } from './http-path.bench';
import type { LedgerTimes, Proc, Way } from './http-path.bench';
import mongoose from 'mongoose';
import {
  benchGraphQL,
  createCampaigns,
  percentile,
  refillLatencies,
  refillPairs,
  refills as refillsOf,
  setupOrg,
} from './stack';

/** Sizes of the run, from the environment. */
interface HeldShape {
  campaigns: number;
  limit: number;
  holdSeconds: number;
  minCallS: number;
  maxCallS: number;
  contacts: number;
  sampleS: number;
  staggerS: number;
}

function shapeFromEnv(): HeldShape {
  const num = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  const campaigns = num('BENCH_HELD_CAMPAIGNS', 200);
  const limit = num('BENCH_HELD_LIMIT', 50);
  const holdSeconds = num('BENCH_HELD_SECONDS', 180);
  const minCallS = num('BENCH_HELD_MIN_CALL_S', 30);
  const maxCallS = Math.max(minCallS, num('BENCH_HELD_MAX_CALL_S', 60));
  // Each line dials at most once per shortest call during the ramp (at most a longest call) and
  // the hold, plus its first: a campaign never runs dry before the hold ends.
  const staggerS = Number(process.env['BENCH_HELD_STAGGER_S'] ?? 0);
  if (!Number.isFinite(staggerS) || staggerS < 0) throw new Error('BENCH_HELD_STAGGER_S must be 0 or more');
  const perLine = Math.ceil((maxCallS + staggerS + holdSeconds) / minCallS) + 2;
  const contacts = num('BENCH_HELD_CONTACTS', limit * perLine);
  return {
    campaigns,
    limit,
    holdSeconds,
    minCallS,
    maxCallS,
    contacts,
    sampleS: num('BENCH_HELD_SAMPLE_S', 5),
    staggerS,
  };
}

/** Resident set size now and at its peak (VmHWM), in MB, from /proc (Linux). */
async function rssMb(pid: number | undefined): Promise<{ now: number; peak: number }> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { now: NaN, peak: NaN };
  }
}

/** Sum of a metric's samples over its labels in a /metrics text (NaN when absent). */
function metricSum(text: string | null, name: string): number {
  if (!text) return NaN;
  let sum = NaN;
  for (const match of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm')))
    sum = (Number.isNaN(sum) ? 0 : sum) + Number(match[1]);
  return sum;
}

/** One look at every process: event-loop p99 of the window since the last look, RSS, heap, live calls. */
interface Sample {
  at: number;
  loopP99: number[];
  /** The longest single delay of the window (ms): one block the window's p99 can hide. */
  loopMax: number[];
  rss: number[];
  heapMb: number[];
  /** Live calls as the worker counts them (placed, not yet ended). */
  live: number;
}

/**
 * How steady the offered load was, and the refills under it: the ramp starts every line within
 * seconds, so the first calls end together, in a wave that takes a few call lengths to spread
 * out. Ends per second of the hold (min, median, max), and the refills of ends that came in a
 * second with at most the mean rate (`offered`) apart from those of busier seconds.
 */
function endWaves(
  ledger: { endedAt: number }[],
  refills: { end: number; ms: number }[],
  from: number,
  to: number,
  offered: number,
): string[] {
  const perSecond = new Array<number>(Math.max(1, Math.ceil((to - from) / 1000))).fill(0);
  for (const e of ledger)
    if (e.endedAt >= from && e.endedAt < to) perSecond[Math.floor((e.endedAt - from) / 1000)]! += 1;
  const sorted = [...perSecond].sort((a, b) => a - b);
  const calm: number[] = [];
  const busy: number[] = [];
  for (const r of refills) ((perSecond[Math.floor((r.end - from) / 1000)] ?? 0) <= offered ? calm : busy).push(r.ms);
  const p = (xs: number[]) => {
    const s = xs.sort((a, b) => a - b);
    return `p50 ${percentile(s, 50).toFixed(0)} ms, p99 ${percentile(s, 99).toFixed(0)} ms (${s.length} refills)`;
  };
  return [
    `  calls ended per second of the hold: min ${sorted[0]}, median ${percentile(sorted, 50)}, max ${sorted[sorted.length - 1]} ` +
      `(offered ~${offered.toFixed(0)} on average; started at once, the first calls end in a wave)`,
    `  refill of ends in seconds at or below ~${offered.toFixed(0)} ended/s: ${p(calm)}; in busier seconds: ${p(busy)}`,
  ];
}

/**
 * Where the refills' time goes, stage by stage, from the simulator's ledger and the calls in
 * MongoDB (one machine, one clock): the ended call's end at the simulator → its end recorded by
 * the API (the simulator's delivery queue, the webhook request, the API's write); → the next
 * call on the campaign created (the call-ended signal to the worker, the outcome's writes, the
 * line's release and the next lease, the claim, its counters and the dial checks: the call's
 * `startedAt`, set as its insert is built); → the provider's acceptance of that call (the insert,
 * the fence, the place-call request). For all refills, and for the slowest 1 %: which stage the
 * tail is made of.
 */
async function refillStages(
  mongoUri: string,
  ledger: LedgerTimes[],
  contacts: number,
  window: { from: number; to: number },
): Promise<string[]> {
  const pairs = refillPairs(ledger, contacts, window);
  const conn = await mongoose.createConnection(mongoUri).asPromise();
  const times = new Map<string, { startedAt: number; endedAt: number | null }>();
  try {
    const ids = new Set(pairs.flatMap(({ ended, next }) => [ended.callId, next.callId]));
    const cursor = conn
      .collection('calls')
      .find({ startedAt: { $gte: new Date(window.from - 120_000) } }, { projection: { startedAt: 1, endedAt: 1 } });
    for await (const c of cursor) {
      const id = String(c._id);
      if (ids.has(id)) times.set(id, { startedAt: c['startedAt'].getTime(), endedAt: c['endedAt']?.getTime() ?? null });
    }
  } finally {
    await conn.close();
  }
  const rows: { total: number; stages: [number, number, number] }[] = [];
  for (const { ended, next } of pairs) {
    const a = times.get(ended.callId);
    const b = times.get(next.callId);
    if (!a?.endedAt || !b) continue;
    rows.push({
      total: next.placedAt - ended.endedAt,
      stages: [a.endedAt - ended.endedAt, b.startedAt - a.endedAt, next.placedAt - b.startedAt],
    });
  }
  if (rows.length === 0) return ['  refill stages: no refill found both in the ledger and in MongoDB'];
  const names = ['end → recorded by the API', 'recorded → next call created', 'created → provider accepted'];
  const sorted = (xs: number[]) => xs.sort((x, y) => x - y);
  const all = names.map((name, i) => {
    const xs = sorted(rows.map((r) => r.stages[i]!));
    return `${name} p50 ${percentile(xs, 50).toFixed(0)} / p99 ${percentile(xs, 99).toFixed(0)} ms`;
  });
  rows.sort((x, y) => x.total - y.total);
  const tail = rows.slice(Math.floor(rows.length * 0.99));
  const inTail = names.map(
    (name, i) => `${name} ${percentile(sorted(tail.map((r) => r.stages[i]!)), 50).toFixed(0)} ms`,
  );
  return [
    `  refill stages (${rows.length} refills; MongoDB's call times against the simulator's ledger): ${all.join('; ')}`,
    `  the slowest 1 % (${tail.length} refills, from ${tail[0]!.total.toFixed(0)} ms), median of each stage: ${inTail.join('; ')}`,
  ];
}

async function sample(procs: Proc[], worker: Proc): Promise<Sample> {
  const texts = await Promise.all(procs.map(scrapeMetrics));
  const rss = await Promise.all(procs.map((p) => rssMb(p.child.pid)));
  const workerText = texts[procs.indexOf(worker)] ?? null;
  return {
    at: Date.now(),
    loopP99: texts.map(loopP99Of),
    loopMax: texts.map((t) => mainLoopMs(t, 'max')),
    rss: rss.map((r) => r.now),
    heapMb: texts.map((t) => metricSum(t, 'dialwave_nodejs_heap_size_used_bytes') / 2 ** 20),
    live: metricSum(workerText, 'dialwave_live_calls') || 0,
  };
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a campaign over GraphQL. The first campaigns already dial while the later ones start, so
 * the API is busy: a request that failed without an answer (a connection reset) is asked about
 * and sent again unless the campaign started; a process that died is said at once.
 */
async function startCampaign(way: Way, token: string, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await benchGraphQL(way.url, `mutation ($id: ID!) { startCampaign(id: $id) { id } }`, { id }, token);
      return;
    } catch (error) {
      const dead = way.procs.filter((p) => p.child.exitCode !== null || p.child.signalCode !== null);
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const why = `${(error as Error).message}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`;
      if (dead.length > 0 || attempt >= 3)
        throw new Error(`startCampaign ${id}: ${why}; exited: ${dead.map((p) => p.name).join(', ') || 'none'}`, {
          cause: error,
        });
      process.stderr.write(`held bench: startCampaign ${id} failed (${why}); asking again\n`);
      await sleep(1_000);
      const { campaign } = await benchGraphQL(
        way.url,
        `query ($id: ID!) { campaign(id: $id) { status } }`,
        { id },
        token,
      );
      if (campaign?.status === 'ACTIVE') return;
    }
  }
}

/** `BENCH_DISPATCH_ONLY=held`: 10,000 live calls on one worker, through the real HTTP path. */
export async function runHeldBench(out: (s: string) => void): Promise<void> {
  const shape = shapeFromEnv();
  const { campaigns, limit, holdSeconds, minCallS, maxCallS, contacts, sampleS, staggerS } = shape;
  const lines = campaigns * limit;
  const way = await startSplit({
    // The provider runs elsewhere, as a deployment's does (BENCH_HTTP_SIMULATOR=api: in the API).
    simulatorProcess: (process.env['BENCH_HTTP_SIMULATOR'] ?? 'process') !== 'api',
    workerEnv: {
      // Every line is a BullMQ job held active for its whole call, and all run on this worker.
      WORKER_CONCURRENCY: String(lines),
      MAX_CONCURRENT_OUTBOUND_CALLS: String(Math.max(1000, lines)),
    },
  });
  try {
    const { worker } = way;
    const names = way.procs.map((p) => p.name);
    const { token, agentId } = await setupOrg(way.url, `held-bench-${Date.now()}@example.com`, {
      minDurationMs: minCallS * 1000,
      maxDurationMs: maxCallS * 1000,
      // Every call is answered and lasts its drawn length: the lines are held, not churned.
      busyRate: 0,
      noAnswerRate: 0,
      failRate: 0,
      voicemailRate: 0,
    });
    const ids = await createCampaigns(way.url, token, agentId, campaigns, contacts, limit, 'held');

    // Baseline: the same processes, idle, right before the campaigns start.
    await sample(way.procs, worker); // resets the event-loop histograms
    const idleCpu0 = await Promise.all(way.procs.map((p) => cpuMs(p.child.pid)));
    await sleep(sampleS * 1000);
    const idle = await sample(way.procs, worker);
    const idleCpu = (await Promise.all(way.procs.map((p) => cpuMs(p.child.pid)))).map(
      (c, i) => (c - idleCpu0[i]!) / sampleS,
    );
    const load0 = loadavg()[0]!.toFixed(2);

    const t0 = Date.now();
    for (const [i, id] of ids.entries()) {
      const startAt = t0 + (i * staggerS * 1000) / ids.length;
      if (startAt > Date.now()) await sleep(startAt - Date.now());
      await startCampaign(way, token, id);
    }
    // Ramp: until 98% of the lines are live, for at most a longest call and a minute.
    const ramp: Sample[] = [];
    const rampLimitMs = (staggerS + maxCallS + 60) * 1000;
    for (;;) {
      await sleep(sampleS * 1000);
      const s = await sample(way.procs, worker);
      ramp.push(s);
      if (s.live >= 0.98 * lines || Date.now() - t0 > rampLimitMs) break;
    }
    const rampS = (Date.now() - t0) / 1000;
    const rampReached = ramp[ramp.length - 1]!.live >= 0.98 * lines;

    // Hold.
    const holdFrom = Date.now();
    const cpu0 = await Promise.all(way.procs.map((p) => cpuMs(p.child.pid)));
    const helperCpu0 = await Promise.all(way.helpers.map((h) => cpuMs(h.pid)));
    const held: Sample[] = [];
    while (Date.now() - holdFrom < holdSeconds * 1000) {
      await sleep(Math.min(sampleS * 1000, holdSeconds * 1000 - (Date.now() - holdFrom)));
      held.push(await sample(way.procs, worker));
    }
    const holdTo = Date.now();
    const cpu = (await Promise.all(way.procs.map((p) => cpuMs(p.child.pid)))).map((c, i) => c - cpu0[i]!);
    const helperCpu = (await Promise.all(way.helpers.map((h) => cpuMs(h.pid)))).map((c, i) => c - helperCpu0[i]!);
    const peaks = await Promise.all(way.procs.map((p) => rssMb(p.child.pid)));
    const load1 = loadavg()[0]!.toFixed(2);

    const lives = held.map((s) => s.live);
    const meanLive = lives.reduce((a, b) => a + b, 0) / Math.max(1, lives.length);
    const w = way.procs.indexOf(worker);
    const steadyRss = median(held.map((s) => s.rss[w]!));
    const steadyHeap = median(held.map((s) => s.heapMb[w]!));
    const mb = (n: number) => `${n.toFixed(0)} MB`;
    const f1 = (n: number) => n.toFixed(1);
    out(
      `held calls, ROLE=api + ROLE=worker + MongoDB process, simulator in ${way.simulator.host}: ${campaigns} campaigns x ${limit} lines = ${lines} lines, ` +
        `calls of ${minCallS}-${maxCallS} s (offered ~${(lines / ((minCallS + maxCallS) / 2)).toFixed(0)} calls/s), ` +
        `${contacts} contacts each, ${staggerS > 0 ? `campaigns started over ${staggerS} s` : 'campaigns started at once'}, hold ${holdSeconds} s (load ${load0} at start, ${load1} at the hold's end)`,
    );
    out(
      `  ramp: ${rampReached ? '' : 'NOT REACHED: '}${ramp[ramp.length - 1]!.live} live after ${rampS.toFixed(0)} s; ` +
        `hold: live calls (worker's gauge) min ${Math.min(...lives)}, median ${median(lives)}, max ${Math.max(...lives)} ` +
        `of ${lines}`,
    );
    out(
      `  worker RSS: idle ${mb(idle.rss[w]!)} (baseline), steady ${mb(steadyRss)}, peak ${mb(peaks[w]!.peak)}; ` +
        `heap used idle ${mb(idle.heapMb[w]!)}, steady ${mb(steadyHeap)}; per live line ` +
        `${f1(((steadyRss - idle.rss[w]!) * 1024) / Math.max(1, meanLive))} KB RSS, ` +
        `${f1(((steadyHeap - idle.heapMb[w]!) * 1024) / Math.max(1, meanLive))} KB heap`,
    );
    names.forEach((name, i) => {
      const windows = held.map((s) => s.loopP99[i]!);
      const maxes = held.map((s) => s.loopMax[i]!);
      out(
        `  ${name}: event-loop delay p99 per ${sampleS} s window: median ${f1(median(windows))} ms, worst ${f1(Math.max(...windows))} ms ` +
          `(idle ${f1(idle.loopP99[i]!)} ms); longest single delay per window: median ${f1(median(maxes))}, worst ${f1(Math.max(...maxes))} ms; CPU ${f1(cpu[i]! / ((holdTo - holdFrom) / 1000) / 10)}% of a core ` +
          `(idle ${f1(idleCpu[i]! / 10)}%) = ${((cpu[i]! * 1000) / Math.max(1, meanLive * ((holdTo - holdFrom) / 1000))).toFixed(1)} µs per held call per second; ` +
          `RSS idle ${mb(idle.rss[i]!)}, peak ${mb(peaks[i]!.peak)}`,
      );
    });
    for (const p of way.procs)
      if (p.child.exitCode !== null || p.child.signalCode !== null)
        out(`  ${p.name} EXITED during the run (${p.child.exitCode ?? p.child.signalCode})`);
    for (const p of way.procs)
      for (const line of p.problems.slice(0, 5)) out(`  ${p.name} logged: ${line.slice(0, 300)}`);
    // Last, as it needs the API to answer: an API still behind on the hold's webhooks may not.
    // Ends of the last seconds may not have been refilled yet when the ledger is read: give them time.
    await sleep(2_000);
    try {
      const ledger = await fetchLedger(way, ids);
      const refills = refillLatencies(ledger, contacts, { from: holdFrom, to: holdTo });
      const ended = ledger.filter((e) => e.endedAt >= holdFrom && e.endedAt <= holdTo).length;
      out(
        `  refill (end at the simulator → next dial on the campaign, ends in the hold): p50 ${f1(percentile(refills, 50))} ms, ` +
          `p99 ${f1(percentile(refills, 99))} ms, max ${f1(refills[refills.length - 1] ?? NaN)} ms (${refills.length} refills); ` +
          `${ended} calls ended in the hold = ${(ended / ((holdTo - holdFrom) / 1000)).toFixed(0)}/s`,
      );
      const waves = endWaves(
        ledger,
        refillsOf(ledger, contacts, { from: holdFrom, to: holdTo }),
        holdFrom,
        holdTo,
        lines / ((minCallS + maxCallS) / 2),
      );
      for (const line of waves) out(line);
      for (const line of await refillStages(way.mongoUri, ledger, contacts, { from: holdFrom, to: holdTo })) out(line);
      // The hold's CPU over the calls that ended in it: at steady state as many start as end.
      const used = [
        ...way.procs.map((p, i) => ({ name: p.name, cpuMs: cpu[i]! })),
        ...way.helpers.map((h, i) => ({ name: h.name, cpuMs: helperCpu[i]! })),
      ];
      const offered = lines / ((minCallS + maxCallS) / 2);
      for (const line of cpuSummary(used, ended, `offered ~${offered.toFixed(0)}`)) out(line);
    } catch (error) {
      out(`  refill: NOT MEASURED, the simulator's ledger could not be read (${(error as Error).message})`);
    }
  } finally {
    await way.stop();
  }
}
