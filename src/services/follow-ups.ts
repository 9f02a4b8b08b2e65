// Follow-ups: contact with a client after discharge or release (and routine checks). A
// follow-up belongs to a case, which may already be closed; whoever may see the case may see
// and record its follow-ups.
//
// The reassessment rule (DOMAIN.md): a completed follow-up reporting declined physical or
// mental health, or satisfaction <= 2, flags the follow-up (needsReassessment) and gives the
// case's primary case manager a REASSESSMENT task, in the same transaction.
import { caseWhere, findCaseForViewer } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Prisma } from '../db.js';
import { NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { FollowUpKind, FollowUpStatus, HealthChange } from '../generated/prisma/enums.js';
import { createTaskInTx, findAssignableStaff, OPEN_TASK_STATUSES } from './tasks.js';
import { followUpMachine } from './workflow/machines/follow-up.js';
import { runCreate, runMutation, type MutationScope } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** How long the primary case manager has to reassess after a worrying follow-up. */
export const REASSESSMENT_TASK_DUE_DAYS = 7;

/** The follow-ups a viewer may see: those of the cases they may see. */
export function followUpWhere(viewer: Viewer): Prisma.FollowUpWhereInput {
  return { case: caseWhere(viewer) };
}

export interface FollowUpOutcome {
  satisfaction?: number | null;
  healthChange?: HealthChange | null;
  mentalHealthChange?: HealthChange | null;
}

/** Declined physical or mental health, or satisfaction of 2 or less. */
export function needsReassessment(outcome: FollowUpOutcome): boolean {
  return (
    outcome.healthChange === 'DECLINED' ||
    outcome.mentalHealthChange === 'DECLINED' ||
    (outcome.satisfaction != null && outcome.satisfaction <= 2)
  );
}

function reassessmentReasons(outcome: FollowUpOutcome): string {
  const reasons: string[] = [];
  if (outcome.healthChange === 'DECLINED') reasons.push('physical health declined');
  if (outcome.mentalHealthChange === 'DECLINED') reasons.push('mental health declined');
  if (outcome.satisfaction != null && outcome.satisfaction <= 2) reasons.push(`satisfaction ${outcome.satisfaction} of 5`);
  return `The follow-up reported: ${reasons.join('; ')}.`;
}

async function announce(
  scope: MutationScope,
  followUp: { id: string; caseId: string; assignedToId: string },
  kind: 'FOLLOW_UP_SCHEDULED' | 'FOLLOW_UP_RECORDED',
  facts: Record<string, unknown>,
) {
  const payload = { followUpId: followUp.id, caseId: followUp.caseId, ...facts };
  await scope.emit({ topic: topics.case(followUp.caseId), kind, payload });
  await scope.emit({ topic: topics.staff(followUp.assignedToId), kind, payload });
}

export interface ScheduleFollowUpInput {
  caseId: string;
  kind: FollowUpKind;
  scheduledFor: Date;
  /** Defaults to the case's primary case manager. */
  assignedToId?: string | null;
  notes?: string | null;
  clientMutationId?: string | null;
}

export function scheduleFollowUp(input: ScheduleFollowUpInput, ctx: Context) {
  return runCreate(ctx, 'scheduleFollowUp', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    // Closed cases too: post-discharge follow-ups happen after closure.
    const kase = await findCaseForViewer(tx, viewer, input.caseId, {
      id: true,
      clientId: true,
      organizationId: true,
      primaryCaseManagerId: true,
      client: { select: { status: true } },
    });
    if (kase.client.status === 'DECEASED') throw new RuleViolationError('The client is deceased', 'CLIENT_DECEASED');
    const assigneeId = input.assignedToId ?? kase.primaryCaseManagerId;
    if (!assigneeId) {
      throw new ValidationError('The case has no primary case manager: name who makes the follow-up', 'assignedToId');
    }
    if (!input.assignedToId) {
      const primary = await tx.staffMember.findUnique({ where: { id: assigneeId }, select: { active: true } });
      if (!primary?.active) {
        throw new ValidationError('The primary case manager is no longer active: name who makes the follow-up', 'assignedToId');
      }
    }
    const assignee = await findAssignableStaff(tx, assigneeId, { kase, organizationId: kase.organizationId }, 'assignedToId');
    const followUp = await tx.followUp.create({
      data: {
        caseId: kase.id,
        clientId: kase.clientId,
        kind: input.kind,
        scheduledFor: input.scheduledFor,
        assignedToId: assignee.id,
        notes: input.notes ?? null,
      },
      select: { id: true, caseId: true, assignedToId: true },
    });
    await scope.audit({ action: 'CREATE', entityType: 'FollowUp', entityId: followUp.id, clientId: kase.clientId });
    await announce(scope, followUp, 'FOLLOW_UP_SCHEDULED', { kind: input.kind, scheduledFor: input.scheduledFor.toISOString() });
    return followUp;
  });
}

export interface RecordFollowUpOutcomeInput extends FollowUpOutcome {
  followUpId: string;
  /** COMPLETED (with the outcome), MISSED, CANCELLED, or SCHEDULED again (a missed one, with scheduledFor). */
  status: FollowUpStatus;
  reachedClient?: boolean | null;
  notes?: string | null;
  /** The new date when rescheduling a missed follow-up. */
  scheduledFor?: Date | null;
  expectedVersion?: number | null;
}

/** Which fields go with which status: named in a ValidationError when they do not. */
function checkOutcomeFields(input: RecordFollowUpOutcomeInput): void {
  const outcomeFields = ['reachedClient', 'satisfaction', 'healthChange', 'mentalHealthChange'] as const;
  if (input.status === 'COMPLETED') {
    if (input.reachedClient == null) {
      throw new ValidationError('Say whether the client was reached', 'reachedClient');
    }
    if (!input.reachedClient && input.satisfaction != null) {
      throw new ValidationError("Satisfaction is the client's own answer: only when the client was reached", 'satisfaction');
    }
  } else {
    const given = outcomeFields.find((field) => input[field] != null);
    if (given) throw new ValidationError('Only a completed follow-up records an outcome', given);
  }
  if (input.status === 'SCHEDULED' && !input.scheduledFor) {
    throw new ValidationError('Rescheduling needs the new date', 'scheduledFor');
  }
  if (input.status !== 'SCHEDULED' && input.scheduledFor) {
    throw new ValidationError('A new date goes only with rescheduling (status SCHEDULED)', 'scheduledFor');
  }
}

function appendNote(existing: string | null, status: FollowUpStatus, note: string | null | undefined): string | undefined {
  const text = note?.trim();
  if (!text) return undefined;
  const entry = `${status}: ${text}`;
  return existing ? `${existing}\n\n${entry}` : entry;
}

export function recordFollowUpOutcome(input: RecordFollowUpOutcomeInput, ctx: Context) {
  return runMutation(ctx, 'recordFollowUpOutcome', async (scope) => {
    const { tx, viewer } = scope;
    const followUp = await tx.followUp.findFirst({
      where: { id: input.followUpId, AND: [followUpWhere(viewer)] },
      select: {
        id: true,
        version: true,
        status: true,
        caseId: true,
        clientId: true,
        assignedToId: true,
        notes: true,
        case: { select: { primaryCaseManagerId: true, primaryCaseManager: { select: { active: true } } } },
      },
    });
    if (!followUp) {
      const existing = await tx.followUp.findUnique({ where: { id: input.followUpId }, select: { clientId: true } });
      throw new NotFoundError('FollowUp', input.followUpId, existing ? existing.clientId : undefined);
    }
    const from = followUp.status;
    const to = input.status;
    followUpMachine.assert(from, to);
    checkOutcomeFields(input);
    const now = new Date();
    const flagged = to === 'COMPLETED' && needsReassessment(input);
    const notes = appendNote(followUp.notes, to, input.notes);
    const data: Prisma.FollowUpUpdateInput =
      to === 'COMPLETED'
        ? {
            completedAt: now,
            reachedClient: input.reachedClient,
            satisfaction: input.satisfaction ?? null,
            healthChange: input.healthChange ?? null,
            mentalHealthChange: input.mentalHealthChange ?? null,
            needsReassessment: flagged,
          }
        : to === 'MISSED'
          ? { reachedClient: false }
          : to === 'SCHEDULED'
            ? { scheduledFor: input.scheduledFor!, reachedClient: null, completedAt: null }
            : {};
    await updateVersioned('FollowUp', followUp, input.expectedVersion, (where) =>
      tx.followUp.update({ where, data: { ...data, status: to, notes, version: { increment: 1 } } }),
    );
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'FollowUp',
      entityId: followUp.id,
      clientId: followUp.clientId,
      reason: `${from} -> ${to}`,
    });

    let taskId: string | null = null;
    if (flagged) {
      // One open reassessment per case is enough: a second worrying follow-up joins it.
      const open = await tx.task.findFirst({
        where: { caseId: followUp.caseId, kind: 'REASSESSMENT', status: { in: [...OPEN_TASK_STATUSES] } },
        orderBy: { createdAt: 'asc' },
        select: { id: true },
      });
      if (open) {
        taskId = open.id;
      } else {
        const primary = followUp.case.primaryCaseManager?.active ? followUp.case.primaryCaseManagerId : null;
        const task = await createTaskInTx(scope, {
          caseId: followUp.caseId,
          clientId: followUp.clientId,
          // Without an active primary case manager, whoever recorded the outcome reassesses.
          assigneeId: primary ?? viewer.id,
          createdById: null,
          kind: 'REASSESSMENT',
          title: 'Reassess the client after a follow-up',
          description: reassessmentReasons(input),
          dueAt: new Date(now.getTime() + REASSESSMENT_TASK_DUE_DAYS * DAY_MS),
          reason: 'follow-up outcome needs reassessment',
        });
        taskId = task.id;
      }
    }

    if (to === 'SCHEDULED') {
      await announce(scope, followUp, 'FOLLOW_UP_SCHEDULED', { from, to, scheduledFor: input.scheduledFor!.toISOString() });
    } else {
      await announce(scope, followUp, 'FOLLOW_UP_RECORDED', { from, to, needsReassessment: flagged, taskId });
    }
    return { id: followUp.id };
  });
}
