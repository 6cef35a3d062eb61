/**
 * Per-process cache of documents that change rarely and are read on every dial (a campaign's
 * phone, its agent): one read per key per `ttlMs` instead of one per call, and one read shared
 * by the slots that ask at once.
 *
 * Staleness is bounded by `ttlMs` from the moment the read was *sent*: an entry is stamped with
 * its read's start, so a value served at time t reflects the database at t − ttlMs or later,
 * whatever the read's own latency (a slow read does not extend it). An edit therefore applies
 * to every dial that starts `ttlMs` after it, in every worker process. A missing document (null)
 * is not cached: it is read again on the next ask.
 */
export class ReadCache<T> {
  private readonly entries = new Map<string, { value: T; at: number }>();
  private readonly reads = new Map<string, { promise: Promise<T | null>; at: number }>();

  /**
   * @param ttlMs how long a read answers for, from when it was sent.
   * @param read reads one document by key (null when missing).
   * @param now the clock (tests pass their own). Default Date.now.
   * @param maxEntries past this many entries, expired ones are dropped on the next read. Default 10,000.
   */
  constructor(
    private readonly ttlMs: number,
    private readonly read: (key: string) => Promise<T | null>,
    private readonly now: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): Promise<T | null> {
    const now = this.now();
    const cached = this.entries.get(key);
    if (cached && now - cached.at < this.ttlMs) return Promise.resolve(cached.value);
    // Askers whose entry lapsed together share one read instead of each sending its own, unless
    // that read was sent more than ttlMs ago (a read that slow would break the bound).
    const pending = this.reads.get(key);
    if (pending && now - pending.at < this.ttlMs) return pending.promise;
    const reading = { at: now, promise: this.read(key) };
    reading.promise = reading.promise
      .then((value) => {
        const newer = this.entries.get(key);
        if (newer && newer.at > reading.at) return value;
        if (value === null) this.entries.delete(key);
        else this.store(key, value, reading.at);
        return value;
      })
      .finally(() => {
        if (this.reads.get(key) === reading) this.reads.delete(key);
      });
    this.reads.set(key, reading);
    return reading.promise;
  }

  private store(key: string, value: T, at: number): void {
    // Entries of phones and agents no longer dialled would otherwise stay for the process's life.
    if (this.entries.size >= this.maxEntries) {
      const now = this.now();
      for (const [k, e] of this.entries) if (now - e.at >= this.ttlMs) this.entries.delete(k);
    }
    this.entries.set(key, { value, at });
  }
}
