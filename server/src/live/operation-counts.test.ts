import { OperationCounts } from './operation-counts';

/** A socket's running operations as its protocol library holds them, with a count of the reads. */
function socket(running: number) {
  const s = {
    running,
    reads: 0,
    active: () => {
      s.reads += 1;
      return s.running;
    },
  };
  return s;
}

describe('OperationCounts', () => {
  it('sums the sockets of an organization, apart from another organization’s', () => {
    const counts = new OperationCounts();
    const a = socket(2);
    const b = socket(3);
    const other = socket(4);
    counts.track('acme', a.active).total(10);
    counts.track('acme', b.active).total(10);
    counts.track('rival', other.active).total(10);
    expect(counts.sum('acme')).toBe(5);
    expect(counts.sum('rival')).toBe(4);
  });

  it('goes down when a socket closes, and once only', () => {
    const counts = new OperationCounts();
    const a = socket(2);
    const b = socket(3);
    const first = counts.track('acme', a.active);
    const second = counts.track('acme', b.active);
    first.total(10);
    expect(second.total(10)).toBe(5);
    second.release();
    expect(counts.sum('acme')).toBe(2);
    second.release();
    expect(counts.sum('acme')).toBe(2);
    first.release();
    expect(counts.sum('acme')).toBe(0);
  });

  it('reads only the subscribing socket while the organization is within the cap', () => {
    const counts = new OperationCounts();
    const sockets = Array.from({ length: 100 }, () => socket(1));
    const handles = sockets.map((s) => counts.track('acme', s.active));
    handles.forEach((h) => h.total(1000));
    for (const s of sockets) s.reads = 0;
    expect(handles[42]!.total(1000)).toBe(100);
    expect(sockets.reduce((n, s) => n + s.reads, 0)).toBe(1);
  });

  it('is exact past the cap: operations that ended since the last reads are not counted', () => {
    const counts = new OperationCounts();
    const a = socket(4);
    const b = socket(4);
    const first = counts.track('acme', a.active);
    const second = counts.track('acme', b.active);
    first.total(8);
    second.total(8);
    // Two of a's operations end (the library drops them without telling us); b opens one more.
    a.running = 2;
    b.running = 5;
    expect(second.total(8)).toBe(7);
    expect(counts.sum('acme')).toBe(7);
    // Past the cap for real.
    b.running = 7;
    expect(second.total(8)).toBe(9);
  });
});
