import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { clientWhere, relatedPersonWhere } from '../../auth/access.js';
import { ClientStatusEnum, RelationshipEnum, RiskLevelEnum } from '../enums.js';
import { Organization } from '../organization/organization.js';
import { COST, pageSize } from '../cost.js';
import { viewerOf } from '../viewer.js';
import type { Context } from '../../context.js';
import { clientSearchWhere, SEARCH_MAX_LENGTH } from '../../services/clients/search.js';
import { page, totalOf } from '../connections.js';

export const Client = builder.prismaNode('Client', {
  id: { field: 'id' },
  select: { id: true },
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
  select: { id: true },
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
  select: { id: true, clientId: true },
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
      description:
        'Every word (at most 5) must match, ignoring case: part of a given, family or preferred name, or a whole ' +
        'identifier value (the beginning of one, for a word of 3 or more characters with a digit). ' +
        '% _ and \\ are plain characters; control characters are refused.',
      // Control characters are refused for every text input (src/schema/inputs/text.ts).
      validate: z.string().max(SEARCH_MAX_LENGTH, `search is at most ${SEARCH_MAX_LENGTH} characters`),
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

type ClientFilterInput = typeof ClientFilter.$inferInput | null | undefined;

function clientsWhere(filter: ClientFilterInput, search: Prisma.ClientWhereInput, ctx: Context): Prisma.ClientWhereInput {
  return {
    AND: [
      clientWhere(viewerOf(ctx)),
      { mergedIntoId: null },
      search,
      filter?.status ? { status: filter.status } : {},
      filter?.riskLevel ? { riskLevel: filter.riskLevel } : {},
      filter?.region ? { region: filter.region } : {},
      filter?.organizationId ? { organizationId: filter.organizationId.id } : {},
    ],
  };
}

// The page and its totalCount are resolved separately with the same args object: look the
// search's identifiers up once per request.
const searchWheres = new WeakMap<object, Promise<Prisma.ClientWhereInput>>();

function clientsWhereFor(args: { filter?: ClientFilterInput }, ctx: Context): Promise<Prisma.ClientWhereInput> {
  let search = searchWheres.get(args);
  if (!search) {
    const text = args.filter?.search?.trim();
    search = text ? clientSearchWhere(prisma, text, 'filter.search') : Promise.resolve({});
    searchWheres.set(args, search);
  }
  return search.then((where) => clientsWhere(args.filter, where, ctx));
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
    // A search scans the organization's clients by trigram, whatever the page size.
    complexity: (args) => ({ field: 1 + (args.filter?.search ? COST.search : 0), multiplier: pageSize(args) }),
    totalCount: (_parent, args, ctx) => totalOf(args, async () => prisma.client.count({ where: await clientsWhereFor(args, ctx) })),
    resolve: async (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.client.findMany({
          ...query,
          where: await clientsWhereFor(args, ctx),
          orderBy: clientOrderBy(args.orderBy),
        }),
      ),
  }),
}));

export { OrderDirection };
