import { subscribeRedis } from '../pubsub';
import type { RedisSubscription } from '../pubsub';
import { createRedis } from '../redis';
import { releasedChannel } from './leases';

/**
 * Wake-ups for waiting slot jobs, carried by Redis pub/sub so they cross processes: "this call
 * ended" (published by whichever API instance got the webhook) and "a line of this campaign /
 * phone was released". One subscriber connection per worker process, whatever the number of
 * campaigns or slots; waiters live in in-memory maps.
 */

/**
 * The channel announcing final call statuses: message = our call id, or `<call id>|<status>`
 * (`<call id>|<status>|invalid` for a number the provider reported invalid) when the announcer
 * has just written that final status (the waiting slot then need not read it; call-status.ts
 * `endedFromDetail`).
 */
export const callEndedChannel = (prefix: string): string => `${prefix}:call-ended`;

export type WaitOutcome = 'signalled' | 'timeout' | 'closed';

export interface Waiter {
  promise: Promise<WaitOutcome>;
  cancel(): void;
  /** What the signal that woke it carried (a call's final status), if anything. */
  detail?: string;
}

type Wake = (o: WaitOutcome, detail?: string) => void;

export class Signals {
  private subscription: RedisSubscription | null = null;
  private readonly callWaiters = new Map<string, Set<Wake>>();
  private readonly capacityWaiters = new Map<string, Set<Wake>>();
  private closed = false;

  constructor(private readonly prefix: string) {}

  /** Subscribes; resolves once both channels are live. */
  async start(redisUrl: string): Promise<void> {
    const ended = callEndedChannel(this.prefix);
    const subscription = await subscribeRedis(
      createRedis(redisUrl),
      [ended, releasedChannel(this.prefix)],
      (channel, message) => {
        if (channel === ended) {
          const bar = message.indexOf('|');
          if (bar < 0) this.wakeCall(message);
          else this.wakeCall(message.slice(0, bar), message.slice(bar + 1));
        } else {
          const [campaignId, phoneId] = message.split('|');
          this.wakeCapacity(`c:${campaignId}`, `p:${phoneId}`, 'g');
        }
      },
    );
    // Closed or killed while subscribing: let the connection go too.
    if (this.closed) await subscription.close({ force: true });
    else this.subscription = subscription;
  }

  /** Calls some waiter is waiting on (for the periodic reconcile against MongoDB). */
  waitingCallIds(): string[] {
    return [...this.callWaiters.keys()];
  }

  /** Registers a waiter for a call's end. Register BEFORE checking the call's state, or a fast webhook is missed. */
  waitForCall(callId: string, timeoutMs: number): Waiter {
    return this.register(this.callWaiters, [callId], timeoutMs);
  }

  /** Waits until a line of the campaign, the phone or anywhere frees up (or the safety timeout). */
  waitForCapacity(campaignId: string, phoneId: string, timeoutMs: number): Waiter {
    return this.register(this.capacityWaiters, [`c:${campaignId}`, `p:${phoneId}`, 'g'], timeoutMs);
  }

  /** Wakes the waiters of a call (also called locally, e.g. by the reconcile); `status`: its final status, when known. */
  wakeCall(callId: string, status?: string): void {
    this.fire(this.callWaiters, callId, status);
  }

  private wakeCapacity(...keys: string[]): void {
    for (const key of keys) this.fire(this.capacityWaiters, key);
  }

  private fire(map: Map<string, Set<Wake>>, key: string, detail?: string): void {
    const set = map.get(key);
    if (!set) return;
    for (const resolve of [...set]) resolve('signalled', detail);
  }

  private register(map: Map<string, Set<Wake>>, keys: string[], timeoutMs: number): Waiter {
    let done: Wake = () => undefined;
    const waiter: Waiter = { promise: Promise.resolve<WaitOutcome>('closed'), cancel: () => done('closed') };
    waiter.promise = new Promise<WaitOutcome>((resolve) => {
      if (this.closed) {
        resolve('closed');
        return;
      }
      let timer: NodeJS.Timeout | null = null;
      let settled = false;
      const finish: Wake = (o, detail) => {
        if (settled) return;
        settled = true;
        if (detail !== undefined) waiter.detail = detail;
        if (timer) clearTimeout(timer);
        timer = null;
        for (const key of keys) {
          const set = map.get(key);
          set?.delete(finish);
          if (set && set.size === 0) map.delete(key);
        }
        resolve(o);
      };
      done = finish;
      for (const key of keys) {
        let set = map.get(key);
        if (!set) map.set(key, (set = new Set()));
        set.add(finish);
      }
      timer = setTimeout(() => finish('timeout'), Math.max(0, timeoutMs));
    });
    return waiter;
  }

  /** Resolves every waiter with 'closed' and unsubscribes; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const map of [this.callWaiters, this.capacityWaiters]) {
      for (const set of [...map.values()]) for (const resolve of [...set]) resolve('closed');
    }
    const sub = this.subscription;
    this.subscription = null;
    await sub?.close();
  }

  /** Drops the subscription at once, as a dying process would (tests). */
  kill(): void {
    this.closed = true;
    for (const map of [this.callWaiters, this.capacityWaiters]) {
      for (const set of [...map.values()]) for (const resolve of [...set]) resolve('closed');
    }
    void this.subscription?.close({ force: true });
    this.subscription = null;
  }
}
