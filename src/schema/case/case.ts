import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { caseWhere } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { InvalidTransitionError, RuleViolationError } from '../../errors.js';
import {
  addCareTeamMember,
  assignCase,
  changeCaseStatus,
  closeCase,
  openCase,
  removeCareTeamMember,
} from '../../services/cases.js';
import { caseMachine } from '../../services/workflow/machines/case.js';
import { Client } from '../client/client.js';
import { CareTeamRoleEnum, CasePriorityEnum, CaseStatusEnum, SettingEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { StaffMember, Team } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';
import { filterTime } from '../../clock.js';
import { page, totalOf } from '../connections.js';

export const Case = builder.prismaNode('Case', {
  id: { field: 'id' },
  // Only the columns the query asks for (and the client, for the read audit).
  select: { id: true, clientId: true },
  findUnique: (id, ctx) => ({ id, AND: [caseWhere(viewerOf(ctx))] }),
  description: 'One episode of care for a client (FHIR EpisodeOfCare).',
  fields: (t) => ({
    status: t.expose('status', { type: CaseStatusEnum }),
    allowedStatusChanges: t.field({
      type: [CaseStatusEnum],
      description: 'Statuses this case may move to next',
      select: { status: true },
      resolve: (kase) => caseMachine.allowedFrom(kase.status),
    }),
    priority: t.expose('priority', { type: CasePriorityEnum }),
    setting: t.expose('setting', { type: SettingEnum }),
    summary: t.exposeString('summary', { nullable: true }),
    openedAt: t.expose('openedAt', { type: 'DateTime' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    closureReason: t.exposeString('closureReason', { nullable: true }),
    lastContactAt: t.expose('lastContactAt', { type: 'DateTime', nullable: true }),
    client: t.relation('client'),
    organization: t.relation('organization'),
    team: t.relation('team', { nullable: true }),
    primaryCaseManager: t.relation('primaryCaseManager', { nullable: true }),
    careTeam: t.relation('careTeam', {
      args: { includeEnded: t.arg.boolean({ defaultValue: false }) },
      query: (args) => ({
        where: args.includeEnded ? {} : { endedAt: null },
        orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const CareTeamMember = builder.prismaNode('CareTeamMember', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, case: caseWhere(viewerOf(ctx)) }),
  description: 'A staff member on a case with a role; the care team is what grants access.',
  fields: (t) => ({
    role: t.expose('role', { type: CareTeamRoleEnum }),
    startedAt: t.expose('startedAt', { type: 'DateTime' }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    staff: t.relation('staff'),
    case: t.relation('case'),
    version: t.exposeInt('version'),
  }),
});

// The client's cases, as far as the viewer may see them.
builder.prismaObjectField('Client', 'cases', (t) =>
  t.relation('cases', {
    query: (_args, ctx) => ({ where: caseWhere(viewerOf(ctx)), orderBy: [{ openedAt: 'desc' }, { id: 'asc' }] }),
  }),
);

const CaseFilter = builder.inputType('CaseFilter', {
  fields: (t) => ({
    status: t.field({ type: [CaseStatusEnum], description: 'Any of these statuses' }),
    priority: t.field({ type: CasePriorityEnum }),
    setting: t.field({ type: SettingEnum }),
    assignedTo: t.globalID({ for: StaffMember, description: 'On the active care team of the case' }),
    teamId: t.globalID({ for: Team }),
    clientId: t.globalID({ for: Client }),
    overdueReview: t.boolean({ description: 'Has an active care plan past its next review date' }),
    open: t.boolean({ description: 'Not closed' }),
  }),
});

function casesWhere(filter: typeof CaseFilter.$inferInput | null | undefined, ctx: Context): Prisma.CaseWhereInput {
  const now = filterTime();
  return {
    AND: [
      caseWhere(viewerOf(ctx)),
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.priority ? { priority: filter.priority } : {},
      filter?.setting ? { setting: filter.setting } : {},
      filter?.assignedTo ? { careTeam: { some: { staffId: filter.assignedTo.id, endedAt: null } } } : {},
      filter?.teamId ? { teamId: filter.teamId.id } : {},
      filter?.clientId ? { clientId: filter.clientId.id } : {},
      filter?.open === true ? { status: { not: 'CLOSED' } } : filter?.open === false ? { status: 'CLOSED' } : {},
      filter?.overdueReview === true
        ? { carePlans: { some: { status: 'ACTIVE', nextReviewDue: { lt: now } } } }
        : filter?.overdueReview === false
          ? { carePlans: { none: { status: 'ACTIVE', nextReviewDue: { lt: now } } } }
          : {},
    ],
  };
}

builder.queryFields((t) => ({
  cases: t.prismaConnection({
    type: 'Case',
    cursor: 'id',
    args: { filter: t.arg({ type: CaseFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.case.count({ where: casesWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.case.findMany({
          ...query,
          where: casesWhere(args.filter, ctx),
          orderBy: [{ openedAt: 'desc' }, { id: 'asc' }],
        }),
      ),
  }),
}));

// ------------------------------------------------------------------ mutations

const reason = z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000);

const OpenCaseInput = builder.inputType('OpenCaseInput', {
  fields: (t) => ({
    clientId: t.globalID({ for: Client, required: true }),
    teamId: t.globalID({ for: Team }),
    setting: t.field({ type: SettingEnum, description: "Defaults to the organization's setting" }),
    priority: t.field({ type: CasePriorityEnum, defaultValue: 'ROUTINE' }),
    status: t.field({ type: CaseStatusEnum, description: 'REFERRED or INTAKE (default)' }),
    summary: t.string({ validate: z.string().max(5000) }),
    primaryCaseManagerId: t.globalID({ for: StaffMember, description: 'Defaults to you' }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the case is opened once', validate: z.string().min(1).max(200) }),
  }),
});

const AssignCaseInput = builder.inputType('AssignCaseInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    staffId: t.globalID({ for: StaffMember, required: true }),
    expectedVersion: t.int(),
  }),
});

const AddCareTeamMemberInput = builder.inputType('AddCareTeamMemberInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    staffId: t.globalID({ for: StaffMember, required: true }),
    role: t.field({ type: CareTeamRoleEnum, required: true }),
  }),
});

const RemoveCareTeamMemberInput = builder.inputType('RemoveCareTeamMemberInput', {
  fields: (t) => ({
    careTeamMemberId: t.globalID({ for: CareTeamMember, required: true }),
    reason: t.string({ validate: z.string().max(2000) }),
  }),
});

const ChangeCaseStatusInput = builder.inputType('ChangeCaseStatusInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    status: t.field({ type: CaseStatusEnum, required: true }),
    expectedVersion: t.int(),
    reason: t.string({ validate: z.string().max(2000) }),
  }),
});

const CloseCaseInput = builder.inputType('CloseCaseInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    reason: t.string({ required: true, validate: reason }),
    expectedVersion: t.int(),
    force: t.boolean({ description: 'Close despite open crises or referrals in flight (needs forceReason)' }),
    forceReason: t.string({ validate: z.string().max(2000) }),
  }),
});

const caseErrors = [...commonErrors, InvalidTransitionError, RuleViolationError];

builder.mutationFields((t) => ({
  openCase: t.prismaField({
    type: 'Case',
    errors: { types: caseErrors },
    args: { input: t.arg({ type: OpenCaseInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await openCase(
        {
          ...input,
          clientId: input.clientId.id,
          teamId: input.teamId?.id,
          primaryCaseManagerId: input.primaryCaseManagerId?.id,
          status: input.status === 'REFERRED' ? 'REFERRED' : 'INTAKE',
        },
        ctx,
      );
      return prisma.case.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  assignCase: t.prismaField({
    type: 'Case',
    errors: { types: caseErrors },
    args: { input: t.arg({ type: AssignCaseInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await assignCase({ ...input, caseId: input.caseId.id, staffId: input.staffId.id }, ctx);
      return prisma.case.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  addCareTeamMember: t.prismaField({
    type: 'CareTeamMember',
    errors: { types: caseErrors },
    args: { input: t.arg({ type: AddCareTeamMemberInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await addCareTeamMember({ ...input, caseId: input.caseId.id, staffId: input.staffId.id }, ctx);
      return prisma.careTeamMember.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  removeCareTeamMember: t.prismaField({
    type: 'CareTeamMember',
    errors: { types: caseErrors },
    args: { input: t.arg({ type: RemoveCareTeamMemberInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await removeCareTeamMember({ ...input, careTeamMemberId: input.careTeamMemberId.id }, ctx);
      return prisma.careTeamMember.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  changeCaseStatus: t.prismaField({
    type: 'Case',
    errors: { types: caseErrors },
    args: { input: t.arg({ type: ChangeCaseStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await changeCaseStatus({ ...input, caseId: input.caseId.id }, ctx);
      return prisma.case.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  closeCase: t.prismaField({
    type: 'Case',
    errors: { types: caseErrors },
    args: { input: t.arg({ type: CloseCaseInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await closeCase({ ...input, caseId: input.caseId.id }, ctx);
      return prisma.case.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
