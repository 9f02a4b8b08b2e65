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

// Ids are time-ordered (casegraph_uuid_v7, migration audit_append_only_keys), so the primary key
// grows at its right edge. Timestamps are `timestamp(3)` in UTC, as Prisma writes them; the clock,
// not the transaction's start, so that two entries of one mutation keep their order in the trail.
const NOW = `clock_timestamp() AT TIME ZONE 'UTC'`;
const INSERT_INTO = `INSERT INTO "AuditEvent" (id, at, "actorId", action, outcome, "entityType", "entityId", "clientId", "operationName", reason, "requestId", "createdAt", "updatedAt")
  SELECT casegraph_uuid_v7(), ${NOW},`;

/** The INSERT of audit rows given as 9 JSON array parameters (auditParams), numbered from `$first`. */
export function auditInsertSql(first = 1): string {
  const [a, ac, o, et, ei, ci, op, r, rq] = COLUMNS.map((_, i) => `json_array_elements_text($${first + i}::json)`);
  return `${INSERT_INTO} a::uuid, ac::"AuditAction", o::"AuditOutcome", et, ei::uuid, ci::uuid, op, r, rq, ${NOW}, ${NOW}
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

/** What a read is, apart from who made it and in which request. */
export type AuditRead = Pick<AuditRow, 'action' | 'outcome' | 'entityType' | 'entityId' | 'clientId' | 'reason'>;

/**
 * Reads made once and delivered to many requests of one actor and operation (a subscription
 * event executed once for all of a staff member's subscribers): a row per read and request id.
 */
export interface AuditGroup {
  actorId: string;
  operationName: string | null;
  reads: readonly AuditRead[];
  requestIds: Array<string | null>;
}

// The groups as one JSON parameter, crossed with their reads and request ids in PostgreSQL: a
// 10,000-subscriber fan-out sends its request ids, not 10,000 rows of 9 columns. As jsonb, each
// group is parsed once (json would be parsed again at every ->, per row of the join).
const GROUPS_INSERT = `${INSERT_INTO} (g->>'actorId')::uuid, r.action::"AuditAction", r.outcome::"AuditOutcome", r."entityType",
         r."entityId"::uuid, r."clientId"::uuid, g->>'operationName', r.reason, q.rq, ${NOW}, ${NOW}
    FROM jsonb_array_elements($1::jsonb) AS g
   CROSS JOIN LATERAL jsonb_to_recordset(g->'reads') AS r(action text, outcome text, "entityType" text, "entityId" text, "clientId" text, reason text)
   CROSS JOIN LATERAL jsonb_array_elements_text(g->'requestIds') AS q(rq)`;

/** Writes the rows of `groups` in one statement. */
export async function insertAuditGroups(db: Pick<Db, '$executeRawUnsafe'>, groups: readonly AuditGroup[]): Promise<void> {
  if (groups.length === 0) return;
  await db.$executeRawUnsafe(GROUPS_INSERT, JSON.stringify(groups));
}

export function insertAuditRows(db: Pick<Db, '$executeRawUnsafe'>, rows: readonly AuditRow[]): Promise<void> {
  return insertAuditColumns(db, auditColumnsOf(rows));
}
