// Redis pub/sub between instances. Redis drops messages for a subscriber whose connection is
// down (or was cut for a 32 MB backlog), and forgets everything on a restart without
// persistence: so the transport reports connection loss (suspend) and the re-established
// subscriptions (resume), and streams fill what they missed from the outbox (stream.ts).
//
// A batch's publishes go in ONE Lua script (in order, without other commands in between). The
// relay's position is not kept here but in PostgreSQL (positions.ts): a restarted Redis forgot
// it, and a key named after the database outlived a reset database.
import { Redis, type RedisOptions } from 'ioredis';
import { decode, encode, type OutboxEvent } from './event.js';
import type { Transport, TransportHandlers } from './transport.js';

const PUBLISH_SCRIPT = `
for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end
return 1`;

type ScriptedRedis = Redis & { publishBatch(...args: string[]): Promise<number> };

export interface RedisTransportOptions {
  url: string;
  /** Prefix of channels and keys: instances of one database share it, other databases do not. */
  namespace: string;
  onError?: (error: unknown, client: string) => void;
}

export function createRedisTransport(options: RedisTransportOptions): Transport {
  const { url, namespace } = options;
  const base: RedisOptions = { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(50 * 2 ** times, 1000) };
  // Position reads and pings queue while reconnecting: a joining stream simply waits.
  const commands = new Redis(url, base);
  // The relay retries a failed batch itself; queued batches would only pile up.
  const publisher = new Redis(url, { ...base, enableOfflineQueue: false }) as ScriptedRedis;
  // Resubscribing is done here (resume), where it can be awaited before streams read the outbox.
  const subscriber = new Redis(url, { ...base, autoResubscribe: false });
  publisher.defineCommand('publishBatch', { numberOfKeys: 0, lua: PUBLISH_SCRIPT });

  const channel = (topic: string) => `${namespace}${topic}`;
  const topics = new Set<string>();
  let handlers: TransportHandlers | undefined;
  let connected = false;
  let everReady = false;
  let closed = false;

  for (const [name, client] of Object.entries({ commands, publisher, subscriber })) {
    // ioredis reconnects by itself; without a listener an outage would crash the process.
    client.on('error', (error: unknown) => options.onError?.(error, name));
  }
  subscriber.on('message', (_channel: string, message: string) => {
    let event: OutboxEvent;
    try {
      event = decode(message);
    } catch (error) {
      options.onError?.(error, 'subscriber');
      return;
    }
    handlers?.event(event);
  });
  subscriber.on('close', () => {
    if (!connected) return;
    connected = false;
    handlers?.suspend();
  });
  subscriber.on('ready', () => {
    const wasDown = everReady && !connected;
    everReady = true;
    connected = true;
    if (!wasDown || closed) return;
    const all = [...topics].map(channel);
    void (all.length ? subscriber.subscribe(...all) : Promise.resolve())
      .then(() => handlers?.resume())
      .catch((error: unknown) => options.onError?.(error, 'subscriber'));
  });

  return {
    mode: 'redis',
    async publish(events) {
      // Without an offline queue a command sent while (re)connecting fails at once: give the
      // connection a moment first, so a start-up race is not reported as an outage.
      if (publisher.status !== 'ready') await readyWithin(publisher, 1000);
      if (events.length === 0) return; // a position only: kept in PostgreSQL
      const args: string[] = [];
      for (const event of events) args.push(channel(event.topic), encode(event));
      await publisher.publishBatch(...args);
    },
    // Kept in PostgreSQL (positions.ts).
    position: async () => null,
    async subscribe(topic) {
      topics.add(topic);
      await subscriber.subscribe(channel(topic));
    },
    async unsubscribe(topic) {
      topics.delete(topic);
      await subscriber.unsubscribe(channel(topic));
    },
    setHandlers(next) {
      handlers = next;
    },
    // Commands queue while ioredis (re)connects: bound the wait instead of hanging a probe.
    ping: () =>
      Promise.race([
        commands.ping().then((reply) => reply === 'PONG'),
        new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false).unref()),
      ]).catch(() => false),
    async close() {
      closed = true;
      commands.disconnect();
      publisher.disconnect();
      subscriber.disconnect();
    },
  };
}

function readyWithin(client: Redis, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    timer.unref();
    client.once('ready', done);
    function done() {
      clearTimeout(timer);
      client.off('ready', done);
      resolve();
    }
  });
}
