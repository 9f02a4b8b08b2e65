// Whether a subscriber may receive an event: the thing it is about must be visible to them now,
// through the same where-filters the queries use (a subscriber never receives what it could
// not query). Each answer is memoized per event and staff member (memo.ts).
import { caseWhere } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import { prisma, type Prisma } from '../db.js';
import { crisisWhere } from '../services/crises.js';
import { carePlanWhere } from '../services/care-plans/shared.js';
import { followUpWhere } from '../services/follow-ups.js';
import { referralWhere } from '../services/referrals.js';
import { taskWhere } from '../services/tasks.js';
import { workQueueScope, type WorkQueueKind } from '../services/work-queue.js';
import type { OutboxEvent } from './event.js';
import { memo } from './memo.js';

export const idIn = (payload: Record<string, unknown>, key: string): string | null => {
  const value = payload[key];
  return typeof value === 'string' ? value : null;
};

// Each check is memoized with a loader made once (not a closure per call: most calls are hits).
const above = (count: number) => count > 0;

/** Whether the count is above zero; a plain boolean once known (memo.now). */
function exists<A extends unknown[]>(key: string, count: (...args: A) => Promise<number>, ...args: A): boolean | Promise<boolean> {
  return memo.now(key, countAbove, count as (...args: unknown[]) => Promise<number>, args);
}

function countAbove(count: (...args: unknown[]) => Promise<number>, args: unknown[]): Promise<boolean> {
  return count(...args).then(above);
}

const countCases = (viewer: Viewer, caseId: string) => prisma.case.count({ where: { id: caseId, AND: [caseWhere(viewer)] } });

export function caseVisible(event: OutboxEvent, viewer: Viewer, caseId: string): boolean | Promise<boolean> {
  return exists(`case:${event.id}:${viewer.id}:${caseId}`, countCases, viewer, caseId);
}

const countCrises = (viewer: Viewer, crisisId: string, teamId: string | null | undefined, region: string | null | undefined) =>
  prisma.crisisEvent.count({
    where: {
      id: crisisId,
      AND: [crisisWhere(viewer), teamId ? { case: { teamId } } : {}, region ? { client: { region } } : {}],
    } satisfies Prisma.CrisisEventWhereInput,
  });

export function crisisVisible(
  event: OutboxEvent,
  viewer: Viewer,
  crisisId: string,
  narrow: { teamId?: string | null; region?: string | null } = {},
): boolean | Promise<boolean> {
  return exists(
    `crisis:${event.id}:${viewer.id}:${crisisId}:${narrow.teamId ?? ''}:${narrow.region ?? ''}`,
    countCrises,
    viewer,
    crisisId,
    narrow.teamId,
    narrow.region,
  );
}

const countReferrals = (viewer: Viewer, referralId: string) =>
  prisma.referral.count({ where: { id: referralId, AND: [referralWhere(viewer)] } });

export function referralVisible(event: OutboxEvent, viewer: Viewer, referralId: string): boolean | Promise<boolean> {
  return exists(`referral:${event.id}:${viewer.id}:${referralId}`, countReferrals, viewer, referralId);
}

const countProgress = (viewer: Viewer, progressId: string) =>
  prisma.goalProgress.count({ where: { id: progressId, goal: { carePlan: carePlanWhere(viewer) } } });

export function goalProgressVisible(event: OutboxEvent, viewer: Viewer, progressId: string): boolean | Promise<boolean> {
  return exists(`progress:${event.id}:${viewer.id}:${progressId}`, countProgress, viewer, progressId);
}

const countTasks = (viewer: Viewer, taskId: string) => prisma.task.count({ where: { id: taskId, AND: [taskWhere(viewer)] } });

export function taskVisible(event: OutboxEvent, viewer: Viewer, taskId: string): boolean | Promise<boolean> {
  return exists(`task:${event.id}:${viewer.id}:${taskId}`, countTasks, viewer, taskId);
}

const countFollowUps = (viewer: Viewer, followUpId: string) =>
  prisma.followUp.count({ where: { id: followUpId, AND: [followUpWhere(viewer)] } });

export function followUpVisible(event: OutboxEvent, viewer: Viewer, followUpId: string): boolean | Promise<boolean> {
  return exists(`follow-up:${event.id}:${viewer.id}:${followUpId}`, countFollowUps, viewer, followUpId);
}

/** What the announcements on the workQueue feed are about, and the work-queue kind each is. */
const WORK_QUEUE_EVENTS = {
  NO_CONTACT: { subject: 'case', key: 'caseId', reason: 'NO_CONTACT' },
  CRISIS_ESCALATED: { subject: 'crisis', key: 'crisisId', reason: 'CRISIS_UNACKNOWLEDGED' },
  REFERRAL_STUCK: { subject: 'referral', key: 'referralId', reason: 'REFERRAL_STUCK' },
  FOLLOW_UP_OVERDUE: { subject: 'followUp', key: 'followUpId', reason: 'FOLLOW_UP_OVERDUE' },
  PLAN_REVIEW_OVERDUE: { subject: 'carePlan', key: 'carePlanId', reason: 'PLAN_REVIEW_OVERDUE' },
  TASK_OVERDUE: { subject: 'task', key: 'taskId', reason: 'TASK_OVERDUE' },
} as const satisfies Record<string, { subject: string; key: string; reason: WorkQueueKind }>;

export type WorkQueueSubject = (typeof WORK_QUEUE_EVENTS)[keyof typeof WORK_QUEUE_EVENTS]['subject'];

/** The work item an event announces, or null when it announces none. */
export function workQueueItemOf(event: OutboxEvent): { subject: WorkQueueSubject; id: string; reason: WorkQueueKind } | null {
  const spec = (WORK_QUEUE_EVENTS as Record<string, (typeof WORK_QUEUE_EVENTS)[keyof typeof WORK_QUEUE_EVENTS]>)[event.kind];
  const id = spec ? idIn(event.payload, spec.key) : null;
  return spec && id ? { subject: spec.subject, id, reason: spec.reason } : null;
}

/**
 * Whether an announced work item belongs in this viewer's work queue (the rules of
 * src/services/work-queue.ts), within what they may see.
 */
export function inWorkQueue(event: OutboxEvent, viewer: Viewer, subject: WorkQueueSubject, id: string): boolean | Promise<boolean> {
  return exists(`queue-${subject}:${event.id}:${viewer.id}:${id}`, countInQueue, viewer, subject, id);
}

function countInQueue(viewer: Viewer, subject: WorkQueueSubject, id: string): Promise<number> {
  const scope = workQueueScope(viewer);
  switch (subject) {
    case 'case':
      return prisma.case.count({ where: { id, AND: [scope.case] } });
    case 'crisis':
      return prisma.crisisEvent.count({ where: { id, AND: [crisisWhere(viewer), scope.crisis] } });
    case 'referral':
      return prisma.referral.count({ where: { id, AND: [referralWhere(viewer), scope.referral] } });
    case 'followUp':
      return prisma.followUp.count({ where: { id, AND: [followUpWhere(viewer), scope.followUp] } });
    case 'carePlan':
      return prisma.carePlan.count({ where: { id, AND: [carePlanWhere(viewer), scope.carePlan] } });
    case 'task':
      return prisma.task.count({ where: { id, AND: [taskWhere(viewer), scope.task] } });
  }
}
