// What a mutation leaves besides its change: AuditEvent rows and DomainEvent (outbox) rows.
// Collected while the mutation works and written at its end, inside its transaction, in ONE
// statement of fixed shape (arrays through unnest): a round trip and a Prisma call less per
// entry, and no plan compiled for a new row count. Outbox ids still follow the order of emit().
import { auditInsertSql, auditParams, type AuditRow } from '../../audit/store.js';
import type { Db } from '../../db.js';

export interface OutboxRow {
  topic: string;
  kind: string;
  payload: Record<string, unknown>;
}

// Numbered rows keep emit() order: the serial id is drawn as the ordered rows are inserted.
const eventsInsertSql = (first: number) => `INSERT INTO "DomainEvent" (topic, kind, payload, "createdAt")
  SELECT t, k, p, clock_timestamp() AT TIME ZONE 'UTC'
    FROM unnest($${first}::text[], $${first + 1}::text[], $${first + 2}::jsonb[]) WITH ORDINALITY AS e(t, k, p, n)
   ORDER BY n`;

// Named, so that statement counts tell it from the sweeps' own outbox writes (test/support/sql.ts).
export const JOURNAL_TAG = '/* mutation journal */';
const BOTH = `${JOURNAL_TAG} WITH audited AS (${auditInsertSql(1)}) ${eventsInsertSql(10)}`;
const AUDIT_ONLY = `${JOURNAL_TAG} ${auditInsertSql(1)}`;
const EVENTS_ONLY = `${JOURNAL_TAG} ${eventsInsertSql(1)}`;

function eventParams(events: readonly OutboxRow[]): unknown[][] {
  return [events.map((e) => e.topic), events.map((e) => e.kind), events.map((e) => JSON.stringify(e.payload))];
}

export async function writeJournal(tx: Pick<Db, '$executeRawUnsafe'>, audits: readonly AuditRow[], events: readonly OutboxRow[]): Promise<void> {
  if (audits.length > 0 && events.length > 0) await tx.$executeRawUnsafe(BOTH, ...auditParams(audits), ...eventParams(events));
  else if (audits.length > 0) await tx.$executeRawUnsafe(AUDIT_ONLY, ...auditParams(audits));
  else if (events.length > 0) await tx.$executeRawUnsafe(EVENTS_ONLY, ...eventParams(events));
}
