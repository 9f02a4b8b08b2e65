// Assessments and need scores. Access follows the case: its care team, supervisors of its
// organization and break-glass holders. Rules live in src/services/assessments.ts.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { caseWhere } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { RuleViolationError } from '../../errors.js';
import type { NeedDomain } from '../../generated/prisma/enums.js';
import { markAssessmentEnteredInError, MAX_NEED_SEVERITY, recordAssessment } from '../../services/assessments.js';
import { Case } from '../case/case.js';
import { clientMutationIdText, notInFuture, reasonText, shortText } from '../client/client-mutations.js';
import { AssessmentSourceEnum, AssessmentTypeEnum, NeedDomainEnum, RiskLevelEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { viewerOf } from '../viewer.js';

export const Assessment = builder.prismaNode('Assessment', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, case: caseWhere(viewerOf(ctx)) }),
  description: "A structured review of a client's needs and risk, on a case.",
  fields: (t) => ({
    type: t.expose('type', { type: AssessmentTypeEnum }),
    performedAt: t.expose('performedAt', { type: 'DateTime' }),
    performedBy: t.relation('performedBy'),
    sources: t.expose('sources', { type: [AssessmentSourceEnum], description: 'What was reviewed' }),
    riskLevel: t.expose('riskLevel', { type: RiskLevelEnum }),
    summary: t.exposeString('summary', { nullable: true }),
    enteredInError: t.exposeBoolean('enteredInError', { description: 'Recorded by mistake: kept, but no longer counts' }),
    needScores: t.relation('needScores', { query: { orderBy: { domain: 'asc' } } }),
    case: t.relation('case'),
    client: t.relation('client'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const NeedScore = builder.prismaNode('NeedScore', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, assessment: { case: caseWhere(viewerOf(ctx)) } }),
  description: 'How great a need is in one domain: 0 (no need) to 4 (critical).',
  fields: (t) => ({
    domain: t.expose('domain', { type: NeedDomainEnum }),
    severity: t.exposeInt('severity'),
    note: t.exposeString('note', { nullable: true }),
    assessment: t.relation('assessment'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

const ORDER: Prisma.AssessmentOrderByWithRelationInput[] = [{ performedAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }];

builder.prismaObjectField('Case', 'assessments', (t) =>
  t.relation('assessments', {
    description: 'Latest first',
    args: { includeEnteredInError: t.arg.boolean({ defaultValue: false }) },
    query: (args) => ({ where: args.includeEnteredInError ? {} : { enteredInError: false }, orderBy: ORDER }),
  }),
);

function visibleAssessments(ctx: Context, includeEnteredInError = false): Prisma.AssessmentWhereInput {
  return { case: caseWhere(viewerOf(ctx)), ...(includeEnteredInError ? {} : { enteredInError: false }) };
}

builder.prismaObjectField('Client', 'assessments', (t) =>
  t.relation('assessments', {
    description: 'Assessments on the cases you may see, latest first',
    args: { includeEnteredInError: t.arg.boolean({ defaultValue: false }) },
    query: (args, ctx) => ({ where: visibleAssessments(ctx, !!args.includeEnteredInError), orderBy: ORDER }),
  }),
);

builder.prismaObjectFields('Client', (t) => ({
  currentNeeds: t.field({
    type: [NeedScore],
    description:
      "The client's current need in each scored domain: the score from the latest assessment (not entered in error, on a case you may see) that scored it. Ordered by severity, highest first.",
    select: (_args, ctx, nestedSelection) => ({
      assessments: {
        where: visibleAssessments(ctx),
        orderBy: ORDER,
        select: { needScores: nestedSelection(true) },
      },
    }),
    resolve: (client) => {
      const seen = new Set<NeedDomain>();
      const current = [];
      for (const assessment of client.assessments) {
        for (const score of assessment.needScores) {
          if (seen.has(score.domain)) continue;
          seen.add(score.domain);
          current.push(score);
        }
      }
      return current.sort((a, b) => b.severity - a.severity || a.domain.localeCompare(b.domain));
    },
  }),
}));

// ------------------------------------------------------------------ mutations

const NeedScoreInput = builder.inputType('NeedScoreInput', {
  fields: (t) => ({
    domain: t.field({ type: NeedDomainEnum, required: true }),
    severity: t.int({
      required: true,
      description: '0 (no need) to 4 (critical)',
      validate: z.number().int().min(0, 'must be 0 to 4').max(MAX_NEED_SEVERITY, 'must be 0 to 4'),
    }),
    note: t.string({ validate: shortText(2000) }),
  }),
});

const RecordAssessmentInput = builder.inputType('RecordAssessmentInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    type: t.field({ type: AssessmentTypeEnum, required: true }),
    performedAt: t.field({ type: 'DateTime', required: true, description: 'Not in the future, not before the case opened', validate: notInFuture }),
    sources: t.field({
      type: [AssessmentSourceEnum],
      required: true,
      description: 'What was reviewed: records, client interview, family, provider...',
      validate: z.array(z.string()).min(1, 'name at least one source'),
    }),
    needScores: t.field({
      type: [NeedScoreInput],
      description: 'At most one score per domain',
      validate: z
        .array(z.custom<{ domain: NeedDomain }>())
        .max(12, 'at most one score per domain')
        .refine((scores) => new Set(scores.map((s) => s.domain)).size === scores.length, 'score each domain at most once'),
    }),
    riskLevel: t.field({ type: RiskLevelEnum, required: true, description: 'Overall risk found' }),
    summary: t.string({ validate: shortText(10_000) }),
    clientMutationId: t.string({ validate: clientMutationIdText }),
  }),
});

const MarkAssessmentEnteredInErrorInput = builder.inputType('MarkAssessmentEnteredInErrorInput', {
  fields: (t) => ({
    assessmentId: t.globalID({ for: Assessment, required: true }),
    reason: t.string({ required: true, validate: reasonText }),
    expectedVersion: t.int(),
  }),
});

builder.mutationFields((t) => ({
  recordAssessment: t.prismaField({
    type: 'Assessment',
    description: "Records an assessment on a case and updates the client's risk level.",
    errors: { types: [...commonErrors, RuleViolationError] },
    args: { input: t.arg({ type: RecordAssessmentInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await recordAssessment({ ...input, caseId: input.caseId.id }, ctx);
      return prisma.assessment.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  markAssessmentEnteredInError: t.prismaField({
    type: 'Assessment',
    description: "Flags an assessment recorded by mistake (its author or a supervisor); the client's risk level is derived again.",
    errors: { types: [...commonErrors, RuleViolationError] },
    args: { input: t.arg({ type: MarkAssessmentEnteredInErrorInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await markAssessmentEnteredInError({ ...input, assessmentId: input.assessmentId.id }, ctx);
      return prisma.assessment.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
