import { startTestStack } from '../test/harness';
import type { TestStack } from '../test/harness';
import type { EventMessage, ProgressPayload } from '../events';
import type { EventSubscriber } from '../pubsub';
import { LiveHub } from './live.hub';

/**
 * The hub's own timing, with events handed to it directly (a stand-in for the Redis
 * subscription) and the real MongoDB for the first snapshot.
 */
describe('LiveHub delivery', () => {
  let stack: TestStack;
  let campaignId: string;
  let hub: LiveHub;
  let deliver: (message: EventMessage) => void = () => undefined;

  beforeAll(async () => {
    stack = await startTestStack();
    const signUp = await stack.graphql<{ signUp: { token: string } }>(
      `mutation ($i: SignUpInput!) { signUp(input: $i) { token } }`,
      { i: { email: 'hub@example.com', password: 'correct horse battery', organizationName: 'Hub' } },
    );
    const token = signUp.data!.signUp.token;
    const agents = await stack.graphql<{ agents: { id: string }[] }>(`{ agents { id } }`, {}, token);
    const created = await stack.graphql<{ createCampaign: { id: string } }>(
      `mutation ($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }`,
      { i: { name: 'Hub timing', agentId: agents.data!.agents[0]!.id } },
      token,
    );
    campaignId = created.data!.createCampaign.id;
    const events: EventSubscriber = {
      start: async (onEvent) => {
        deliver = onEvent;
      },
      close: async () => undefined,
    };
    hub = new LiveHub(events);
    await hub.start();
  });

  afterAll(async () => {
    await hub?.close();
    await stack?.stop();
  });

  const progress = (revision: number, completedCalls: number): ProgressPayload => ({
    revision,
    status: 'ACTIVE',
    stats: { totalContacts: 10, queuedCalls: 10 - completedCalls, completedCalls },
    startedAt: null,
    lastCallAt: null,
    updatedAt: new Date().toISOString(),
  });

  it('sends a change before whatever the event loop had queued for later, as one snapshot per batch', async () => {
    const iterator = hub.watchProgress(campaignId);
    await iterator.next(); // the snapshot read at subscription
    const order: string[] = [];
    const received: number[] = [];
    const next = iterator.next().then((r) => {
      order.push('snapshot');
      received.push(r.value!.stats.completedCalls);
    });
    // Stands for the rest of the loop's I/O (webhooks, other sockets) queued when the event comes:
    // under load the snapshot waited behind all of it (setImmediate), the largest part of the delay.
    const queued = new Promise<void>((resolve) =>
      setImmediate(() => {
        order.push('queued work');
        resolve();
      }),
    );
    // One Redis message carrying two changes of the campaign: one snapshot, the newer numbers.
    const at = Date.now();
    deliver({
      type: 'batch',
      events: [
        { type: 'campaign.changed', organizationId: 'o', campaignId, at, progress: progress(5, 1) },
        { type: 'campaign.changed', organizationId: 'o', campaignId, at, progress: progress(6, 2) },
      ],
    });
    await Promise.all([next, queued]);
    expect(order).toEqual(['snapshot', 'queued work']);
    expect(received).toEqual([2]);
    await iterator.return!();
  });
});
