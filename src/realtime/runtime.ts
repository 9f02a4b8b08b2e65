// The real-time layer of one app instance: fan-out hub, outbox relay, the sweeps (escalation,
// overdue work, retention) and the streams of its subscribers. app.ts starts and stops it;
// resolvers reach it through the context (plugin.ts).
import type { RealtimeConfig } from '../env.js';
import type { Logger } from '../logger.js';
import { createAuditBatcher } from './audit.js';
import { CLOSE_SLOW_CONSUMER, type RealtimeConnection } from './connection.js';
import { escalateDueCrises } from './escalation.js';
import { Hub } from './hub.js';
import { createMemo } from './memo.js';
import { announceOverdue } from './overdue.js';
import { every } from './periodic.js';
import { databasePositions, transportPositions } from './positions.js';
import { createRelay } from './relay.js';
import { pruneOutbox } from './retention.js';
import { createSharedSubscriptions } from './shared.js';
import { EventStream, type StreamOptions } from './stream.js';
import type { Transport } from './transport.js';
import { outboxCommitted } from './wake.js';

export interface RealtimeOptions {
  config: RealtimeConfig;
  log: Logger;
  transport: Transport;
  /** A URL for the relay's own PostgreSQL session; null on the embedded database. */
  sessionUrl: string | null;
}

export function createRealtime(options: RealtimeOptions) {
  const { config, transport } = options;
  const log = options.log.child({ component: 'realtime' });
  // With Redis the position lives in PostgreSQL (positions.ts), in-process in the transport.
  const positions = transport.mode === 'redis' ? databasePositions() : transportPositions(transport);
  // Every instance says so when it loses Redis, leader of the relay or not.
  const hub = new Hub(transport, positions, {
    suspended: () => log.warn('lost the Redis connection: live events wait until it is back (then read from the outbox)'),
    resumed: () => log.info('Redis connection back: subscriptions restored'),
  });
  const relay = createRelay({ transport, positions, config, log, sessionUrl: options.sessionUrl });
  const audit = createAuditBatcher();
  // Each event executed once per staff member and operation for the length of its fan-out.
  const subscriptions = createSharedSubscriptions({ memo: createMemo(), audit });
  const streams = new Set<EventStream>();
  let slowConsumers = 0;
  /** Events delivered to subscribers, and withheld because the subscriber may not see them. */
  const deliveries = { delivered: 0, withheld: 0 };
  let jobs: Array<ReturnType<typeof every>> = [];
  const owner: StreamOwner = {
    slowConsumer(stream) {
      slowConsumers += 1;
      log.warn({ topics: stream.topics }, 'dropping a slow consumer');
    },
    ended(stream) {
      streams.delete(stream);
    },
  };

  const sweeps = {
    async escalation(): Promise<bigint[]> {
      const ids = await escalateDueCrises();
      if (ids.length > 0) {
        outboxCommitted();
        log.info({ count: ids.length }, 'escalated unacknowledged crises');
      }
      return ids;
    },
    async overdue(): Promise<bigint[]> {
      const ids = await announceOverdue({ retentionDays: config.outboxRetentionDays, noContactDays: config.noContactDays });
      if (ids.length > 0) outboxCommitted();
      return ids;
    },
    async retention(): Promise<number> {
      const position = await positions.read().catch(() => null);
      const deleted = await pruneOutbox(config.outboxRetentionDays, position);
      if (deleted > 0) log.info({ deleted }, 'pruned old outbox events');
      return deleted;
    },
  };

  return {
    transport,
    hub,
    relay,
    audit,
    subscriptions,
    config,
    sweeps,
    deliveries,

    /** A subscriber's stream; `connection` bounds its memory and lets it close the socket. */
    openStream(topics: readonly string[], after: bigint | null, connection?: RealtimeConnection): EventStream {
      const stream = new ConnectedStream({ hub, topics, after, maxQueued: config.wsMaxQueuedEvents }, connection, owner);
      streams.add(stream);
      connection?.track(stream);
      return stream;
    },

    start(): void {
      relay.start();
      jobs = [
        every(config.escalationPollMs, 'crisis escalation', log, sweeps.escalation),
        // Work due in days or hours: a minute late is on time, and the sweep reads more than escalation.
        every(config.overduePollMs, 'overdue work sweep', log, sweeps.overdue),
        every(config.outboxPruneIntervalMs, 'outbox retention', log, sweeps.retention),
      ];
    },

    /**
     * Ends the streams that have no socket of their own (server-sent events) as a completed
     * subscription: their responses end cleanly on shutdown (sockets are closed with 1001).
     */
    endDetachedStreams(): number {
      let ended = 0;
      for (const stream of [...streams]) {
        if (stream instanceof ConnectedStream && stream.detached) {
          void stream.return();
          ended += 1;
        }
      }
      return ended;
    },

    async stop(): Promise<void> {
      await Promise.all(jobs.map((job) => job.stop()));
      jobs = [];
      await relay.stop();
    },

    /** Live streams listening to `topic` (tests wait on it before they publish). */
    liveOn(topic: string): number {
      let count = 0;
      for (const stream of streams) if (stream.isLive && stream.topics.includes(topic)) count += 1;
      return count;
    },

    /** Streams on `topic` whose start is fixed, live or not (Redis may be down): tests wait on it. */
    startedOn(topic: string): number {
      let count = 0;
      for (const stream of streams) if (stream.startKnown && stream.topics.includes(topic)) count += 1;
      return count;
    },

    stats() {
      let live = 0;
      for (const stream of streams) if (stream.isLive) live += 1;
      return {
        relay: relay.stats(),
        streams: streams.size,
        liveStreams: live,
        listeners: hub.listenerCount(),
        slowConsumers,
        ...deliveries,
        /** Executions of events (one per staff member and operation) and the deliveries they served. */
        executions: { ...subscriptions.stats },
        auditStatements: audit.statements,
      };
    },
  };
}

export type RealtimeRuntime = ReturnType<typeof createRealtime>;

interface StreamOwner {
  slowConsumer(stream: EventStream): void;
  ended(stream: EventStream): void;
}

/**
 * A subscriber's stream on its connection: memory bounded by what the socket takes, the socket
 * closed (1013) for a slow consumer. Hooks as methods, not closures: one object per subscriber.
 */
class ConnectedStream extends EventStream {
  constructor(
    options: StreamOptions,
    private readonly connection: RealtimeConnection | undefined,
    private readonly owner: StreamOwner,
  ) {
    super(options);
  }

  get detached(): boolean {
    return this.connection === undefined;
  }

  protected override isStalled(): boolean {
    return this.connection ? this.connection.bufferedAmount() > 0 : false;
  }

  protected override onOverflowed(): void {
    this.owner.slowConsumer(this);
    this.connection?.close(CLOSE_SLOW_CONSUMER, 'Slow consumer: reconnect and resubscribe with afterEventId');
  }

  protected override onEnded(): void {
    this.owner.ended(this);
    this.connection?.untrack?.(this);
  }
}
