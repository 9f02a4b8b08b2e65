// Care plans: drafting, activation (one active plan per case), holds, completion, revocation.
import { findCaseForViewer } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { RuleViolationError, ValidationError } from '../../errors.js';
import type { CarePlanStatus } from '../../generated/prisma/enums.js';
import { assertApprovedIfRequired } from '../approvals.js';
import { carePlanMachine, ENDED_PLAN_STATUSES } from '../workflow/machines/care-plan.js';
import { DROPPED_GOAL_STATUSES } from '../workflow/machines/goal.js';
import { runCreate, runMutation } from '../workflow/mutation.js';
import { updateVersioned } from '../workflow/versioning.js';
import {
  addDays,
  announce,
  appendRevision,
  assertCaseOpen,
  assertPlanOpen,
  findPlanForViewer,
  lockCase,
  PLAN_CONTEXT,
  planReference,
} from './shared.js';

export const DEFAULT_REVIEW_INTERVAL_DAYS = 90;

export interface CreateCarePlanInput {
  caseId: string;
  title: string;
  description?: string | null;
  reviewIntervalDays?: number | null;
  periodEnd?: Date | null;
  clientMutationId?: string | null;
}

export function createCarePlan(input: CreateCarePlanInput, ctx: Context) {
  return runCreate(ctx, 'createCarePlan', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, status: true, clientId: true });
    if (kase.status === 'CLOSED') throw new RuleViolationError('A closed case gets no new care plan', 'CASE_CLOSED');
    const plan = await tx.carePlan.create({
      data: {
        caseId: kase.id,
        title: input.title,
        description: input.description ?? null,
        authorId: viewer.id,
        reviewIntervalDays: input.reviewIntervalDays ?? DEFAULT_REVIEW_INTERVAL_DAYS,
        periodEnd: input.periodEnd ?? null,
      },
      select: PLAN_CONTEXT,
    });
    await appendRevision(scope, plan.id, 'created');
    await scope.audit({ action: 'CREATE', entityType: 'CarePlan', entityId: plan.id, clientId: kase.clientId });
    await announce(scope, plan, 'PLAN_CREATED', { status: plan.status });
    return { id: plan.id };
  });
}

export interface UpdateCarePlanInput {
  carePlanId: string;
  title?: string | null;
  description?: string | null;
  reviewIntervalDays?: number | null;
  periodEnd?: Date | null;
  expectedVersion?: number | null;
}

/** Title, description, planned end and review interval; an active plan's next review follows a new interval. */
export function updateCarePlan(input: UpdateCarePlanInput, ctx: Context) {
  return runMutation(ctx, 'updateCarePlan', async (scope) => {
    const { tx, viewer } = scope;
    const plan = await findPlanForViewer(tx, viewer, input.carePlanId);
    assertPlanOpen(plan, 'editing it');
    const changed: string[] = [];
    const data: { title?: string; description?: string | null; reviewIntervalDays?: number; periodEnd?: Date | null; nextReviewDue?: Date } = {};
    if (input.title != null && input.title !== plan.title) {
      data.title = input.title;
      changed.push('title');
    }
    if (input.description !== undefined) {
      data.description = input.description;
      changed.push('description');
    }
    if (input.periodEnd !== undefined) {
      data.periodEnd = input.periodEnd;
      changed.push('periodEnd');
    }
    if (input.reviewIntervalDays != null && input.reviewIntervalDays !== plan.reviewIntervalDays) {
      data.reviewIntervalDays = input.reviewIntervalDays;
      changed.push('reviewIntervalDays');
      if (plan.status !== 'DRAFT') {
        // The schedule restarts from the last review (or the activation) with the new interval.
        const lastReview = await tx.planReview.findFirst({
          where: { carePlanId: plan.id },
          orderBy: [{ reviewedAt: 'desc' }, { id: 'asc' }],
          select: { reviewedAt: true },
        });
        const from = lastReview?.reviewedAt ?? plan.periodStart ?? new Date();
        data.nextReviewDue = addDays(from, input.reviewIntervalDays);
      }
    }
    if (changed.length === 0) throw new ValidationError('Nothing to change: give at least one field to update');
    const updated = await updateVersioned('CarePlan', plan, input.expectedVersion, (where) =>
      tx.carePlan.update({ where, data: { ...data, version: { increment: 1 } }, select: PLAN_CONTEXT }),
    );
    await appendRevision(scope, plan.id, `updated ${changed.join(', ')}`);
    await scope.audit({ action: 'UPDATE', entityType: 'CarePlan', entityId: plan.id, clientId: plan.case.clientId, reason: `updated ${changed.join(', ')}` });
    await announce(scope, updated, 'PLAN_UPDATED', { fields: changed });
    return { id: plan.id };
  });
}

export function activateCarePlan(input: { carePlanId: string; expectedVersion?: number | null }, ctx: Context) {
  return runMutation(ctx, 'activateCarePlan', async (scope) => {
    const { tx, viewer } = scope;
    const plan = await findPlanForViewer(tx, viewer, input.carePlanId);
    carePlanMachine.assert(plan.status, 'ACTIVE');
    assertCaseOpen(plan, 'activating a plan');
    // One ACTIVE plan per case: decided under a lock on the case, so two activations of
    // different plans of one case cannot both pass the check.
    await lockCase(tx, plan.caseId);
    const active = await tx.carePlan.findFirst({
      where: { caseId: plan.caseId, status: 'ACTIVE', id: { not: plan.id } },
      select: { id: true, title: true },
    });
    if (active) {
      throw new RuleViolationError(
        `The case already has an active care plan, ${planReference(active)}: put it on hold, complete or revoke it first`,
        'ACTIVE_PLAN_EXISTS',
      );
    }
    const liveGoals = await tx.goal.count({ where: { carePlanId: plan.id, lifecycleStatus: { notIn: [...DROPPED_GOAL_STATUSES] } } });
    if (liveGoals === 0) {
      throw new RuleViolationError('A care plan needs at least one goal (not cancelled or rejected) to be activated', 'GOAL_REQUIRED');
    }
    if (plan.status === 'DRAFT') await assertApprovedIfRequired(tx, plan.case.organizationId, 'CARE_PLAN', plan.id);
    const now = new Date();
    const nextReviewDue = addDays(now, plan.reviewIntervalDays);
    // The version read first pins the update: a goal cancelled meanwhile makes this stale.
    const updated = await updateVersioned('CarePlan', plan, input.expectedVersion, (where) =>
      tx.carePlan.update({
        where,
        data: { status: 'ACTIVE', periodStart: plan.periodStart ?? now, nextReviewDue, version: { increment: 1 } },
        select: PLAN_CONTEXT,
      }),
    );
    const transition = `${plan.status} -> ACTIVE`;
    await appendRevision(scope, plan.id, `status ${transition}`);
    await scope.audit({ action: 'STATUS_CHANGE', entityType: 'CarePlan', entityId: plan.id, clientId: plan.case.clientId, reason: transition });
    await announce(scope, updated, 'PLAN_STATUS_CHANGED', { from: plan.status, to: 'ACTIVE', nextReviewDue: nextReviewDue.toISOString() });
    return { id: plan.id };
  });
}

const NEEDS_REASON: readonly CarePlanStatus[] = ['REVOKED', 'ENTERED_IN_ERROR'];

export interface ChangeCarePlanStatusInput {
  carePlanId: string;
  status: CarePlanStatus;
  expectedVersion?: number | null;
  reason?: string | null;
}

/** ON_HOLD, COMPLETED, REVOKED, ENTERED_IN_ERROR (activation has its own mutation and rules). */
export function changeCarePlanStatus(input: ChangeCarePlanStatusInput, ctx: Context) {
  return runMutation(ctx, 'changeCarePlanStatus', async (scope) => {
    const { tx, viewer } = scope;
    const plan = await findPlanForViewer(tx, viewer, input.carePlanId);
    carePlanMachine.assert(plan.status, input.status);
    if (input.status === 'ACTIVE') {
      throw new RuleViolationError(
        'Activate or resume a plan with activateCarePlan, which checks its goals and the other plans of the case',
        'USE_ACTIVATE_CARE_PLAN',
      );
    }
    const reason = input.reason?.trim() || null;
    if (NEEDS_REASON.includes(input.status) && !reason) {
      throw new ValidationError(`Say why the plan is ${input.status === 'REVOKED' ? 'revoked' : 'entered in error'}`, 'reason');
    }
    const ends = ENDED_PLAN_STATUSES.includes(input.status);
    const now = new Date();
    const endsPeriod = (input.status === 'COMPLETED' || input.status === 'REVOKED') && !(plan.periodEnd && plan.periodEnd <= now);
    const updated = await updateVersioned('CarePlan', plan, input.expectedVersion, (where) =>
      tx.carePlan.update({
        where,
        data: {
          status: input.status,
          // A completed or revoked plan ends now (unless its period already ended) and has no next review.
          ...(endsPeriod ? { periodEnd: now } : {}),
          ...(ends ? { nextReviewDue: null } : {}),
          version: { increment: 1 },
        },
        select: PLAN_CONTEXT,
      }),
    );
    const transition = `${plan.status} -> ${input.status}`;
    await appendRevision(scope, plan.id, reason ? `status ${transition}: ${reason}` : `status ${transition}`);
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'CarePlan',
      entityId: plan.id,
      clientId: plan.case.clientId,
      reason: reason ? `${transition}: ${reason}` : transition,
    });
    await announce(scope, updated, 'PLAN_STATUS_CHANGED', { from: plan.status, to: input.status });
    return { id: plan.id };
  });
}
