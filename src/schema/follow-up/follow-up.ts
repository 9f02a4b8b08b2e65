// Follow-ups: contact after discharge or release. Rules in src/services/follow-ups.ts.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import type { Context } from '../../context.js';
import { InvalidTransitionError, RuleViolationError } from '../../errors.js';
import { followUpWhere, recordFollowUpOutcome, scheduleFollowUp } from '../../services/follow-ups.js';
import { followUpMachine } from '../../services/workflow/machines/follow-up.js';
import { Case } from '../case/case.js';
import { FollowUpKindEnum, FollowUpStatusEnum, HealthChangeEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { StaffMember } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';
import { page, totalOf } from '../connections.js';

const MINUTE_MS = 60 * 1000;
const TWO_YEARS_MS = 2 * 366 * 24 * 60 * MINUTE_MS;

const isOverdue = (followUp: { status: string; scheduledFor: Date }, now = new Date()) =>
  followUp.status === 'SCHEDULED' && followUp.scheduledFor < now;

export const FollowUp = builder.prismaNode('FollowUp', {
  id: { field: 'id' },
  select: { id: true, clientId: true },
  findUnique: (id, ctx) => ({ id, AND: [followUpWhere(viewerOf(ctx))] }),
  description: 'Contact with a client after discharge or release, or a routine check: was the client reached, satisfied, has their health changed.',
  fields: (t) => ({
    kind: t.expose('kind', { type: FollowUpKindEnum }),
    scheduledFor: t.expose('scheduledFor', { type: 'DateTime' }),
    status: t.expose('status', { type: FollowUpStatusEnum }),
    allowedStatusChanges: t.field({
      type: [FollowUpStatusEnum],
      description: 'Statuses this follow-up may move to next (SCHEDULED again only from MISSED, with a new date)',
      select: { status: true },
      resolve: (followUp) => followUpMachine.allowedFrom(followUp.status),
    }),
    isOverdue: t.boolean({
      description: 'Still SCHEDULED and past its date',
      select: { status: true, scheduledFor: true },
      resolve: (followUp) => isOverdue(followUp),
    }),
    assignedTo: t.relation('assignedTo'),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    reachedClient: t.exposeBoolean('reachedClient', { nullable: true }),
    satisfaction: t.exposeInt('satisfaction', { nullable: true, description: '1 (very unsatisfied) to 5 (very satisfied)' }),
    healthChange: t.expose('healthChange', { type: HealthChangeEnum, nullable: true, description: 'Physical health since discharge or release' }),
    mentalHealthChange: t.expose('mentalHealthChange', { type: HealthChangeEnum, nullable: true }),
    needsReassessment: t.exposeBoolean('needsReassessment', {
      description: 'The outcome reported declined health or satisfaction <= 2: the primary case manager has a REASSESSMENT task',
    }),
    notes: t.exposeString('notes', { nullable: true }),
    case: t.relation('case'),
    client: t.relation('client'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

// The case's follow-ups, soonest first (visible to whoever sees the case).
builder.prismaObjectField(Case, 'followUps', (t) =>
  t.relation('followUps', {
    args: { status: t.arg({ type: [FollowUpStatusEnum], description: 'Only follow-ups in any of these statuses' }) },
    query: (args) => ({
      where: args.status?.length ? { status: { in: args.status } } : {},
      orderBy: [{ scheduledFor: 'asc' }, { id: 'asc' }],
    }),
  }),
);

const FollowUpFilter = builder.inputType('FollowUpFilter', {
  fields: (t) => ({
    status: t.field({ type: [FollowUpStatusEnum], description: 'Any of these statuses' }),
    dueBefore: t.field({ type: 'DateTime', description: 'Scheduled before this moment' }),
    assignedTo: t.globalID({ for: StaffMember }),
    caseId: t.globalID({ for: Case }),
  }),
});

function followUpsWhere(filter: typeof FollowUpFilter.$inferInput | null | undefined, ctx: Context): Prisma.FollowUpWhereInput {
  return {
    AND: [
      followUpWhere(viewerOf(ctx)),
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.dueBefore ? { scheduledFor: { lt: filter.dueBefore } } : {},
      filter?.assignedTo ? { assignedToId: filter.assignedTo.id } : {},
      filter?.caseId ? { caseId: filter.caseId.id } : {},
    ],
  };
}

builder.queryFields((t) => ({
  followUps: t.prismaConnection({
    type: 'FollowUp',
    cursor: 'id',
    description: 'Follow-ups of the cases you may see, soonest first',
    args: { filter: t.arg({ type: FollowUpFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.followUp.count({ where: followUpsWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.followUp.findMany({
          ...query,
          where: followUpsWhere(args.filter, ctx),
          orderBy: [{ scheduledFor: 'asc' }, { id: 'asc' }],
        }),
      ),
  }),
}));

// ------------------------------------------------------------------ mutations

/** When a follow-up takes place: not in the past (a minute of clock skew), within two years. */
const followUpDate = z
  .date()
  .refine((date) => date.getTime() >= Date.now() - MINUTE_MS, 'cannot be in the past')
  .refine((date) => date.getTime() <= Date.now() + TWO_YEARS_MS, 'must be within 2 years');
const notes = z.string().trim().max(5000, 'keep the notes within 5000 characters');

const ScheduleFollowUpInput = builder.inputType('ScheduleFollowUpInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true, description: 'The case, open or closed (post-discharge follow-ups come after closure)' }),
    kind: t.field({ type: FollowUpKindEnum, required: true }),
    scheduledFor: t.field({ type: 'DateTime', required: true, validate: followUpDate }),
    assignedToId: t.globalID({
      for: StaffMember,
      description: "Who makes the contact: defaults to the primary case manager; a care team member or a supervisor of the case's organization",
    }),
    notes: t.string({ validate: notes }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the follow-up is scheduled once', validate: z.string().min(1).max(200) }),
  }),
});

const RecordFollowUpOutcomeInput = builder.inputType('RecordFollowUpOutcomeInput', {
  description:
    'COMPLETED with the outcome (reachedClient required; satisfaction only when reached), MISSED, CANCELLED, ' +
    'or SCHEDULED again for a missed follow-up (with scheduledFor). Declined health or satisfaction <= 2 ' +
    "gives the case's primary case manager a REASSESSMENT task.",
  fields: (t) => ({
    followUpId: t.globalID({ for: FollowUp, required: true }),
    status: t.field({ type: FollowUpStatusEnum, required: true }),
    reachedClient: t.boolean(),
    satisfaction: t.int({ description: '1 (very unsatisfied) to 5 (very satisfied)', validate: z.number().int().min(1, 'from 1 to 5').max(5, 'from 1 to 5') }),
    healthChange: t.field({ type: HealthChangeEnum }),
    mentalHealthChange: t.field({ type: HealthChangeEnum }),
    notes: t.string({ description: 'Added to the notes of the follow-up', validate: notes }),
    scheduledFor: t.field({ type: 'DateTime', description: 'The new date, when rescheduling a missed follow-up', validate: followUpDate }),
    expectedVersion: t.int({ validate: z.number().int().min(1, 'versions start at 1') }),
  }),
});

const followUpErrors = [...commonErrors, InvalidTransitionError, RuleViolationError];

builder.mutationFields((t) => ({
  scheduleFollowUp: t.prismaField({
    type: 'FollowUp',
    errors: { types: followUpErrors },
    args: { input: t.arg({ type: ScheduleFollowUpInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await scheduleFollowUp({ ...input, caseId: input.caseId.id, assignedToId: input.assignedToId?.id }, ctx);
      return prisma.followUp.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  recordFollowUpOutcome: t.prismaField({
    type: 'FollowUp',
    errors: { types: followUpErrors },
    args: { input: t.arg({ type: RecordFollowUpOutcomeInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await recordFollowUpOutcome({ ...input, followUpId: input.followUpId.id }, ctx);
      return prisma.followUp.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
