// What a mutation leaves besides its change: AuditEvent rows and DomainEvent (outbox) rows.
// Collected while the mutation works and written at its end, inside its transaction, in ONE
// statement of fixed text (either list may be empty): a round trip and a Prisma call less per
// entry, and no plan compiled for a new row count. Outbox ids still follow the order of emit().
import { auditColumnsOf, auditInsertSql, auditParams, type AuditRow } from '../../audit/store.js';
import type { Db } from '../../db.js';

export interface OutboxRow {
  topic: string;
  kind: string;
  payload: Record<string, unknown>;
}

// Named, so that statement counts tell it from the sweeps' own outbox writes (test/support/sql.ts).
export const JOURNAL_TAG = '/* mutation journal */';

// Numbered rows keep emit() order: the serial id is drawn as the ordered rows are inserted.
const JOURNAL = `${JOURNAL_TAG} WITH audited AS (${auditInsertSql(1)})
  INSERT INTO "DomainEvent" (topic, kind, payload, "createdAt")
  SELECT t, k, p, clock_timestamp() AT TIME ZONE 'UTC'
    FROM unnest($10::text[], $11::text[], $12::jsonb[]) WITH ORDINALITY AS e(t, k, p, n)
   ORDER BY n`;

export async function writeJournal(tx: Pick<Db, '$executeRawUnsafe'>, audits: readonly AuditRow[], events: readonly OutboxRow[]): Promise<void> {
  if (audits.length === 0 && events.length === 0) return;
  await tx.$executeRawUnsafe(
    JOURNAL,
    ...auditParams(auditColumnsOf(audits)),
    events.map((e) => e.topic),
    events.map((e) => e.kind),
    events.map((e) => JSON.stringify(e.payload)),
  );
}
