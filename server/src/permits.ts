/**
 * At most `max` holders at once, the rest waiting in order (FIFO): backpressure for work that
 * must not all start together.
 *
 * - Dials per worker process (`DISPATCH_DIALS_IN_FLIGHT`, engine.context.ts). A worker holding
 *   thousands of lines starts them all at once (a campaign start, a resume, a burst of ends).
 *   Unbounded, that is thousands of place-call requests at the same moment: one socket each to
 *   the provider, an API behind it that cannot answer them within the place-call timeout, and then
 *   a look-up for every call that timed out (ambiguous: it may have been created), which is more
 *   work for the same overloaded API. Measured with 2,000 lines on the http path: ~2,000 requests
 *   in flight, place-calls timing out, look-ups piling on. With a bound, the requests wait here,
 *   where waiting costs nothing, and each one's timeout starts when it is sent. A slot takes its
 *   permit after its lease and before it claims a contact, and gives it back once the provider
 *   answered the place-call: nothing is claimed while it waits, and the fence (right before the
 *   dial) stays right before the dial.
 * - The simulator's webhook deliveries (providers/simulated/simulator.ts), as a provider sends
 *   its callbacks over a bounded pool rather than all at once.
 *
 * By hand, in a few lines: p-limit and its kin bound a function's calls, but a dial's permit is
 * taken in one step of the slot loop and given back in another (once the provider answered), so
 * the permit itself, a release to call later, is what is needed.
 */
export class Permits {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  /** Index of the next waiter in `waiting` (a queue without shift's O(n)). */
  private head = 0;

  /** @param max holders at most (≥ 1). */
  constructor(readonly max: number) {
    if (!(max >= 1)) throw new Error(`Permits: max must be at least 1 (got ${max})`);
  }

  /** Permits held now. */
  get active(): number {
    return this.inFlight;
  }

  /** Waiting for a permit now. */
  get queued(): number {
    return this.waiting.length - this.head;
  }

  /** Waits for a permit; resolves with its release, which is safe to call more than once. */
  async acquire(): Promise<() => void> {
    if (this.inFlight < this.max) this.inFlight += 1;
    // The releaser hands its permit over: inFlight stays as it is.
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.handOver();
    };
  }

  private handOver(): void {
    if (this.head < this.waiting.length) {
      const next = this.waiting[this.head]!;
      this.head += 1;
      // Compact now and then, so a long-lived queue does not keep every waiter it ever had.
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      next();
    } else this.inFlight -= 1;
  }
}
