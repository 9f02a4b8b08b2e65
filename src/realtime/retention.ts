// Outbox retention: events older than OUTBOX_RETENTION_DAYS are deleted in batches. Never one
// the relay has not published yet (above its position): a long outage must not eat events.
// A subscriber resuming from a deleted id gets EVENTS_EXPIRED (stream.ts) instead of a gap.
import { prisma } from '../db.js';

const BATCH = 5000;

export async function pruneOutbox(retentionDays: number, publishedThrough: bigint | null): Promise<number> {
  if (publishedThrough === null) return 0;
  let total = 0;
  for (;;) {
    const deleted = await prisma.$executeRawUnsafe(
      `DELETE FROM "DomainEvent" WHERE id IN (
         SELECT id FROM "DomainEvent"
          WHERE "createdAt" < now() AT TIME ZONE 'UTC' - $1::float8 * interval '1 day' AND id <= $2::bigint
          ORDER BY id LIMIT ${BATCH})`,
      retentionDays,
      publishedThrough.toString(),
    );
    total += deleted;
    if (deleted < BATCH) return total;
  }
}
