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

type Row = { id?: unknown; clientId?: unknown };

// GraphQL types whose objects identify a client, and how to find which client.
const CLIENT_OF: Record<string, (row: Row) => unknown> = {
  Client: (row) => row.id,
  Case: (row) => row.clientId,
  Assessment: (row) => row.clientId,
  Interaction: (row) => row.clientId,
  Referral: (row) => row.clientId,
  CrisisEvent: (row) => row.clientId,
  FollowUp: (row) => row.clientId,
  Consent: (row) => row.clientId,
  ClientRelationship: (row) => row.clientId,
  // A plan row has no clientId; its type always loads the case's (care-plan/types.ts).
  CarePlan: (row) => (row as Row & { case?: { clientId?: unknown } }).case?.clientId,
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
          const clientOf = CLIENT_OF[info.parentType.name];
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
