// Work items announced on the organization's work-queue topic as they become overdue, for the
// workQueue and followUpsDue subscriptions (crises have their own sweep: escalation.ts):
//
//   NO_CONTACT           an open case (not CLOSED or ON_HOLD) without an interaction for
//                        NO_CONTACT_DAYS (since its last contact, or since it opened)
//   REFERRAL_STUCK       a referral still SENT past expectedResponseBy
//   FOLLOW_UP_OVERDUE    a follow-up still SCHEDULED past scheduledFor
//   PLAN_REVIEW_OVERDUE  an ACTIVE care plan past nextReviewDue
//   TASK_OVERDUE         an open task past dueAt (a task without a case: its assignee's organization)
//
// Once per due time, across instances and restarts, the way escalation.ts does it: the due rows
// are claimed with FOR UPDATE SKIP LOCKED and marked (overdueAnnouncedFor = the due time) in the
// statement that writes the outbox row. In due order too: one instance at a time sweeps a kind
// (sweep-lock.ts). Moving the due time (a new contact, re-sending a referral, rescheduling a
// follow-up, a plan review) arms a new announcement. Items overdue for longer than the outbox
// keeps events are not announced: they are old news, and the workQueue query lists them.
//
// Who receives an announcement is decided per subscriber at delivery (visibility.ts, with the
// work queue's own rules from services/work-queue.ts).
import { prisma, type Db } from '../db.js';
import { OPEN_TASK_STATUSES } from '../services/workflow/machines/task.js';
import { sweepLock } from './sweep-lock.js';
import { realtimeTopics } from './topics.js';

const BATCH = 100;
/** Batches of one kind per sweep: a backlog drains in a few sweeps, a sweep stays short. */
const MAX_BATCHES = 20;

export const OVERDUE_KINDS = ['NO_CONTACT', 'REFERRAL_STUCK', 'FOLLOW_UP_OVERDUE', 'PLAN_REVIEW_OVERDUE', 'TASK_OVERDUE'] as const;
export type OverdueKind = (typeof OVERDUE_KINDS)[number];

interface OverdueSpec {
  table: string;
  /** The due time, an expression over the row's columns. */
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

/** `noContactDays`: a whole number (validated config), written into the SQL. */
function specs(noContactDays: number): Record<OverdueKind, OverdueSpec> {
  if (!Number.isInteger(noContactDays) || noContactDays < 1) throw new Error(`noContactDays must be a positive whole number, got ${noContactDays}`);
  const caseOrganization = { joins: `JOIN "Case" c ON c.id = t."caseId"`, organization: 'c."organizationId"' };
  return {
    NO_CONTACT: {
      table: 'Case',
      due: `(COALESCE("lastContactAt", "openedAt") + interval '${noContactDays} days')`,
      open: `status NOT IN ('CLOSED', 'ON_HOLD')`,
      joins: '',
      organization: 't."organizationId"',
      payload: `'caseId', t.id, 'clientId', t."clientId"`,
    },
    REFERRAL_STUCK: {
      table: 'Referral',
      due: '"expectedResponseBy"',
      open: `status = 'SENT'`,
      ...caseOrganization,
      payload: `'referralId', t.id, 'caseId', t."caseId", 'clientId', t."clientId", 'providerId', t."providerId"`,
    },
    FOLLOW_UP_OVERDUE: {
      table: 'FollowUp',
      due: '"scheduledFor"',
      open: `status = 'SCHEDULED'`,
      ...caseOrganization,
      payload: `'followUpId', t.id, 'caseId', t."caseId", 'clientId', t."clientId", 'assignedToId', t."assignedToId"`,
    },
    PLAN_REVIEW_OVERDUE: {
      table: 'CarePlan',
      due: '"nextReviewDue"',
      open: `status = 'ACTIVE'`,
      ...caseOrganization,
      payload: `'carePlanId', t.id, 'caseId', t."caseId", 'clientId', c."clientId"`,
    },
    TASK_OVERDUE: {
      table: 'Task',
      due: '"dueAt"',
      open: `status IN (${quoted(OPEN_TASK_STATUSES)})`,
      joins: `LEFT JOIN "Case" c ON c.id = t."caseId" JOIN "StaffMember" s ON s.id = t."assigneeId"`,
      organization: 'COALESCE(c."organizationId", s."organizationId")',
      payload: `'taskId', t.id, 'caseId', t."caseId", 'assigneeId', t."assigneeId"`,
    },
  };
}

const TOPIC_PREFIX = realtimeTopics.workQueue('');

/** The advisory lock (hashtext of this name) an instance holds while it sweeps `kind`. */
export const sweepLockName = (kind: OverdueKind) => `casegraph:overdue:${kind}`;

function sweepSql(kind: OverdueKind, { table, due, open, joins, organization, payload }: OverdueSpec): string {
  return `WITH claimed AS (
      UPDATE "${table}" SET "overdueAnnouncedFor" = ${due}
       WHERE id IN (
         SELECT id FROM "${table}"
          WHERE ${open}
            AND ${due} <= now() AT TIME ZONE 'UTC'
            AND ${due} > now() AT TIME ZONE 'UTC' - $1::float8 * interval '1 day'
            AND "overdueAnnouncedFor" IS DISTINCT FROM ${due}
            AND ${sweepLock(sweepLockName(kind))}
          ORDER BY ${due}, id
          LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED)
      RETURNING *, "overdueAnnouncedFor" AS "dueTime"
    )
    INSERT INTO "DomainEvent" (topic, kind, payload, "createdAt")
    SELECT '${TOPIC_PREFIX}' || ${organization}, '${kind}',
           jsonb_build_object(${payload}, 'organizationId', ${organization},
                              'dueAt', to_char(t."dueTime", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
           now() AT TIME ZONE 'UTC'
      FROM claimed t ${joins}
     ORDER BY t."dueTime", t.id
    RETURNING id`;
}

const statements = new Map<number, Array<[OverdueKind, string]>>();

/** The sweep's statement per kind ($1: the retention in days); exported for the benchmark. */
export function overdueStatements(noContactDays: number): Array<[OverdueKind, string]> {
  let sqls = statements.get(noContactDays);
  if (!sqls) {
    const all = specs(noContactDays);
    sqls = OVERDUE_KINDS.map((kind) => [kind, sweepSql(kind, all[kind])]);
    statements.set(noContactDays, sqls);
  }
  return sqls;
}

/**
 * Claims and announces what became overdue; returns the outbox ids written. A kind with more
 * than a batch due (a backlog after downtime) takes several batches, up to MAX_BATCHES a sweep.
 */
export async function announceOverdue(options: { retentionDays: number; noContactDays: number }): Promise<bigint[]> {
  const ids: bigint[] = [];
  for (const [, sql] of overdueStatements(options.noContactDays)) {
    for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
      const rows = await prisma.$queryRawUnsafe<Array<{ id: bigint }>>(sql, options.retentionDays);
      for (const row of rows) ids.push(BigInt(row.id));
      if (rows.length < BATCH) break;
    }
  }
  return ids;
}

/**
 * Marks what was overdue by `until` as announced, without announcing it: for data loaded with
 * its history (the seed), whose past is not news.
 */
export async function markOverdueAnnounced(db: Db, until: Date, noContactDays: number): Promise<void> {
  for (const { table, due, open } of Object.values(specs(noContactDays))) {
    await db.$executeRawUnsafe(
      `UPDATE "${table}" SET "overdueAnnouncedFor" = ${due} WHERE ${open} AND ${due} <= ($1::timestamptz AT TIME ZONE 'UTC')`,
      until.toISOString(),
    );
  }
}
