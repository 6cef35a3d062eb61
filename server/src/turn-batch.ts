/**
 * Groups requests made during one turn of the event loop and runs each group once, on the
 * loop's next check phase (`setImmediate`): after every I/O callback of the current poll, so
 * the hundreds of slots that a burst of replies wakes at once share one round trip. Used by the
 * engine's call inserts and counter updates, the webhook outbox and the do-not-call version read
 * (the event publisher has its own, sooner batching: events.ts).
 *
 * Why by hand: DataLoader batches per key with the same timing, but it caches and dedupes by
 * key and resolves one value per key; here a group holds distinct items (documents, updates)
 * whose results differ per item, and a group can be refused an item (`canJoin`).
 */
export interface TurnBatchOptions<I> {
  /** Most items in one group; a full group runs at the same check phase and a new one starts. */
  maxItems?: number;
  /** Whether `item` may join a group holding `items` (else it starts the next group of its key). */
  canJoin?: (items: readonly I[], item: I) => boolean;
}

interface Group<I, R> {
  items: I[];
  settle: { resolve: (r: R) => void; reject: (e: unknown) => void }[];
}

export class TurnBatch<I, R> {
  private readonly open = new Map<string, Group<I, R>>();

  /**
   * @param run runs one group: one result per item, in order (an `Error` rejects that item's
   *   promise alone); a rejection of `run` itself rejects every item of the group.
   */
  constructor(
    private readonly run: (key: string, items: I[]) => Promise<(R | Error)[]>,
    private readonly options: TurnBatchOptions<I> = {},
  ) {}

  /** Queues `item` in the current group of `key`; settles when that group has run. */
  add(key: string, item: I): Promise<R> {
    let group = this.open.get(key);
    const { maxItems = Infinity, canJoin } = this.options;
    if (group && (group.items.length >= maxItems || (canJoin && !canJoin(group.items, item)))) {
      // Closed: it still runs at the check phase it was scheduled for, before the new one.
      this.open.delete(key);
      group = undefined;
    }
    if (!group) {
      const fresh: Group<I, R> = { items: [], settle: [] };
      this.open.set(key, fresh);
      setImmediate(() => {
        if (this.open.get(key) === fresh) this.open.delete(key);
        void this.runGroup(key, fresh);
      });
      group = fresh;
    }
    const g = group;
    g.items.push(item);
    return new Promise<R>((resolve, reject) => g.settle.push({ resolve, reject }));
  }

  private async runGroup(key: string, group: Group<I, R>): Promise<void> {
    let results: (R | Error)[];
    try {
      results = await this.run(key, group.items);
    } catch (error) {
      for (const s of group.settle) s.reject(error);
      return;
    }
    group.settle.forEach((s, i) => {
      const r = results[i];
      if (r instanceof Error) s.reject(r);
      else if (i >= results.length) s.reject(new Error(`batch of ${key} returned no result for item ${i}`));
      else s.resolve(r as R);
    });
  }
}
