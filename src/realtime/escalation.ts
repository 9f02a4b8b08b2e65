// Escalation of unacknowledged crises. The crisis code sets escalationDueAt when it raises a
// HIGH (15 min) or CRITICAL (5 min) crisis and clears it on acknowledgement; this sweep, run on
// every instance, re-announces a crisis still OPEN past that time to supervisors (kind
// CRISIS_ESCALATED on the organization's crisis feed, which workQueue and crisisAlerts follow).
//
// Once only, across instances and restarts: the due rows are claimed with FOR UPDATE SKIP
// LOCKED and marked (escalatedAt, escalationCount) in the same statement, hence the same
// transaction, that writes the outbox row. A second instance either skips the locked row or,
// once the first committed, finds it marked (PostgreSQL re-checks the WHERE on the new row
// version). One instance sweeps at a time (sweep-lock.ts), so escalations are written in due
// order. The timer is the row itself, so a restart loses nothing. If escalationDueAt is ever
// moved later than escalatedAt (re-armed), the crisis escalates again, once per due time.
//
// The version column is left alone: escalation is bookkeeping, not a clinical change, and
// bumping it would turn a clinician's acknowledgement into a StaleVersion error.
import { prisma } from '../db.js';
import { sweepLock } from './sweep-lock.js';

const BATCH = 100;
/** The advisory lock (hashtext of this name) an instance holds while it sweeps. */
export const ESCALATION_LOCK_NAME = 'casegraph:escalation';

/** Claims and announces due crises; returns the outbox ids written. */
export async function escalateDueCrises(): Promise<bigint[]> {
  const rows = await prisma.$queryRawUnsafe<Array<{ id: bigint }>>(
    `WITH claimed AS (
       UPDATE "CrisisEvent" c
          SET "escalatedAt" = now() AT TIME ZONE 'UTC', "escalationCount" = c."escalationCount" + 1
        WHERE c.id IN (
          SELECT id FROM "CrisisEvent"
           WHERE status = 'OPEN'
             AND "escalationDueAt" <= now() AT TIME ZONE 'UTC'
             AND ("escalatedAt" IS NULL OR "escalatedAt" < "escalationDueAt")
             AND ${sweepLock(ESCALATION_LOCK_NAME)}
           ORDER BY "escalationDueAt", id
           LIMIT ${BATCH}
           FOR UPDATE SKIP LOCKED)
        RETURNING c.id, c."clientId", c."caseId", c."organizationId", c.severity, c.category, c.status,
                  c."escalationCount", c."escalationDueAt"
     )
     INSERT INTO "DomainEvent" (topic, kind, payload, "createdAt")
     SELECT 'crisis-org:' || "organizationId", 'CRISIS_ESCALATED',
            jsonb_build_object(
              'crisisId', id, 'clientId', "clientId", 'caseId', "caseId", 'organizationId', "organizationId",
              'severity', severity, 'category', category, 'status', status,
              'escalationCount', "escalationCount",
              'dueAt', to_char("escalationDueAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
            now() AT TIME ZONE 'UTC'
       FROM claimed
      ORDER BY "escalationDueAt", id
     RETURNING id`,
  );
  return rows.map((row) => BigInt(row.id));
}
