import { Redis } from 'ioredis';
import { startRedisServer } from './redis';
import type { RedisServerHandle } from './redis';
import { TurnPublisher } from './pubsub';

// Publishes of one turn of the event loop leave in one socket write, each still its own PUBLISH.
describe('TurnPublisher', () => {
  let server: RedisServerHandle;
  let publisher: Redis;
  let subscriber: Redis;
  let onMessage: (channel: string, message: string) => void = () => undefined;

  beforeAll(async () => {
    server = await startRedisServer();
    publisher = new Redis(server.url);
    subscriber = new Redis(server.url);
    subscriber.on('message', (channel: string, message: string) => onMessage(channel, message));
    await subscriber.subscribe('tp:a', 'tp:b');
    await publisher.ping();
  });

  afterAll(async () => {
    publisher?.disconnect();
    subscriber?.disconnect();
    await server?.stop();
  });

  /** Resolves with the first `count` messages the subscriber gets from now on. */
  const receive = (count: number) =>
    new Promise<string[]>((resolve) => {
      const got: string[] = [];
      onMessage = (channel, message) => {
        got.push(`${channel} ${message}`);
        if (got.length === count) resolve(got);
      };
    });

  it('sends the publishes of one turn in one write, each as its own message, in order', async () => {
    const turn = new TurnPublisher(publisher);
    const received = receive(60);
    const write = jest.spyOn(publisher.stream, 'write');
    try {
      await Promise.all(Array.from({ length: 60 }, (_, i) => turn.publish(i % 2 ? 'tp:b' : 'tp:a', `m${i}`)));
      expect(write).toHaveBeenCalledTimes(1);
    } finally {
      write.mockRestore();
    }
    expect(await received).toEqual(Array.from({ length: 60 }, (_, i) => `${i % 2 ? 'tp:b' : 'tp:a'} m${i}`));
  });

  it('sends a lone publish as itself, and one turn after another separately', async () => {
    const turn = new TurnPublisher(publisher);
    const received = receive(2);
    await turn.publish('tp:a', 'first');
    await turn.publish('tp:b', 'second');
    expect(await received).toEqual(['tp:a first', 'tp:b second']);
  });
});
