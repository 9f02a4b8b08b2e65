import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { clientWhere, relatedPersonWhere } from '../../auth/access.js';
import { ClientStatusEnum, RelationshipEnum, RiskLevelEnum } from '../enums.js';
import { Organization } from '../organization/organization.js';
import { viewerOf } from '../viewer.js';
import type { Context } from '../../context.js';

export const Client = builder.prismaNode('Client', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [clientWhere(viewerOf(ctx))] }),
  description: 'A person served: the subject of cases, plans and referrals.',
  fields: (t) => ({
    givenName: t.exposeString('givenName'),
    familyName: t.exposeString('familyName'),
    preferredName: t.exposeString('preferredName', { nullable: true }),
    name: t.string({
      select: { givenName: true, familyName: true },
      resolve: (client) => `${client.givenName} ${client.familyName}`,
    }),
    dateOfBirth: t.expose('dateOfBirth', { type: 'Date', nullable: true }),
    gender: t.exposeString('gender', { nullable: true }),
    preferredLanguage: t.exposeString('preferredLanguage', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    addressLine: t.exposeString('addressLine', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    postalCode: t.exposeString('postalCode', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    status: t.expose('status', { type: ClientStatusEnum }),
    riskLevel: t.expose('riskLevel', {
      type: RiskLevelEnum,
      description: 'Derived from the latest assessment and open crises',
    }),
    organization: t.relation('organization'),
    identifiers: t.relation('identifiers', { query: { orderBy: { system: 'asc' } } }),
    relationships: t.relation('relationships', {
      description: 'Family, caregivers and support network',
      args: { includeEnded: t.arg.boolean({ defaultValue: false }) },
      query: (args) => ({ where: args.includeEnded ? {} : { endedAt: null }, orderBy: { createdAt: 'asc' } }),
    }),
    mergedInto: t.relation('mergedInto', {
      nullable: true,
      query: (_args, ctx) => ({ where: clientWhere(viewerOf(ctx)) }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

builder.prismaObject('ClientIdentifier', {
  description: 'An identifier of the client in another system: MRN, school id, inmate number...',
  fields: (t) => ({
    id: t.exposeID('id'),
    system: t.exposeString('system'),
    value: t.exposeString('value'),
  }),
});

export const RelatedPerson = builder.prismaNode('RelatedPerson', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [relatedPersonWhere(viewerOf(ctx))] }),
  description: 'A family member, caregiver, guardian, friend or neighbour of one or more clients.',
  fields: (t) => ({
    givenName: t.exposeString('givenName'),
    familyName: t.exposeString('familyName'),
    name: t.string({
      select: { givenName: true, familyName: true },
      resolve: (person) => `${person.givenName} ${person.familyName}`,
    }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    addressLine: t.exposeString('addressLine', { nullable: true }),
    preferredLanguage: t.exposeString('preferredLanguage', { nullable: true }),
    relationships: t.relation('relationships', {
      description: 'The clients this person is related to (those the viewer may see)',
      query: (_args, ctx) => ({
        where: { endedAt: null, client: clientWhere(viewerOf(ctx)) },
        orderBy: { createdAt: 'asc' },
      }),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const ClientRelationship = builder.prismaNode('ClientRelationship', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, client: clientWhere(viewerOf(ctx)) }),
  description: 'How a related person stands to a client.',
  fields: (t) => ({
    relationship: t.expose('relationship', { type: RelationshipEnum }),
    isEmergencyContact: t.exposeBoolean('isEmergencyContact'),
    isCaregiver: t.exposeBoolean('isCaregiver'),
    isLegalGuardian: t.exposeBoolean('isLegalGuardian'),
    livesWithClient: t.exposeBoolean('livesWithClient'),
    consentToShare: t.exposeBoolean('consentToShare'),
    startedAt: t.expose('startedAt', { type: 'DateTime', nullable: true }),
    endedAt: t.expose('endedAt', { type: 'DateTime', nullable: true }),
    client: t.relation('client'),
    relatedPerson: t.relation('relatedPerson'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

const ClientFilter = builder.inputType('ClientFilter', {
  fields: (t) => ({
    search: t.string({
      description: 'Matches given, family and preferred names and identifier values, case-insensitively',
      validate: z.string().max(200, 'search is at most 200 characters'),
    }),
    status: t.field({ type: ClientStatusEnum }),
    riskLevel: t.field({ type: RiskLevelEnum }),
    region: t.string(),
    organizationId: t.globalID({ for: Organization }),
  }),
});

const ClientOrderField = builder.enumType('ClientOrderField', {
  values: ['NAME', 'CREATED_AT', 'RISK_LEVEL'] as const,
});
const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });
const ClientOrder = builder.inputType('ClientOrder', {
  fields: (t) => ({
    field: t.field({ type: ClientOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC' }),
  }),
});

export function clientSearchWhere(search: string): Prisma.ClientWhereInput {
  // Every word must match some name or identifier: "ada lovel" finds Ada Lovelace.
  const words = search.split(/\s+/).filter(Boolean).slice(0, 5);
  return {
    AND: words.map((word) => ({
      OR: [
        { givenName: { contains: word, mode: 'insensitive' } },
        { familyName: { contains: word, mode: 'insensitive' } },
        { preferredName: { contains: word, mode: 'insensitive' } },
        { identifiers: { some: { value: { equals: word, mode: 'insensitive' } } } },
      ],
    })),
  };
}

function clientsWhere(filter: typeof ClientFilter.$inferInput | null | undefined, ctx: Context): Prisma.ClientWhereInput {
  return {
    AND: [
      clientWhere(viewerOf(ctx)),
      { mergedIntoId: null },
      filter?.search?.trim() ? clientSearchWhere(filter.search.trim()) : {},
      filter?.status ? { status: filter.status } : {},
      filter?.riskLevel ? { riskLevel: filter.riskLevel } : {},
      filter?.region ? { region: filter.region } : {},
      filter?.organizationId ? { organizationId: filter.organizationId.id } : {},
    ],
  };
}

function clientOrderBy(order: typeof ClientOrder.$inferInput | null | undefined): Prisma.ClientOrderByWithRelationInput[] {
  const direction = order?.direction === 'DESC' ? 'desc' : 'asc';
  switch (order?.field) {
    case 'CREATED_AT':
      return [{ createdAt: direction }, { id: direction }];
    case 'RISK_LEVEL':
      return [{ riskLevel: direction }, { familyName: 'asc' }, { id: 'asc' }];
    default:
      return [{ familyName: direction }, { givenName: direction }, { id: direction }];
  }
}

builder.queryFields((t) => ({
  clients: t.prismaConnection({
    type: 'Client',
    cursor: 'id',
    args: {
      filter: t.arg({ type: ClientFilter }),
      orderBy: t.arg({ type: ClientOrder }),
    },
    totalCount: (_parent, args, ctx) => prisma.client.count({ where: clientsWhere(args.filter, ctx) }),
    resolve: (query, _parent, args, ctx) =>
      prisma.client.findMany({
        ...query,
        where: clientsWhere(args.filter, ctx),
        orderBy: clientOrderBy(args.orderBy),
      }),
  }),
}));

export { OrderDirection };
