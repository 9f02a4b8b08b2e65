// What every care-plan mutation shares: access to a plan through its case, the per-plan lock
// (the plan's version), the revision history and the announcements on the case topic.
import { caseWhere } from '../../auth/access.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Prisma } from '../../db.js';
import { NotFoundError, RuleViolationError } from '../../errors.js';
import type { CarePlanStatus } from '../../generated/prisma/enums.js';
import { OPEN_PLAN_STATUSES } from '../workflow/machines/care-plan.js';
import type { MutationScope, Tx } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';
import { updateVersioned } from '../workflow/versioning.js';

export const DAY_MS = 24 * 60 * 60 * 1000;

export function addDays(from: Date, days: number): Date {
  return new Date(from.getTime() + days * DAY_MS);
}

/** A plan is visible to whoever may see its case. */
export function carePlanWhere(viewer: Viewer): Prisma.CarePlanWhereInput {
  return { case: caseWhere(viewer) };
}

/** What the rules need to know about a plan and its case. */
export const PLAN_CONTEXT = {
  id: true,
  version: true,
  status: true,
  title: true,
  caseId: true,
  authorId: true,
  reviewIntervalDays: true,
  periodStart: true,
  periodEnd: true,
  nextReviewDue: true,
  case: { select: { id: true, clientId: true, organizationId: true, status: true, primaryCaseManagerId: true } },
} satisfies Prisma.CarePlanSelect;

export type PlanContext = Prisma.CarePlanGetPayload<{ select: typeof PLAN_CONTEXT }>;

/** Throws the same NotFound for a missing plan and for one on a case the viewer may not touch. */
export async function findPlanForViewer(tx: Tx, viewer: Viewer, carePlanId: string): Promise<PlanContext> {
  const plan = await tx.carePlan.findFirst({ where: { id: carePlanId, AND: [carePlanWhere(viewer)] }, select: PLAN_CONTEXT });
  if (plan) return plan;
  const existing = await tx.carePlan.findUnique({ where: { id: carePlanId }, select: { case: { select: { clientId: true } } } });
  throw new NotFoundError('CarePlan', carePlanId, existing ? existing.case.clientId : undefined);
}

/** A goal and its plan, through the plan's case. */
export async function findGoalForViewer(tx: Tx, viewer: Viewer, goalId: string) {
  const goal = await tx.goal.findFirst({
    where: { id: goalId, carePlan: carePlanWhere(viewer) },
    select: { id: true, carePlanId: true },
  });
  if (goal) return goal;
  const existing = await tx.goal.findUnique({ where: { id: goalId }, select: { carePlan: { select: { case: { select: { clientId: true } } } } } });
  throw new NotFoundError('Goal', goalId, existing ? existing.carePlan.case.clientId : undefined);
}

/** An intervention and its plan, through the plan's case. */
export async function findInterventionForViewer(tx: Tx, viewer: Viewer, interventionId: string) {
  const intervention = await tx.intervention.findFirst({
    where: { id: interventionId, carePlan: carePlanWhere(viewer) },
    select: { id: true, carePlanId: true },
  });
  if (intervention) return intervention;
  const existing = await tx.intervention.findUnique({
    where: { id: interventionId },
    select: { carePlan: { select: { case: { select: { clientId: true } } } } },
  });
  throw new NotFoundError('Intervention', interventionId, existing ? existing.carePlan.case.clientId : undefined);
}

/**
 * Starts a change to a plan's content (goals, interventions, progress): bumps the plan's
 * version, which locks the plan row until the transaction ends, so changes to one plan are
 * serialized and each gets its own revision number. With `expectedVersion`, the caller's
 * view of the plan must still be current (typed StaleVersion otherwise). Returns the plan
 * as it is now, read under the lock: check its status on this, not on an earlier read.
 */
export async function lockPlanForChange(tx: Tx, plan: { id: string; version: number }, expectedVersion?: number | null): Promise<PlanContext> {
  if (expectedVersion != null) {
    return updateVersioned('CarePlan', plan, expectedVersion, (where) =>
      tx.carePlan.update({ where, data: { version: { increment: 1 } }, select: PLAN_CONTEXT }),
    );
  }
  return tx.carePlan.update({ where: { id: plan.id }, data: { version: { increment: 1 } }, select: PLAN_CONTEXT });
}

/**
 * Serializes decisions about the plans of one case (only one ACTIVE plan per case) without
 * touching the case's own version. NO KEY UPDATE does not block foreign-key checks of rows
 * that reference the case (tasks, plans), so it cannot deadlock with them.
 */
export async function lockCase(tx: Tx, caseId: string): Promise<void> {
  await tx.$queryRaw`SELECT id FROM "Case" WHERE id = ${caseId}::uuid FOR NO KEY UPDATE`;
}

export function assertPlanOpen(plan: { status: CarePlanStatus }, what: string): void {
  if (!OPEN_PLAN_STATUSES.includes(plan.status)) {
    throw new RuleViolationError(`The care plan is ${plan.status}: ${what} is no longer possible`, 'PLAN_ENDED');
  }
}

export function assertCaseOpen(plan: PlanContext, what: string): void {
  if (plan.case.status === 'CLOSED') {
    throw new RuleViolationError(`The case is closed: ${what} is no longer possible`, 'CASE_CLOSED');
  }
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

/** The JSON a revision holds: the plan with its goals and interventions as they are now. */
async function snapshotOf(tx: Tx, carePlanId: string) {
  const plan = await tx.carePlan.findUniqueOrThrow({
    where: { id: carePlanId },
    include: {
      goals: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      interventions: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    },
  });
  return {
    version: plan.version,
    snapshot: {
      id: plan.id,
      caseId: plan.caseId,
      title: plan.title,
      description: plan.description,
      status: plan.status,
      authorId: plan.authorId,
      periodStart: iso(plan.periodStart),
      periodEnd: iso(plan.periodEnd),
      reviewIntervalDays: plan.reviewIntervalDays,
      nextReviewDue: iso(plan.nextReviewDue),
      version: plan.version,
      goals: plan.goals.map((goal) => ({
        id: goal.id,
        description: goal.description,
        domain: goal.domain,
        priority: goal.priority,
        lifecycleStatus: goal.lifecycleStatus,
        achievementStatus: goal.achievementStatus,
        targetDate: iso(goal.targetDate),
        measure: goal.measure,
        targetValue: goal.targetValue,
        currentValue: goal.currentValue,
        version: goal.version,
      })),
      interventions: plan.interventions.map((intervention) => ({
        id: intervention.id,
        goalId: intervention.goalId,
        description: intervention.description,
        assignedToId: intervention.assignedToId,
        referralId: intervention.referralId,
        status: intervention.status,
        dueDate: iso(intervention.dueDate),
        completedAt: iso(intervention.completedAt),
        version: intervention.version,
      })),
    },
  };
}

/**
 * Appends the plan's next revision (numbered by the plan's version after the change). Call
 * it last, once every row of the change is written and the plan's version was bumped.
 */
export async function appendRevision(scope: MutationScope, carePlanId: string, note: string) {
  const { version, snapshot } = await snapshotOf(scope.tx, carePlanId);
  return scope.tx.carePlanRevision.create({
    data: { carePlanId, revision: version, snapshot: snapshot as Prisma.InputJsonValue, changedById: scope.viewer.id, note },
    select: { id: true, revision: true },
  });
}

/** A domain event about a plan on its case's topic (ids and small facts only). */
export async function announce(scope: MutationScope, plan: PlanContext, kind: string, payload: Record<string, unknown> = {}) {
  await scope.emit({
    topic: topics.case(plan.caseId),
    kind,
    payload: { caseId: plan.caseId, clientId: plan.case.clientId, carePlanId: plan.id, ...payload },
  });
}

/** How a rule-violation message names another plan: its title and Relay id. */
export function planReference(plan: { id: string; title: string }): string {
  return `"${plan.title}" (${Buffer.from(`CarePlan:${plan.id}`).toString('base64')})`;
}
