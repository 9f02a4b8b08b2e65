// How published events reach every instance. Two implementations: Redis pub/sub across
// instances (redis-transport.ts) and an in-process one for a single instance without Redis.
// The in-process transport also keeps the relay's published position (with Redis it is kept in
// PostgreSQL: positions.ts): streams read it after subscribing to know which events they must
// take from the outbox instead (stream.ts).
import type { OutboxEvent } from './event.js';

export interface TransportHandlers {
  /** An event on a subscribed topic, in publish order. */
  event(event: OutboxEvent): void;
  /** The connection carrying events was lost: events may be missed from now on. */
  suspend(): void;
  /** Subscriptions are in place again: whatever was missed must be read from the outbox. */
  resume(): void;
}

export interface Transport {
  readonly mode: 'redis' | 'in-process';
  /** Publishes `events` in order and records `through` as the published position, atomically. */
  publish(events: readonly OutboxEvent[], through: bigint): Promise<void>;
  /** The published position: every event up to it was published. Null when unknown yet (or not kept: Redis). */
  position(): Promise<bigint | null>;
  /** Resolves once the transport confirmed the subscription. */
  subscribe(topic: string): Promise<void>;
  unsubscribe(topic: string): Promise<void>;
  setHandlers(handlers: TransportHandlers): void;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One process, no Redis: publishing is a function call, nothing can be lost in between. */
export function createInProcessTransport(): Transport {
  let handlers: TransportHandlers | undefined;
  let published: bigint | null = null;
  return {
    mode: 'in-process',
    async publish(events, through) {
      for (const event of events) handlers?.event(event);
      if (published === null || through > published) published = through;
    },
    position: async () => published,
    subscribe: async () => {},
    unsubscribe: async () => {},
    setHandlers(next) {
      handlers = next;
    },
    ping: async () => true,
    close: async () => {},
  };
}
