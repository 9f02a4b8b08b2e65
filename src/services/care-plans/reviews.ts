// The scheduled review of an active plan: moves the next review date, and may escalate to a
// supervisor (a task) or close the plan (COMPLETED).
import type { Context } from '../../context.js';
import { RuleViolationError, ValidationError } from '../../errors.js';
import type { PlanReviewOutcome } from '../../generated/prisma/enums.js';
import { createTaskInTx } from '../tasks.js';
import { carePlanMachine } from '../workflow/machines/care-plan.js';
import { runCreate, type Tx } from '../workflow/mutation.js';
import { updateVersioned } from '../workflow/versioning.js';
import { addDays, announce, appendRevision, DAY_MS, findPlanForViewer, PLAN_CONTEXT, type PlanContext } from './shared.js';

/** How long a supervisor has to pick up an escalated review. */
export const ESCALATION_TASK_DUE_DAYS = 2;

export interface ReviewCarePlanInput {
  carePlanId: string;
  summary: string;
  outcome: PlanReviewOutcome;
  /** Defaults to the viewer. */
  reviewerId?: string | null;
  /** Defaults to now. */
  reviewedAt?: Date | null;
  /** Defaults to reviewedAt + the plan's review interval; none for CLOSE. */
  nextReviewDue?: Date | null;
  expectedVersion?: number | null;
  clientMutationId?: string | null;
}

async function checkReviewer(tx: Tx, plan: PlanContext, reviewerId: string) {
  const reviewer = await tx.staffMember.findFirst({
    where: {
      id: reviewerId,
      active: true,
      OR: [
        { careTeamMemberships: { some: { caseId: plan.caseId, endedAt: null } } },
        { organizationId: plan.case.organizationId, roles: { has: 'SUPERVISOR' } },
      ],
    },
    select: { id: true, supervisorId: true },
  });
  if (!reviewer) throw new ValidationError("The reviewer must be on the case's care team or supervise its organization", 'reviewerId');
  return reviewer;
}

/**
 * Who gets an escalated review: the reviewer's own supervisor, else a supervisor on the case's
 * care team, else any supervisor of the case's organization; always an active SUPERVISOR of
 * the organization other than the reviewer (those may be given tasks on the case), or nobody.
 */
async function supervisorFor(tx: Tx, plan: PlanContext, reviewer: { id: string; supervisorId: string | null }) {
  const supervisors = {
    active: true,
    organizationId: plan.case.organizationId,
    roles: { has: 'SUPERVISOR' as const },
    id: { not: reviewer.id },
  };
  const order = [{ familyName: 'asc' as const }, { givenName: 'asc' as const }, { id: 'asc' as const }];
  if (reviewer.supervisorId) {
    const own = await tx.staffMember.findFirst({ where: { AND: [supervisors, { id: reviewer.supervisorId }] }, select: { id: true } });
    if (own) return own;
  }
  const onTeam = await tx.staffMember.findFirst({
    where: { ...supervisors, careTeamMemberships: { some: { caseId: plan.caseId, endedAt: null } } },
    orderBy: order,
    select: { id: true },
  });
  return onTeam ?? tx.staffMember.findFirst({ where: supervisors, orderBy: order, select: { id: true } });
}

export function reviewCarePlan(input: ReviewCarePlanInput, ctx: Context) {
  return runCreate(ctx, 'reviewCarePlan', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const plan = await findPlanForViewer(tx, viewer, input.carePlanId);
    if (plan.status !== 'ACTIVE') {
      throw new RuleViolationError(`The care plan is ${plan.status}: only an active plan is reviewed`, 'PLAN_NOT_ACTIVE');
    }
    const reviewer = await checkReviewer(tx, plan, input.reviewerId ?? viewer.id);
    const reviewedAt = input.reviewedAt ?? new Date();
    if (plan.periodStart && reviewedAt < plan.periodStart) {
      throw new ValidationError('A review cannot predate the activation of the plan', 'reviewedAt');
    }
    const closes = input.outcome === 'CLOSE';
    if (closes && input.nextReviewDue) {
      throw new ValidationError('A closing review schedules no next review', 'nextReviewDue');
    }
    if (input.nextReviewDue && input.nextReviewDue.getTime() <= reviewedAt.getTime()) {
      throw new ValidationError('The next review comes after this one', 'nextReviewDue');
    }
    if (input.nextReviewDue && input.nextReviewDue.getTime() > reviewedAt.getTime() + 366 * DAY_MS) {
      throw new ValidationError('The next review is due within a year of this one', 'nextReviewDue');
    }
    if (closes) carePlanMachine.assert(plan.status, 'COMPLETED');
    const nextReviewDue = closes ? null : (input.nextReviewDue ?? addDays(reviewedAt, plan.reviewIntervalDays));
    // A review recorded late, after a more recent one, is history: the schedule follows the latest.
    const laterReview = await tx.planReview.findFirst({ where: { carePlanId: plan.id, reviewedAt: { gt: reviewedAt } }, select: { id: true } });
    const schedule = closes || !laterReview;
    const now = new Date();
    const updated = await updateVersioned('CarePlan', plan, input.expectedVersion, (where) =>
      tx.carePlan.update({
        where,
        data: {
          ...(schedule ? { nextReviewDue } : {}),
          ...(closes ? { status: 'COMPLETED' as const, periodEnd: plan.periodEnd && plan.periodEnd <= now ? plan.periodEnd : now } : {}),
          version: { increment: 1 },
        },
        select: PLAN_CONTEXT,
      }),
    );
    const review = await tx.planReview.create({
      data: { carePlanId: plan.id, reviewerId: reviewer.id, reviewedAt, summary: input.summary, outcome: input.outcome, nextReviewDue },
      select: { id: true },
    });
    // An escalation becomes a task for a supervisor (audited and announced by createTaskInTx),
    // when the organization has one.
    const supervisor = input.outcome === 'ESCALATE' ? await supervisorFor(tx, plan, reviewer) : null;
    const task = supervisor
      ? await createTaskInTx(scope, {
          caseId: plan.caseId,
          clientId: plan.case.clientId,
          assigneeId: supervisor.id,
          createdById: viewer.id,
          kind: 'PLAN_REVIEW',
          title: `Escalated care plan review: ${plan.title}`,
          description: input.summary,
          dueAt: addDays(now, ESCALATION_TASK_DUE_DAYS),
          reason: 'escalated care plan review',
        })
      : null;
    const taskId = task?.id ?? null;
    await appendRevision(scope, plan.id, `reviewed: ${input.outcome}`);
    await scope.audit({ action: 'CREATE', entityType: 'PlanReview', entityId: review.id, clientId: plan.case.clientId, reason: input.outcome });
    if (closes) {
      await scope.audit({ action: 'STATUS_CHANGE', entityType: 'CarePlan', entityId: plan.id, clientId: plan.case.clientId, reason: 'ACTIVE -> COMPLETED: closing review' });
    }
    await announce(scope, updated, 'PLAN_REVIEWED', {
      planReviewId: review.id,
      outcome: input.outcome,
      nextReviewDue: updated.nextReviewDue?.toISOString() ?? null,
      taskId,
    });
    if (closes) await announce(scope, updated, 'PLAN_STATUS_CHANGED', { from: 'ACTIVE', to: 'COMPLETED' });
    return review;
  });
}
