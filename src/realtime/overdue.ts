// Work items announced on the organization's work-queue topic as they become overdue, for the
// workQueue subscription (crises have their own sweep: escalation.ts):
//
//   REFERRAL_STUCK       a referral still SENT past expectedResponseBy
//   FOLLOW_UP_OVERDUE    a follow-up still SCHEDULED past scheduledFor
//   PLAN_REVIEW_OVERDUE  an ACTIVE care plan past nextReviewDue
//   TASK_OVERDUE         an open task past dueAt (a task without a case: its assignee's organization)
//
// Once per due time, across instances and restarts, the way escalation.ts does it: the due rows
// are claimed with FOR UPDATE SKIP LOCKED and marked (overdueAnnouncedFor = the due time) in the
// statement that writes the outbox row. Moving the due time (re-sending a referral, rescheduling
// a follow-up, a plan review) arms a new announcement. Items overdue for longer than the outbox
// keeps events are not announced: they are old news, and the workQueue query lists them.
//
// Who receives an announcement is decided per subscriber at delivery (visibility.ts, with the
// work queue's own rules from services/work-queue.ts).
import { prisma, type Db } from '../db.js';
import { OPEN_TASK_STATUSES } from '../services/workflow/machines/task.js';
import { realtimeTopics } from './topics.js';

const BATCH = 100;

export const OVERDUE_KINDS = ['REFERRAL_STUCK', 'FOLLOW_UP_OVERDUE', 'PLAN_REVIEW_OVERDUE', 'TASK_OVERDUE'] as const;
export type OverdueKind = (typeof OVERDUE_KINDS)[number];

interface OverdueSpec {
  table: string;
  /** The column holding the due time. */
  due: string;
  /** Which rows can be overdue at all (their status). */
  open: string;
  /** Joins from the claimed row `t` and the organization whose work queue it goes to. */
  joins: string;
  organization: string;
  /** jsonb_build_object arguments besides organizationId and dueAt. */
  payload: string;
}

const quoted = (values: readonly string[]) => values.map((value) => `'${value}'`).join(', ');

const SPECS: Record<OverdueKind, OverdueSpec> = {
  REFERRAL_STUCK: {
    table: 'Referral',
    due: 'expectedResponseBy',
    open: `status = 'SENT'`,
    joins: `JOIN "Case" c ON c.id = t."caseId"`,
    organization: 'c."organizationId"',
    payload: `'referralId', t.id, 'caseId', t."caseId", 'clientId', t."clientId", 'providerId', t."providerId"`,
  },
  FOLLOW_UP_OVERDUE: {
    table: 'FollowUp',
    due: 'scheduledFor',
    open: `status = 'SCHEDULED'`,
    joins: `JOIN "Case" c ON c.id = t."caseId"`,
    organization: 'c."organizationId"',
    payload: `'followUpId', t.id, 'caseId', t."caseId", 'clientId', t."clientId", 'assignedToId', t."assignedToId"`,
  },
  PLAN_REVIEW_OVERDUE: {
    table: 'CarePlan',
    due: 'nextReviewDue',
    open: `status = 'ACTIVE'`,
    joins: `JOIN "Case" c ON c.id = t."caseId"`,
    organization: 'c."organizationId"',
    payload: `'carePlanId', t.id, 'caseId', t."caseId", 'clientId', c."clientId"`,
  },
  TASK_OVERDUE: {
    table: 'Task',
    due: 'dueAt',
    open: `status IN (${quoted(OPEN_TASK_STATUSES)})`,
    joins: `LEFT JOIN "Case" c ON c.id = t."caseId" JOIN "StaffMember" s ON s.id = t."assigneeId"`,
    organization: 'COALESCE(c."organizationId", s."organizationId")',
    payload: `'taskId', t.id, 'caseId', t."caseId", 'assigneeId', t."assigneeId"`,
  },
};

const TOPIC_PREFIX = realtimeTopics.workQueue('');

function sweepSql(kind: OverdueKind): string {
  const { table, due, open, joins, organization, payload } = SPECS[kind];
  return `WITH claimed AS (
      UPDATE "${table}" t SET "overdueAnnouncedFor" = t."${due}"
       WHERE t.id IN (
         SELECT id FROM "${table}"
          WHERE ${open}
            AND "${due}" <= now() AT TIME ZONE 'UTC'
            AND "${due}" > now() AT TIME ZONE 'UTC' - $1::float8 * interval '1 day'
            AND "overdueAnnouncedFor" IS DISTINCT FROM "${due}"
          ORDER BY "${due}", id
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
      RETURNING t.*
    )
    INSERT INTO "DomainEvent" (topic, kind, payload, "createdAt")
    SELECT '${TOPIC_PREFIX}' || ${organization}, '${kind}',
           jsonb_build_object(${payload}, 'organizationId', ${organization},
                              'dueAt', to_char(t."${due}", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           now() AT TIME ZONE 'UTC'
      FROM claimed t ${joins}
     ORDER BY t."${due}", t.id
    RETURNING id`;
}

const STATEMENTS = OVERDUE_KINDS.map((kind) => sweepSql(kind));

/** Claims and announces what became overdue; returns the outbox ids written. */
export async function announceOverdue(retentionDays: number): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const sql of STATEMENTS) {
    const rows = await prisma.$queryRawUnsafe<Array<{ id: bigint }>>(sql, retentionDays);
    for (const row of rows) ids.push(BigInt(row.id));
  }
  return ids;
}

/**
 * Marks what was overdue by `until` as announced, without announcing it: for data loaded with
 * its history (the seed), whose past is not news.
 */
export async function markOverdueAnnounced(db: Db, until: Date): Promise<void> {
  for (const { table, due, open } of Object.values(SPECS)) {
    await db.$executeRawUnsafe(
      `UPDATE "${table}" SET "overdueAnnouncedFor" = "${due}" WHERE ${open} AND "${due}" <= ($1::timestamptz AT TIME ZONE 'UTC')`,
      until.toISOString(),
    );
  }
}
