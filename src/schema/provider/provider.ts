import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { ProviderKindEnum } from '../enums.js';
import type { Context } from '../../context.js';
import { page, totalOf } from '../connections.js';
import { likeLiteral } from '../../services/clients/identifiers.js';

// Providers are a directory (referral partners): every staff member may read it; each entry is
// maintained by the organization that registered it, or is shared (services/providers.ts).
export const Provider = builder.prismaNode('Provider', {
  id: { field: 'id' },
  select: { id: true },
  description: 'A service provider, an organization or a practitioner.',
  fields: (t) => ({
    name: t.exposeString('name'),
    kind: t.expose('kind', { type: ProviderKindEnum }),
    isOrganization: t.exposeBoolean('isOrganization'),
    region: t.exposeString('region', { nullable: true }),
    addressLine: t.exposeString('addressLine', { nullable: true }),
    city: t.exposeString('city', { nullable: true }),
    latitude: t.exposeFloat('latitude', { nullable: true }),
    longitude: t.exposeFloat('longitude', { nullable: true }),
    phone: t.exposeString('phone', { nullable: true }),
    email: t.exposeString('email', { nullable: true }),
    languages: t.exposeStringList('languages'),
    acceptingNewClients: t.exposeBoolean('acceptingNewClients'),
    active: t.exposeBoolean('active'),
    organization: t.relation('organization', {
      nullable: true,
      description: 'The organization that registered this entry and maintains it; null for the shared directory',
    }),
    services: t.relation('services', {
      query: { where: { active: true }, orderBy: [{ serviceType: 'asc' }, { name: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const ProviderService = builder.prismaNode('ProviderService', {
  id: { field: 'id' },
  description: 'A service a provider offers, with its cost, capacity and typical wait.',
  fields: (t) => ({
    serviceType: t.expose('serviceType', { type: ProviderKindEnum }),
    name: t.exposeString('name'),
    description: t.exposeString('description', { nullable: true }),
    costPerUnit: t.float({
      nullable: true,
      select: { costPerUnit: true },
      resolve: (service) => (service.costPerUnit === null ? null : Number(service.costPerUnit)),
    }),
    costUnit: t.exposeString('costUnit', { nullable: true }),
    acceptedPayers: t.exposeStringList('acceptedPayers'),
    capacity: t.exposeInt('capacity', { nullable: true }),
    openSlots: t.exposeInt('openSlots', { nullable: true }),
    typicalWaitDays: t.exposeInt('typicalWaitDays', { nullable: true }),
    active: t.exposeBoolean('active'),
    provider: t.relation('provider'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

const ProviderFilter = builder.inputType('ProviderFilter', {
  fields: (t) => ({
    serviceType: t.field({ type: ProviderKindEnum, description: 'Offers a service of this type' }),
    region: t.string(),
    language: t.string({ description: 'Serves clients in this language (e.g. "es")' }),
    acceptingClients: t.boolean(),
    search: t.string(),
  }),
});

function providersWhere(filter: typeof ProviderFilter.$inferInput | null | undefined, _ctx: Context): Prisma.ProviderWhereInput {
  const search = filter?.search?.trim();
  return {
    active: true,
    region: filter?.region ?? undefined,
    acceptingNewClients: filter?.acceptingClients ?? undefined,
    languages: filter?.language ? { has: filter.language } : undefined,
    services: filter?.serviceType ? { some: { serviceType: filter.serviceType, active: true } } : undefined,
    // `%`, `_` and `\` are literal characters, as in the client search.
    name: search ? { contains: likeLiteral(search), mode: 'insensitive' } : undefined,
  };
}

builder.queryFields((t) => ({
  providers: t.prismaConnection({
    type: 'Provider',
    cursor: 'id',
    args: { filter: t.arg({ type: ProviderFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.provider.count({ where: providersWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.provider.findMany({
          ...query,
          where: providersWhere(args.filter, ctx),
          orderBy: [{ name: 'asc' }, { id: 'asc' }],
        }),
      ),
  }),
}));
