import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { timeRuns } from './stack';

/**
 * How fast this machine is right now, in two fixed pieces of work every bench prints first, so
 * that figures from different runs (other sessions, other machines, the same VM on a busier
 * host) can be compared: the benches' figures are CPU-bound on a 2-core machine and move with
 * it. Seen on the same 2-core VM kind: the real-path CPU per call went from ~5 to ~12 ms between
 * two days with no code change in between, and so did redis-server's own CPU per command.
 *
 * - JS work: a fixed mix of arithmetic, JSON and string work on one core (ms, lower is faster).
 * - Loopback round trip: sequential keep-alive HTTP requests to a server in this process (µs per
 *   request and answer; mostly system calls and Node's HTTP, which the real path is made of).
 */
export async function machineLine(): Promise<string> {
  const js = jsWorkMs();
  const rtt = await loopbackRoundTripUs(2_000);
  const load = loadavg().map((l) => l.toFixed(2));
  return (
    `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), load ${load.join(' ')}; ` +
    `reference JS work ${js.toFixed(0)} ms, loopback HTTP round trip ${rtt.toFixed(0)} µs (lower is faster)`
  );
}

/** Best of three runs of a fixed workload (ms). */
function jsWorkMs(): number {
  let best = Infinity;
  let sink = 0;
  for (let run = 0; run < 3; run++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 20_000_000; i++) sink = (sink + i * 31) % 1_000_003;
    const doc = { id: 'abc', n: 1, tags: ['x', 'y'], nested: { at: 12345, ok: true } };
    for (let i = 0; i < 50_000; i++) {
      doc.n = i;
      sink += (JSON.parse(JSON.stringify(doc)) as { n: number }).n;
      sink += `+1415555${String(i).padStart(4, '0')}`.replace(/\D/g, '').length;
    }
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e6);
  }
  // Keeps the work from being optimized away.
  if (sink === -1) process.stdout.write('');
  return best;
}

/** Median of `n` sequential keep-alive POSTs with a small JSON body to a server in this process (µs). */
async function loopbackRoundTripUs(n: number): Promise<number> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const body = JSON.stringify({ CallSid: 'SIM0123456789abcdef01234567', CallStatus: 'completed', Duration: 12 });
  const once = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/simulated',
          agent,
          headers: { 'content-type': 'application/json' },
        },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    // The median, in µs.
    return (await timeRuns(n, once, 200)).p50 * 1000;
  } finally {
    agent.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
