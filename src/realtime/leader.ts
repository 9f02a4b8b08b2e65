// A dedicated PostgreSQL session for the relay: it LISTENs for outbox commits and, when several
// instances share Redis, holds a session-level advisory lock so that exactly one of them
// publishes (the leader). The lock goes with the session: if the leader dies or loses its
// connection, PostgreSQL releases it and a standby takes over within `retryMs`.
import pg from 'pg';
import { endWithin } from '../db/sessions.js';
import type { Logger } from '../logger.js';
import type { Sql } from './outbox.js';
import { OUTBOX_CHANNEL } from './wake.js';

/** pg_try_advisory_lock key of the outbox relay ("CGrelay" in ASCII). */
const RELAY_LOCK_KEY = '18937242654105977'; // 0x434752656c6179, decimal: PostgreSQL 15 has no hex literals

export interface Session {
  sql: Sql;
  /** Resolves when the session is gone (connection lost or closed). */
  lost: Promise<void>;
}

export interface SessionOptions {
  url: string;
  /** Take the advisory lock (only one session at a time), or not (every instance relays). */
  exclusive: boolean;
  retryMs: number;
  log: Logger;
  onNotify: () => void;
}

/** Runs `work` in a session each time one is obtained, until `stop()`. */
export function holdSessions(options: SessionOptions, work: (session: Session) => Promise<void>) {
  let stopped = false;
  /** The connected session (pg never settles connect() nor end() if end() comes mid-connect). */
  let current: pg.Client | undefined;
  let interruptWait: (() => void) | undefined;

  const loop = (async () => {
    while (!stopped) {
      const client = new pg.Client({
        connectionString: options.url,
        keepAlive: true,
        connectionTimeoutMillis: 10_000,
        application_name: 'casegraph-relay',
      });
      let lost!: () => void;
      const whenLost = new Promise<void>((resolve) => (lost = resolve));
      client.on('error', () => lost());
      client.on('end', () => lost());
      client.on('notification', () => options.onNotify());
      try {
        await client.connect();
        current = client;
        if (stopped) break;
        const locked = options.exclusive
          ? (await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${RELAY_LOCK_KEY}) AS locked`)).rows[0]!.locked
          : true;
        if (locked && !stopped) {
          await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
          const sql: Sql = async <T>(text: string, params: unknown[] = []) => (await client.query(text, params)).rows as T[];
          await work({ sql, lost: whenLost });
        }
      } catch (error) {
        if (!stopped) options.log.warn({ err: error }, 'outbox relay session ended');
      } finally {
        // A connection that failed to open has nothing to end (and end() would wait forever).
        if (current === client) await endWithin(client, 2000);
        current = undefined;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        interruptWait = resolve;
        setTimeout(resolve, options.retryMs).unref();
      });
    }
  })();

  return {
    async stop(): Promise<void> {
      stopped = true;
      interruptWait?.();
      // Ending the session fails whatever the relay awaits on it; a connect in progress
      // finishes first and the loop sees `stopped`.
      if (current) await endWithin(current, 2000);
      await loop;
    },
  };
}
