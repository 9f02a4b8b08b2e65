// Reads of the DomainEvent outbox. The relay reads through whatever connection it holds (the
// leader's own pg connection, or Prisma's pool when there is no separate connection to hold).
import { prisma } from '../db.js';
import { fromRow, type OutboxEvent } from './event.js';
import { parseSnapshot, type Snapshot } from './snapshot.js';

/** Runs one SQL statement with $1.. parameters and returns its rows. */
export type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

export const prismaSql: Sql = <T>(text: string, params: unknown[] = []) => prisma.$queryRawUnsafe<T[]>(text, ...params);

/**
 * Visible events after `cursor` and the snapshot they were read with, in one statement so the
 * two agree (see gaps.ts).
 */
export async function readAfter(sql: Sql, cursor: bigint, limit: number): Promise<{ events: OutboxEvent[]; snapshot: Snapshot }> {
  // Ordered by the bigint column (a text id would sort "10" before "9"); the LEFT JOIN gives
  // one row with the snapshot even when there is no event.
  const rows = await sql<{ snapshot: string; id: string | bigint | null; topic: string; kind: string; payload: unknown; createdAt: Date }>(
    `SELECT s.snapshot, e.id, e.topic, e.kind, e.payload, e."createdAt"
       FROM (SELECT pg_current_snapshot()::text AS snapshot) s
       LEFT JOIN LATERAL (
         SELECT d.id::text AS id, d.topic, d.kind, d.payload, d."createdAt" AT TIME ZONE 'UTC' AS "createdAt"
           FROM "DomainEvent" d WHERE d.id > $1::bigint ORDER BY d.id LIMIT $2::int
       ) e ON true`,
    [cursor.toString(), limit],
  );
  const events = rows
    .filter((row) => row.id !== null)
    .map((row) => fromRow(row as Parameters<typeof fromRow>[0]))
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  return { events, snapshot: parseSnapshot(rows[0]!.snapshot) };
}

/**
 * Where a relay starts when nobody recorded how far publishing got (first start, or Redis lost
 * its memory while no relay ran): just before the events of the last `lookbackMs`, which it
 * publishes again. Subscribers drop what they already have (ids only go up), and no transaction
 * holding an older id can still be open, so nothing committed is skipped.
 */
export async function lookbackStart(sql: Sql, lookbackMs: number): Promise<bigint> {
  const [row] = await sql<{ id: string | null }>(
    `SELECT (SELECT max(id) FROM "DomainEvent"
              WHERE "createdAt" < (now() AT TIME ZONE 'UTC') - $1::int * interval '1 millisecond')::text AS id`,
    [lookbackMs],
  );
  return row?.id ? BigInt(row.id) : 0n;
}

/** A page of a subscription's backlog: its topics, after `after`, up to `through`. */
export async function readBacklog(topics: readonly string[], after: bigint, through: bigint, limit: number): Promise<OutboxEvent[]> {
  const rows = await prisma.domainEvent.findMany({
    where: { topic: { in: [...topics] }, id: { gt: after, lte: through } },
    orderBy: { id: 'asc' },
    take: limit,
  });
  return rows.map(fromRow);
}

/** The oldest id still kept (retention deletes older rows), or null when the outbox is empty. */
export async function oldestRetained(): Promise<bigint | null> {
  const { _min } = await prisma.domainEvent.aggregate({ _min: { id: true } });
  return _min.id ?? null;
}
