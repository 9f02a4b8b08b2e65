// How AuditEvent rows are written: one INSERT over arrays (unnest), whatever the number of
// rows. Prisma's createMany compiles a new query plan for every row count (a shape its plan
// cache never sees twice): ~15 ms of CPU for one row, ~110 ms for a dashboard's 258. This
// statement's text never changes, so it costs the same ~2 ms for one row or hundreds.
import type { Db } from '../db.js';
import type { AuditAction, AuditOutcome } from '../generated/prisma/enums.js';

export interface AuditRow {
  actorId: string | null;
  action: AuditAction;
  outcome: AuditOutcome;
  entityType: string;
  entityId: string | null;
  clientId: string | null;
  operationName: string | null;
  requestId: string | null;
  reason: string | null;
}

const COLUMNS = ['actorId', 'action', 'outcome', 'entityType', 'entityId', 'clientId', 'operationName', 'reason', 'requestId'] as const;

// Timestamps are `timestamp(3)` in UTC, as Prisma writes them; the clock, not the transaction's
// start, so that two entries of one mutation keep their order in the audit trail.
/** The INSERT of audit rows given as 9 array parameters, numbered from `$first`. */
export function auditInsertSql(first = 1): string {
  const [a, ac, o, et, ei, ci, op, r, rq] = COLUMNS.map((_, i) => `$${first + i}`);
  return `INSERT INTO "AuditEvent" (id, at, "actorId", action, outcome, "entityType", "entityId", "clientId", "operationName", reason, "requestId", "createdAt", "updatedAt")
  SELECT gen_random_uuid(), clock_timestamp() AT TIME ZONE 'UTC', a, ac::"AuditAction", o::"AuditOutcome", et, ei, ci, op, r, rq,
         clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'
    FROM unnest(${a}::uuid[], ${ac}::text[], ${o}::text[], ${et}::text[], ${ei}::uuid[], ${ci}::uuid[], ${op}::text[], ${r}::text[], ${rq}::text[])
         AS t(a, ac, o, et, ei, ci, op, r, rq)`;
}

/** The parameters of auditInsertSql: one array per column. */
export function auditParams(rows: readonly AuditRow[]): unknown[][] {
  return COLUMNS.map((column) => rows.map((row) => row[column]));
}

const INSERT = auditInsertSql();

/** Writes `rows` in one statement (through `db`: the client or a transaction). */
export async function insertAuditRows(db: Pick<Db, '$executeRawUnsafe'>, rows: readonly AuditRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.$executeRawUnsafe(INSERT, ...auditParams(rows));
}
