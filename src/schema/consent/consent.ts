// Consents to share a category of information with an organization, a provider or a related
// person. Visible to whoever may see the client's record. Rules in src/services/consents.ts.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { clientWhere } from '../../auth/access.js';
import { RuleViolationError } from '../../errors.js';
import { activeConsentWhere, effectiveConsentStatus, recordConsent, revokeConsent } from '../../services/consents.js';
import { Client, RelatedPerson } from '../client/client.js';
import { clientMutationIdText, reasonText, shortText } from '../client/client-mutations.js';
import { ConsentCategoryEnum, ConsentStatusEnum } from '../enums.js';
import { commonErrors } from '../errors.js';
import { Organization } from '../organization/organization.js';
import { Provider } from '../provider/provider.js';
import { viewerOf } from '../viewer.js';

const YEAR_MS = 365.25 * 24 * 3600_000;

export const Consent = builder.prismaNode('Consent', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, client: clientWhere(viewerOf(ctx)) }),
  description: "A client's permission to share one category of information with one grantee, for a period.",
  fields: (t) => ({
    category: t.expose('category', { type: ConsentCategoryEnum }),
    status: t.field({
      type: ConsentStatusEnum,
      description: 'EXPIRED once the period has ended, whatever was stored',
      select: { status: true, periodEnd: true },
      resolve: (consent) => effectiveConsentStatus(consent),
    }),
    inEffect: t.boolean({
      description: 'Active now: not revoked, started and not ended',
      select: { status: true, periodStart: true, periodEnd: true },
      resolve: (consent) => effectiveConsentStatus(consent) === 'ACTIVE' && consent.periodStart <= new Date(),
    }),
    periodStart: t.expose('periodStart', { type: 'DateTime' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    client: t.relation('client'),
    granteeOrganization: t.relation('granteeOrganization', { nullable: true }),
    granteeProvider: t.relation('granteeProvider', { nullable: true }),
    granteeRelatedPerson: t.relation('granteeRelatedPerson', { nullable: true }),
    recordedBy: t.relation('recordedBy'),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    revokedBy: t.relation('revokedBy', { nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

builder.prismaObjectField('Client', 'consents', (t) =>
  t.relation('consents', {
    description: 'Latest first',
    args: {
      inEffect: t.arg.boolean({ description: 'Only consents active now', defaultValue: false }),
      category: t.arg({ type: ConsentCategoryEnum }),
    },
    query: (args) => {
      const where: Prisma.ConsentWhereInput = {
        AND: [args.inEffect ? activeConsentWhere() : {}, args.category ? { category: args.category } : {}],
      };
      return { where, orderBy: [{ periodStart: 'desc' }, { createdAt: 'desc' }, { id: 'asc' }] };
    },
  }),
);

// ------------------------------------------------------------------ mutations

const RecordConsentInput = builder.inputType('RecordConsentInput', {
  description: 'Name exactly one grantee: granteeOrganizationId, granteeProviderId or granteeRelatedPersonId.',
  fields: (t) => ({
    clientId: t.globalID({ for: Client, required: true }),
    category: t.field({ type: ConsentCategoryEnum, required: true }),
    granteeOrganizationId: t.globalID({ for: Organization }),
    granteeProviderId: t.globalID({ for: Provider }),
    granteeRelatedPersonId: t.globalID({ for: RelatedPerson, description: 'Someone related to the client' }),
    periodStart: t.field({
      type: 'DateTime',
      description: 'Defaults to now; may be earlier (a signed form being entered)',
      validate: z
        .date()
        .refine((date) => date.getTime() >= Date.now() - 10 * YEAR_MS, 'must be within the last 10 years')
        .refine((date) => date.getTime() <= Date.now() + YEAR_MS, 'must be within the next year'),
    }),
    periodEnd: t.field({
      type: 'DateTime',
      description: 'Open-ended when absent',
      validate: z.date().refine((date) => date.getTime() <= Date.now() + 100 * YEAR_MS, 'is implausibly far away'),
    }),
    note: t.string({ validate: shortText(2000) }),
    clientMutationId: t.string({ validate: clientMutationIdText }),
  }),
});

const RevokeConsentInput = builder.inputType('RevokeConsentInput', {
  fields: (t) => ({
    consentId: t.globalID({ for: Consent, required: true }),
    reason: t.string({ required: true, description: 'Audited', validate: reasonText }),
    expectedVersion: t.int(),
  }),
});

const consentErrors = [...commonErrors, RuleViolationError];

builder.mutationFields((t) => ({
  recordConsent: t.prismaField({
    type: 'Consent',
    errors: { types: consentErrors },
    args: { input: t.arg({ type: RecordConsentInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await recordConsent(
        {
          ...input,
          clientId: input.clientId.id,
          granteeOrganizationId: input.granteeOrganizationId?.id,
          granteeProviderId: input.granteeProviderId?.id,
          granteeRelatedPersonId: input.granteeRelatedPersonId?.id,
        },
        ctx,
      );
      return prisma.consent.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  revokeConsent: t.prismaField({
    type: 'Consent',
    errors: { types: consentErrors },
    args: { input: t.arg({ type: RevokeConsentInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await revokeConsent({ ...input, consentId: input.consentId.id }, ctx);
      return prisma.consent.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
