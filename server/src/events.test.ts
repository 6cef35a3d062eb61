import { Redis } from 'ioredis';
import { startRedisServer } from './redis';
import type { RedisServerHandle } from './redis';
import { EventPublisher, eventsChannel } from './events';
import type { CallEventPayload, EventMessage } from './events';

// Events published together travel as one message, in order, without waiting for the loop's check phase.
describe('EventPublisher', () => {
  let server: RedisServerHandle;
  let publisher: Redis;
  let subscriber: Redis;
  const received: EventMessage[] = [];

  beforeAll(async () => {
    server = await startRedisServer();
    publisher = new Redis(server.url);
    subscriber = new Redis(server.url);
    subscriber.on('message', (_channel: string, message: string) => received.push(JSON.parse(message) as EventMessage));
    await subscriber.subscribe(eventsChannel('ev'));
  });

  afterAll(async () => {
    publisher?.disconnect();
    subscriber?.disconnect();
    await server?.stop();
  });

  const call = (id: string): CallEventPayload => ({
    id,
    campaignId: 'c1',
    contactId: 'k1',
    attempt: 1,
    status: 'INITIATED',
    providerCallId: null,
    startedAt: new Date(0).toISOString(),
    answeredAt: null,
    endedAt: null,
    durationSeconds: null,
    error: null,
  });

  const settle = async (count: number) => {
    for (let i = 0; i < 100 && received.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  };

  it('sends the events of one turn as one batch, a lone event as itself, in order', async () => {
    received.length = 0;
    const events = new EventPublisher(publisher, 'ev');
    await Promise.all(Array.from({ length: 250 }, (_, i) => events.callChanged('o1', call(`a${i}`))));
    await events.campaignChanged('o1', 'c1');
    await settle(3);
    // 250 events: a full batch of 200, then the other 50; then the lone campaign event.
    expect(received.map((m) => (m.type === 'batch' ? m.events.length : m.type))).toEqual([200, 50, 'campaign.changed']);
    const ids = received
      .flatMap((m) => (m.type === 'batch' ? m.events : [m]))
      .map((e) => e.type === 'call.changed' && e.call.id);
    expect(ids.slice(0, 250)).toEqual(Array.from({ length: 250 }, (_, i) => `a${i}`));
  });

  it('sends in a microtask, before the loop’s check phase', async () => {
    received.length = 0;
    const events = new EventPublisher(publisher, 'ev');
    const publish = jest.spyOn(publisher, 'publish');
    let checkPhase = false;
    setImmediate(() => (checkPhase = true));
    const sent = events.campaignChanged('o1', 'c1');
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(publish).toHaveBeenCalledTimes(1);
    expect(checkPhase).toBe(false);
    await sent;
    await settle(1);
    publish.mockRestore();
  });

  it('gathers the events published while a PUBLISH is on its way into the next message', async () => {
    received.length = 0;
    const events = new EventPublisher(publisher, 'ev');
    const publish = jest.spyOn(publisher, 'publish');
    const first = events.callChanged('o1', call('b0'));
    for (let i = 0; i < 5; i++) await Promise.resolve();
    // The first is on its way: these two wait for its reply, then leave as one batch.
    const later = [events.callChanged('o1', call('b1')), events.callChanged('o1', call('b2'))];
    await Promise.all([first, ...later]);
    await settle(2);
    expect(publish).toHaveBeenCalledTimes(2);
    expect(
      received.map((m) => (m.type === 'batch' ? m.events.map((e) => e.type === 'call.changed' && e.call.id) : m.type)),
    ).toEqual(['call.changed', ['b1', 'b2']]);
    publish.mockRestore();
  });

  it('rejects the publishers of a batch that could not be sent', async () => {
    const broken = new Redis(server.url, { lazyConnect: true, enableOfflineQueue: false });
    // The refused command also starts a connection, whose ready check fails once we disconnect:
    // without a listener ioredis prints that error after the test.
    broken.on('error', () => undefined);
    const events = new EventPublisher(broken, 'ev');
    const results = await Promise.allSettled([events.campaignChanged('o1', 'c1'), events.campaignChanged('o1', 'c2')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    broken.disconnect();
  });
});
