import {
  callEnded,
  callOutcome,
  callPlaced,
  createAppRegistry,
  registry,
  renderMetrics,
  webhookReceived,
  graphqlOperationObserved,
} from './metrics';

/** The engine's metric hooks, on the process registry (values read back as prom-client reports them). */
async function values(
  name: string,
): Promise<{ labels: Record<string, string | number>; value: number; metricName?: string }[]> {
  const metric = registry.getSingleMetric(name);
  if (!metric) throw new Error(`no metric ${name}`);
  return (await metric.get()).values as {
    labels: Record<string, string | number>;
    value: number;
    metricName?: string;
  }[];
}

const sample = async (name: string, metricName: string, labels: Record<string, string> = {}) =>
  (await values(name)).find(
    (v) => (v.metricName ?? name) === metricName && Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  )?.value ?? 0;

describe('metrics', () => {
  it('counts placed calls and tracks live calls per campaign until they end', async () => {
    const before = await sample('dialwave_calls_placed_total', 'dialwave_calls_placed_total', {
      provider: 'simulated',
    });
    callPlaced('c1', 'call-1', 'SIMULATED');
    callPlaced('c1', 'call-2', 'SIMULATED');
    callPlaced('c2', 'call-3', 'SIMULATED');
    expect(await sample('dialwave_calls_placed_total', 'dialwave_calls_placed_total', { provider: 'simulated' })).toBe(
      before + 3,
    );
    expect(await sample('dialwave_live_calls', 'dialwave_live_calls', { campaign_id: 'c1' })).toBe(2);
    callEnded('c1', 'call-1');
    callEnded('c1', 'call-2');
    callEnded('c2', 'call-3');
    // A campaign without live calls leaves no series behind (campaign ids are unbounded).
    expect((await values('dialwave_live_calls')).filter((v) => v.labels['campaign_id'] === 'c1')).toEqual([]);
    // Adopted calls this process never placed end without driving the gauge negative.
    callEnded('c3', 'adopted');
    expect((await values('dialwave_live_calls')).filter((v) => v.labels['campaign_id'] === 'c3')).toEqual([]);
  });

  it('observes refill latency from an end to the next dial of the same campaign, ignoring stale ends', async () => {
    const count = () => sample('dialwave_refill_latency_seconds', 'dialwave_refill_latency_seconds_count');
    const sum = () => sample('dialwave_refill_latency_seconds', 'dialwave_refill_latency_seconds_sum');
    const [count0, sum0] = [await count(), await sum()];
    callEnded('r1', 'x', 1_000);
    callPlaced('r2', 'y', 'SIMULATED', 1_010); // another campaign: no refill of r1
    expect(await count()).toBe(count0);
    callPlaced('r1', 'z', 'SIMULATED', 1_040);
    expect(await count()).toBe(count0 + 1);
    expect((await sum()) - sum0).toBeCloseTo(0.04, 5);
    // An end more than a minute old is the campaign running dry, not a refill.
    callEnded('r1', 'z', 2_000);
    callPlaced('r1', 'w', 'SIMULATED', 2_000 + 61_000);
    expect(await count()).toBe(count0 + 1);
    callEnded('r1', 'w');
  });

  it('observes webhook delay from the provider timestamp, and counts outcomes', async () => {
    const count = () =>
      sample('dialwave_webhook_delay_seconds', 'dialwave_webhook_delay_seconds_count', { provider: 'twilio' });
    const count0 = await count();
    webhookReceived('TWILIO', new Date(10_000), 10_250);
    webhookReceived('TWILIO', undefined);
    webhookReceived('TWILIO', new Date(Number.NaN));
    expect(await count()).toBe(count0 + 1);
    const before = await sample('dialwave_call_outcomes_total', 'dialwave_call_outcomes_total', {
      outcome: 'VOICEMAIL',
    });
    callOutcome('VOICEMAIL');
    expect(await sample('dialwave_call_outcomes_total', 'dialwave_call_outcomes_total', { outcome: 'VOICEMAIL' })).toBe(
      before + 1,
    );
  });

  it('renders the process registry with an app registry whose queue gauge survives a hung Redis', async () => {
    const app = createAppRegistry({ connections: () => 3, queueCounts: () => new Promise(() => undefined) });
    const started = Date.now();
    const { body } = await renderMetrics(app);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(body).toMatch(/^dialwave_websocket_connections 3$/m);
    expect(body).toMatch(/^# TYPE dialwave_queue_jobs gauge$/m);
    expect(body).not.toMatch(/^dialwave_queue_jobs\{/m);
    expect(body).toMatch(/^dialwave_calls_placed_total/m);
  });

  it('caps the operation names it labels, so clients cannot grow the series without bound', async () => {
    for (let i = 0; i < 400; i++) graphqlOperationObserved({ name: `Op${i}`, type: 'query' }, 0.001, null);
    graphqlOperationObserved({ name: null, type: 'mutation' }, 0.001, 'BAD_USER_INPUT');
    graphqlOperationObserved({ name: 'Op1', type: 'query' }, 0.001, 'not a code');
    const counts = (await values('dialwave_graphql_operation_duration_seconds')).filter(
      (v) => v.metricName === 'dialwave_graphql_operation_duration_seconds_count',
    );
    const names = new Set(counts.map((v) => v.labels['operation']));
    expect(names.size).toBeLessThanOrEqual(302);
    expect(names.has('(other)')).toBe(true);
    expect(names.has('(anonymous)')).toBe(true);
    expect(names.has('Op399')).toBe(false);
    const errors = await values('dialwave_graphql_operation_errors_total');
    expect(errors.map((v) => v.labels['code']).sort()).toEqual(['BAD_USER_INPUT', 'OTHER']);
  });
});
