// Referrals stuck in SENT past expectedResponseBy, announced once on the organization's work
// queue topic (kind REFERRAL_STUCK) for the workQueue subscription.
//
// There is no column to mark a referral as announced, so the outbox is the record: a referral
// is announced when no REFERRAL_STUCK event for it and that due time exists yet (re-sending it
// sets a new due time and so a new announcement). Instances take turns through a
// transaction-level advisory lock, so the check and the insert cannot race. Referrals overdue
// for longer than the outbox keeps events are left alone, or each pruning would announce them
// again.
import { prisma } from '../db.js';

/** pg_try_advisory_xact_lock key of this sweep ("CGrefs" in ASCII). */
const SWEEP_LOCK_KEY = '73973604116083'; // 0x434752656673, decimal: PostgreSQL 15 has no hex literals
const BATCH = 100;

export async function announceStuckReferrals(retentionDays: number): Promise<bigint[]> {
  return prisma.$transaction(async (tx) => {
    const [lock] = await tx.$queryRawUnsafe<Array<{ locked: boolean }>>(`SELECT pg_try_advisory_xact_lock(${SWEEP_LOCK_KEY}) AS locked`);
    if (!lock?.locked) return [];
    const rows = await tx.$queryRawUnsafe<Array<{ id: bigint }>>(
      `WITH due AS (
         SELECT r.id, r."caseId", r."providerId", c."organizationId",
                to_char(r."expectedResponseBy", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "dueAt", r."expectedResponseBy"
           FROM "Referral" r JOIN "Case" c ON c.id = r."caseId"
          WHERE r.status = 'SENT'
            AND r."expectedResponseBy" <= now() AT TIME ZONE 'UTC'
            AND r."expectedResponseBy" > now() AT TIME ZONE 'UTC' - $1::float8 * interval '1 day'
       )
       INSERT INTO "DomainEvent" (topic, kind, payload, "createdAt")
       SELECT 'work-queue:' || due."organizationId", 'REFERRAL_STUCK',
              jsonb_build_object('referralId', due.id, 'caseId', due."caseId", 'providerId', due."providerId",
                                 'organizationId', due."organizationId", 'dueAt', due."dueAt"),
              now() AT TIME ZONE 'UTC'
         FROM due
        WHERE NOT EXISTS (
          SELECT 1 FROM "DomainEvent" d
           WHERE d.topic = 'work-queue:' || due."organizationId" AND d.kind = 'REFERRAL_STUCK'
             AND d.payload->>'referralId' = due.id::text AND d.payload->>'dueAt' = due."dueAt")
        ORDER BY due."expectedResponseBy", due.id
        LIMIT ${BATCH}
       RETURNING id`,
      retentionDays,
    );
    return rows.map((row) => BigInt(row.id));
  });
}
