// Statistical reports for analysts and supervisors: aggregates over one organization, never
// names, contacts or free text. Counts below MIN_CELL are suppressed (null) so that a small
// group cannot be re-identified from a report.
import { prisma } from '../db.js';
import { filterTime } from '../clock.js';

export const MIN_CELL = 5;

export interface Period {
  from: Date;
  to: Date;
}

const suppress = (n: number): number | null => (n >= MIN_CELL ? n : null);
const ratio = (part: number, whole: number): number | null => (whole >= MIN_CELL ? Math.round((part / whole) * 1000) / 1000 : null);

export async function caseStatistics(organizationId: string) {
  const rows = await prisma.case.groupBy({
    by: ['status', 'setting', 'priority'],
    where: { organizationId },
    _count: { _all: true },
  });
  return rows.map((row) => ({ status: row.status, setting: row.setting, priority: row.priority, count: suppress(row._count._all) }));
}

export async function caseloads(organizationId: string) {
  const rows = await prisma.$queryRaw<Array<{ staffId: string; open: bigint; urgent: bigint }>>`
    SELECT m."staffId", count(*) AS open, count(*) FILTER (WHERE c.priority <> 'ROUTINE') AS urgent
    FROM "CareTeamMember" m JOIN "Case" c ON c.id = m."caseId"
    WHERE m."endedAt" IS NULL AND m.role = 'PRIMARY_CASE_MANAGER' AND c.status <> 'CLOSED' AND c."organizationId" = ${organizationId}::uuid
    GROUP BY m."staffId" ORDER BY open DESC`;
  return rows.map((row) => ({ staffId: row.staffId, openCases: Number(row.open), urgentCases: Number(row.urgent) }));
}

export async function referralOutcomes(organizationId: string, period: Period) {
  const rows = await prisma.$queryRaw<
    Array<{ providerId: string; serviceType: string | null; sent: bigint; accepted: bigint; completed: bigint; declined: bigint; noShow: bigint; hoursToAccept: number | null; hoursToComplete: number | null }>
  >`
    SELECT r."providerId", s."serviceType"::text AS "serviceType",
      count(*) AS sent,
      count(*) FILTER (WHERE r."acceptedAt" IS NOT NULL) AS accepted,
      count(*) FILTER (WHERE r.status = 'COMPLETED') AS completed,
      count(*) FILTER (WHERE r.status = 'DECLINED') AS declined,
      count(*) FILTER (WHERE r.status = 'NO_SHOW') AS "noShow",
      avg(extract(epoch FROM r."acceptedAt" - r."sentAt") / 3600) AS "hoursToAccept",
      avg(extract(epoch FROM r."completedAt" - r."sentAt") / 3600) AS "hoursToComplete"
    FROM "Referral" r JOIN "Case" c ON c.id = r."caseId" LEFT JOIN "ProviderService" s ON s.id = r."serviceId"
    WHERE c."organizationId" = ${organizationId}::uuid AND r."sentAt" BETWEEN ${period.from} AND ${period.to}
    GROUP BY r."providerId", s."serviceType" ORDER BY sent DESC`;
  return rows.map((row) => {
    const sent = Number(row.sent);
    return {
      providerId: row.providerId,
      serviceType: row.serviceType,
      sent: suppress(sent),
      loopClosureRate: ratio(Number(row.completed), sent),
      acceptanceRate: ratio(Number(row.accepted), sent),
      declinedRate: ratio(Number(row.declined), sent),
      noShowRate: ratio(Number(row.noShow), sent),
      averageHoursToAccept: sent >= MIN_CELL && row.hoursToAccept !== null ? Number(row.hoursToAccept) : null,
      averageHoursToComplete: sent >= MIN_CELL && row.hoursToComplete !== null ? Number(row.hoursToComplete) : null,
    };
  });
}

export async function crisisStatistics(organizationId: string, period: Period) {
  const rows = await prisma.$queryRaw<
    Array<{ month: Date; category: string; severity: string; count: bigint; minutesToAcknowledge: number | null; hoursToResolve: number | null }>
  >`
    SELECT date_trunc('month', "reportedAt") AS month, category::text, severity::text, count(*) AS count,
      avg(extract(epoch FROM "acknowledgedAt" - "reportedAt") / 60) AS "minutesToAcknowledge",
      avg(extract(epoch FROM "resolvedAt" - "reportedAt") / 3600) AS "hoursToResolve"
    FROM "CrisisEvent"
    WHERE "organizationId" = ${organizationId}::uuid AND "reportedAt" BETWEEN ${period.from} AND ${period.to}
    GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`;
  return rows.map((row) => ({
    month: row.month,
    category: row.category,
    severity: row.severity,
    count: suppress(Number(row.count)),
    averageMinutesToAcknowledge: Number(row.count) >= MIN_CELL && row.minutesToAcknowledge !== null ? Number(row.minutesToAcknowledge) : null,
    averageHoursToResolve: Number(row.count) >= MIN_CELL && row.hoursToResolve !== null ? Number(row.hoursToResolve) : null,
  }));
}

export async function goalAttainment(organizationId: string) {
  const rows = await prisma.$queryRaw<Array<{ domain: string; goals: bigint; achieved: bigint; overduePlans: bigint }>>`
    SELECT g.domain::text, count(*) AS goals,
      count(*) FILTER (WHERE g."achievementStatus" IN ('ACHIEVED', 'SUSTAINING')) AS achieved
    FROM "Goal" g JOIN "CarePlan" p ON p.id = g."carePlanId" JOIN "Case" c ON c.id = p."caseId"
    WHERE c."organizationId" = ${organizationId}::uuid AND g."lifecycleStatus" NOT IN ('CANCELLED', 'REJECTED')
    GROUP BY 1 ORDER BY 1`;
  return rows.map((row) => ({ domain: row.domain, goals: suppress(Number(row.goals)), attainmentRate: ratio(Number(row.achieved), Number(row.goals)) }));
}

export async function plansOverdueForReview(organizationId: string, now = filterTime()) {
  return prisma.carePlan.count({ where: { status: 'ACTIVE', nextReviewDue: { lt: now }, case: { organizationId } } });
}

export async function followUpOutcomes(organizationId: string, period: Period) {
  const [row] = await prisma.$queryRaw<Array<{ completed: bigint; reached: bigint; satisfaction: number | null; rated: bigint; declined: bigint }>>`
    SELECT count(*) AS completed,
      count(*) FILTER (WHERE f."reachedClient") AS reached,
      avg(f.satisfaction) AS satisfaction,
      count(f.satisfaction) AS rated,
      count(*) FILTER (WHERE f."healthChange" = 'DECLINED' OR f."mentalHealthChange" = 'DECLINED') AS declined
    FROM "FollowUp" f JOIN "Case" c ON c.id = f."caseId"
    WHERE c."organizationId" = ${organizationId}::uuid AND f.status = 'COMPLETED' AND f."completedAt" BETWEEN ${period.from} AND ${period.to}`;
  const completed = Number(row?.completed ?? 0);
  return {
    completed: suppress(completed),
    reachRate: ratio(Number(row?.reached ?? 0), completed),
    averageSatisfaction: Number(row?.rated ?? 0) >= MIN_CELL && row?.satisfaction != null ? Math.round(Number(row.satisfaction) * 100) / 100 : null,
    declinedHealthShare: ratio(Number(row?.declined ?? 0), completed),
  };
}

