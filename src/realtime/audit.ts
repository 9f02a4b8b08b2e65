// Read audit for subscription deliveries. The read-audit plugin writes a query's AuditEvents
// when the operation finishes, which a subscription never does: each delivered event would go
// unaudited. Here every delivery's reads are written before the event leaves (the same "never
// lost" rule as queries), and the deliveries of one fan-out share an INSERT instead of one
// each for 5,000 subscribers. The INSERT is plain SQL over arrays (unnest): Prisma's createMany
// spent ~0.3 ms per row building the statement, which for a fan-out was most of the latency.
import { withClients, type AuditedAccess } from '../audit/read-audit.js';
import type { Context } from '../context.js';
import { prisma } from '../db.js';

const WINDOW_MS = 2;
const MAX_ROWS = 5000;

interface Row {
  actorId: string;
  action: string;
  outcome: 'SUCCESS' | 'DENIED';
  entityType: string;
  entityId: string;
  clientId: string | null;
  operationName: string | null;
  requestId: string;
  reason: string | null;
}

const COLUMNS = ['actorId', 'action', 'outcome', 'entityType', 'entityId', 'clientId', 'operationName', 'reason', 'requestId'] as const;

function insert(rows: Row[]): Promise<number> {
  return prisma.$executeRawUnsafe(
    `INSERT INTO "AuditEvent" (id, at, "actorId", action, outcome, "entityType", "entityId", "clientId", "operationName", reason, "requestId", "createdAt", "updatedAt")
     SELECT gen_random_uuid(), now() AT TIME ZONE 'UTC', a, ac::"AuditAction", o::"AuditOutcome", et, ei, ci, op, r, rq,
            now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::text[], $9::text[])
            AS t(a, ac, o, et, ei, ci, op, r, rq)`,
    ...COLUMNS.map((column) => rows.map((row) => row[column])),
  );
}

interface Batch {
  rows: Row[];
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

function newBatch(): Batch {
  let settle!: Batch['settle'];
  const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  done.catch(() => {}); // awaited by each adder; never an unhandled rejection
  return { rows: [], done, settle };
}

export function createAuditBatcher() {
  let batch = newBatch();
  let timer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    timer = undefined;
    const current = batch;
    batch = newBatch();
    try {
      for (let i = 0; i < current.rows.length; i += MAX_ROWS) {
        await insert(current.rows.slice(i, i + MAX_ROWS));
      }
      current.settle();
    } catch (error) {
      current.settle(error);
    }
  }

  return {
    /** Writes the reads of one delivery (drained from its context); resolves once stored. */
    async record(context: Context): Promise<void> {
      const drained = context.audit.drain();
      if (drained.length === 0 || !context.viewer) return;
      // A task names its client through its case: looked up as for queries (read-audit.ts).
      const entries: AuditedAccess[] = await withClients(drained);
      if (entries.length === 0) return;
      for (const entry of entries) {
        batch.rows.push({
          actorId: context.viewer.id,
          action: entry.action,
          outcome: entry.action === 'ACCESS_DENIED' ? 'DENIED' : 'SUCCESS',
          entityType: entry.entityType,
          entityId: entry.entityId,
          clientId: entry.clientId,
          operationName: context.operationName,
          requestId: context.requestId,
          reason: entry.reason ?? null,
        });
      }
      timer ??= setTimeout(() => void flush(), WINDOW_MS);
      await batch.done;
    },
  };
}

export type AuditBatcher = ReturnType<typeof createAuditBatcher>;
