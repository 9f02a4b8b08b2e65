// The work queue of a staff member: what is overdue on their cases, oldest first.
//
//   NO_CONTACT             an open case (not CLOSED, not ON_HOLD) on their active care team with
//                          no interaction for N days (Case.lastContactAt, or openedAt when there
//                          was never any); due since lastContact + N days
//   CRISIS_UNACKNOWLEDGED  a crisis still OPEN past its escalationDueAt, on one of their cases
//   REFERRAL_STUCK         a referral still SENT past its expectedResponseBy, on one of their cases
//   FOLLOW_UP_OVERDUE      a follow-up assigned to them still SCHEDULED past its scheduledFor
//   PLAN_REVIEW_OVERDUE    an ACTIVE care plan past its nextReviewDue, on one of their cases
//   TASK_OVERDUE           an open task (REQUESTED, ACCEPTED, IN_PROGRESS) assigned to them past dueAt
//
// "Their cases" are the cases where they are on the active care team. A supervisor also sees
// the items of their organization: its cases, its crises without a case, the follow-ups of its
// cases and the tasks of its cases or of its staff. Everything stays within what the viewer
// may see (caseWhere).
//
// One query per kind (two for NO_CONTACT), each limited and ordered by its due date, run
// together: the merged list is the oldest `limit` items of the union. No per-case loops.
import { caseWhere, isSupervisor } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import { prisma, type Db, type Prisma } from '../db.js';
import { OPEN_TASK_STATUSES } from './workflow/machines/task.js';
import { filterTime } from '../clock.js';

export const WORK_QUEUE_KINDS = [
  'NO_CONTACT',
  'CRISIS_UNACKNOWLEDGED',
  'REFERRAL_STUCK',
  'FOLLOW_UP_OVERDUE',
  'PLAN_REVIEW_OVERDUE',
  'TASK_OVERDUE',
] as const;
export type WorkQueueKind = (typeof WORK_QUEUE_KINDS)[number];

export const DEFAULT_NO_CONTACT_DAYS = 30;
export const DEFAULT_WORK_QUEUE_LIMIT = 100;
export const MAX_WORK_QUEUE_LIMIT = 500;

const DAY_MS = 24 * 60 * 60 * 1000;
const NOTHING = { id: { in: [] as string[] } };
/** Case statuses that do not count for "no contact": closed, or deliberately paused. */
const QUIET_CASE_STATUSES = ['CLOSED', 'ON_HOLD'] as const;

export interface WorkQueueItem {
  kind: WorkQueueKind;
  /** The case the item is about; null only for a crisis recorded without a case. */
  caseId: string | null;
  /** Since when the item is overdue. */
  dueSince: Date;
  /** The GraphQL type and row id of what to act on (the case itself for NO_CONTACT). */
  subjectType: 'Case' | 'CrisisEvent' | 'Referral' | 'FollowUp' | 'CarePlan' | 'Task';
  subjectId: string;
}

export interface WorkQueueOptions {
  /** Days without an interaction before a case shows as NO_CONTACT (default 30). */
  noContactDays?: number;
  /** Only these kinds (default all). */
  kinds?: readonly WorkQueueKind[] | null;
  /** At most this many items, oldest first (default 100). */
  limit?: number;
  now?: Date;
}

/** The cases whose items are the viewer's: their care team, and a supervisor's organization. */
function casesOf(viewer: Viewer): Prisma.CaseWhereInput {
  const mine: Prisma.CaseWhereInput = { careTeam: { some: { staffId: viewer.id, endedAt: null } } };
  const scope = isSupervisor(viewer) ? { OR: [mine, { organizationId: viewer.organizationId }] } : mine;
  return { AND: [caseWhere(viewer), scope] };
}

/**
 * Whose work queue an item is in, whether or not it is overdue now: the queries below add the
 * overdue condition, the live workQueue feed checks each announcement against these.
 */
export function workQueueScope(viewer: Viewer) {
  const supervisor = isSupervisor(viewer);
  const organizationId = viewer.organizationId;
  const cases = casesOf(viewer);
  return {
    case: cases,
    crisis: { OR: [{ case: cases }, supervisor ? { caseId: null, organizationId } : NOTHING] } satisfies Prisma.CrisisEventWhereInput,
    referral: { case: cases } satisfies Prisma.ReferralWhereInput,
    followUp: {
      case: caseWhere(viewer),
      OR: [{ assignedToId: viewer.id }, supervisor ? { case: { organizationId } } : NOTHING],
    } satisfies Prisma.FollowUpWhereInput,
    carePlan: { case: cases } satisfies Prisma.CarePlanWhereInput,
    task: {
      OR: [
        { assigneeId: viewer.id },
        ...(supervisor ? [{ case: { organizationId } }, { caseId: null, assignee: { organizationId } }] : []),
      ],
    } satisfies Prisma.TaskWhereInput,
  };
}

export async function workQueueFor(viewer: Viewer, options: WorkQueueOptions = {}, db: Db = prisma): Promise<WorkQueueItem[]> {
  const now = options.now ?? filterTime();
  const days = options.noContactDays ?? DEFAULT_NO_CONTACT_DAYS;
  const take = Math.min(options.limit ?? DEFAULT_WORK_QUEUE_LIMIT, MAX_WORK_QUEUE_LIMIT);
  const wanted = (kind: WorkQueueKind) => !options.kinds?.length || options.kinds.includes(kind);
  const scope = workQueueScope(viewer);
  const cases = scope.case;
  const noContactSince = new Date(now.getTime() - days * DAY_MS);
  const none = Promise.resolve([] as WorkQueueItem[]);

  const queries: Array<Promise<WorkQueueItem[]>> = [
    // NO_CONTACT, cases with a last contact...
    wanted('NO_CONTACT')
      ? db.case
          .findMany({
            where: { AND: [cases, { status: { notIn: [...QUIET_CASE_STATUSES] }, lastContactAt: { lt: noContactSince } }] },
            orderBy: [{ lastContactAt: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, lastContactAt: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'NO_CONTACT' as const,
              caseId: row.id,
              dueSince: new Date(row.lastContactAt!.getTime() + days * DAY_MS),
              subjectType: 'Case' as const,
              subjectId: row.id,
            })),
          )
      : none,
    // ...and cases never contacted since they were opened.
    wanted('NO_CONTACT')
      ? db.case
          .findMany({
            where: { AND: [cases, { status: { notIn: [...QUIET_CASE_STATUSES] }, lastContactAt: null, openedAt: { lt: noContactSince } }] },
            orderBy: [{ openedAt: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, openedAt: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'NO_CONTACT' as const,
              caseId: row.id,
              dueSince: new Date(row.openedAt.getTime() + days * DAY_MS),
              subjectType: 'Case' as const,
              subjectId: row.id,
            })),
          )
      : none,
    wanted('CRISIS_UNACKNOWLEDGED')
      ? db.crisisEvent
          .findMany({
            where: { status: 'OPEN', escalationDueAt: { lt: now }, AND: [scope.crisis] },
            orderBy: [{ escalationDueAt: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, caseId: true, escalationDueAt: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'CRISIS_UNACKNOWLEDGED' as const,
              caseId: row.caseId,
              dueSince: row.escalationDueAt!,
              subjectType: 'CrisisEvent' as const,
              subjectId: row.id,
            })),
          )
      : none,
    wanted('REFERRAL_STUCK')
      ? db.referral
          .findMany({
            where: { status: 'SENT', expectedResponseBy: { lt: now }, AND: [scope.referral] },
            orderBy: [{ expectedResponseBy: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, caseId: true, expectedResponseBy: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'REFERRAL_STUCK' as const,
              caseId: row.caseId,
              dueSince: row.expectedResponseBy!,
              subjectType: 'Referral' as const,
              subjectId: row.id,
            })),
          )
      : none,
    wanted('FOLLOW_UP_OVERDUE')
      ? db.followUp
          .findMany({
            where: { status: 'SCHEDULED', scheduledFor: { lt: now }, AND: [scope.followUp] },
            orderBy: [{ scheduledFor: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, caseId: true, scheduledFor: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'FOLLOW_UP_OVERDUE' as const,
              caseId: row.caseId,
              dueSince: row.scheduledFor,
              subjectType: 'FollowUp' as const,
              subjectId: row.id,
            })),
          )
      : none,
    wanted('PLAN_REVIEW_OVERDUE')
      ? db.carePlan
          .findMany({
            where: { status: 'ACTIVE', nextReviewDue: { lt: now }, AND: [scope.carePlan] },
            orderBy: [{ nextReviewDue: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, caseId: true, nextReviewDue: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'PLAN_REVIEW_OVERDUE' as const,
              caseId: row.caseId,
              dueSince: row.nextReviewDue!,
              subjectType: 'CarePlan' as const,
              subjectId: row.id,
            })),
          )
      : none,
    wanted('TASK_OVERDUE')
      ? db.task
          .findMany({
            where: { status: { in: [...OPEN_TASK_STATUSES] }, dueAt: { lt: now }, AND: [scope.task] },
            orderBy: [{ dueAt: 'asc' }, { id: 'asc' }],
            take,
            select: { id: true, caseId: true, dueAt: true },
          })
          .then((rows) =>
            rows.map((row) => ({
              kind: 'TASK_OVERDUE' as const,
              caseId: row.caseId,
              dueSince: row.dueAt!,
              subjectType: 'Task' as const,
              subjectId: row.id,
            })),
          )
      : none,
  ];

  const items = (await Promise.all(queries)).flat();
  items.sort(
    (a, b) =>
      a.dueSince.getTime() - b.dueSince.getTime() ||
      WORK_QUEUE_KINDS.indexOf(a.kind) - WORK_QUEUE_KINDS.indexOf(b.kind) ||
      a.subjectId.localeCompare(b.subjectId),
  );
  return items.slice(0, take);
}

