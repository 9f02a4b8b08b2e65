// How AuditEvent rows are written, by queries, mutations and subscription deliveries alike: one
// INSERT of fixed text whatever the number of rows. Prisma's createMany compiles a new query
// plan for every row count (~15 ms of CPU for one row, ~110 ms for a dashboard's 258). Rows go
// as one JSON array per column: neither Prisma nor pg walks thousands of array parameters
// (a subscription fan-out writes 10,000 rows).
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

/** Rows gathered column by column (what auditParams sends). */
export type AuditColumns = Record<(typeof COLUMNS)[number], Array<string | null>>;

export function emptyAuditColumns(): AuditColumns {
  return Object.fromEntries(COLUMNS.map((column) => [column, []])) as unknown as AuditColumns;
}

export function appendAuditRow(columns: AuditColumns, row: AuditRow): void {
  for (const column of COLUMNS) columns[column].push(row[column]);
}

export function auditColumnsOf(rows: readonly AuditRow[]): AuditColumns {
  const columns = emptyAuditColumns();
  for (const row of rows) appendAuditRow(columns, row);
  return columns;
}

/** The INSERT of audit rows given as 9 JSON array parameters (auditParams), numbered from `$first`. */
export function auditInsertSql(first = 1): string {
  const [a, ac, o, et, ei, ci, op, r, rq] = COLUMNS.map((_, i) => `json_array_elements_text($${first + i}::json)`);
  // Timestamps are `timestamp(3)` in UTC, as Prisma writes them; the clock, not the transaction's
  // start, so that two entries of one mutation keep their order in the audit trail.
  return `INSERT INTO "AuditEvent" (id, at, "actorId", action, outcome, "entityType", "entityId", "clientId", "operationName", reason, "requestId", "createdAt", "updatedAt")
  SELECT gen_random_uuid(), clock_timestamp() AT TIME ZONE 'UTC', a::uuid, ac::"AuditAction", o::"AuditOutcome", et, ei::uuid, ci::uuid, op, r, rq,
         clock_timestamp() AT TIME ZONE 'UTC', clock_timestamp() AT TIME ZONE 'UTC'
    FROM ROWS FROM (${a}, ${ac}, ${o}, ${et}, ${ei}, ${ci}, ${op}, ${r}, ${rq}) AS t(a, ac, o, et, ei, ci, op, r, rq)`;
}

export function auditParams(columns: AuditColumns): string[] {
  return COLUMNS.map((column) => JSON.stringify(columns[column]));
}

const INSERT = auditInsertSql();

/** Writes the gathered rows in one statement (through `db`: the client or a transaction). */
export async function insertAuditColumns(db: Pick<Db, '$executeRawUnsafe'>, columns: AuditColumns): Promise<void> {
  if (columns.action.length === 0) return;
  await db.$executeRawUnsafe(INSERT, ...auditParams(columns));
}

export function insertAuditRows(db: Pick<Db, '$executeRawUnsafe'>, rows: readonly AuditRow[]): Promise<void> {
  return insertAuditColumns(db, auditColumnsOf(rows));
}
