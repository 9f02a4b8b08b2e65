// Goals of a plan (FHIR Goal) and the progress recorded against them.
import type { Context } from '../../context.js';
import { RuleViolationError, ValidationError } from '../../errors.js';
import type { GoalAchievementStatus, GoalLifecycleStatus, GoalPriority, NeedDomain } from '../../generated/prisma/enums.js';
import { DROPPED_GOAL_STATUSES, goalMachine, INITIAL_GOAL_STATUSES } from '../workflow/machines/goal.js';
import { runCreate, runMutation } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';
import { checkVersion, updateVersioned } from '../workflow/versioning.js';
import {
  announce,
  appendRevision,
  assertCaseOpen,
  assertPlanOpen,
  findGoalForViewer,
  findPlanForViewer,
  lockPlanForChange,
} from './shared.js';

export interface AddGoalInput {
  carePlanId: string;
  description: string;
  domain: NeedDomain;
  priority?: GoalPriority | null;
  lifecycleStatus?: GoalLifecycleStatus | null;
  targetDate?: Date | null;
  measure?: string | null;
  targetValue?: string | null;
  /** The plan's version the caller read (optional). */
  expectedVersion?: number | null;
  clientMutationId?: string | null;
}

export function addGoal(input: AddGoalInput, ctx: Context) {
  return runCreate(ctx, 'addGoal', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const found = await findPlanForViewer(tx, viewer, input.carePlanId);
    const lifecycleStatus = input.lifecycleStatus ?? 'PROPOSED';
    if (!INITIAL_GOAL_STATUSES.includes(lifecycleStatus)) {
      throw new ValidationError(`A goal starts as ${INITIAL_GOAL_STATUSES.join(', ')}`, 'lifecycleStatus');
    }
    if (input.targetValue && !input.measure) {
      throw new ValidationError('Say what is measured when giving a target value', 'measure');
    }
    const plan = await lockPlanForChange(tx, found, input.expectedVersion);
    assertPlanOpen(plan, 'adding a goal');
    assertCaseOpen(plan, 'adding a goal');
    const goal = await tx.goal.create({
      data: {
        carePlanId: plan.id,
        description: input.description,
        domain: input.domain,
        priority: input.priority ?? 'MEDIUM',
        lifecycleStatus,
        targetDate: input.targetDate ?? null,
        measure: input.measure ?? null,
        targetValue: input.targetValue ?? null,
      },
      select: { id: true },
    });
    await appendRevision(scope, plan.id, 'goal added');
    await scope.audit({ action: 'CREATE', entityType: 'Goal', entityId: goal.id, clientId: plan.case.clientId });
    await announce(scope, plan, 'GOAL_ADDED', { goalId: goal.id, domain: input.domain, lifecycleStatus });
    return goal;
  });
}

export interface UpdateGoalInput {
  goalId: string;
  description?: string | null;
  priority?: GoalPriority | null;
  targetDate?: Date | null;
  measure?: string | null;
  targetValue?: string | null;
  expectedVersion?: number | null;
}

/** Edits what a goal says (not its status: see updateGoalStatus). */
export function updateGoal(input: UpdateGoalInput, ctx: Context) {
  return runMutation(ctx, 'updateGoal', async (scope) => {
    const { tx, viewer } = scope;
    const found = await findGoalForViewer(tx, viewer, input.goalId);
    const planRow = await findPlanForViewer(tx, viewer, found.carePlanId);
    const plan = await lockPlanForChange(tx, planRow);
    assertPlanOpen(plan, 'editing a goal');
    const goal = await tx.goal.findUniqueOrThrow({ where: { id: found.id } });
    if (goalMachine.allowedFrom(goal.lifecycleStatus).length === 0) {
      throw new RuleViolationError(`The goal is ${goal.lifecycleStatus}: it can no longer be edited`, 'GOAL_CLOSED');
    }
    const data: Record<string, unknown> = {};
    if (input.description != null) data.description = input.description;
    if (input.priority != null) data.priority = input.priority;
    for (const key of ['targetDate', 'measure', 'targetValue'] as const) {
      if (input[key] !== undefined) data[key] = input[key];
    }
    const changed = Object.keys(data);
    if (changed.length === 0) throw new ValidationError('Nothing to change: give at least one field to update');
    const measure = input.measure !== undefined ? input.measure : goal.measure;
    const targetValue = input.targetValue !== undefined ? input.targetValue : goal.targetValue;
    if (targetValue && !measure) throw new ValidationError('Say what is measured when giving a target value', 'measure');
    await updateVersioned('Goal', goal, input.expectedVersion, (where) =>
      tx.goal.update({ where, data: { ...data, version: { increment: 1 } } }),
    );
    await appendRevision(scope, plan.id, `goal updated: ${changed.join(', ')}`);
    await scope.audit({ action: 'UPDATE', entityType: 'Goal', entityId: goal.id, clientId: plan.case.clientId, reason: `updated ${changed.join(', ')}` });
    await announce(scope, plan, 'GOAL_UPDATED', { goalId: goal.id, fields: changed });
    return { id: goal.id };
  });
}

export interface UpdateGoalStatusInput {
  goalId: string;
  lifecycleStatus?: GoalLifecycleStatus | null;
  achievementStatus?: GoalAchievementStatus | null;
  expectedVersion?: number | null;
  reason?: string | null;
}

export function updateGoalStatus(input: UpdateGoalStatusInput, ctx: Context) {
  return runMutation(ctx, 'updateGoalStatus', async (scope) => {
    const { tx, viewer } = scope;
    if (!input.lifecycleStatus && !input.achievementStatus) {
      throw new ValidationError('Give a lifecycleStatus, an achievementStatus or both', 'lifecycleStatus');
    }
    const found = await findGoalForViewer(tx, viewer, input.goalId);
    const planRow = await findPlanForViewer(tx, viewer, found.carePlanId);
    // Under the plan's lock the goal read below is the latest committed one.
    const plan = await lockPlanForChange(tx, planRow);
    const goal = await tx.goal.findUniqueOrThrow({
      where: { id: found.id },
      select: { id: true, version: true, lifecycleStatus: true, achievementStatus: true },
    });
    checkVersion('Goal', goal, input.expectedVersion);
    if (input.lifecycleStatus) goalMachine.assert(goal.lifecycleStatus, input.lifecycleStatus);
    assertPlanOpen(plan, 'changing a goal');
    const lifecycleStatus = input.lifecycleStatus ?? goal.lifecycleStatus;
    const achievementStatus = input.achievementStatus ?? goal.achievementStatus;
    await updateVersioned('Goal', goal, input.expectedVersion, (where) =>
      tx.goal.update({ where, data: { lifecycleStatus, achievementStatus, version: { increment: 1 } } }),
    );
    const changes = [
      input.lifecycleStatus && `${goal.lifecycleStatus} -> ${lifecycleStatus}`,
      input.achievementStatus && `achievement ${goal.achievementStatus} -> ${achievementStatus}`,
    ].filter(Boolean).join('; ');
    const reason = input.reason?.trim();
    await appendRevision(scope, plan.id, `goal ${changes}${reason ? `: ${reason}` : ''}`);
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'Goal',
      entityId: goal.id,
      clientId: plan.case.clientId,
      reason: reason ? `${changes}: ${reason}` : changes,
    });
    await announce(scope, plan, 'GOAL_STATUS_CHANGED', {
      goalId: goal.id,
      from: goal.lifecycleStatus,
      to: lifecycleStatus,
      achievementStatus,
    });
    return { id: goal.id };
  });
}

export interface RecordGoalProgressInput {
  goalId: string;
  value?: string | null;
  achievementStatus?: GoalAchievementStatus | null;
  note?: string | null;
  interactionId?: string | null;
  recordedAt?: Date | null;
  /** The goal's version the caller read (optional). */
  expectedVersion?: number | null;
  clientMutationId?: string | null;
}

/**
 * A step toward a goal: a measured value and/or an achievement status. The goal's current
 * value and achievement status follow the latest step (a back-dated one only adds history).
 */
export function recordGoalProgress(input: RecordGoalProgressInput, ctx: Context) {
  return runCreate(ctx, 'recordGoalProgress', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    if (!input.value && !input.achievementStatus) {
      throw new ValidationError('Record a value, an achievement status or both', 'value');
    }
    const found = await findGoalForViewer(tx, viewer, input.goalId);
    const planRow = await findPlanForViewer(tx, viewer, found.carePlanId);
    if (input.interactionId) {
      const interaction = await tx.interaction.findFirst({
        where: { id: input.interactionId, caseId: planRow.caseId },
        select: { id: true, enteredInError: true },
      });
      if (!interaction) throw new ValidationError('No interaction of this case has this id', 'interactionId');
      if (interaction.enteredInError) throw new ValidationError('This interaction was entered in error', 'interactionId');
    }
    const plan = await lockPlanForChange(tx, planRow);
    if (plan.status !== 'ACTIVE' && plan.status !== 'ON_HOLD') {
      throw new RuleViolationError(`The care plan is ${plan.status}: progress is recorded on active plans`, 'PLAN_NOT_ACTIVE');
    }
    const goal = await tx.goal.findUniqueOrThrow({
      where: { id: found.id },
      select: { id: true, version: true, lifecycleStatus: true, achievementStatus: true, currentValue: true },
    });
    checkVersion('Goal', goal, input.expectedVersion);
    if (DROPPED_GOAL_STATUSES.includes(goal.lifecycleStatus)) {
      throw new RuleViolationError(`The goal is ${goal.lifecycleStatus}: no progress is recorded on it`, 'GOAL_CLOSED');
    }
    const recordedAt = input.recordedAt ?? new Date();
    const latest = await tx.goalProgress.findFirst({
      where: { goalId: goal.id },
      orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }],
      select: { recordedAt: true },
    });
    const progress = await tx.goalProgress.create({
      data: {
        goalId: goal.id,
        value: input.value ?? null,
        achievementStatus: input.achievementStatus ?? null,
        note: input.note ?? null,
        recordedById: viewer.id,
        recordedAt,
        interactionId: input.interactionId ?? null,
      },
      select: { id: true },
    });
    const isLatest = !latest || recordedAt >= latest.recordedAt;
    const achievementStatus = isLatest && input.achievementStatus ? input.achievementStatus : goal.achievementStatus;
    if (isLatest) {
      await updateVersioned('Goal', goal, input.expectedVersion, (where) =>
        tx.goal.update({
          where,
          data: {
            ...(input.value ? { currentValue: input.value } : {}),
            achievementStatus,
            version: { increment: 1 },
          },
        }),
      );
    }
    await appendRevision(scope, plan.id, isLatest ? 'goal progress recorded' : 'back-dated goal progress recorded');
    await scope.audit({ action: 'CREATE', entityType: 'GoalProgress', entityId: progress.id, clientId: plan.case.clientId });
    const payload = {
      goalId: goal.id,
      goalProgressId: progress.id,
      carePlanId: plan.id,
      caseId: plan.caseId,
      clientId: plan.case.clientId,
      achievementStatus,
      ...(input.achievementStatus ? { recordedAchievementStatus: input.achievementStatus } : {}),
    };
    // The live goalProgress feed subscribes by case and by client.
    await scope.emit({ topic: topics.case(plan.caseId), kind: 'GOAL_PROGRESS_RECORDED', payload });
    await scope.emit({ topic: topics.client(plan.case.clientId), kind: 'GOAL_PROGRESS_RECORDED', payload });
    return progress;
  });
}
