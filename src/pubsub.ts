// The pub/sub of the process. Domain events travel through a Transport (src/realtime/): Redis
// across instances when REDIS_URL is set, in-process otherwise; the outbox relay publishes to it
// and subscriptions read from it (src/realtime/stream.ts). Channels and keys are prefixed with
// a namespace (the database's name), so instances of other databases sharing a Redis, such as
// test runs, never see each other's events.
import { createPubSub, type PubSub } from 'graphql-yoga';
import type { Logger } from './logger.js';
import { createRedisTransport } from './realtime/redis-transport.js';
import { createInProcessTransport, type Transport } from './realtime/transport.js';

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
  /** In-process only, kept in the context for ad-hoc use; domain events go through `transport`. */
  pubsub: CasegraphPubSub;
  transport: Transport;
  mode: 'redis' | 'in-process';
  /** Resolves when the transport answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export function createPubSubHandle(
  redisUrl: string | undefined,
  options: { namespace?: string; log?: Logger } = {},
): PubSubHandle {
  const transport = redisUrl
    ? createRedisTransport({
        url: redisUrl,
        namespace: `casegraph:${options.namespace ?? 'default'}:`,
        onError: (error, client) => options.log?.debug({ err: error, client }, 'redis connection error'),
      })
    : createInProcessTransport();
  return {
    pubsub: createPubSub<Topics>(),
    transport,
    mode: transport.mode,
    ping: () => transport.ping(),
    close: () => transport.close(),
  };
}
