// Referrals (FHIR ServiceRequest + Task, closed loop) and their status history.
import { z } from 'zod';
import { builder } from '../../builder.js';
import type { Context } from '../../context.js';
import { prisma, type Prisma } from '../../db.js';
import { ConsentRequiredError, InvalidTransitionError, RuleViolationError, ValidationError } from '../../errors.js';
import { createReferral, referralWhere, sendReferral, updateReferralStatus } from '../../services/referrals.js';
import { referralMachine } from '../../services/workflow/machines/referral.js';
import { Case } from '../case/case.js';
import { Client } from '../client/client.js';
import { ConsentCategoryEnum, ProviderKindEnum, ReferralStatusEnum, ReferralUrgencyEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Provider } from '../provider/provider.js';
import { viewerOf } from '../viewer.js';
import { filterTime } from '../../clock.js';
import { page, totalOf } from '../connections.js';

const money = (value: Prisma.Decimal | null) => (value === null ? null : Number(value));

export const Referral = builder.prismaNode('Referral', {
  id: { field: 'id' },
  select: { id: true, clientId: true },
  findUnique: (id, ctx) => ({ id, AND: [referralWhere(viewerOf(ctx))] }),
  description: "A referral of a case's client to a provider's service (FHIR ServiceRequest + Task): a closed loop.",
  fields: (t) => ({
    case: t.relation('case'),
    client: t.relation('client'),
    provider: t.relation('provider'),
    service: t.relation('service', { nullable: true }),
    createdBy: t.relation('createdBy'),
    reason: t.exposeString('reason'),
    urgency: t.expose('urgency', { type: ReferralUrgencyEnum }),
    status: t.expose('status', { type: ReferralStatusEnum }),
    allowedStatusChanges: t.field({
      type: [ReferralStatusEnum],
      description: 'Statuses this referral may move to next',
      select: { status: true },
      resolve: (referral) => referralMachine.allowedFrom(referral.status),
    }),
    sentAt: t.expose('sentAt', { type: 'DateTime', nullable: true }),
    expectedResponseBy: t.expose('expectedResponseBy', {
      type: 'DateTime',
      nullable: true,
      description: 'When the provider should have answered: sentAt + 4 hours (STAT), 1 day (ASAP), 3 days (URGENT), 10 days (ROUTINE)',
    }),
    responseOverdue: t.boolean({
      description: 'SENT and still unanswered past expectedResponseBy',
      select: { status: true, expectedResponseBy: true },
      resolve: (referral) => referral.status === 'SENT' && referral.expectedResponseBy !== null && referral.expectedResponseBy < new Date(),
    }),
    acceptedAt: t.expose('acceptedAt', { type: 'DateTime', nullable: true }),
    declinedAt: t.expose('declinedAt', { type: 'DateTime', nullable: true }),
    appointmentAt: t.expose('appointmentAt', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    estimatedCost: t.float({ nullable: true, select: { estimatedCost: true }, resolve: (referral) => money(referral.estimatedCost) }),
    advocacyNotes: t.exposeString('advocacyNotes', { nullable: true }),
    outcomeNote: t.exposeString('outcomeNote', { nullable: true }),
    sharedCategories: t.expose('sharedCategories', {
      type: [ConsentCategoryEnum],
      description: 'Categories of information this referral shares with the provider (all but GENERAL need consent to send)',
    }),
    events: t.relation('events', {
      description: 'Status history, oldest first: creation (no fromStatus) and every change',
      query: { orderBy: [{ at: 'asc' }, { createdAt: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const ReferralEvent = builder.prismaNode('ReferralEvent', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, referral: referralWhere(viewerOf(ctx)) }),
  description: 'One step of a referral: who moved it from which status to which, when, and why.',
  fields: (t) => ({
    actor: t.relation('actor', { nullable: true }),
    at: t.expose('at', { type: 'DateTime' }),
    fromStatus: t.expose('fromStatus', { type: ReferralStatusEnum, nullable: true, description: 'null for the creation of the referral' }),
    toStatus: t.expose('toStatus', { type: ReferralStatusEnum }),
    note: t.exposeString('note', { nullable: true }),
    referral: t.relation('referral'),
  }),
});

// The referrals of a case (whoever may see the case sees them all).
builder.prismaObjectField('Case', 'referrals', (t) =>
  t.relation('referrals', {
    args: { status: t.arg({ type: [ReferralStatusEnum], description: 'Only referrals in any of these statuses' }) },
    query: (args) => ({
      where: args.status?.length ? { status: { in: args.status } } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    }),
  }),
);

// A provider's referrals, as far as the viewer may see them (through their cases).
builder.prismaObjectField('Provider', 'referrals', (t) =>
  t.relatedConnection('referrals', {
    cursor: 'id',
    totalCount: true,
    description: 'Referrals to this provider on cases you may see, latest first',
    args: { status: t.arg({ type: [ReferralStatusEnum], description: 'Only referrals in any of these statuses' }) },
    query: (args, ctx) => ({
      where: { AND: [referralWhere(viewerOf(ctx)), args.status?.length ? { status: { in: args.status } } : {}] },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    }),
  }),
);

const ReferralFilter = builder.inputType('ReferralFilter', {
  fields: (t) => ({
    status: t.field({ type: [ReferralStatusEnum], description: 'Any of these statuses' }),
    providerId: t.globalID({ for: Provider }),
    urgency: t.field({ type: [ReferralUrgencyEnum], description: 'Any of these urgencies' }),
    serviceType: t.field({ type: ProviderKindEnum, description: "The service's type (the provider's kind when no service is named)" }),
    caseId: t.globalID({ for: Case }),
    clientId: t.globalID({ for: Client }),
    responseOverdue: t.boolean({ description: 'SENT and unanswered past expectedResponseBy (true), or not (false)' }),
  }),
});

function referralsWhere(filter: typeof ReferralFilter.$inferInput | null | undefined, ctx: Context): Prisma.ReferralWhereInput {
  const now = filterTime();
  const overdue: Prisma.ReferralWhereInput = { status: 'SENT', expectedResponseBy: { lt: now } };
  return {
    AND: [
      referralWhere(viewerOf(ctx)),
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.providerId ? { providerId: filter.providerId.id } : {},
      filter?.urgency?.length ? { urgency: { in: filter.urgency } } : {},
      filter?.serviceType
        ? { OR: [{ service: { serviceType: filter.serviceType } }, { serviceId: null, provider: { kind: filter.serviceType } }] }
        : {},
      filter?.caseId ? { caseId: filter.caseId.id } : {},
      filter?.clientId ? { clientId: filter.clientId.id } : {},
      filter?.responseOverdue === true ? overdue : filter?.responseOverdue === false ? { NOT: overdue } : {},
    ],
  };
}

builder.queryFields((t) => ({
  referrals: t.prismaConnection({
    type: 'Referral',
    cursor: 'id',
    args: { filter: t.arg({ type: ReferralFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.referral.count({ where: referralsWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.referral.findMany({
          ...query,
          where: referralsWhere(args.filter, ctx),
          orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        }),
      ),
  }),
}));

// ------------------------------------------------------------------ mutations

const DAY_MS = 24 * 60 * 60 * 1000;
const note = z.string().trim().max(2000, 'keep the note within 2000 characters');
const expectedVersion = z.number().int().min(1, 'versions start at 1');

/** A global id of a type this module does not own a ref for: the type is checked here. */
function idOf(globalId: { typename: string; id: string } | null | undefined, typename: string, field: string): string | undefined {
  if (!globalId) return undefined;
  if (globalId.typename !== typename) throw new ValidationError(`This is not the id of a ${typename}`, field);
  return globalId.id;
}

const CreateReferralInput = builder.inputType('CreateReferralInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    providerId: t.globalID({ for: Provider, required: true }),
    serviceId: t.globalID({ description: 'A ProviderService of that provider' }),
    reason: t.string({
      required: true,
      validate: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000, 'keep the reason within 2000 characters'),
    }),
    urgency: t.field({ type: ReferralUrgencyEnum, defaultValue: 'ROUTINE' }),
    sharedCategories: t.field({
      type: [ConsentCategoryEnum],
      description: 'Information shared with the provider; each category but GENERAL needs the client\'s active consent to send',
      validate: z.array(z.string()).max(7).refine((list) => new Set(list).size === list.length, 'list each category once'),
    }),
    estimatedCost: t.float({
      description: "Defaults to the service's cost per unit",
      validate: z.number().min(0, 'cannot be negative').max(10_000_000, 'cannot exceed 10,000,000'),
    }),
    advocacyNotes: t.string({ validate: z.string().trim().max(5000, 'keep the notes within 5000 characters') }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the referral is created once', validate: z.string().min(1).max(200) }),
  }),
});

const SendReferralInput = builder.inputType('SendReferralInput', {
  fields: (t) => ({
    referralId: t.globalID({ for: Referral, required: true }),
    note: t.string({ validate: note }),
    expectedVersion: t.int({ validate: expectedVersion }),
  }),
});

const UpdateReferralStatusInput = builder.inputType('UpdateReferralStatusInput', {
  fields: (t) => ({
    referralId: t.globalID({ for: Referral, required: true }),
    status: t.field({ type: ReferralStatusEnum, required: true }),
    note: t.string({ description: 'Why; kept in the referral history', validate: note }),
    appointmentAt: t.field({
      type: 'DateTime',
      description: 'Required when moving to SCHEDULED',
      validate: z
        .date()
        .refine((date) => date.getTime() >= Date.now() - 30 * DAY_MS, 'cannot be more than 30 days in the past')
        .refine((date) => date.getTime() <= Date.now() + 2 * 366 * DAY_MS, 'cannot be more than 2 years ahead'),
    }),
    outcomeNote: t.string({ description: 'What came of the referral', validate: z.string().trim().max(5000, 'keep the note within 5000 characters') }),
    expectedVersion: t.int({ validate: expectedVersion }),
  }),
});

const referralErrors = [...commonErrors, InvalidTransitionError, RuleViolationError, ConsentRequiredError];

builder.mutationFields((t) => ({
  createReferral: t.prismaField({
    type: 'Referral',
    description: 'Drafts a referral (DRAFT) of the case to a provider and, optionally, one of its services',
    errors: { types: referralErrors },
    args: { input: t.arg({ type: CreateReferralInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await createReferral(
        {
          ...input,
          caseId: input.caseId.id,
          providerId: input.providerId.id,
          serviceId: idOf(input.serviceId, 'ProviderService', 'serviceId'),
        },
        ctx,
      );
      return prisma.referral.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  sendReferral: t.prismaField({
    type: 'Referral',
    description: 'DRAFT -> SENT: checks consent for what it shares and starts the response clock',
    errors: { types: referralErrors },
    args: { input: t.arg({ type: SendReferralInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await sendReferral({ ...input, referralId: input.referralId.id }, ctx);
      return prisma.referral.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateReferralStatus: t.prismaField({
    type: 'Referral',
    description: 'Moves a referral along its workflow (see allowedStatusChanges); every move is kept in its events',
    errors: { types: referralErrors },
    args: { input: t.arg({ type: UpdateReferralStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await updateReferralStatus({ ...input, referralId: input.referralId.id }, ctx);
      return prisma.referral.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
