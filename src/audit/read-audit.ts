// Every read of a client-identifying record, and every denied attempt, becomes an AuditEvent.
// Reads are collected while the operation executes and written in ONE insert before the
// response leaves: batched, yet never lost — if the process dies before the write, the
// caller never received the data either.
import { useOnResolve } from '@envelop/on-resolve';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { prisma } from '../db.js';
import type { AuditAction } from '../generated/prisma/enums.js';

export interface AuditedAccess {
  action: Extract<AuditAction, 'READ' | 'ACCESS_DENIED'>;
  entityType: string;
  entityId: string;
  clientId: string | null;
  reason?: string;
}

/** Per-operation buffer held in the context. */
export class AuditBuffer {
  private readonly entries = new Map<string, AuditedAccess>();

  add(entry: AuditedAccess): void {
    const key = `${entry.action}:${entry.entityType}:${entry.entityId}`;
    if (!this.entries.has(key)) this.entries.set(key, entry);
  }

  drain(): AuditedAccess[] {
    const drained = [...this.entries.values()];
    this.entries.clear();
    return drained;
  }
}

type Row = Record<string, unknown>;

/**
 * GraphQL types whose records identify a client: which client (from a loaded row), and what to
 * select to learn it (lookups that ignore the viewer's access: denied attempts).
 */
export const CLIENT_RECORDS: Record<string, { select: object; clientId: (row: Row) => unknown }> = {
  Client: { select: { id: true }, clientId: (row) => row.id },
  Case: { select: { clientId: true }, clientId: (row) => row.clientId },
  Assessment: { select: { clientId: true }, clientId: (row) => row.clientId },
  Interaction: { select: { clientId: true }, clientId: (row) => row.clientId },
  Referral: { select: { clientId: true }, clientId: (row) => row.clientId },
  CrisisEvent: { select: { clientId: true }, clientId: (row) => row.clientId },
  FollowUp: { select: { clientId: true }, clientId: (row) => row.clientId },
  Consent: { select: { clientId: true }, clientId: (row) => row.clientId },
  ClientRelationship: { select: { clientId: true }, clientId: (row) => row.clientId },
  // A plan row has no clientId; its type always loads the case's (care-plan/types.ts).
  CarePlan: { select: { case: { select: { clientId: true } } }, clientId: (row) => (row.case as Row | undefined)?.clientId },
};

export async function flushAudit(context: Context): Promise<void> {
  const entries = context.audit.drain();
  if (entries.length === 0 || !context.viewer) return;
  await prisma.auditEvent.createMany({
    data: entries.map((entry) => ({
      actorId: context.viewer!.id,
      action: entry.action,
      outcome: entry.action === 'ACCESS_DENIED' ? 'DENIED' : 'SUCCESS',
      entityType: entry.entityType,
      entityId: entry.entityId,
      clientId: entry.clientId,
      operationName: context.operationName,
      requestId: context.requestId,
      reason: entry.reason ?? null,
    })),
  });
}

export function useReadAudit(): Plugin {
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useOnResolve(({ root, info, context: ctx }) => {
          const context = ctx as Partial<Context>;
          const clientOf = CLIENT_RECORDS[info.parentType.name]?.clientId;
          if (!clientOf || !context.audit) return;
          const row = root as Row;
          if (typeof row?.id !== 'string') return;
          const clientId = clientOf(row);
          context.audit.add({
            action: 'READ',
            entityType: info.parentType.name,
            entityId: row.id,
            clientId: typeof clientId === 'string' ? clientId : null,
          });
        }),
      );
    },
    onExecute() {
      return {
        onExecuteDone: async ({ args }) => {
          await flushAudit(args.contextValue as unknown as Context);
        },
      };
    },
  };
}
