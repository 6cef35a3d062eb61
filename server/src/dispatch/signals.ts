import type { Redis } from 'ioredis';
import { createRedis } from '../redis';
import { releasedChannel } from './leases';

/**
 * Wake-ups for waiting slot jobs, carried by Redis pub/sub so they cross processes: "this call
 * ended" (published by whichever API instance got the webhook) and "a line of this campaign /
 * phone was released". One subscriber connection per worker process, whatever the number of
 * campaigns or slots; waiters live in in-memory maps.
 */

/** The channel announcing final call statuses: message = our call id. */
export const callEndedChannel = (prefix: string): string => `${prefix}:call-ended`;

export type WaitOutcome = 'signalled' | 'timeout' | 'closed';

export interface Waiter {
  promise: Promise<WaitOutcome>;
  cancel(): void;
}

export class Signals {
  private subscriber: Redis | null = null;
  private readonly callWaiters = new Map<string, Set<(o: WaitOutcome) => void>>();
  private readonly capacityWaiters = new Map<string, Set<(o: WaitOutcome) => void>>();
  private closed = false;

  constructor(private readonly prefix: string) {}

  /** Subscribes; resolves once both channels are live. */
  async start(redisUrl: string): Promise<void> {
    const sub = createRedis(redisUrl);
    this.subscriber = sub;
    sub.on('message', (channel: string, message: string) => {
      if (channel === callEndedChannel(this.prefix)) this.wakeCall(message);
      else {
        const [campaignId, phoneId] = message.split('|');
        this.wakeCapacity(`c:${campaignId}`, `p:${phoneId}`, 'g');
      }
    });
    await sub.subscribe(callEndedChannel(this.prefix), releasedChannel(this.prefix));
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

  /** Wakes the waiters of a call (also called locally, e.g. by the reconcile). */
  wakeCall(callId: string): void {
    this.fire(this.callWaiters, callId);
  }

  private wakeCapacity(...keys: string[]): void {
    for (const key of keys) this.fire(this.capacityWaiters, key);
  }

  private fire(map: Map<string, Set<(o: WaitOutcome) => void>>, key: string): void {
    const set = map.get(key);
    if (!set) return;
    for (const resolve of [...set]) resolve('signalled');
  }

  private register(map: Map<string, Set<(o: WaitOutcome) => void>>, keys: string[], timeoutMs: number): Waiter {
    let done: (o: WaitOutcome) => void = () => undefined;
    const promise = new Promise<WaitOutcome>((resolve) => {
      if (this.closed) {
        resolve('closed');
        return;
      }
      let timer: NodeJS.Timeout | null = null;
      const finish = (o: WaitOutcome) => {
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
    return { promise, cancel: () => done('closed') };
  }

  /** Resolves every waiter with 'closed' and unsubscribes; safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const map of [this.callWaiters, this.capacityWaiters]) {
      for (const set of [...map.values()]) for (const resolve of [...set]) resolve('closed');
    }
    const sub = this.subscriber;
    this.subscriber = null;
    if (sub) {
      try {
        await sub.quit();
      } catch {
        sub.disconnect();
      }
    }
  }

  /** Drops the subscription at once, as a dying process would (tests). */
  kill(): void {
    this.closed = true;
    for (const map of [this.callWaiters, this.capacityWaiters]) {
      for (const set of [...map.values()]) for (const resolve of [...set]) resolve('closed');
    }
    this.subscriber?.disconnect();
    this.subscriber = null;
  }
}
