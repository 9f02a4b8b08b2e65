// Whether a subscriber may receive an event: the thing it is about must be visible to them now,
// through the same where-filters the queries use (a subscriber never receives what it could
// not query). Each answer is memoized per event and staff member (memo.ts).
import { caseWhere, isSupervisor } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import { prisma, type Prisma } from '../db.js';
import { crisisWhere } from '../services/crises.js';
import { carePlanWhere } from '../services/care-plans/shared.js';
import { followUpWhere } from '../services/follow-ups.js';
import { referralWhere } from '../services/referrals.js';
import { taskWhere } from '../services/tasks.js';
import type { OutboxEvent } from './event.js';
import { memo } from './memo.js';

const NOTHING = { id: { in: [] as string[] } };

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

/**
 * "Their cases" as the work queue has it (src/services/work-queue.ts): on the active care team,
 * or in the organization of a supervisor; always within what they may see.
 */
function casesOf(viewer: Viewer): Prisma.CaseWhereInput {
  const mine: Prisma.CaseWhereInput = { careTeam: { some: { staffId: viewer.id, endedAt: null } } };
  return { AND: [caseWhere(viewer), isSupervisor(viewer) ? { OR: [mine, { organizationId: viewer.organizationId }] } : mine] };
}

/** An escalated crisis belongs in the work queue of its case's people and the supervisors. */
export function crisisInWorkQueue(event: OutboxEvent, viewer: Viewer, crisisId: string): Promise<boolean> {
  const where: Prisma.CrisisEventWhereInput = {
    id: crisisId,
    AND: [
      crisisWhere(viewer),
      { OR: [{ case: casesOf(viewer) }, isSupervisor(viewer) ? { caseId: null, organizationId: viewer.organizationId } : NOTHING] },
    ],
  };
  return exists(`queue-crisis:${event.id}:${viewer.id}:${crisisId}`, () => prisma.crisisEvent.count({ where }));
}

export function referralInWorkQueue(event: OutboxEvent, viewer: Viewer, referralId: string): Promise<boolean> {
  return exists(`queue-referral:${event.id}:${viewer.id}:${referralId}`, () =>
    prisma.referral.count({ where: { id: referralId, case: casesOf(viewer) } }),
  );
}
