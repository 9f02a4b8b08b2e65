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

function exists(key: string, count: () => Promise<number>): Promise<boolean> {
  return memo(key, count).then((n) => n > 0);
}

export function caseVisible(event: OutboxEvent, viewer: Viewer, caseId: string): Promise<boolean> {
  return exists(`case:${event.id}:${viewer.id}:${caseId}`, () =>
    prisma.case.count({ where: { id: caseId, AND: [caseWhere(viewer)] } }),
  );
}

export function crisisVisible(
  event: OutboxEvent,
  viewer: Viewer,
  crisisId: string,
  narrow: { teamId?: string | null; region?: string | null } = {},
): Promise<boolean> {
  const where: Prisma.CrisisEventWhereInput = {
    id: crisisId,
    AND: [
      crisisWhere(viewer),
      narrow.teamId ? { case: { teamId: narrow.teamId } } : {},
      narrow.region ? { client: { region: narrow.region } } : {},
    ],
  };
  return exists(`crisis:${event.id}:${viewer.id}:${crisisId}:${narrow.teamId ?? ''}:${narrow.region ?? ''}`, () =>
    prisma.crisisEvent.count({ where }),
  );
}

export function referralVisible(event: OutboxEvent, viewer: Viewer, referralId: string): Promise<boolean> {
  return exists(`referral:${event.id}:${viewer.id}:${referralId}`, () =>
    prisma.referral.count({ where: { id: referralId, AND: [referralWhere(viewer)] } }),
  );
}

export function goalProgressVisible(event: OutboxEvent, viewer: Viewer, progressId: string): Promise<boolean> {
  return exists(`progress:${event.id}:${viewer.id}:${progressId}`, () =>
    prisma.goalProgress.count({ where: { id: progressId, goal: { carePlan: carePlanWhere(viewer) } } }),
  );
}

export function taskVisible(event: OutboxEvent, viewer: Viewer, taskId: string): Promise<boolean> {
  return exists(`task:${event.id}:${viewer.id}:${taskId}`, () =>
    prisma.task.count({ where: { id: taskId, AND: [taskWhere(viewer)] } }),
  );
}

export function followUpVisible(event: OutboxEvent, viewer: Viewer, followUpId: string): Promise<boolean> {
  return exists(`follow-up:${event.id}:${viewer.id}:${followUpId}`, () =>
    prisma.followUp.count({ where: { id: followUpId, AND: [followUpWhere(viewer)] } }),
  );
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
export function inWorkQueue(event: OutboxEvent, viewer: Viewer, subject: WorkQueueSubject, id: string): Promise<boolean> {
  const scope = workQueueScope(viewer);
  const count = {
    case: () => prisma.case.count({ where: { id, AND: [scope.case] } }),
    crisis: () => prisma.crisisEvent.count({ where: { id, AND: [crisisWhere(viewer), scope.crisis] } }),
    referral: () => prisma.referral.count({ where: { id, AND: [referralWhere(viewer), scope.referral] } }),
    followUp: () => prisma.followUp.count({ where: { id, AND: [followUpWhere(viewer), scope.followUp] } }),
    carePlan: () => prisma.carePlan.count({ where: { id, AND: [carePlanWhere(viewer), scope.carePlan] } }),
    task: () => prisma.task.count({ where: { id, AND: [taskWhere(viewer), scope.task] } }),
  }[subject];
  return exists(`queue-${subject}:${event.id}:${viewer.id}:${id}`, count);
}
