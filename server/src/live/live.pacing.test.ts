import { nextSendAt } from './live.hub';

const pacing = { max: 4, windowMs: 1_000, spacingMs: 250 };

/** Replays changes through the pacing rule: a change is sent when allowed, later changes fold into it. */
function replay(changes: number[]): { sent: number[]; delays: number[] } {
  const sent: number[] = [];
  const delays: number[] = [];
  let due: number | null = null;
  let latest = 0;
  const flush = () => {
    sent.push(due!);
    delays.push(due! - latest);
    due = null;
  };
  for (const at of changes) {
    if (due !== null && due <= at) flush();
    latest = at;
    due ??= nextSendAt(sent, at, pacing);
  }
  if (due !== null) flush();
  return { sent, delays };
}

describe('snapshot pacing (nextSendAt)', () => {
  it('sends a change at once while the window has room', () => {
    expect(nextSendAt([], 5_000, pacing)).toBe(5_000);
    expect(nextSendAt([4_000], 5_000, pacing)).toBe(5_000);
    expect(nextSendAt([4_900, 4_950], 5_000, pacing)).toBe(5_000);
    // Sends older than the window do not count.
    expect(nextSendAt([1_000, 1_100, 1_200, 1_300], 5_000, pacing)).toBe(5_000);
  });

  it('waits for the window when it is full', () => {
    expect(nextSendAt([4_050, 4_100, 4_150, 4_200], 5_000, pacing)).toBe(5_050);
  });

  it('spaces the snapshots of a campaign that has been busy for two windows', () => {
    // Three sends in this second, three in the one before: the last of this window waits 250 ms.
    expect(nextSendAt([3_300, 3_600, 3_900, 4_900, 4_950, 4_960], 5_000, pacing)).toBe(5_210);
    // The same three sends after a quiet second go at once.
    expect(nextSendAt([4_900, 4_950, 4_960], 5_000, pacing)).toBe(5_000);
  });

  it('never sends more than 4 in any second, and always sends the latest change', () => {
    // Bursts, steady streams and gaps: a deterministic pseudo-random mix.
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const changes: number[] = [];
    let t = 0;
    for (let i = 0; i < 5_000; i++) changes.push((t += random() < 0.2 ? random() * 2_000 : random() * 40));
    const { sent, delays } = replay(changes);
    for (let i = 4; i < sent.length; i++) expect(sent[i]! - sent[i - 4]!).toBeGreaterThanOrEqual(1_000);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1_000);
    expect(sent.at(-1)!).toBeGreaterThanOrEqual(changes.at(-1)!);
  });

  it('does not hold a campaign that changes less than once a second', () => {
    const changes = Array.from({ length: 100 }, (_, i) => i * 1_300);
    expect(replay(changes).delays.every((d) => d === 0)).toBe(true);
  });
});
