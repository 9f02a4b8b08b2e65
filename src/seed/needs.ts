// A client's needs by domain, and the risk level the server derives from need scores and crises.
import type { CrisisSeverity, NeedDomain, RiskLevel, Setting } from '../generated/prisma/enums.js';
import type { AgeGroup } from './context.js';
import type { Random } from './random.js';

export const RISK_ORDER: readonly RiskLevel[] = ['LOW', 'MODERATE', 'HIGH', 'IMMINENT'];
export const NEED_DOMAINS: readonly NeedDomain[] = ['PHYSICAL_HEALTH', 'MENTAL_HEALTH', 'SUBSTANCE_USE', 'HOUSING', 'EMPLOYMENT', 'FINANCIAL', 'FOOD', 'SOCIAL_SUPPORT', 'SAFETY', 'LEGAL', 'EDUCATION', 'TRANSPORTATION'];

type NeedProfile = readonly [NeedDomain, number][];

/** Chance that a client in a setting has a need in a domain. */
const NEED_PROFILES: Readonly<Record<Setting, NeedProfile>> = {
  HOSPITAL: [['PHYSICAL_HEALTH', 0.9], ['MENTAL_HEALTH', 0.35], ['TRANSPORTATION', 0.3], ['FOOD', 0.2], ['FINANCIAL', 0.3], ['SOCIAL_SUPPORT', 0.35], ['HOUSING', 0.2], ['SUBSTANCE_USE', 0.15], ['SAFETY', 0.1]],
  SCHOOL: [['EDUCATION', 0.9], ['MENTAL_HEALTH', 0.45], ['SOCIAL_SUPPORT', 0.4], ['FOOD', 0.25], ['SAFETY', 0.15], ['HOUSING', 0.15], ['PHYSICAL_HEALTH', 0.15], ['FINANCIAL', 0.2]],
  CORRECTIONAL: [['LEGAL', 0.95], ['EMPLOYMENT', 0.8], ['HOUSING', 0.7], ['SUBSTANCE_USE', 0.55], ['MENTAL_HEALTH', 0.45], ['FINANCIAL', 0.6], ['EDUCATION', 0.3], ['PHYSICAL_HEALTH', 0.3], ['TRANSPORTATION', 0.3], ['SOCIAL_SUPPORT', 0.3], ['SAFETY', 0.1]],
  COMMUNITY: [['HOUSING', 0.6], ['FINANCIAL', 0.6], ['FOOD', 0.45], ['MENTAL_HEALTH', 0.45], ['EMPLOYMENT', 0.4], ['PHYSICAL_HEALTH', 0.4], ['SUBSTANCE_USE', 0.25], ['SOCIAL_SUPPORT', 0.4], ['SAFETY', 0.15], ['TRANSPORTATION', 0.3], ['LEGAL', 0.15], ['EDUCATION', 0.1]],
  HOME_HEALTH: [['PHYSICAL_HEALTH', 0.95], ['SOCIAL_SUPPORT', 0.6], ['TRANSPORTATION', 0.5], ['FOOD', 0.4], ['SAFETY', 0.35], ['FINANCIAL', 0.3], ['MENTAL_HEALTH', 0.3]],
  OTHER: [['SOCIAL_SUPPORT', 0.5], ['FINANCIAL', 0.5]],
};

export function needProfile(rng: Random, setting: Setting, group: AgeGroup): Map<NeedDomain, number> {
  const needs = new Map<NeedDomain, number>();
  for (const [domain, chance] of NEED_PROFILES[setting]) {
    if (group === 'child' && (domain === 'EMPLOYMENT' || domain === 'LEGAL')) continue;
    if (!rng.chance(chance)) continue;
    const max = domain === 'SAFETY' ? 3 : 4;
    needs.set(domain, Math.min(max, rng.weighted([[1, 3], [2, 4], [3, 3], [4, 1]])));
  }
  if (needs.size === 0) needs.set(NEED_PROFILES[setting][0]![0], 2);
  return needs;
}

export function riskFromScores(scores: Map<NeedDomain, number>): RiskLevel {
  let max = 0;
  let high = 0;
  for (const s of scores.values()) {
    max = Math.max(max, s);
    if (s >= 3) high += 1;
  }
  if ((scores.get('SAFETY') ?? 0) >= 4 || ((scores.get('MENTAL_HEALTH') ?? 0) >= 4 && (scores.get('SAFETY') ?? 0) >= 3)) return 'IMMINENT';
  if (max >= 4 || high >= 3) return 'HIGH';
  if (max >= 3 || high >= 1) return 'MODERATE';
  return 'LOW';
}

export function maxRisk(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_ORDER.indexOf(a) >= RISK_ORDER.indexOf(b) ? a : b;
}

/** The client's risk as the server derives it: latest assessment, raised by open HIGH/CRITICAL crises. */
export function crisisRisk(severity: CrisisSeverity): RiskLevel {
  return severity === 'CRITICAL' ? 'IMMINENT' : severity === 'HIGH' ? 'HIGH' : 'LOW';
}
