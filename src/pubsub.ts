// The one typed pub/sub. Topics are id-scoped strings (`case:<id>`, `crisis-org:<id>`), so a
// Redis-backed instance subscribes only to the channels its own subscribers need.
import { createRedisEventTarget } from '@graphql-yoga/redis-event-target';
import { createPubSub, type PubSub } from 'graphql-yoga';
import { Redis } from 'ioredis';

/** What travels on a topic: ids and a small payload; subscribers reload the rest. */
export interface DomainEventMessage {
  eventId: string;
  topic: string;
  kind: string;
  occurredAt: string;
  actorId: string | null;
  payload: Record<string, unknown>;
}

export type Topics = { event: [topic: string, message: DomainEventMessage] };
export type CasegraphPubSub = PubSub<Topics>;

export interface PubSubHandle {
  pubsub: CasegraphPubSub;
  mode: 'redis' | 'in-process';
  /** Resolves when the transport answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function createPubSubHandle(redisUrl: string | undefined): PubSubHandle {
  if (!redisUrl) {
    return {
      pubsub: createPubSub<Topics>(),
      mode: 'in-process',
      ping: async () => true,
      close: async () => {},
    };
  }
  const options = { maxRetriesPerRequest: null, enableAutoPipelining: true };
  const publishClient = new Redis(redisUrl, options);
  const subscribeClient = new Redis(redisUrl, options);
  // ioredis reconnects by itself; without a listener an outage would crash the process.
  publishClient.on('error', () => {});
  subscribeClient.on('error', () => {});
  return {
    pubsub: createPubSub<Topics>({
      eventTarget: createRedisEventTarget({ publishClient, subscribeClient }),
    }),
    mode: 'redis',
    // Commands queue while ioredis (re)connects: bound the wait instead of hanging a probe.
    ping: () =>
      Promise.race([
        publishClient.ping().then((reply) => reply === 'PONG'),
        new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false).unref()),
      ]),
    close: async () => {
      publishClient.disconnect();
      subscribeClient.disconnect();
    },
  };
}
