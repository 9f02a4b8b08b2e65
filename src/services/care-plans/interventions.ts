// Interventions: the activities of a plan, each done by a care-team member or through a referral.
import type { Context } from '../../context.js';
import { ValidationError } from '../../errors.js';
import type { InterventionStatus } from '../../generated/prisma/enums.js';
import { DROPPED_GOAL_STATUSES } from '../workflow/machines/goal.js';
import { INITIAL_INTERVENTION_STATUSES, interventionMachine } from '../workflow/machines/intervention.js';
import { runCreate, runMutation } from '../workflow/mutation.js';
import { checkVersion, updateVersioned } from '../workflow/versioning.js';
import {
  announce,
  appendRevision,
  assertCaseOpen,
  assertPlanOpen,
  findInterventionForViewer,
  findPlanForViewer,
  lockPlanForChange,
} from './shared.js';

/** Referrals that will not deliver anything any more. */
const CLOSED_REFERRALS = ['DECLINED', 'CANCELLED', 'NO_SHOW'] as const;

export interface AddInterventionInput {
  carePlanId: string;
  goalId?: string | null;
  description: string;
  assignedToId?: string | null;
  referralId?: string | null;
  status?: InterventionStatus | null;
  dueDate?: Date | null;
  /** The plan's version the caller read (optional). */
  expectedVersion?: number | null;
  clientMutationId?: string | null;
}

export function addIntervention(input: AddInterventionInput, ctx: Context) {
  return runCreate(ctx, 'addIntervention', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    if (!!input.assignedToId === !!input.referralId) {
      throw new ValidationError('Assign the intervention to a care-team member (assignedToId) or to a referral (referralId), not both', 'assignedToId');
    }
    const status = input.status ?? 'NOT_STARTED';
    if (!INITIAL_INTERVENTION_STATUSES.includes(status)) {
      throw new ValidationError(`An intervention starts as ${INITIAL_INTERVENTION_STATUSES.join(' or ')}`, 'status');
    }
    const found = await findPlanForViewer(tx, viewer, input.carePlanId);
    if (input.assignedToId) {
      const member = await tx.careTeamMember.findFirst({
        where: { caseId: found.caseId, staffId: input.assignedToId, endedAt: null, staff: { active: true } },
        select: { id: true },
      });
      if (!member) throw new ValidationError("Assign the intervention to an active member of the case's care team", 'assignedToId');
    }
    if (input.referralId) {
      const referral = await tx.referral.findFirst({ where: { id: input.referralId, caseId: found.caseId }, select: { status: true } });
      if (!referral) throw new ValidationError('No referral of this case has this id', 'referralId');
      if ((CLOSED_REFERRALS as readonly string[]).includes(referral.status)) {
        throw new ValidationError(`This referral is ${referral.status}: it cannot carry an intervention`, 'referralId');
      }
    }
    const plan = await lockPlanForChange(tx, found, input.expectedVersion);
    assertPlanOpen(plan, 'adding an intervention');
    assertCaseOpen(plan, 'adding an intervention');
    if (input.goalId) {
      const goal = await tx.goal.findFirst({ where: { id: input.goalId, carePlanId: plan.id }, select: { lifecycleStatus: true } });
      if (!goal) throw new ValidationError('No goal of this care plan has this id', 'goalId');
      if (DROPPED_GOAL_STATUSES.includes(goal.lifecycleStatus) || goal.lifecycleStatus === 'COMPLETED') {
        throw new ValidationError(`The goal is ${goal.lifecycleStatus}: add interventions toward open goals`, 'goalId');
      }
    }
    const intervention = await tx.intervention.create({
      data: {
        carePlanId: plan.id,
        goalId: input.goalId ?? null,
        description: input.description,
        assignedToId: input.assignedToId ?? null,
        referralId: input.referralId ?? null,
        status,
        dueDate: input.dueDate ?? null,
      },
      select: { id: true },
    });
    await appendRevision(scope, plan.id, 'intervention added');
    await scope.audit({ action: 'CREATE', entityType: 'Intervention', entityId: intervention.id, clientId: plan.case.clientId });
    await announce(scope, plan, 'INTERVENTION_ADDED', {
      interventionId: intervention.id,
      goalId: input.goalId ?? null,
      assignedToId: input.assignedToId ?? null,
      referralId: input.referralId ?? null,
      status,
    });
    return intervention;
  });
}

export interface UpdateInterventionStatusInput {
  interventionId: string;
  status: InterventionStatus;
  completedAt?: Date | null;
  expectedVersion?: number | null;
  reason?: string | null;
}

export function updateInterventionStatus(input: UpdateInterventionStatusInput, ctx: Context) {
  return runMutation(ctx, 'updateInterventionStatus', async (scope) => {
    const { tx, viewer } = scope;
    const found = await findInterventionForViewer(tx, viewer, input.interventionId);
    const planRow = await findPlanForViewer(tx, viewer, found.carePlanId);
    const plan = await lockPlanForChange(tx, planRow);
    const intervention = await tx.intervention.findUniqueOrThrow({
      where: { id: found.id },
      select: { id: true, version: true, status: true, goalId: true },
    });
    checkVersion('Intervention', intervention, input.expectedVersion);
    interventionMachine.assert(intervention.status, input.status);
    if (input.completedAt && input.status !== 'COMPLETED') {
      throw new ValidationError('completedAt goes with status COMPLETED', 'completedAt');
    }
    assertPlanOpen(plan, 'changing an intervention');
    await updateVersioned('Intervention', intervention, input.expectedVersion, (where) =>
      tx.intervention.update({
        where,
        data: {
          status: input.status,
          ...(input.status === 'COMPLETED' ? { completedAt: input.completedAt ?? new Date() } : {}),
          version: { increment: 1 },
        },
      }),
    );
    const transition = `${intervention.status} -> ${input.status}`;
    const reason = input.reason?.trim();
    await appendRevision(scope, plan.id, `intervention ${transition}${reason ? `: ${reason}` : ''}`);
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'Intervention',
      entityId: intervention.id,
      clientId: plan.case.clientId,
      reason: reason ? `${transition}: ${reason}` : transition,
    });
    await announce(scope, plan, 'INTERVENTION_STATUS_CHANGED', {
      interventionId: intervention.id,
      goalId: intervention.goalId,
      from: intervention.status,
      to: input.status,
    });
    return { id: intervention.id };
  });
}
