// Relationship analytics (src/services/statistics/relationships.ts): shared related persons,
// providers serving high-risk clients, referral pathways. Records are loaded through the access
// filters of access.ts, one findMany per field for the whole list.
import DataLoader from 'dataloader';
import { clientWhere, relatedPersonWhere } from '../../auth/access.js';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import {
  providersServingHighRiskClients,
  referralPathways,
  RELATIONSHIP_LIMITS,
  sharedCaregivers,
  type HighRiskProviderRow,
  type PathwayRow,
  type SharedCaregiverRow,
} from '../../services/statistics/relationships.js';
import { ProviderKindEnum } from '../enums.js';
import { viewerOf } from '../viewer.js';
import type { Context } from '../../context.js';
import type { GraphQLResolveInfo } from 'graphql';

const loaders = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();
/** One findMany per field and request for every row's id(s). */
function batched<T extends { id: string }>(ctx: object, field: string, load: (ids: string[]) => Promise<T[]>): DataLoader<string, T | null> {
  let byField = loaders.get(ctx);
  if (!byField) loaders.set(ctx, (byField = new Map()));
  let loader = byField.get(field) as DataLoader<string, T | null> | undefined;
  if (!loader) {
    loader = new DataLoader<string, T | null>(async (ids) => {
      const rows = new Map((await load([...ids])).map((row) => [row.id, row]));
      return ids.map((id) => rows.get(id) ?? null);
    });
    byField.set(field, loader as DataLoader<string, unknown>);
  }
  return loader;
}

const callerOf = (ctx: Context, info: GraphQLResolveInfo) => ({ viewer: viewerOf(ctx), requestId: ctx.requestId, operationName: ctx.operationName ?? info.operation.name?.value ?? null });

const SharedCaregiverRef = builder.objectRef<SharedCaregiverRow>('SharedCaregiver').implement({
  description: 'A related person linked to several clients. Analysts get the counts only.',
  fields: (t) => ({
    relatedPerson: t.prismaField({
      type: 'RelatedPerson',
      nullable: true,
      resolve: (query, row, _args, ctx) => {
        // Read here, not in the batch: every row's selection is the same, and the plugin checks each row used its own.
        const selection = { ...query };
        return row.relatedPersonId
          ? batched(ctx, 'sharedCaregiver.relatedPerson', (ids) => prisma.relatedPerson.findMany({ ...selection, where: { id: { in: ids }, AND: [relatedPersonWhere(viewerOf(ctx))] } })).load(row.relatedPersonId)
          : null;
      },
    }),
    clientCount: t.exposeInt('clients', { nullable: true, description: 'Clients in your scope linked to this person; null when suppressed' }),
    suppressed: t.exposeBoolean('suppressed'),
    hiddenClients: t.exposeInt('hiddenClients', { nullable: true, description: 'Linked clients outside your scope: counted, not shown' }),
    clients: t.prismaField({
      type: ['Client'],
      description: 'Up to 20 of the linked clients you may open',
      complexity: { field: 1, multiplier: 20 },
      resolve: async (query, row, _args, ctx) => {
        const selection = { ...query };
        const loader = batched(ctx, 'sharedCaregiver.clients', (ids) => prisma.client.findMany({ ...selection, where: { id: { in: ids }, AND: [clientWhere(viewerOf(ctx))] } }));
        return (await loader.loadMany(row.clientIds)).filter((client): client is NonNullable<typeof client> & { id: string } => !!client && !(client instanceof Error)) as never;
      },
    }),
  }),
});

const HighRiskProviderRef = builder.objectRef<HighRiskProviderRow>('HighRiskProvider').implement({
  fields: (t) => ({
    provider: t.prismaField({
      type: 'Provider',
      resolve: async (query, row, _args, ctx) => {
        const selection = { ...query };
        return (await batched(ctx, 'highRiskProvider.provider', (ids) => prisma.provider.findMany({ ...selection, where: { id: { in: ids } } })).load(row.providerId))!;
      },
    }),
    highRiskClients: t.exposeInt('highRiskClients', { nullable: true, description: 'Clients at HIGH or IMMINENT risk referred in the period; null when suppressed' }),
    clients: t.exposeInt('clients', { nullable: true, description: 'All clients referred in the period; null when suppressed' }),
    suppressed: t.exposeBoolean('suppressed'),
  }),
});

const ReferralPathwayRef = builder.objectRef<PathwayRow>('ReferralPathway').implement({
  fields: (t) => ({
    serviceTypes: t.field({ type: [ProviderKindEnum], description: 'The service types of a client\'s first referrals of the period, in order', resolve: (row) => row.serviceTypes as never }),
    clients: t.exposeInt('clients', { nullable: true, description: 'null when suppressed' }),
    completionRate: t.exposeFloat('completionRate', { nullable: true, description: 'Share of the pathway\'s referrals completed' }),
    suppressed: t.exposeBoolean('suppressed'),
  }),
});

// Each is one aggregate over a year of the scope's referrals or relationships: priced like
// `statistics`, plus the rows it may return.
const RELATIONSHIP_COST = 200;

builder.queryFields((t) => ({
  sharedCaregivers: t.field({
    type: [SharedCaregiverRef],
    description: 'Related persons (caregivers only if asked) linked to two clients or more, most linked first, in your statistics scope',
    args: { limit: t.arg.int({ defaultValue: 20 }), caregiversOnly: t.arg.boolean({ defaultValue: false }) },
    complexity: (args) => ({ field: RELATIONSHIP_COST, multiplier: Math.min(args.limit ?? 20, RELATIONSHIP_LIMITS.rows) }),
    resolve: (_root, args, ctx, info) => sharedCaregivers(callerOf(ctx, info), { limit: args.limit ?? 20, caregiversOnly: args.caregiversOnly ?? false }),
  }),
  providersServingHighRiskClients: t.field({
    type: [HighRiskProviderRef],
    description: 'Providers ranked by the HIGH and IMMINENT risk clients in your scope referred to them in the period (default: the last year)',
    args: { limit: t.arg.int({ defaultValue: 20 }), from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    complexity: (args) => ({ field: RELATIONSHIP_COST, multiplier: Math.min(args.limit ?? 20, RELATIONSHIP_LIMITS.rows) }),
    resolve: (_root, args, ctx, info) => providersServingHighRiskClients(callerOf(ctx, info), { limit: args.limit ?? 20, from: args.from, to: args.to }),
  }),
  referralPathways: t.field({
    type: [ReferralPathwayRef],
    description: 'The commonest sequences of service types of the first `length` (2-4) referrals clients in your scope were sent in the period',
    args: { limit: t.arg.int({ defaultValue: 20 }), length: t.arg.int({ defaultValue: 3 }), from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    complexity: (args) => ({ field: RELATIONSHIP_COST, multiplier: Math.min(args.limit ?? 20, RELATIONSHIP_LIMITS.rows) }),
    resolve: (_root, args, ctx, info) => referralPathways(callerOf(ctx, info), { limit: args.limit ?? 20, length: args.length ?? 3, from: args.from, to: args.to }),
  }),
}));
