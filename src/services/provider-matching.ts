// Provider options for a client's need, ranked the way a case manager weighs them: does the
// service match the need, is there room, how long is the wait, what does it cost, does the
// provider speak the client's language and serve their region, and how did past referrals
// to it end. Each factor is 0..1; the score is their weighted mean, returned with the parts.
import type { Db } from '../db.js';
import type { NeedDomain, ProviderKind } from '../generated/prisma/enums.js';

export const KINDS_FOR_NEED: Record<NeedDomain, { primary: ProviderKind[]; related: ProviderKind[] }> = {
  PHYSICAL_HEALTH: { primary: ['MEDICAL'], related: ['TRANSPORT'] },
  MENTAL_HEALTH: { primary: ['MENTAL_HEALTH'], related: ['COUNSELLING'] },
  SUBSTANCE_USE: { primary: ['SUBSTANCE_USE'], related: ['MENTAL_HEALTH', 'COUNSELLING'] },
  HOUSING: { primary: ['HOUSING'], related: ['FINANCIAL', 'LEGAL'] },
  EMPLOYMENT: { primary: ['EMPLOYMENT'], related: ['EDUCATION', 'CHILDCARE', 'TRANSPORT'] },
  FINANCIAL: { primary: ['FINANCIAL'], related: ['LEGAL', 'EMPLOYMENT'] },
  FOOD: { primary: ['FOOD'], related: ['FINANCIAL'] },
  SOCIAL_SUPPORT: { primary: ['COUNSELLING'], related: ['MENTAL_HEALTH', 'OTHER'] },
  SAFETY: { primary: ['LEGAL', 'HOUSING'], related: ['MENTAL_HEALTH', 'COUNSELLING'] },
  LEGAL: { primary: ['LEGAL'], related: ['FINANCIAL'] },
  EDUCATION: { primary: ['EDUCATION'], related: ['CHILDCARE'] },
  TRANSPORTATION: { primary: ['TRANSPORT'], related: [] },
};

export const WEIGHTS = { match: 3, capacity: 2, wait: 2, cost: 1, language: 2, region: 1, outcomes: 2 } as const;
export type Factor = keyof typeof WEIGHTS;

export interface ProviderOption {
  serviceId: string;
  providerId: string;
  score: number;
  factors: Record<Factor, number>;
  pastReferrals: number;
}

export interface MatchCriteria {
  need: NeedDomain;
  region?: string | null;
  language?: string | null;
  maxCostPerUnit?: number | null;
  limit: number;
}

/** Completed vs. ended-otherwise referrals, smoothed toward 50% so one referral is not a verdict. */
function outcomeScore(completed: number, ended: number): number {
  return (completed + 2) / (ended + 4);
}

export async function rankProviderOptions(db: Db, criteria: MatchCriteria): Promise<ProviderOption[]> {
  const kinds = KINDS_FOR_NEED[criteria.need];
  const services = await db.providerService.findMany({
    where: {
      active: true,
      serviceType: { in: [...kinds.primary, ...kinds.related] },
      provider: { active: true, acceptingNewClients: true },
      ...(criteria.maxCostPerUnit != null ? { OR: [{ costPerUnit: null }, { costPerUnit: { lte: criteria.maxCostPerUnit } }] } : {}),
    },
    select: {
      id: true,
      serviceType: true,
      costPerUnit: true,
      openSlots: true,
      typicalWaitDays: true,
      provider: { select: { id: true, region: true, languages: true } },
    },
    take: 2000,
  });
  if (services.length === 0) return [];

  const providerIds = [...new Set(services.map((s) => s.provider.id))];
  const outcomes = await db.referral.groupBy({
    by: ['providerId', 'status'],
    where: { providerId: { in: providerIds }, status: { in: ['COMPLETED', 'DECLINED', 'NO_SHOW', 'CANCELLED'] } },
    _count: { _all: true },
  });
  const history = new Map<string, { completed: number; ended: number }>();
  for (const row of outcomes) {
    const entry = history.get(row.providerId) ?? { completed: 0, ended: 0 };
    entry.ended += row._count._all;
    if (row.status === 'COMPLETED') entry.completed += row._count._all;
    history.set(row.providerId, entry);
  }

  const costs = services.map((s) => (s.costPerUnit === null ? null : Number(s.costPerUnit))).filter((c): c is number => c !== null);
  const [minCost, maxCost] = [Math.min(...costs), Math.max(...costs)];
  const totalWeight = Object.values(WEIGHTS).reduce((a, b) => a + b, 0);

  return services
    .map((service) => {
      const cost = service.costPerUnit === null ? null : Number(service.costPerUnit);
      const past = history.get(service.provider.id) ?? { completed: 0, ended: 0 };
      const factors: Record<Factor, number> = {
        match: kinds.primary.includes(service.serviceType) ? 1 : 0.6,
        capacity: service.openSlots === null ? 0.5 : service.openSlots > 0 ? Math.min(1, 0.6 + service.openSlots / 25) : 0,
        wait: service.typicalWaitDays === null ? 0.5 : 1 - Math.min(service.typicalWaitDays, 60) / 60,
        cost: cost === null ? 0.5 : maxCost === minCost ? 1 : 1 - (cost - minCost) / (maxCost - minCost),
        language: !criteria.language ? 1 : service.provider.languages.includes(criteria.language) ? 1 : 0,
        region: !criteria.region ? 1 : service.provider.region === criteria.region ? 1 : 0.3,
        outcomes: outcomeScore(past.completed, past.ended),
      };
      const weighted = (Object.keys(WEIGHTS) as Factor[]).reduce((sum, factor) => sum + WEIGHTS[factor] * factors[factor], 0);
      return {
        serviceId: service.id,
        providerId: service.provider.id,
        score: Math.round((weighted / totalWeight) * 1000) / 1000,
        factors,
        pastReferrals: past.ended,
      };
    })
    .sort((a, b) => b.score - a.score || a.serviceId.localeCompare(b.serviceId))
    .slice(0, criteria.limit);
}
