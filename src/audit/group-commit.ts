// Group commit for the read audit of queries: while one audit INSERT is on its way to the
// database, the reads of requests finishing meanwhile gather, and go together in the next
// INSERT once it returns. An idle server writes each request's reads at once (no timer, no
// added wait); a busy one writes one statement for many requests, not one each — a round trip,
// which on these machines costs more CPU than most of a request's own work. Each request still
// awaits the statement holding its rows before its response leaves (read-audit.ts).
import { appendAuditRow, emptyAuditColumns, insertAuditColumns, type AuditColumns, type AuditRow } from './store.js';
import type { Db } from '../db.js';

interface Contribution {
  rows: readonly AuditRow[];
  settle: (error?: unknown) => void;
}

export interface GroupCommitWriter {
  /** Resolves once `rows` are stored; rejects if they could not be. */
  write(rows: readonly AuditRow[]): Promise<void>;
  /** INSERT statements written so far (tests). */
  readonly statements: number;
}

/** `db()` is read at each write: the process's client may be reopened (tests). */
export function createGroupCommitWriter(db: () => Pick<Db, '$executeRawUnsafe'>): GroupCommitWriter {
  let waiting: Contribution[] = [];
  let writing = false;
  let statements = 0;

  async function insert(columns: AuditColumns): Promise<void> {
    statements += 1;
    await insertAuditColumns(db(), columns);
  }

  async function drain(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const group = waiting;
      waiting = [];
      const columns = emptyAuditColumns();
      for (const { rows } of group) for (const row of rows) appendAuditRow(columns, row);
      try {
        await insert(columns);
        for (const { settle } of group) settle();
      } catch (error) {
        if (group.length === 1) {
          group[0]!.settle(error);
          continue;
        }
        // One request's failure (a row the database refuses) must not fail the others: each
        // is retried alone and gets its own outcome.
        await Promise.all(
          group.map(async ({ rows, settle }) => {
            const own = emptyAuditColumns();
            for (const row of rows) appendAuditRow(own, row);
            await insert(own).then(() => settle(), settle);
          }),
        );
      }
    }
    writing = false;
  }

  return {
    write(rows) {
      if (rows.length === 0) return Promise.resolve();
      const stored = new Promise<void>((resolve, reject) => {
        waiting.push({ rows, settle: (error) => (error === undefined ? resolve() : reject(error)) });
      });
      if (!writing) void drain();
      return stored;
    },
    get statements() {
      return statements;
    },
  };
}
