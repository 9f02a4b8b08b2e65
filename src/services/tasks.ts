// Tasks: work for a staff member, on a case or not (handoffs, forms to complete, call-backs,
// reassessments, escalated plan reviews).
//
// Who sees a task: its assignee, its creator, whoever may see its case (caseWhere), and a
// supervisor for the tasks of their organization (on its cases, or without a case and
// assigned to one of its staff). Seeing a task does not reveal its case: Task.case goes
// through caseWhere too.
//
// Who changes its status: the assignee, the creator, or a supervisor of the organization.
import { caseWhere, findCaseForViewer, isSupervisor } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Prisma } from '../db.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { TaskKind, TaskStatus } from '../generated/prisma/enums.js';
import { taskMachine } from './workflow/machines/task.js';
import { runCreate, runMutation, type MutationScope, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

export { OPEN_TASK_STATUSES } from './workflow/machines/task.js';

/** The tasks a viewer may see (AND it into every task query). */
export function taskWhere(viewer: Viewer): Prisma.TaskWhereInput {
  const or: Prisma.TaskWhereInput[] = [
    { assigneeId: viewer.id },
    { createdById: viewer.id },
    { case: caseWhere(viewer) },
  ];
  if (isSupervisor(viewer)) {
    or.push({ caseId: null, assignee: { organizationId: viewer.organizationId } });
  }
  return { OR: or };
}

/**
 * Checks that `assigneeId` may be given a task and returns them. On a case: an active member
 * of its care team, or an active supervisor of the case's organization. Without a case: an
 * active staff member of `organizationId` (the creator's organization).
 * Throws a ValidationError naming `field` otherwise.
 */
export async function findAssignableStaff(
  tx: Tx,
  assigneeId: string,
  where: { kase: { id: string; organizationId: string } | null; organizationId: string },
  field = 'assigneeId',
): Promise<{ id: string }> {
  const { kase } = where;
  const staff = await tx.staffMember.findFirst({
    where: kase
      ? {
          id: assigneeId,
          active: true,
          OR: [
            { careTeamMemberships: { some: { caseId: kase.id, endedAt: null } } },
            { organizationId: kase.organizationId, roles: { has: 'SUPERVISOR' } },
          ],
        }
      : { id: assigneeId, active: true, organizationId: where.organizationId },
    select: { id: true },
  });
  if (staff) return staff;
  const exists = await tx.staffMember.findFirst({ where: { id: assigneeId, active: true }, select: { id: true } });
  if (!exists) throw new ValidationError('No active staff member has this id', field);
  if (!kase) throw new ValidationError('A task without a case goes to a staff member of your organization', field);
  throw new ValidationError("The assignee must be on the case's care team or supervise its organization", field);
}

/** What a scope must offer to create a task: the transaction, its audit trail and outbox. */
export type TaskScope = Pick<MutationScope, 'tx' | 'audit' | 'emit'>;

export interface TaskInTx {
  assigneeId: string;
  /** The case the task is about, if any: the task is then announced on the case topic too. */
  caseId?: string | null;
  /** The case's client, for the AuditEvent; looked up from caseId when omitted. */
  clientId?: string | null;
  /** Who asked for it; null for a task a rule creates (reassessment, escalation...). */
  createdById: string | null;
  kind?: TaskKind;
  title: string;
  description?: string | null;
  dueAt?: Date | null;
  /** Why, for the AuditEvent (e.g. "escalated care plan review"). */
  reason?: string | null;
}

/**
 * Creates a task inside the caller's transaction: the row, its AuditEvent (CREATE Task) and its
 * DomainEvents (TASK_ASSIGNED on the assignee's staff topic, and on the case topic when the
 * task is on a case; payload { taskId, caseId, kind }).
 *
 * It checks nothing: the caller has already decided that the assignee is right (see
 * `findAssignableStaff`) and that the viewer may do this. Usage, from another service:
 *
 *   return runMutation(ctx, 'reviewCarePlan', async (scope) => {
 *     ...
 *     const task = await createTaskInTx(scope, {
 *       caseId: plan.caseId, clientId: plan.case.clientId, assigneeId: supervisor.id,
 *       createdById: scope.viewer.id, kind: 'PLAN_REVIEW', title: 'Escalated care plan review',
 *       dueAt: addDays(new Date(), 2), reason: 'escalated care plan review',
 *     });
 *   });
 */
export async function createTaskInTx(scope: TaskScope, input: TaskInTx): Promise<{ id: string; assigneeId: string; caseId: string | null }> {
  const { tx } = scope;
  const caseId = input.caseId ?? null;
  let clientId = input.clientId ?? null;
  if (caseId && input.clientId === undefined) {
    clientId = (await tx.case.findUniqueOrThrow({ where: { id: caseId }, select: { clientId: true } })).clientId;
  }
  const task = await tx.task.create({
    data: {
      caseId,
      assigneeId: input.assigneeId,
      createdById: input.createdById,
      kind: input.kind ?? 'OTHER',
      title: input.title,
      description: input.description ?? null,
      dueAt: input.dueAt ?? null,
    },
    select: { id: true, assigneeId: true, caseId: true, kind: true },
  });
  await scope.audit({ action: 'CREATE', entityType: 'Task', entityId: task.id, clientId, reason: input.reason ?? null });
  const payload = { taskId: task.id, caseId, kind: task.kind };
  await scope.emit({ topic: topics.staff(task.assigneeId), kind: 'TASK_ASSIGNED', payload });
  if (caseId) await scope.emit({ topic: topics.case(caseId), kind: 'TASK_ASSIGNED', payload });
  return { id: task.id, assigneeId: task.assigneeId, caseId };
}

export interface CreateTaskInput {
  caseId?: string | null;
  /** Defaults to the viewer. */
  assigneeId?: string | null;
  kind?: TaskKind | null;
  title: string;
  description?: string | null;
  dueAt?: Date | null;
  clientMutationId?: string | null;
}

export function createTask(input: CreateTaskInput, ctx: Context) {
  return runCreate(ctx, 'createTask', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const kase = input.caseId
      ? await findCaseForViewer(tx, viewer, input.caseId, { id: true, organizationId: true, clientId: true })
      : null;
    const assignee = await findAssignableStaff(tx, input.assigneeId ?? viewer.id, { kase, organizationId: viewer.organizationId });
    return createTaskInTx(scope, {
      caseId: kase?.id ?? null,
      clientId: kase?.clientId ?? null,
      assigneeId: assignee.id,
      createdById: viewer.id,
      kind: input.kind ?? 'OTHER',
      title: input.title,
      description: input.description ?? null,
      dueAt: input.dueAt ?? null,
    });
  });
}

export interface UpdateTaskStatusInput {
  taskId: string;
  status: TaskStatus;
  expectedVersion?: number | null;
  reason?: string | null;
}

export function updateTaskStatus(input: UpdateTaskStatusInput, ctx: Context) {
  return runMutation(ctx, 'updateTaskStatus', async (scope) => {
    const { tx, viewer } = scope;
    const select = {
      id: true,
      version: true,
      status: true,
      assigneeId: true,
      createdById: true,
      caseId: true,
      case: { select: { organizationId: true, clientId: true } },
      assignee: { select: { organizationId: true } },
    } as const;
    const task = await tx.task.findFirst({ where: { id: input.taskId, AND: [taskWhere(viewer)] }, select });
    if (!task) {
      const existing = await tx.task.findUnique({ where: { id: input.taskId }, select: { case: { select: { clientId: true } } } });
      throw new NotFoundError('Task', input.taskId, existing ? (existing.case?.clientId ?? null) : undefined);
    }
    const organizationId = task.case?.organizationId ?? task.assignee.organizationId;
    const allowed =
      task.assigneeId === viewer.id ||
      task.createdById === viewer.id ||
      (isSupervisor(viewer) && organizationId === viewer.organizationId);
    if (!allowed) throw new ForbiddenError('Only the assignee, the creator or a supervisor changes the status of a task');
    taskMachine.assert(task.status, input.status);
    await updateVersioned('Task', task, input.expectedVersion, (where) =>
      tx.task.update({
        where,
        data: {
          status: input.status,
          completedAt: input.status === 'COMPLETED' ? new Date() : undefined,
          version: { increment: 1 },
        },
      }),
    );
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'Task',
      entityId: task.id,
      clientId: task.case?.clientId ?? null,
      reason: input.reason ?? `${task.status} -> ${input.status}`,
    });
    const payload = { taskId: task.id, caseId: task.caseId, from: task.status, to: input.status };
    await scope.emit({ topic: topics.staff(task.assigneeId), kind: 'TASK_STATUS_CHANGED', payload });
    if (task.caseId) await scope.emit({ topic: topics.case(task.caseId), kind: 'TASK_STATUS_CHANGED', payload });
    return { id: task.id };
  });
}
