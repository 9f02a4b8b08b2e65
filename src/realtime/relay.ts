// The outbox relay: publishes committed DomainEvents to the transport in id order, each batch
// announced first with the position it reaches (positions.ts), and picks up where publishing stopped after a Redis outage, a
// crash or a failover, so live subscribers miss nothing. Holes in the id sequence are judged
// by gaps.ts; the join with subscribers' backlogs is in stream.ts.
//
// Who relays:
//  - Redis transport, PostgreSQL: the instance holding the advisory lock (leader.ts) publishes
//    for all; the others stand by and take over when it goes.
//  - in-process transport: every instance relays to its own subscribers (no lock).
//  - embedded PGlite: one connection only, so the relay reads through Prisma's pool and polls.
import type { RealtimeConfig } from '../env.js';
import type { Logger } from '../logger.js';
import type { OutboxEvent } from './event.js';
import { GapTracker } from './gaps.js';
import { holdSessions, type Session } from './leader.js';
import { lookbackStart, prismaSql, readAfter } from './outbox.js';
import { OutboxResetError, type Positions } from './positions.js';
import type { Transport } from './transport.js';
import { registerWakeTarget } from './wake.js';

const BATCH = 500;
/** How soon to look again while a hole may still fill. */
const GAP_POLL_MS = 25;

export interface RelayOptions {
  transport: Transport;
  /** Where the position is kept (positions.ts). */
  positions: Positions;
  config: RealtimeConfig;
  log: Logger;
  /** A URL for the relay's own session; null: share Prisma's pool (embedded database). */
  sessionUrl: string | null;
}

export interface RelayStats {
  leading: boolean;
  position: string | null;
  published: number;
  skippedHoles: number;
  /** Outbox reads so far: lets a test wait for the relay to have looked several times. */
  reads: number;
}

export function createRelay(options: RelayOptions) {
  const { transport, positions, config, log } = options;
  const exclusive = transport.mode === 'redis';
  let running = false;
  let leading = false;
  let position: bigint | null = null;
  let published = 0;
  let skippedHoles = 0;
  let reads = 0;
  let poke: (() => void) | undefined;
  let pendingWake = false;
  let sessions: { stop(): Promise<void> } | undefined;
  let pooled: Promise<void> | undefined;
  let unregister: (() => void) | undefined;

  function wake(): void {
    pendingWake = true;
    const resolve = poke;
    poke = undefined;
    resolve?.();
  }

  function pause(ms: number): Promise<void> {
    if (pendingWake || !running) {
      pendingWake = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      poke = () => {
        clearTimeout(timer);
        resolve();
      };
    }).then(() => {
      pendingWake = false;
    });
  }

  /** Retries until the transport takes the batch (Redis down: keep the batch, wait, retry). */
  async function publish(events: readonly OutboxEvent[], through: bigint, session: { alive: boolean }): Promise<void> {
    let backoff = 50;
    let warned = false;
    for (;;) {
      if (!running || !session.alive) throw new Error('relay stopped');
      try {
        await transport.publish(events, through);
        if (warned) log.info({ through: through.toString() }, 'outbox relay publishing again');
        published += events.length;
        return;
      } catch (error) {
        if (!warned) log.warn({ err: error }, 'outbox relay cannot publish; retrying');
        warned = true;
        await pause(backoff);
        pendingWake = false;
        backoff = Math.min(backoff * 2, 1000);
      }
    }
  }

  async function relay(session: Session): Promise<void> {
    const state = { alive: true };
    void session.lost.then(() => {
      state.alive = false;
      wake();
    });
    leading = true;
    try {
      let resumed = true;
      position = await positions.resume(session.sql, () => {
        resumed = false;
        return lookbackStart(session.sql, config.relayGapTimeoutMs);
      });
      log.info({ position: position.toString(), resumed, exclusive }, 'outbox relay started');
      await positions.announce(session.sql, position, position);
      await publish([], position, state);
      let lastWrite = Date.now();
      const holes = new GapTracker({ graceMs: config.relayGapGraceMs, timeoutMs: config.relayGapTimeoutMs });
      while (running && state.alive) {
        const { events, snapshot } = await readAfter(session.sql, position, BATCH);
        reads += 1;
        const settled = holes.settle(position, events.map((event) => event.id), snapshot);
        for (const hole of settled.skipped) {
          skippedHoles += 1;
          const detail = { from: hole.from.toString(), to: hole.to.toString() };
          if (hole.timedOut) log.error(detail, 'outbox ids stayed uncommitted past RELAY_GAP_TIMEOUT_MS: moving on without them');
          else log.debug(detail, 'outbox ids rolled back');
        }
        if (settled.cursor > position) {
          // Announced before it is published (positions.ts).
          await positions.announce(session.sql, settled.cursor, position);
          await publish(events.slice(0, settled.publishable), settled.cursor, state);
          position = settled.cursor;
          lastWrite = Date.now();
        } else if (Date.now() - lastWrite >= config.relayPollMs) {
          // Rewrites the position (in-process: after a restart, joining streams wait for it), and
          // finds out that the outbox was reset while nothing was written.
          await positions.announce(session.sql, position, position);
          await publish([], position, state);
          lastWrite = Date.now();
        }
        if (settled.publishable === BATCH) continue;
        await pause(settled.waiting ? Math.min(GAP_POLL_MS, config.relayPollMs) : config.relayPollMs);
      }
    } catch (error) {
      if (error instanceof OutboxResetError) {
        // Not an outage: start again at once, from the new outbox.
        log.info({ position: position?.toString() }, error.message);
        position = null;
        leading = false;
        if (running && state.alive) return relay(session);
        return;
      }
      if (running && state.alive) throw error;
    } finally {
      leading = false;
    }
  }

  return {
    start(): void {
      running = true;
      unregister = registerWakeTarget({
        wake,
        leadsAll: () => leading && exclusive,
        othersListen: () => options.sessionUrl !== null,
      });
      if (options.sessionUrl) {
        sessions = holdSessions(
          { url: options.sessionUrl, exclusive, retryMs: config.relayLeaderRetryMs, log, onNotify: wake },
          relay,
        );
        return;
      }
      // Embedded database: no second connection to hold, no NOTIFY; a local wake and polling.
      pooled = (async () => {
        while (running) {
          try {
            await relay({ sql: prismaSql, lost: new Promise<void>(() => {}) });
          } catch (error) {
            log.warn({ err: error }, 'outbox relay failed; restarting');
            await pause(config.relayLeaderRetryMs);
          }
        }
      })();
    },
    wake,
    async stop(): Promise<void> {
      running = false;
      unregister?.();
      wake();
      await sessions?.stop();
      await pooled;
    },
    stats(): RelayStats {
      return { leading, position: position?.toString() ?? null, published, skippedHoles, reads };
    },
  };
}

export type Relay = ReturnType<typeof createRelay>;
