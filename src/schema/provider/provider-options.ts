// `providerOptions`: ranked services for a client's need (see src/services/provider-matching.ts).
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { findClientForViewer } from '../../auth/access.js';
import { rankProviderOptions, WEIGHTS, type ProviderOption } from '../../services/provider-matching.js';
import { Client } from '../client/client.js';
import { NeedDomainEnum } from '../enums.js';
import { COST } from '../cost.js';
import { viewerOf } from '../viewer.js';

const ScoreFactors = builder.objectRef<ProviderOption['factors']>('ProviderOptionFactors').implement({
  description: `Each factor from 0 to 1; weights: ${Object.entries(WEIGHTS).map(([k, v]) => `${k} ${v}`).join(', ')}`,
  fields: (t) => ({
    match: t.exposeFloat('match', { description: 'The service type is the need itself (1) or related to it (0.6)' }),
    capacity: t.exposeFloat('capacity', { description: 'Open slots' }),
    wait: t.exposeFloat('wait', { description: 'Shorter typical wait scores higher' }),
    cost: t.exposeFloat('cost', { description: 'Cheaper than the other options scores higher' }),
    language: t.exposeFloat('language', { description: "Serves the client's language" }),
    region: t.exposeFloat('region', { description: "Serves the client's region" }),
    outcomes: t.exposeFloat('outcomes', { description: 'Share of past referrals completed, smoothed' }),
  }),
});

const ProviderOptionRef = builder.objectRef<ProviderOption>('ProviderOption').implement({
  fields: (t) => ({
    score: t.exposeFloat('score'),
    factors: t.field({ type: ScoreFactors, resolve: (option) => option.factors }),
    pastReferrals: t.exposeInt('pastReferrals', { description: 'Ended referrals the outcome factor rests on' }),
    service: t.prismaField({
      type: 'ProviderService',
      resolve: (query, option) => prisma.providerService.findUniqueOrThrow({ ...query, where: { id: option.serviceId } }),
    }),
  }),
});

builder.queryField('providerOptions', (t) =>
  t.field({
    type: [ProviderOptionRef],
    description: "Services for a need, best first. With a client, their region and language count unless given explicitly.",
    args: {
      need: t.arg({ type: NeedDomainEnum, required: true }),
      clientId: t.arg.globalID({ for: Client }),
      region: t.arg.string(),
      language: t.arg.string(),
      maxCostPerUnit: t.arg.float(),
      limit: t.arg.int({ defaultValue: 10, validate: z.number().int().min(1, 'must be 1 to 50').max(50, 'must be 1 to 50') }),
    },
    // Ranking reads every service of the need with its referral outcomes.
    complexity: (args) => ({ field: COST.providerRanking, multiplier: args.limit ?? 10 }),
    resolve: async (_root, args, ctx) => {
      const client = args.clientId
        ? await findClientForViewer(prisma, viewerOf(ctx), args.clientId.id, { region: true, preferredLanguage: true })
        : null;
      return rankProviderOptions(prisma, {
        need: args.need,
        region: args.region ?? client?.region,
        language: args.language ?? client?.preferredLanguage,
        maxCostPerUnit: args.maxCostPerUnit,
        limit: args.limit ?? 10,
      });
    },
  }),
);
