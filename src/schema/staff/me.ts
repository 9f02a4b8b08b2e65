// The viewer's own work, as fields of StaffMember: caseload, tasks, follow-ups due and work
// queue. They answer only for the viewer (`me { caseload ... }`): on any other staff member
// they are empty (empty connection or list), so a colleague's workload is never read through
// the directory. Rules of the work queue in src/services/work-queue.ts.
import { queryFromInfo } from '@pothos/plugin-prisma';
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { caseWhere } from '../../auth/access.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Context } from '../../context.js';
import type { RealtimeContext } from '../../realtime/plugin.js';
import { OPEN_TASK_STATUSES } from '../../services/workflow/machines/task.js';
import {
  DEFAULT_NO_CONTACT_DAYS,
  DEFAULT_WORK_QUEUE_LIMIT,
  MAX_WORK_QUEUE_LIMIT,
  WORK_QUEUE_KINDS,
  workQueueFor,
  type WorkQueueItem,
} from '../../services/work-queue.js';
import { Case } from '../case/case.js';
import { CasePriorityEnum, CaseStatusEnum, TaskStatusEnum } from '../enums.js';
import { viewerOf } from '../viewer.js';
import { page, totalOf } from '../connections.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const ONLY_FOR_VIEWER = 'Only for the signed-in staff member (me): empty for anyone else.';

const CaseloadFilter = builder.inputType('CaseloadFilter', {
  fields: (t) => ({
    status: t.field({ type: [CaseStatusEnum], description: 'Any of these statuses' }),
    priority: t.field({ type: CasePriorityEnum }),
    open: t.boolean({ description: 'true: not closed; false: closed only' }),
  }),
});

function caseloadWhere(viewer: Viewer, filter: typeof CaseloadFilter.$inferInput | null | undefined): Prisma.CaseWhereInput {
  return {
    AND: [
      caseWhere(viewer),
      { careTeam: { some: { staffId: viewer.id, endedAt: null } } },
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.priority ? { priority: filter.priority } : {},
      filter?.open === true ? { status: { not: 'CLOSED' } } : filter?.open === false ? { status: 'CLOSED' } : {},
    ],
  };
}

export const WorkQueueItemKindEnum = builder.enumType('WorkQueueItemKind', {
  description: 'Why something is in a work queue',
  values: {
    NO_CONTACT: { description: 'An open case with no interaction for the given number of days' },
    CRISIS_UNACKNOWLEDGED: { description: 'A crisis still OPEN past its escalation time' },
    REFERRAL_STUCK: { description: 'A referral still SENT past its expected response' },
    FOLLOW_UP_OVERDUE: { description: 'A follow-up still SCHEDULED past its date' },
    PLAN_REVIEW_OVERDUE: { description: 'An ACTIVE care plan past its next review date' },
    TASK_OVERDUE: { description: 'An open task past its due date' },
  } satisfies Record<(typeof WORK_QUEUE_KINDS)[number], unknown>,
});

type CaseRow = Prisma.CaseGetPayload<object>;
type LoadedItem = WorkQueueItem & { caseRow: CaseRow | null };

const WorkQueueItemRef = builder.objectRef<LoadedItem>('WorkQueueItem').implement({
  description: 'Something overdue that needs attention',
  fields: (t) => ({
    kind: t.field({ type: WorkQueueItemKindEnum, resolve: (item) => item.kind }),
    case: t.field({
      type: Case,
      nullable: true,
      description: 'The case it is about (null for a crisis recorded without a case)',
      resolve: (item) => item.caseRow,
    }),
    dueSince: t.field({ type: 'DateTime', description: 'Since when it is overdue', resolve: (item) => item.dueSince }),
    nodeId: t.globalID({
      description: 'The id of what to act on, for node(id:): the Case, CrisisEvent, Referral, FollowUp, CarePlan or Task',
      resolve: (item) => ({ type: item.subjectType, id: item.subjectId }),
    }),
    nodeType: t.string({ description: 'The GraphQL type of nodeId', resolve: (item) => item.subjectType }),
  }),
});

builder.prismaObjectFields('StaffMember', (t) => ({
  caseload: t.prismaConnection({
    type: 'Case',
    cursor: 'id',
    description: `Cases where this staff member is on the active care team: open ones first (by status), then by priority and latest opened. ${ONLY_FOR_VIEWER}`,
    args: { filter: t.arg({ type: CaseloadFilter }) },
    totalCount: (staff, args, ctx) => {
      const viewer = viewerOf(ctx);
      return staff.id === viewer.id ? totalOf(args, () => prisma.case.count({ where: caseloadWhere(viewer, args.filter) })) : 0;
    },
    resolve: async (query, staff, args, ctx) => {
      const viewer = viewerOf(ctx);
      // Nothing to load for anyone else (reading the selection tells Pothos it was not forgotten).
      if (staff.id !== viewer.id) {
        void { ...query };
        return [];
      }
      return page(
        args,
        query,
        prisma.case.findMany({
          ...query,
          where: caseloadWhere(viewer, args.filter),
          // CaseStatus sorts in workflow order with CLOSED last.
          orderBy: [{ status: 'asc' }, { priority: 'desc' }, { openedAt: 'desc' }, { id: 'asc' }],
        }),
      );
    },
  }),
  tasks: t.relation('tasksAssigned', {
    description: `Tasks assigned to this staff member, soonest due first (without a due date last). ${ONLY_FOR_VIEWER}`,
    args: {
      status: t.arg({ type: [TaskStatusEnum], description: 'Default: the open ones (REQUESTED, ACCEPTED, IN_PROGRESS)' }),
      first: t.arg.int({ defaultValue: 50, validate: z.number().int().min(1).max(200) }),
    },
    query: (args, ctx) => ({
      // The relation is this staff member's tasks; pinning the assignee to the viewer empties it for anyone else.
      where: { assigneeId: viewerOf(ctx).id, status: { in: args.status?.length ? args.status : [...OPEN_TASK_STATUSES] } },
      orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { createdAt: 'asc' }, { id: 'asc' }],
      take: args.first ?? 50,
    }),
  }),
  followUpsDue: t.relation('followUps', {
    description: `Follow-ups assigned to this staff member still SCHEDULED, overdue or due within the given days, soonest first. ${ONLY_FOR_VIEWER}`,
    args: {
      withinDays: t.arg.int({ defaultValue: 7, validate: z.number().int().min(0).max(730) }),
      first: t.arg.int({ defaultValue: 50, validate: z.number().int().min(1).max(200) }),
    },
    query: (args, ctx) => {
      const viewer = viewerOf(ctx);
      return {
        where: {
          assignedToId: viewer.id,
          status: 'SCHEDULED',
          scheduledFor: { lte: new Date(Date.now() + (args.withinDays ?? 7) * DAY_MS) },
          case: caseWhere(viewer),
        },
        orderBy: [{ scheduledFor: 'asc' }, { id: 'asc' }],
        take: args.first ?? 50,
      };
    },
  }),
  workQueue: t.field({
    type: [WorkQueueItemRef],
    description:
      'What is overdue on this staff member\'s cases, oldest first: no contact, unacknowledged crises, stuck referrals, ' +
      'overdue follow-ups, plan reviews and tasks; a supervisor also sees their organization\'s. ' +
      ONLY_FOR_VIEWER,
    args: {
      noContactDays: t.arg.int({
        description: "Days without an interaction before a case shows as NO_CONTACT (default: the server's NO_CONTACT_DAYS, as the live workQueue)",
        validate: z.number().int().min(1).max(365),
      }),
      kinds: t.arg({ type: [WorkQueueItemKindEnum], description: 'Only these kinds (default all)' }),
      limit: t.arg.int({ defaultValue: DEFAULT_WORK_QUEUE_LIMIT, validate: z.number().int().min(1).max(MAX_WORK_QUEUE_LIMIT) }),
    },
    resolve: async (staff, args, ctx, info) => {
      const viewer = viewerOf(ctx);
      if (staff.id !== viewer.id) return [];
      const items = await workQueueFor(viewer, {
        noContactDays: args.noContactDays ?? (ctx as Context & RealtimeContext).realtime?.config.noContactDays ?? DEFAULT_NO_CONTACT_DAYS,
        kinds: args.kinds,
        limit: args.limit ?? DEFAULT_WORK_QUEUE_LIMIT,
      });
      // The cases of all items in one query, through the access filter, with what the request
      // selects under `case` (so nested reads stay batched).
      const caseIds = [...new Set(items.map((item) => item.caseId).filter((id): id is string => id !== null))];
      const query = caseIds.length ? await queryFromInfo({ context: ctx, info, path: ['case'], awaitSelections: true }) : {};
      const cases = caseIds.length
        ? ((await prisma.case.findMany({ ...(query as object), where: { id: { in: caseIds }, AND: [caseWhere(viewer)] } })) as CaseRow[])
        : [];
      const byId = new Map(cases.map((kase) => [kase.id, kase]));
      return items.map((item) => ({ ...item, caseRow: item.caseId ? (byId.get(item.caseId) ?? null) : null }));
    },
  }),
}));
