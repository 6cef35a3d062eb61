/**
 * The stages of a delivery in the live bench (live.bench.ts part 1), from timestamps taken
 * outside the deployment: the snapshot's `updatedAt` (the counter write), its event's `at` (the
 * worker's publish call), when the event reached a subscriber of the bench's own, and when the
 * first subscriber of the campaign received the snapshot.
 */
import { Redis } from 'ioredis';
import { eventsChannel } from '../events';
import type { EventMessage } from '../events';
import { percentile } from './stack';
import type { RecordedMessage } from './live.clients';

const fmt = (n: number) => n.toFixed(1);

/** When each progress snapshot's event was published (`at`) and seen on Redis, by campaign and `updatedAt`. */
export type Traced = Map<string, { at: number; seen: number }>;

/**
 * Subscribes the bench process itself to the deployment's event channel, as an API does, and
 * notes when each campaign.changed event carrying numbers arrives: with the event's own `at`
 * (when the worker called publish) and the snapshot's `updatedAt` (the counter write), it splits
 * a delivery into its stages (see stageLines).
 */
export async function traceEvents(redisUrl: string): Promise<{ stop(): Traced }> {
  const redis = new Redis(redisUrl);
  const traced: Traced = new Map();
  redis.on('message', (_channel: string, text: string) => {
    const seen = Date.now();
    const message = JSON.parse(text) as EventMessage;
    for (const event of message.type === 'batch' ? message.events : [message])
      if (event.type === 'campaign.changed' && event.progress)
        traced.set(`${event.campaignId} ${event.progress.updatedAt}`, { at: event.at, seen });
  });
  // The bench's deployment keeps the default prefix.
  await redis.subscribe(eventsChannel('dialwave'));
  return {
    stop() {
      redis.disconnect();
      return traced;
    },
  };
}

/**
 * The stages of the first subscriber's deliveries of each campaign (the recorded messages):
 * counter write → publish call (`at` − `updatedAt`: the write's reply and the code after it),
 * publish call → on Redis (the publisher's batching, PUBLISH, Redis's fan-out; seen by the
 * bench's own subscriber), and Redis → receipt beyond pacing (the API: hub, graphql-ws, ws, the
 * client's socket; receipt − max(seen, heldUntil)).
 */
export function stageLines(recorded: RecordedMessage[], traced: Traced): string[] {
  const write: number[] = [];
  const publish: number[] = [];
  const api: number[] = [];
  let unmatched = 0;
  for (const message of recorded) {
    const value = JSON.parse(message.payload) as {
      data?: { campaignProgress?: { campaignId: string; updatedAt: string; heldUntil: string | null } };
    };
    const progress = value.data?.campaignProgress;
    const trace = progress && traced.get(`${progress.campaignId} ${progress.updatedAt}`);
    if (!progress || !trace) {
      unmatched += 1;
      continue;
    }
    write.push(trace.at - Date.parse(progress.updatedAt));
    publish.push(trace.seen - trace.at);
    api.push(message.receivedAt - Math.max(trace.seen, progress.heldUntil ? Date.parse(progress.heldUntil) : 0));
  }
  const line = (name: string, values: number[]) => {
    const sorted = values.sort((a, b) => a - b);
    return `    ${name} p50 ${fmt(percentile(sorted, 50))} ms   p99 ${fmt(percentile(sorted, 99))} ms`;
  };
  return [
    `  stages of the first subscriber's deliveries of each campaign (${write.length} messages, ${unmatched} not traced):`,
    line('counter write → publish call (at − updatedAt):        ', write),
    line('publish call → on Redis (batching, PUBLISH):           ', publish),
    line('on Redis → receipt, beyond pacing (API, ws, client):   ', api),
  ];
}
