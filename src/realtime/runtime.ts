// The real-time layer of one app instance: fan-out hub, outbox relay, the sweeps (escalation,
// overdue work, retention) and the streams of its subscribers. app.ts starts and stops it;
// resolvers reach it through the context (plugin.ts).
import type { RealtimeConfig } from '../env.js';
import type { Logger } from '../logger.js';
import { createAuditBatcher } from './audit.js';
import { CLOSE_SLOW_CONSUMER, type RealtimeConnection } from './connection.js';
import { escalateDueCrises } from './escalation.js';
import { Hub } from './hub.js';
import { announceOverdue } from './overdue.js';
import { every } from './periodic.js';
import { createRelay } from './relay.js';
import { pruneOutbox } from './retention.js';
import { EventStream } from './stream.js';
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
  const hub = new Hub(transport);
  const relay = createRelay({ transport, config, log, sessionUrl: options.sessionUrl });
  const audit = createAuditBatcher();
  const streams = new Set<EventStream>();
  let slowConsumers = 0;
  /** Events delivered to subscribers, and withheld because the subscriber may not see them. */
  const deliveries = { delivered: 0, withheld: 0 };
  let jobs: Array<ReturnType<typeof every>> = [];

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
      const position = await transport.position().catch(() => null);
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
    config,
    sweeps,
    deliveries,

    /** A subscriber's stream; `connection` bounds its memory and lets it close the socket. */
    openStream(topics: readonly string[], after: bigint | null, connection?: RealtimeConnection): EventStream {
      let untrack: (() => void) | undefined;
      const stream: EventStream = new EventStream({
        hub,
        topics,
        after,
        maxQueued: config.wsMaxQueuedEvents,
        stalled: connection ? () => connection.bufferedAmount() > 0 : undefined,
        onOverflow: () => {
          slowConsumers += 1;
          log.warn({ topics }, 'dropping a slow consumer');
          connection?.close(CLOSE_SLOW_CONSUMER, 'Slow consumer: reconnect and resubscribe with afterEventId');
        },
        onEnd: () => {
          streams.delete(stream);
          untrack?.();
        },
      });
      streams.add(stream);
      untrack = connection?.track(stream);
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

    stats() {
      let live = 0;
      for (const stream of streams) if (stream.isLive) live += 1;
      return { relay: relay.stats(), streams: streams.size, liveStreams: live, listeners: hub.listenerCount(), slowConsumers, ...deliveries };
    },
  };
}

export type RealtimeRuntime = ReturnType<typeof createRealtime>;
