// Supervisor approvals and case transfers.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { caseWhere, isSupervisor } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { ConsentRequiredError, RuleViolationError } from '../../errors.js';
import { decideApproval, requestApproval } from '../../services/approvals.js';
import { acceptCaseTransfer, proposeCaseTransfer, rejectCaseTransfer } from '../../services/transfers.js';
import { Case } from '../case/case.js';
import { ApprovalStatusEnum, ApprovalSubjectEnum, CaseTransferStatusEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Organization } from '../organization/organization.js';
import { StaffMember } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';

/** Supervisors see their organization's approvals; others the ones they requested or on their cases. */
function approvalWhere(ctx: Context): Prisma.ApprovalWhereInput {
  const viewer = viewerOf(ctx);
  const or: Prisma.ApprovalWhereInput[] = [{ requestedById: viewer.id }, { case: caseWhere(viewer) }];
  if (isSupervisor(viewer)) or.push({ organizationId: viewer.organizationId });
  return { OR: or };
}

export const Approval = builder.prismaNode('Approval', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [approvalWhere(ctx)] }),
  description: "A supervisor's sign-off where the organization requires one.",
  fields: (t) => ({
    subject: t.expose('subject', { type: ApprovalSubjectEnum }),
    subjectId: t.exposeString('subjectId', { description: 'Database id of the plan, case, transfer, assessment or grant' }),
    status: t.expose('status', { type: ApprovalStatusEnum }),
    comment: t.exposeString('comment', { nullable: true }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    requestedBy: t.relation('requestedBy'),
    decidedBy: t.relation('decidedBy', { nullable: true }),
    organization: t.relation('organization'),
    case: t.relation('case', { nullable: true }),
    version: t.exposeInt('version'),
  }),
});

export const CaseTransfer = builder.prismaNode('CaseTransfer', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({
    id,
    OR: [{ case: caseWhere(viewerOf(ctx)) }, { toStaffId: viewerOf(ctx).id }, { toOrganizationId: viewerOf(ctx).organizationId }],
  }),
  description: 'Hand-off of a case to another case manager or organization.',
  fields: (t) => ({
    status: t.expose('status', { type: CaseTransferStatusEnum }),
    reason: t.exposeString('reason'),
    consentChecked: t.exposeBoolean('consentChecked'),
    proposedAt: t.expose('proposedAt', { type: 'DateTime' }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    fromStaff: t.relation('fromStaff', { nullable: true }),
    toStaff: t.relation('toStaff', { nullable: true }),
    fromOrganization: t.relation('fromOrganization'),
    toOrganization: t.relation('toOrganization', { nullable: true }),
    proposedBy: t.relation('proposedBy'),
    decidedBy: t.relation('decidedBy', { nullable: true }),
    version: t.exposeInt('version'),
  }),
});

builder.prismaObjectField('Case', 'transfers', (t) => t.relation('transfers', { query: { orderBy: { proposedAt: 'desc' } } }));
builder.prismaObjectField('Case', 'approvals', (t) => t.relation('approvals', { query: { orderBy: { requestedAt: 'desc' } } }));

const ApprovalFilter = builder.inputType('ApprovalFilter', {
  fields: (t) => ({
    status: t.field({ type: ApprovalStatusEnum }),
    subject: t.field({ type: ApprovalSubjectEnum }),
  }),
});

builder.queryField('approvals', (t) =>
  t.prismaConnection({
    type: 'Approval',
    cursor: 'id',
    description: 'Approvals you requested, on your cases, or (supervisors) of your organization',
    args: { filter: t.arg({ type: ApprovalFilter }) },
    resolve: (query, _root, args, ctx) =>
      prisma.approval.findMany({
        ...query,
        where: { AND: [approvalWhere(ctx), { status: args.filter?.status ?? undefined, subject: args.filter?.subject ?? undefined }] },
        orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
      }),
  }),
);

const RequestApprovalInput = builder.inputType('RequestApprovalInput', {
  fields: (t) => ({
    subject: t.field({ type: ApprovalSubjectEnum, required: true }),
    subjectId: t.globalID({ required: true, description: 'The id of the case, care plan, assessment or transfer' }),
    comment: t.string({ validate: z.string().max(2000) }),
  }),
});

const ApprovalDecision = builder.enumType('ApprovalDecision', {
  description: 'APPROVED or REJECTED by a supervisor; WITHDRAWN by the requester',
  values: ['APPROVED', 'REJECTED', 'WITHDRAWN'] as const,
});

const DecideApprovalInput = builder.inputType('DecideApprovalInput', {
  fields: (t) => ({
    approvalId: t.globalID({ for: Approval, required: true }),
    decision: t.field({ type: ApprovalDecision, required: true }),
    comment: t.string({ validate: z.string().max(2000) }),
    expectedVersion: t.int(),
  }),
});

const ProposeCaseTransferInput = builder.inputType('ProposeCaseTransferInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    toStaffId: t.globalID({ for: StaffMember }),
    toOrganizationId: t.globalID({ for: Organization }),
    reason: t.string({ required: true, validate: z.string().trim().min(3).max(2000) }),
  }),
});

const DecideCaseTransferInput = builder.inputType('DecideCaseTransferInput', {
  fields: (t) => ({
    transferId: t.globalID({ for: CaseTransfer, required: true }),
    reason: t.string({ validate: z.string().max(2000) }),
  }),
});

const errors = [...commonErrors, RuleViolationError, ConsentRequiredError];

builder.mutationFields((t) => ({
  requestApproval: t.prismaField({
    type: 'Approval',
    errors: { types: errors },
    args: { input: t.arg({ type: RequestApprovalInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await requestApproval({ ...input, subjectId: input.subjectId.id }, ctx);
      return prisma.approval.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  decideApproval: t.prismaField({
    type: 'Approval',
    errors: { types: errors },
    args: { input: t.arg({ type: DecideApprovalInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await decideApproval({ ...input, approvalId: input.approvalId.id }, ctx);
      return prisma.approval.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  proposeCaseTransfer: t.prismaField({
    type: 'CaseTransfer',
    errors: { types: errors },
    args: { input: t.arg({ type: ProposeCaseTransferInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await proposeCaseTransfer(
        { ...input, caseId: input.caseId.id, toStaffId: input.toStaffId?.id, toOrganizationId: input.toOrganizationId?.id },
        ctx,
      );
      return prisma.caseTransfer.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  acceptCaseTransfer: t.prismaField({
    type: 'CaseTransfer',
    errors: { types: errors },
    args: { input: t.arg({ type: DecideCaseTransferInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await acceptCaseTransfer({ transferId: input.transferId.id, reason: input.reason }, ctx);
      return prisma.caseTransfer.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  rejectCaseTransfer: t.prismaField({
    type: 'CaseTransfer',
    errors: { types: errors },
    args: { input: t.arg({ type: DecideCaseTransferInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await rejectCaseTransfer({ transferId: input.transferId.id, reason: input.reason }, ctx);
      return prisma.caseTransfer.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
