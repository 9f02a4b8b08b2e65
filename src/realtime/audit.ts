// Read audit for subscription deliveries. The read-audit plugin writes a query's AuditEvents
// when the operation finishes, which a subscription never does: each delivered event would go
// unaudited. Here every delivery's reads are written before the event leaves (the same "never
// lost" rule as queries): one row per read per delivery, under the subscriber's own request id,
// even when the event was executed once for many subscribers (shared.ts).
//
// The deliveries of one fan-out share INSERTs instead of one each for 10,000 subscribers: rows
// gather for WINDOW_MS, and a batch that reaches FLUSH_ROWS is written at once, so a large
// fan-out's rows go out in several statements (on several pool connections, while the rest are
// still being gathered) rather than one long one at the end. A shared execution's deliveries
// differ only by request id: they gather as the execution's reads and a list of request ids
// (AuditGroup), which PostgreSQL crosses: at 10,000 subscribers, 449–461 ms of server CPU per
// event instead of 496–509 (bench:subscriptions, alternating runs).
import { auditReadOf, auditRowOf, withClients, type AuditedAccess } from '../audit/read-audit.js';
import {
  appendAuditRow,
  emptyAuditColumns,
  insertAuditColumns,
  insertAuditGroups,
  type AuditColumns,
  type AuditGroup,
  type AuditRead,
} from '../audit/store.js';
import type { Context } from '../context.js';
import { prisma } from '../db.js';

const WINDOW_MS = 2;
const FLUSH_ROWS = 1000;

interface Batch {
  /** Rows of deliveries executed alone. */
  columns: AuditColumns;
  /** Shared executions' deliveries: by the execution's reads, then by actor and operation. */
  groups: Map<readonly AuditedAccess[], Map<string, AuditGroup>>;
  /** Rows gathered. */
  size: number;
  done: Promise<void>;
  settle: (error?: unknown) => void;
}

function newBatch(): Batch {
  let settle!: Batch['settle'];
  const done = new Promise<void>((resolve, reject) => (settle = (error) => (error ? reject(error) : resolve())));
  done.catch(() => {}); // awaited by each adder; never an unhandled rejection
  return { columns: emptyAuditColumns(), groups: new Map(), size: 0, done, settle };
}

/** A shared execution's reads as rows carry them, made once per execution. */
const readsOf = new WeakMap<readonly AuditedAccess[], AuditRead[]>();

function auditReads(entries: readonly AuditedAccess[]): AuditRead[] {
  let reads = readsOf.get(entries);
  if (!reads) readsOf.set(entries, (reads = entries.map(auditReadOf)));
  return reads;
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
    const groups = [...current.groups.values()].flatMap((byActor) => [...byActor.values()]);
    try {
      statements += (current.columns.action.length > 0 ? 1 : 0) + (groups.length > 0 ? 1 : 0);
      await Promise.all([insertAuditColumns(prisma, current.columns), insertAuditGroups(prisma, groups)]);
      current.settle();
    } catch (error) {
      current.settle(error);
    }
  }

  /** Counts `rows` into the batch; resolves once they are stored. */
  function added(target: Batch, rows: number): Promise<void> {
    target.size += rows;
    if (target.size >= FLUSH_ROWS) void flush();
    else timer ??= setTimeout(() => void flush(), WINDOW_MS);
    return target.done;
  }

  /** Adds the rows of one delivery; resolves once they are stored (undefined: there were none). */
  function add(context: Context, entries: readonly AuditedAccess[]): Promise<void> | undefined {
    if (entries.length === 0 || !context.viewer) return undefined;
    const target = batch;
    for (const entry of entries) appendAuditRow(target.columns, auditRowOf(context, entry));
    return added(target, entries.length);
  }

  /** Adds a delivery of a shared execution's reads: its request id in the group of the reads. */
  function addShared(context: Context, entries: readonly AuditedAccess[]): Promise<void> | undefined {
    const viewer = context.viewer;
    if (entries.length === 0 || !viewer) return undefined;
    const target = batch;
    let byActor = target.groups.get(entries);
    if (!byActor) target.groups.set(entries, (byActor = new Map()));
    // A staff member's id holds no NUL: the key cannot be another actor's and operation's.
    const { operationName } = context;
    const key = operationName === null ? viewer.id : `${viewer.id}\0${operationName}`;
    let group = byActor.get(key);
    if (!group) byActor.set(key, (group = { actorId: viewer.id, operationName, reads: auditReads(entries), requestIds: [] }));
    group.requestIds.push(context.requestId);
    return added(target, entries.length);
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
      return addShared(context, reads);
    },

    /** INSERT statements written so far (tests, benchmarks). */
    get statements(): number {
      return statements;
    },
  };
}

export type AuditBatcher = ReturnType<typeof createAuditBatcher>;
