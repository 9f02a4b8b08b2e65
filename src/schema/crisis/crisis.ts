// Crises: emergencies of a client, their response clock and their action log.
import { z } from 'zod';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma, type Prisma } from '../../db.js';
import { InvalidTransitionError, RuleViolationError } from '../../errors.js';
import { acknowledgeCrisis, addCrisisAction, changeCrisisStatus, crisisWhere, raiseCrisis } from '../../services/crises.js';
import { crisisMachine } from '../../services/workflow/machines/crisis.js';
import { Case } from '../case/case.js';
import { Client } from '../client/client.js';
import { CrisisCategoryEnum, CrisisSeverityEnum, CrisisStatusEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Organization } from '../organization/organization.js';
import { viewerOf } from '../viewer.js';
import { page, totalOf } from '../connections.js';

export const CrisisEvent = builder.prismaNode('CrisisEvent', {
  id: { field: 'id' },
  select: { id: true, clientId: true },
  findUnique: (id, ctx) => ({ id, AND: [crisisWhere(viewerOf(ctx))] }),
  description: 'An emergency of a client, with its acknowledgement clock, response and action log.',
  fields: (t) => ({
    category: t.expose('category', { type: CrisisCategoryEnum }),
    severity: t.expose('severity', { type: CrisisSeverityEnum }),
    status: t.expose('status', { type: CrisisStatusEnum }),
    allowedStatusChanges: t.field({
      type: [CrisisStatusEnum],
      description: 'Statuses this crisis may move to next',
      select: { status: true },
      resolve: (crisis) => crisisMachine.allowedFrom(crisis.status),
    }),
    description: t.exposeString('description'),
    client: t.relation('client'),
    case: t.relation('case', { nullable: true }),
    organization: t.relation('organization'),
    reportedBy: t.relation('reportedBy'),
    reportedAt: t.expose('reportedAt', { type: 'DateTime' }),
    acknowledgedBy: t.relation('acknowledgedBy', { nullable: true }),
    acknowledgedAt: t.expose('acknowledgedAt', { type: 'DateTime', nullable: true }),
    timeToAcknowledgeSeconds: t.int({
      nullable: true,
      description: 'Seconds from report to acknowledgement (null while unacknowledged)',
      select: { acknowledgedAt: true, reportedAt: true },
      resolve: (crisis) =>
        crisis.acknowledgedAt ? Math.max(0, Math.round((crisis.acknowledgedAt.getTime() - crisis.reportedAt.getTime()) / 1000)) : null,
    }),
    escalationDueAt: t.expose('escalationDueAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When an unacknowledged HIGH (15 min) or CRITICAL (5 min) crisis is escalated to supervisors',
    }),
    escalatedAt: t.expose('escalatedAt', { type: 'DateTime', nullable: true }),
    escalationCount: t.exposeInt('escalationCount'),
    clinicalAssessment: t.exposeString('clinicalAssessment', { nullable: true }),
    responsePlan: t.exposeString('responsePlan', { nullable: true }),
    resolution: t.exposeString('resolution', { nullable: true }),
    resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
    actions: t.relation('actions', {
      description: 'What was done, by whom, when (status changes included), oldest first',
      query: { orderBy: [{ at: 'asc' }, { createdAt: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const CrisisAction = builder.prismaNode('CrisisAction', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, crisis: crisisWhere(viewerOf(ctx)) }),
  description: "An entry of a crisis's action log; a status change names fromStatus and toStatus.",
  fields: (t) => ({
    actor: t.relation('actor'),
    at: t.expose('at', { type: 'DateTime' }),
    action: t.exposeString('action'),
    fromStatus: t.expose('fromStatus', { type: CrisisStatusEnum, nullable: true }),
    toStatus: t.expose('toStatus', { type: CrisisStatusEnum, nullable: true }),
    crisis: t.relation('crisis'),
  }),
});

// The crises of a case (whoever may see the case may see them).
builder.prismaObjectField('Case', 'crises', (t) =>
  t.relation('crises', {
    args: { status: t.arg({ type: [CrisisStatusEnum], description: 'Only crises in any of these statuses' }) },
    query: (args) => ({
      where: args.status?.length ? { status: { in: args.status } } : {},
      orderBy: [{ reportedAt: 'desc' }, { id: 'asc' }],
    }),
  }),
);

// The crises of a client, those with a case and those without, as far as the viewer may see them.
builder.prismaObjectField('Client', 'crises', (t) =>
  t.relation('crises', {
    args: { status: t.arg({ type: [CrisisStatusEnum], description: 'Only crises in any of these statuses' }) },
    query: (args, ctx) => ({
      where: { AND: [crisisWhere(viewerOf(ctx)), args.status?.length ? { status: { in: args.status } } : {}] },
      orderBy: [{ reportedAt: 'desc' }, { id: 'asc' }],
    }),
  }),
);

const CrisisFilter = builder.inputType('CrisisFilter', {
  fields: (t) => ({
    status: t.field({ type: [CrisisStatusEnum], description: 'Any of these statuses' }),
    severity: t.field({ type: [CrisisSeverityEnum], description: 'Any of these severities' }),
    category: t.field({ type: [CrisisCategoryEnum], description: 'Any of these categories' }),
    organizationId: t.globalID({ for: Organization }),
    caseId: t.globalID({ for: Case }),
    clientId: t.globalID({ for: Client }),
    open: t.boolean({ description: 'Still going on: not RESOLVED or CLOSED (true), or over (false)' }),
  }),
});

function crisesWhere(filter: typeof CrisisFilter.$inferInput | null | undefined, ctx: Context): Prisma.CrisisEventWhereInput {
  const over = ['RESOLVED', 'CLOSED'] as const;
  return {
    AND: [
      crisisWhere(viewerOf(ctx), { organizationId: filter?.organizationId?.id }),
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.severity?.length ? { severity: { in: filter.severity } } : {},
      filter?.category?.length ? { category: { in: filter.category } } : {},
      filter?.organizationId ? { organizationId: filter.organizationId.id } : {},
      filter?.caseId ? { caseId: filter.caseId.id } : {},
      filter?.clientId ? { clientId: filter.clientId.id } : {},
      filter?.open === true ? { status: { notIn: [...over] } } : filter?.open === false ? { status: { in: [...over] } } : {},
    ],
  };
}

builder.queryFields((t) => ({
  crises: t.prismaConnection({
    type: 'CrisisEvent',
    cursor: 'id',
    args: { filter: t.arg({ type: CrisisFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.crisisEvent.count({ where: crisesWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.crisisEvent.findMany({
          ...query,
          where: crisesWhere(args.filter, ctx),
          orderBy: [{ reportedAt: 'desc' }, { id: 'asc' }],
        }),
      ),
  }),
}));

// ------------------------------------------------------------------ mutations

const text = (what: string, max: number) =>
  z.string().trim().min(3, `give ${what} of at least 3 characters`).max(max, `keep ${what} within ${max} characters`);
const expectedVersion = z.number().int().min(1, 'versions start at 1');

const RaiseCrisisInput = builder.inputType('RaiseCrisisInput', {
  fields: (t) => ({
    clientId: t.globalID({ for: Client, required: true }),
    caseId: t.globalID({ for: Case, description: "A case of the client; the crisis belongs to the case's organization (else yours)" }),
    category: t.field({ type: CrisisCategoryEnum, required: true }),
    severity: t.field({ type: CrisisSeverityEnum, required: true, description: 'HIGH and CRITICAL raise the client\'s risk level and start the acknowledgement clock' }),
    description: t.string({ required: true, validate: text('a description', 5000) }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the crisis is raised once', validate: z.string().min(1).max(200) }),
  }),
});

const AcknowledgeCrisisInput = builder.inputType('AcknowledgeCrisisInput', {
  fields: (t) => ({
    crisisId: t.globalID({ for: CrisisEvent, required: true }),
    note: t.string({ description: 'Kept in the action log', validate: z.string().trim().max(2000, 'keep the note within 2000 characters') }),
    expectedVersion: t.int({ validate: expectedVersion }),
  }),
});

const AddCrisisActionInput = builder.inputType('AddCrisisActionInput', {
  fields: (t) => ({
    crisisId: t.globalID({ for: CrisisEvent, required: true }),
    action: t.string({ required: true, description: 'What was done', validate: text('the action', 2000) }),
  }),
});

const ChangeCrisisStatusInput = builder.inputType('ChangeCrisisStatusInput', {
  fields: (t) => ({
    crisisId: t.globalID({ for: CrisisEvent, required: true }),
    status: t.field({ type: CrisisStatusEnum, required: true }),
    note: t.string({ description: 'Kept in the action log', validate: z.string().trim().max(2000, 'keep the note within 2000 characters') }),
    clinicalAssessment: t.string({ description: 'Required to resolve (unless recorded before)', validate: text('the clinical assessment', 10_000) }),
    responsePlan: t.string({ description: 'Required to resolve (unless recorded before)', validate: text('the response plan', 10_000) }),
    resolution: t.string({ description: 'Required when moving to RESOLVED', validate: text('the resolution', 5000) }),
    expectedVersion: t.int({ validate: expectedVersion }),
  }),
});

const crisisErrors = [...commonErrors, InvalidTransitionError, RuleViolationError];

builder.mutationFields((t) => ({
  raiseCrisis: t.prismaField({
    type: 'CrisisEvent',
    description: 'Raises a crisis for a client (optionally on one of their cases); it goes out on the crisis feeds at once',
    errors: { types: crisisErrors },
    args: { input: t.arg({ type: RaiseCrisisInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await raiseCrisis({ ...input, clientId: input.clientId.id, caseId: input.caseId?.id }, ctx);
      return prisma.crisisEvent.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  acknowledgeCrisis: t.prismaField({
    type: 'CrisisEvent',
    description: 'OPEN -> ACKNOWLEDGED: records who and when, and stops the escalation clock',
    errors: { types: crisisErrors },
    args: { input: t.arg({ type: AcknowledgeCrisisInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await acknowledgeCrisis({ ...input, crisisId: input.crisisId.id }, ctx);
      return prisma.crisisEvent.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  addCrisisAction: t.prismaField({
    type: 'CrisisEvent',
    description: "Adds a free-text entry to the crisis's action log",
    errors: { types: crisisErrors },
    args: { input: t.arg({ type: AddCrisisActionInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await addCrisisAction({ ...input, crisisId: input.crisisId.id }, ctx);
      return prisma.crisisEvent.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  changeCrisisStatus: t.prismaField({
    type: 'CrisisEvent',
    description: 'Moves a crisis along its workflow (see allowedStatusChanges); every move is logged as an action',
    errors: { types: crisisErrors },
    args: { input: t.arg({ type: ChangeCrisisStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await changeCrisisStatus({ ...input, crisisId: input.crisisId.id }, ctx);
      return prisma.crisisEvent.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
