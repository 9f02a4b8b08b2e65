// Tasks: work for a staff member, on a case or not. Rules in src/services/tasks.ts.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { caseWhere } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { InvalidTransitionError } from '../../errors.js';
import { createTask, OPEN_TASK_STATUSES, taskWhere, updateTaskStatus } from '../../services/tasks.js';
import { taskMachine } from '../../services/workflow/machines/task.js';
import { Case } from '../case/case.js';
import { TaskKindEnum, TaskStatusEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { StaffMember } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';
// The viewer's caseload, tasks, follow-ups due and work queue (fields of StaffMember).
import '../staff/me.js';
import { page, totalOf } from '../connections.js';

const MINUTE_MS = 60 * 1000;

const isOverdue = (task: { status: string; dueAt: Date | null }, now = new Date()) =>
  (OPEN_TASK_STATUSES as readonly string[]).includes(task.status) && task.dueAt !== null && task.dueAt < now;

export const Task = builder.prismaNode('Task', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [taskWhere(viewerOf(ctx))] }),
  description:
    'Work for a staff member, on a case or not (handoff, form to complete, call back, reassessment). ' +
    'Visible to its assignee, its creator, whoever may see its case, and supervisors of the organization.',
  fields: (t) => ({
    kind: t.expose('kind', { type: TaskKindEnum }),
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    dueAt: t.expose('dueAt', { type: 'DateTime', nullable: true }),
    status: t.expose('status', { type: TaskStatusEnum }),
    allowedStatusChanges: t.field({
      type: [TaskStatusEnum],
      description: 'Statuses this task may move to next',
      resolve: (task) => taskMachine.allowedFrom(task.status),
    }),
    isOverdue: t.boolean({
      description: 'Still open (REQUESTED, ACCEPTED, IN_PROGRESS) and past its due date',
      resolve: (task) => isOverdue(task),
    }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    assignee: t.relation('assignee'),
    createdBy: t.relation('createdBy', { nullable: true, description: 'null for a task a rule created' }),
    case: t.relation('case', {
      nullable: true,
      description: 'The case the task is about: null when there is none or you may not see it',
      query: (_args, ctx) => ({ where: caseWhere(viewerOf(ctx)) }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

// The case's tasks, by due date (visible to whoever sees the case).
builder.prismaObjectField(Case, 'tasks', (t) =>
  t.relation('tasks', {
    args: { status: t.arg({ type: [TaskStatusEnum], description: 'Only tasks in any of these statuses' }) },
    query: (args) => ({
      where: args.status?.length ? { status: { in: args.status } } : {},
      orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }],
    }),
  }),
);

const TaskFilter = builder.inputType('TaskFilter', {
  fields: (t) => ({
    assigneeId: t.globalID({ for: StaffMember }),
    status: t.field({ type: [TaskStatusEnum], description: 'Any of these statuses' }),
    dueBefore: t.field({ type: 'DateTime', description: 'Due before this moment' }),
    caseId: t.globalID({ for: Case }),
    kind: t.field({ type: TaskKindEnum }),
  }),
});

function tasksWhere(filter: typeof TaskFilter.$inferInput | null | undefined, ctx: Context): Prisma.TaskWhereInput {
  return {
    AND: [
      taskWhere(viewerOf(ctx)),
      filter?.assigneeId ? { assigneeId: filter.assigneeId.id } : {},
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.dueBefore ? { dueAt: { lt: filter.dueBefore } } : {},
      filter?.caseId ? { caseId: filter.caseId.id } : {},
      filter?.kind ? { kind: filter.kind } : {},
    ],
  };
}

builder.queryFields((t) => ({
  tasks: t.prismaConnection({
    type: 'Task',
    cursor: 'id',
    description:
      'Tasks assigned to or created by you, tasks of the cases you may see, and (supervisors) those of your organization; ' +
      'soonest due first, tasks without a due date last',
    args: { filter: t.arg({ type: TaskFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.task.count({ where: tasksWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.task.findMany({
          ...query,
          where: tasksWhere(args.filter, ctx),
          orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }],
        }),
      ),
  }),
}));

// ------------------------------------------------------------------ mutations

const TWO_YEARS_MS = 2 * 366 * 24 * 60 * MINUTE_MS;

/** A due date: not more than a minute in the past (clock skew), not more than two years ahead. */
const dueDate = z
  .date()
  .refine((date) => date.getTime() >= Date.now() - MINUTE_MS, 'cannot be in the past')
  .refine((date) => date.getTime() <= Date.now() + TWO_YEARS_MS, 'cannot be more than 2 years ahead');

const CreateTaskInput = builder.inputType('CreateTaskInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, description: 'The case the task is about, if any' }),
    assigneeId: t.globalID({
      for: StaffMember,
      description: "Defaults to you. On a case: a member of its care team or a supervisor of the case's organization",
    }),
    kind: t.field({ type: TaskKindEnum, defaultValue: 'OTHER' }),
    title: t.string({
      required: true,
      validate: z.string().trim().min(3, 'give a title of at least 3 characters').max(200, 'keep the title within 200 characters'),
    }),
    description: t.string({ validate: z.string().trim().max(5000, 'keep it within 5000 characters') }),
    dueAt: t.field({ type: 'DateTime', validate: dueDate }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the task is created once', validate: z.string().min(1).max(200) }),
  }),
});

const UpdateTaskStatusInput = builder.inputType('UpdateTaskStatusInput', {
  fields: (t) => ({
    taskId: t.globalID({ for: Task, required: true }),
    status: t.field({ type: TaskStatusEnum, required: true }),
    expectedVersion: t.int({ validate: z.number().int().min(1, 'versions start at 1') }),
    reason: t.string({ description: 'Why (kept in the audit trail)', validate: z.string().trim().max(2000, 'keep it within 2000 characters') }),
  }),
});

const taskErrors = [...commonErrors, InvalidTransitionError];

builder.mutationFields((t) => ({
  createTask: t.prismaField({
    type: 'Task',
    errors: { types: taskErrors },
    description: 'Gives a staff member a task (announced on their feed, and on the case when there is one)',
    args: { input: t.arg({ type: CreateTaskInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await createTask(
        {
          ...input,
          caseId: input.caseId?.id,
          assigneeId: input.assigneeId?.id,
        },
        ctx,
      );
      return prisma.task.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateTaskStatus: t.prismaField({
    type: 'Task',
    errors: { types: taskErrors },
    description: 'Moves a task along REQUESTED -> ACCEPTED -> IN_PROGRESS -> COMPLETED (or CANCELLED): the assignee, the creator or a supervisor',
    args: { input: t.arg({ type: UpdateTaskStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await updateTaskStatus({ ...input, taskId: input.taskId.id }, ctx);
      return prisma.task.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
