import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import { within } from './deadline';

/**
 * Prometheus metrics of this process: one registry per process, defined here, moved by small
 * hooks from the engine and the webhook path. API processes serve it at `/metrics`; worker
 * processes serve it at `http://HOST:METRICS_PORT/metrics` when METRICS_PORT is set.
 *
 * Counters and histograms count what *this process* did; sum them across processes in
 * Prometheus. Gauges computed from shared state (queue depth) say the same on every process:
 * aggregate them with `max`, not `sum`.
 *
 * Module-level on purpose: tests run several apps in one process, and prom-client refuses a
 * metric name registered twice in one registry.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'dialwave_' });

const callsPlaced = new Counter({
  name: 'dialwave_calls_placed_total',
  help: 'Calls a provider accepted (place-call answered with a call id), by provider',
  labelNames: ['provider'] as const,
  registers: [registry],
});

const callOutcomes = new Counter({
  name: 'dialwave_call_outcomes_total',
  help: 'Calls whose outcome was recorded on their contact, by final call status',
  labelNames: ['outcome'] as const,
  registers: [registry],
});

/** Calls placed by this process and not yet ended, per campaign (label removed at zero). */
const liveByCampaign = new Map<string, Set<string>>();

new Gauge({
  name: 'dialwave_live_calls',
  help: 'Live calls held by this worker process, per campaign',
  labelNames: ['campaign_id'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [campaignId, calls] of liveByCampaign) this.set({ campaign_id: campaignId }, calls.size);
  },
});

const refillLatency = new Histogram({
  name: 'dialwave_refill_latency_seconds',
  help: "Time from a call's end (its line released) to the next call placed on the same campaign by this process",
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

const webhookDelay = new Histogram({
  name: 'dialwave_webhook_delay_seconds',
  help: "Time from a provider's status event (its own timestamp) to our processing, by provider",
  labelNames: ['provider'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [registry],
});

/**
 * Ends not yet followed by a dial, per campaign (oldest first). An end older than this is
 * dropped unobserved: the campaign ran out of contacts, and the next dial (new contacts, a
 * retry due hours later) is not a refill.
 */
const REFILL_MAX_AGE_MS = 60_000;
const pendingEnds = new Map<string, number[]>();

/** Engine hook: a provider accepted a call (live from now until `callEnded`). */
export function callPlaced(campaignId: string, callId: string, provider: string, now = Date.now()): void {
  callsPlaced.inc({ provider: provider.toLowerCase() });
  let live = liveByCampaign.get(campaignId);
  if (!live) liveByCampaign.set(campaignId, (live = new Set()));
  live.add(callId);
  const ends = pendingEnds.get(campaignId);
  while (ends && ends.length > 0) {
    const end = ends.shift()!;
    if (now - end <= REFILL_MAX_AGE_MS) {
      refillLatency.observe((now - end) / 1000);
      break;
    }
  }
  if (ends?.length === 0) pendingEnds.delete(campaignId);
}

/** Engine hook: a call's line was released (its outcome recorded), whoever placed it. */
export function callEnded(campaignId: string, callId: string, now = Date.now()): void {
  const live = liveByCampaign.get(campaignId);
  if (live?.delete(callId) && live.size === 0) liveByCampaign.delete(campaignId);
  const ends = pendingEnds.get(campaignId) ?? [];
  // Bounded: a campaign whose ends are never followed by a dial cannot grow this.
  if (ends.length >= 10_000) ends.shift();
  ends.push(now);
  pendingEnds.set(campaignId, ends);
}

/** Engine hook: a call's outcome moved its contact (exactly once per call, whoever recorded it). */
export function callOutcome(status: string): void {
  callOutcomes.inc({ outcome: status });
}

/** Webhook hook: a status event with the provider's timestamp (ignored when it has none or it is unparsable). */
export function webhookReceived(provider: string, eventAt: Date | undefined, now = Date.now()): void {
  const at = eventAt?.getTime();
  if (at === undefined || !Number.isFinite(at)) return;
  // A provider clock ahead of ours is no negative delay.
  webhookDelay.observe({ provider: provider.toLowerCase() }, Math.max(0, now - at) / 1000);
}

/**
 * What became of a provider status callback: `applied` (it moved the call), `stale` (a replay or
 * a late status that changed nothing), `ignored` (a status we do not track), `forbidden` (bad
 * token or signature, or it names another provider call), `unknown` (no such call or provider),
 * `error` (we failed to handle it: the provider retries).
 */
export type WebhookCounterResult = 'applied' | 'stale' | 'ignored' | 'forbidden' | 'unknown' | 'error';

const webhooks = new Counter({
  name: 'dialwave_webhooks_total',
  help: 'Provider status callbacks by provider and result (applied, stale, ignored, forbidden, unknown, error)',
  labelNames: ['provider', 'result'] as const,
  registers: [registry],
});

/**
 * Webhook route hook: one callback handled. `provider` is lower-cased; pass 'other' for a name
 * we do not serve, so a scanner posting to /webhooks/<random> cannot grow the label set.
 */
export function webhookHandled(provider: string, result: WebhookCounterResult): void {
  webhooks.inc({ provider: provider.toLowerCase(), result });
}

const graphqlDuration = new Histogram({
  name: 'dialwave_graphql_operation_duration_seconds',
  help: 'GraphQL operations over HTTP, by operation name and type: rate from _count, duration from the buckets',
  labelNames: ['operation', 'type'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
});

const graphqlErrors = new Counter({
  name: 'dialwave_graphql_operation_errors_total',
  help: 'GraphQL operations over HTTP answered with errors, by operation name, type and first error code',
  labelNames: ['operation', 'type', 'code'] as const,
  registers: [registry],
});

/**
 * Operation names are chosen by clients: past this many distinct ones a new name is counted as
 * `(other)`, so a client inventing names cannot grow the series without bound.
 */
const MAX_OPERATION_NAMES = 300;
const operationNames = new Set<string>();

function operationLabel(name: string | null): string {
  if (name === null) return '(anonymous)';
  if (operationNames.has(name)) return name;
  if (operationNames.size >= MAX_OPERATION_NAMES) return '(other)';
  operationNames.add(name);
  return name;
}

/**
 * Apollo hook: one GraphQL operation answered. `operation` is its resolved name (null when
 * anonymous); `type` query, mutation or subscription, or `invalid` when it never resolved to
 * an operation (parse or validation failure; its name is then not trusted: `(invalid)`).
 * `errorCode` is the first error's `extensions.code`, or null for a clean answer.
 */
export function graphqlOperationObserved(
  operation: { name: string | null; type: string } | null,
  seconds: number,
  errorCode: string | null,
): void {
  const labels = operation
    ? { operation: operationLabel(operation.name), type: operation.type }
    : { operation: '(invalid)', type: 'invalid' };
  graphqlDuration.observe(labels, seconds);
  if (errorCode !== null) {
    // Codes come from our enum and Apollo's; anything else (a hand-thrown oddity) is OTHER.
    graphqlErrors.inc({ ...labels, code: /^[A-Z_]{1,40}$/.test(errorCode) ? errorCode : 'OTHER' });
  }
}

/** Counts of the dispatch queue, by BullMQ state. */
export type QueueCounts = Record<string, number>;

/** Sources an app adds to its `/metrics`: gauges read from live objects at scrape time. */
export interface MetricSources {
  /** Open GraphQL WebSocket connections (API processes). */
  connections?: () => number;
  /** Live GraphQL subscriptions (API processes). */
  subscriptions?: () => number;
  /** The dispatch queue's job counts (any process with a dispatcher). */
  queueCounts?: () => Promise<QueueCounts>;
}

/**
 * The registry an app serves: the process registry plus gauges read from this app's objects.
 * A separate registry per app, merged at scrape time, because tests run several apps per process.
 */
export function createAppRegistry(sources: MetricSources): Registry {
  const app = new Registry();
  if (sources.connections) {
    const read = sources.connections;
    new Gauge({
      name: 'dialwave_websocket_connections',
      help: 'Open GraphQL WebSocket connections (both protocols)',
      registers: [app],
      collect() {
        this.set(read());
      },
    });
  }
  if (sources.subscriptions) {
    const read = sources.subscriptions;
    new Gauge({
      name: 'dialwave_subscriptions',
      help: 'Live GraphQL subscriptions served by this process',
      registers: [app],
      collect() {
        this.set(read());
      },
    });
  }
  if (sources.queueCounts) {
    const read = sources.queueCounts;
    new Gauge({
      name: 'dialwave_queue_jobs',
      help: 'Jobs in the dispatch queue by state (shared by every process: aggregate with max)',
      labelNames: ['state'] as const,
      registers: [app],
      async collect() {
        // A Redis outage must not hang the scrape: no sample rather than a stale one.
        this.reset();
        const counts = await within(1_000, read).catch(() => null);
        if (counts) for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      },
    });
  }
  return app;
}

/** Other threads of this process whose metrics /metrics serves too (`worker-thread.ts`). */
const threadSources = new Set<() => Promise<MetricObjectWithValues<MetricValue<string>>[]>>();

/** Adds a thread's metrics (series labelled with their thread) to this process's /metrics; returns the removal. */
export function addThreadMetrics(source: () => Promise<MetricObjectWithValues<MetricValue<string>>[]>): () => void {
  threadSources.add(source);
  return () => threadSources.delete(source);
}

/** The Prometheus text of the process registry, an app's registry and other threads' metrics. */
export async function renderMetrics(app: Registry): Promise<{ contentType: string; body: string }> {
  const merged = Registry.merge([registry, app]);
  if (threadSources.size === 0) return { contentType: merged.contentType, body: await merged.metrics() };
  // prom-client's cluster aggregator merges metric families; the threads' series carry their own
  // `thread` label, so no two series are summed into one.
  const parts = await Promise.all([merged.getMetricsAsJSON(), ...[...threadSources].map((source) => source())]);
  const all = AggregatorRegistry.aggregate(parts as MetricObjectWithValues<MetricValue<string>>[][]);
  return { contentType: merged.contentType, body: await all.metrics() };
}
