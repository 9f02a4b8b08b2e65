// The relay's position: how far publishing got, which streams join at (stream.ts) and a relay
// resumes from (relay.ts).
//
// With Redis it is kept in PostgreSQL, in the database it describes (the RelayPosition row):
// a Redis restart cannot lose it, and a reset (TRUNCATE) or re-created database cannot be
// mistaken for the old one. The relay writes it BEFORE publishing each batch:
//   announced = the batch's last id: every event above it is published after the write, so a
//               stream that subscribed and then read it gets those live, and the rest from the
//               outbox;
//   published = the previous batch's, confirmed published: a relay taking over after a crash
//               between the write and the publish resumes there (subscribers drop the repeats).
// The row carries an epoch (a uuid made with it): a relay whose row was emptied meanwhile
// (npm run db:seed -- --reset) finds its UPDATE matching nothing and starts again.
//
// Without Redis, each instance relays to its own subscribers in-process, where publishing and
// the position change together: the transport keeps it (transport.ts).
import type { Sql } from './outbox.js';
import { prismaSql } from './outbox.js';
import type { Transport } from './transport.js';

/** The RelayPosition row was emptied while a relay held it: the outbox was reset. */
export class OutboxResetError extends Error {
  constructor() {
    super('the outbox was reset (RelayPosition emptied): the relay starts again');
  }
}

export interface Positions {
  /** Where a relay resumes; `fallback` when nothing was recorded (first start, after a reset). */
  resume(sql: Sql, fallback: () => Promise<bigint>): Promise<bigint>;
  /** Written before a batch up to `through` is published; `published`: confirmed so far. */
  announce(sql: Sql, through: bigint, published: bigint): Promise<void>;
  /** The join position: events above it are published after this read. Null: none yet. */
  read(): Promise<bigint | null>;
  /**
   * Where a new stream without afterEventId starts: read when it is opened, from the database,
   * whatever Redis is doing. Events above it reach the stream.
   */
  start(): Promise<bigint | null>;
}

/** Concurrent callers share one read, if it started after they asked (10,000 streams rejoin at once after a Redis restart). */
function coalesced<T>(read: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined;
  let next: Promise<T> | undefined;
  const run = (): Promise<T> => {
    if (!current) {
      current = read().finally(() => (current = undefined));
      return current;
    }
    next ??= current.then(
      () => undefined,
      () => undefined,
    ).then(() => {
      next = undefined;
      return run();
    });
    return next;
  };
  return run;
}

export function databasePositions(): Positions {
  let epoch: string | undefined;
  const announced = coalesced(async () => {
    const [row] = await prismaSql<{ announced: string }>(`SELECT announced::text AS announced FROM "RelayPosition" WHERE id = 1`);
    return row ? BigInt(row.announced) : null;
  });
  return {
    async resume(sql, fallback) {
      const [row] = await sql<{ published: string; epoch: string }>(`SELECT published::text AS published, epoch::text AS epoch FROM "RelayPosition" WHERE id = 1`);
      if (row) {
        epoch = row.epoch;
        return BigInt(row.published);
      }
      const start = await fallback();
      // Another relay may have made it meanwhile (a race at start): then its row is used.
      const [made] = await sql<{ published: string; epoch: string }>(
        `INSERT INTO "RelayPosition" (id, announced, published) VALUES (1, $1::bigint, $1::bigint)
           ON CONFLICT (id) DO UPDATE SET id = 1
         RETURNING published::text AS published, epoch::text AS epoch`,
        [start.toString()],
      );
      epoch = made!.epoch;
      return BigInt(made!.published);
    },
    async announce(sql, through, published) {
      const rows = await sql(
        `UPDATE "RelayPosition" SET announced = $1::bigint, published = $2::bigint, "updatedAt" = now()
          WHERE id = 1 AND epoch = $3::uuid RETURNING 1`,
        [through.toString(), published.toString(), epoch],
      );
      if (rows.length === 0) throw new OutboxResetError();
    },
    read: announced,
    async start() {
      const position = await announced();
      if (position !== null) return position;
      // No relay has run on this database yet: the outbox's end.
      const [row] = await prismaSql<{ id: string }>(`SELECT coalesce(max(id), 0)::text AS id FROM "DomainEvent"`);
      return BigInt(row!.id);
    },
  };
}

export function transportPositions(transport: Transport): Positions {
  return {
    resume: async (_sql, fallback) => (await transport.position().catch(() => null)) ?? fallback(),
    announce: async () => {},
    read: () => transport.position(),
    start: () => transport.position(),
  };
}
