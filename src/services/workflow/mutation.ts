// Every mutation runs through here: one transaction holding the change, its AuditEvent and
// its DomainEvent (outbox), so a failed mutation leaves no row, audit record or event behind.
// Events are published to the pub/sub only after the commit, by the outbox relay.
import type { Context } from '../../context.js';
import { Prisma, prisma } from '../../db.js';
import type { AuditAction } from '../../generated/prisma/enums.js';
import { viewerOf, type Viewer } from '../../auth/viewer.js';
import { NotFoundError } from '../../errors.js';
import { outboxCommitted } from '../../realtime/wake.js';
import type { AuditRow } from '../../audit/store.js';
import { writeJournal, type OutboxRow } from './journal.js';

export type Tx = Prisma.TransactionClient;

export interface AuditEntry {
  action: AuditAction;
  entityType: string;
  entityId: string;
  clientId?: string | null;
  reason?: string | null;
}

export interface EventEntry {
  topic: string;
  kind: string;
  payload?: Record<string, unknown>;
}

export interface MutationScope {
  tx: Tx;
  viewer: Viewer;
  ctx: Context;
  /** Records who changed what (same transaction, written when the work is done). */
  audit(entry: AuditEntry): Promise<void>;
  /** Queues a domain event in the outbox (same transaction, written when the work is done, in
   *  emit order); published after commit. */
  emit(event: EventEntry): Promise<void>;
  /** Runs `effect` once the transaction has committed (never if it rolls back). */
  afterCommit(effect: () => void): void;
}

export async function runMutation<T>(
  ctx: Context,
  operation: string,
  work: (scope: MutationScope) => Promise<T>,
): Promise<T> {
  const viewer = viewerOf(ctx);
  const audits: AuditRow[] = [];
  const events: OutboxRow[] = [];
  const effects: Array<() => void> = [];
  const result = await prisma.$transaction(async (tx) => {
    const scope: MutationScope = {
      tx,
      viewer,
      ctx,
      async audit(entry) {
        audits.push({
          actorId: viewer.id,
          action: entry.action,
          outcome: 'SUCCESS',
          entityType: entry.entityType,
          entityId: entry.entityId,
          clientId: entry.clientId ?? null,
          reason: entry.reason ?? null,
          operationName: operation,
          requestId: ctx.requestId,
        });
      },
      async emit(event) {
        events.push({ topic: event.topic, kind: event.kind, payload: { ...event.payload, actorId: viewer.id } });
      },
      afterCommit(effect) {
        effects.push(effect);
      },
    };
    const done = await work(scope);
    await writeJournal(tx, audits, events);
    return done;
  }).catch((error: unknown) => {
    // A denied attempt is audited outside the rolled-back transaction (AuditBuffer).
    if (error instanceof NotFoundError && error.denied) {
      ctx.audit.add({
        action: 'ACCESS_DENIED',
        entityType: error.entity,
        entityId: error.id,
        clientId: error.deniedClientId ?? null,
        reason: operation,
      });
    }
    throw error;
  });
  // Committed: the outbox relay publishes the rows, in id order, to every instance
  // (src/realtime/relay.ts). Publishing here as well would race it and break the order.
  if (events.length > 0) outboxCommitted();
  for (const effect of effects) effect();
  return result;
}

/**
 * A create mutation with an optional clientMutationId: repeating the same key (same staff
 * member, same operation) returns the first result instead of creating twice.
 */
export async function runCreate(
  ctx: Context,
  operation: string,
  clientMutationId: string | null | undefined,
  work: (scope: MutationScope) => Promise<{ id: string }>,
): Promise<{ id: string; replayed: boolean }> {
  if (!clientMutationId) return { ...(await runMutation(ctx, operation, work)), replayed: false };
  const actorId = viewerOf(ctx).id;
  const key = { actorId, operation, key: clientMutationId };
  const previous = async () => {
    const row = await prisma.idempotencyKey.findUnique({ where: { actorId_operation_key: key } });
    return row ? { id: (row.result as { id: string }).id, replayed: true } : null;
  };
  const earlier = await previous();
  if (earlier) return earlier;
  try {
    const created = await runMutation(ctx, operation, async (scope) => {
      const result = await work(scope);
      await scope.tx.idempotencyKey.create({ data: { ...key, result: { id: result.id } } });
      return result;
    });
    return { id: created.id, replayed: false };
  } catch (error) {
    // A concurrent retry with the same key won the race: answer with its result.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      const winner = await previous();
      if (winner) return winner;
    }
    throw error;
  }
}
