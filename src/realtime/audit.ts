// Read audit for subscription deliveries. The read-audit plugin writes a query's AuditEvents
// when the operation finishes, which a subscription never does: each delivered event would go
// unaudited. Here every delivery's reads are written before the event leaves (the same "never
// lost" rule as queries): one row per read per delivery, under the subscriber's own request id,
// even when the event was executed once for many subscribers (shared.ts).
//
// The deliveries of one fan-out share INSERTs instead of one each for 10,000 subscribers: rows
// gather for WINDOW_MS, and a batch that reaches FLUSH_ROWS is written at once, so a large
// fan-out's rows go out in several statements (on several pool connections, while the rest are
// still being gathered) rather than one long one at the end, with the one audit INSERT of
// src/audit/store.ts.
import { auditRowOf, withClients, type AuditedAccess } from '../audit/read-audit.js';
import { appendAuditRow, emptyAuditColumns, insertAuditColumns, type AuditColumns } from '../audit/store.js';
import type { Context } from '../context.js';
import { prisma } from '../db.js';

const WINDOW_MS = 2;
const FLUSH_ROWS = 1000;

interface Batch {
  columns: AuditColumns;
  size: number;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

function newBatch(): Batch {
  let settle!: Batch['settle'];
  const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  done.catch(() => {}); // awaited by each adder; never an unhandled rejection
  return { columns: emptyAuditColumns(), size: 0, done, settle };
}

export function createAuditBatcher() {
  let batch = newBatch();
  let timer: NodeJS.Timeout | undefined;
  let statements = 0;

  async function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const current = batch;
    batch = newBatch();
    try {
      statements += 1;
      await insertAuditColumns(prisma, current.columns);
      current.settle();
    } catch (error) {
      current.settle(error);
    }
  }

  /** Adds the rows of one delivery; resolves once they are stored (undefined: there were none). */
  function add(context: Context, entries: readonly AuditedAccess[]): Promise<void> | undefined {
    const viewer = context.viewer;
    if (entries.length === 0 || !viewer) return undefined;
    const target = batch;
    for (const entry of entries) appendAuditRow(target.columns, auditRowOf(context, entry));
    target.size += entries.length;
    if (target.size >= FLUSH_ROWS) void flush();
    else timer ??= setTimeout(() => void flush(), WINDOW_MS);
    return target.done;
  }

  return {
    /** Writes the reads of one delivery executed for it alone (drained from its context). */
    async record(context: Context): Promise<void> {
      const drained = context.audit.drain();
      if (drained.length === 0 || !context.viewer) return;
      // A task names its client through its case: looked up as for queries (read-audit.ts).
      await add(context, await withClients(drained));
    },

    /**
     * Writes, for the subscriber of `context`, the reads of an execution shared with others of
     * the same staff member (shared.ts): already resolved to their clients, once for all.
     */
    recordShared(context: Context, reads: readonly AuditedAccess[]): Promise<void> | undefined {
      return add(context, reads);
    },

    /** INSERT statements written so far (tests, benchmarks). */
    get statements(): number {
      return statements;
    },
  };
}

export type AuditBatcher = ReturnType<typeof createAuditBatcher>;
