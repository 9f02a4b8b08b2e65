// Interactions (FHIR Encounter / Communication): contacts and notes on a case.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { RuleViolationError, ValidationError } from '../../errors.js';
import {
  CLOCK_SKEW_MS,
  interactionWhere,
  markInteractionEnteredInError,
  MAX_DURATION_MINUTES,
  recordInteraction,
  restrictedSummaryAccess,
  summaryAccessSelect,
} from '../../services/interactions.js';
import { Case } from '../case/case.js';
import { RelatedPerson } from '../client/client.js';
import { ConsentCategoryEnum, InteractionTypeEnum, SensitivityEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Provider } from '../provider/provider.js';
import { StaffMember } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';
import { ForbiddenError } from '../../errors.js';
import { filterTime } from '../../clock.js';

/**
 * One clock per request for the summary decision's selection: Pothos computes a field's
 * selection when it loads the parent and again when it resolves the field, and compares the
 * two (Dates by value); a fresh `new Date()` each time would differ across a millisecond
 * boundary and make it reload every interaction one by one.
 */
const requestClock = new WeakMap<object, Date>();
function requestTime(ctx: object): Date {
  let now = requestClock.get(ctx);
  if (!now) requestClock.set(ctx, (now = filterTime()));
  return now;
}

export const Interaction = builder.prismaNode('Interaction', {
  id: { field: 'id' },
  select: { id: true, clientId: true },
  findUnique: (id, ctx) => ({ id, AND: [interactionWhere(viewerOf(ctx))] }),
  description: 'A contact or a note on a case (FHIR Encounter / Communication): visit, call, session, meeting...',
  fields: (t) => ({
    type: t.expose('type', { type: InteractionTypeEnum }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime' }),
    durationMinutes: t.exposeInt('durationMinutes', { nullable: true }),
    staff: t.relation('staff', { description: 'Who recorded it (and took part)' }),
    participants: t.relation('participants', {
      description: 'Others who took part: related persons, providers, staff',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    summary: t.string({
      nullable: true,
      description: 'null, with a FORBIDDEN error naming the reason, when the viewer may not read a RESTRICTED summary',
      select: (_args, ctx) => ({ summary: true, ...summaryAccessSelect(viewerOf(ctx), requestTime(ctx)) }),
      resolve: (interaction, _args, ctx) => {
        const access = restrictedSummaryAccess(viewerOf(ctx), interaction);
        // Thrown, not returned: the rest of the query still answers, the error list says why.
        if (!access.visible) throw new ForbiddenError(access.reason);
        return interaction.summary;
      },
    }),
    summaryWithheldReason: t.string({
      nullable: true,
      description: 'Why the summary is withheld from you, if it is',
      select: (_args, ctx) => summaryAccessSelect(viewerOf(ctx), requestTime(ctx)),
      resolve: (interaction, _args, ctx) => restrictedSummaryAccess(viewerOf(ctx), interaction).reason,
    }),
    goals: t.relation('goals', {
      description: 'Goals of the case\'s care plans this interaction worked toward',
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    sensitivity: t.expose('sensitivity', { type: SensitivityEnum }),
    sensitiveCategory: t.expose('sensitiveCategory', { type: ConsentCategoryEnum, nullable: true }),
    enteredInError: t.exposeBoolean('enteredInError'),
    case: t.relation('case'),
    client: t.relation('client'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

builder.prismaObject('InteractionParticipant', {
  description: 'Someone other than the recording staff member who took part: exactly one of relatedPerson, provider, staff.',
  fields: (t) => ({
    id: t.exposeID('id'),
    relatedPerson: t.relation('relatedPerson', { nullable: true }),
    provider: t.relation('provider', { nullable: true }),
    staff: t.relation('staff', { nullable: true }),
    role: t.exposeString('role', { nullable: true, description: 'e.g. "interpreter", "mother", "GP"' }),
  }),
});

// The contacts of a case, newest first.
builder.prismaObjectField('Case', 'interactions', (t) =>
  t.relatedConnection('interactions', {
    cursor: 'id',
    totalCount: true,
    description: 'Contacts and notes, newest first',
    args: {
      type: t.arg({ type: [InteractionTypeEnum], description: 'Only interactions of any of these types' }),
      includeEnteredInError: t.arg.boolean({ defaultValue: false }),
    },
    query: (args) => ({
      where: {
        ...(args.includeEnteredInError ? {} : { enteredInError: false }),
        ...(args.type?.length ? { type: { in: args.type } } : {}),
      },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
    }),
  }),
);

// ------------------------------------------------------------------ mutations

const ParticipantInput = builder.inputType('InteractionParticipantInput', {
  description: 'Exactly one of relatedPersonId, providerId and staffId',
  fields: (t) => ({
    relatedPersonId: t.globalID({ for: RelatedPerson, description: 'A related person of the client' }),
    providerId: t.globalID({ for: Provider }),
    staffId: t.globalID({ for: StaffMember, description: "A colleague of the case's organization or on its care team" }),
    role: t.string({ validate: z.string().trim().max(100, 'keep the role within 100 characters') }),
  }),
  validate: z
    .object({ relatedPersonId: z.unknown().optional(), providerId: z.unknown().optional(), staffId: z.unknown().optional(), role: z.unknown().optional() })
    .refine((p) => [p.relatedPersonId, p.providerId, p.staffId].filter((id) => id != null).length === 1, {
      message: 'name exactly one of relatedPersonId, providerId or staffId',
    }),
});

const RecordInteractionInput = builder.inputType('RecordInteractionInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    type: t.field({ type: InteractionTypeEnum, required: true }),
    occurredAt: t.field({
      type: 'DateTime',
      required: true,
      description: 'Not in the future, not before the case was opened',
      validate: z.date().refine((date) => date.getTime() <= Date.now() + CLOCK_SKEW_MS, 'cannot be in the future'),
    }),
    durationMinutes: t.int({
      validate: z.number().int().min(0, `must be between 0 and ${MAX_DURATION_MINUTES}`).max(MAX_DURATION_MINUTES, `must be between 0 and ${MAX_DURATION_MINUTES}`),
    }),
    summary: t.string({
      required: true,
      validate: z.string().trim().min(3, 'give a summary of at least 3 characters').max(10_000, 'keep the summary within 10000 characters'),
    }),
    sensitivity: t.field({ type: SensitivityEnum, defaultValue: 'NORMAL' }),
    sensitiveCategory: t.field({
      type: ConsentCategoryEnum,
      description: 'Required for RESTRICTED: which kind of restricted information the note holds (not GENERAL)',
    }),
    participants: t.field({ type: [ParticipantInput], validate: z.array(z.unknown()).max(50, 'at most 50 participants') }),
    goalIds: t.globalIDList({ description: "Goals of the case's care plans (Goal ids)", validate: z.array(z.unknown()).max(50, 'at most 50 goals') }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the interaction is recorded once', validate: z.string().min(1).max(200) }),
  }),
});

const MarkInteractionEnteredInErrorInput = builder.inputType('MarkInteractionEnteredInErrorInput', {
  fields: (t) => ({
    interactionId: t.globalID({ for: Interaction, required: true }),
    reason: t.string({
      required: true,
      validate: z.string().trim().min(3, 'give a reason of at least 3 characters').max(2000, 'keep the reason within 2000 characters'),
    }),
    expectedVersion: t.int({ validate: z.number().int().min(1, 'versions start at 1') }),
  }),
});

/** Goal ids are global ids of a type another module owns: their type is checked here. */
function goalIdsOf(globalIds: readonly { typename: string; id: string }[] | null | undefined): string[] {
  return (globalIds ?? []).map((globalId) => {
    if (globalId.typename !== 'Goal') throw new ValidationError('This is not the id of a Goal', 'goalIds');
    return globalId.id;
  });
}

const interactionErrors = [...commonErrors, RuleViolationError];

builder.mutationFields((t) => ({
  recordInteraction: t.prismaField({
    type: 'Interaction',
    description: "Records a contact or note on a case and moves the case's lastContactAt",
    errors: { types: interactionErrors },
    args: { input: t.arg({ type: RecordInteractionInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await recordInteraction(
        {
          ...input,
          caseId: input.caseId.id,
          participants: input.participants?.map((p) => ({
            relatedPersonId: p.relatedPersonId?.id,
            providerId: p.providerId?.id,
            staffId: p.staffId?.id,
            role: p.role,
          })),
          goalIds: goalIdsOf(input.goalIds),
        },
        ctx,
      );
      return prisma.interaction.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  markInteractionEnteredInError: t.prismaField({
    type: 'Interaction',
    description: "Marks a record that should never have existed; the case's lastContactAt falls back to the latest valid one",
    errors: { types: interactionErrors },
    args: { input: t.arg({ type: MarkInteractionEnteredInErrorInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await markInteractionEnteredInError({ ...input, interactionId: input.interactionId.id }, ctx);
      return prisma.interaction.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
