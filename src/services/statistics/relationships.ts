// Relationship analytics over the whole graph, each one bounded SQL statement in the viewer's
// statistics scope (scope.ts): clients sharing a related person, providers serving high-risk
// clients, and the referral pathways clients go through. Analysts get counts only, withheld
// below the disclosure threshold; clinicians also get the records they may open (the schema
// loads those through access.ts's filters).
import type { Viewer } from '../../auth/viewer.js';
import { insertAuditRows } from '../../audit/store.js';
import { filterTime } from '../../clock.js';
import { Prisma, prisma } from '../../db.js';
import { ValidationError } from '../../errors.js';
import { statisticsScope } from './scope.js';
import { statisticsMinCell } from './settings.js';
import type { StatisticsScope } from './sql.js';
import type { StatisticsCaller } from './statistics.js';

export const RELATIONSHIP_LIMITS = { rows: 100, pathwayLength: { min: 2, max: 4 } } as const;

/** Clients in the scope, as a condition on a client id column. */
function clientInScope(column: string, scope: StatisticsScope): Prisma.Sql {
  if (scope.kind === 'organization') {
    return Prisma.sql`${Prisma.raw(column)} IN (SELECT cl.id FROM "Client" cl WHERE cl."organizationId" = ${scope.organizationId}::uuid)`;
  }
  return Prisma.sql`${Prisma.raw(column)} IN (SELECT c."clientId" FROM "Case" c JOIN "CareTeamMember" m ON m."caseId" = c.id
    WHERE m."staffId" = ${scope.staffId}::uuid AND m."endedAt" IS NULL)`;
}

/** Cases in the scope, as a condition on the case alias `c`. */
function caseInScope(scope: StatisticsScope): Prisma.Sql {
  if (scope.kind === 'organization') return Prisma.sql`c."organizationId" = ${scope.organizationId}::uuid`;
  return Prisma.sql`c.id IN (SELECT m."caseId" FROM "CareTeamMember" m WHERE m."staffId" = ${scope.staffId}::uuid AND m."endedAt" IS NULL)`;
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > RELATIONSHIP_LIMITS.rows) throw new ValidationError(`limit must be 1 to ${RELATIONSHIP_LIMITS.rows}`, 'limit');
  return limit;
}

/** Analysts see aggregates only: no records, counts under the threshold withheld. */
export const deidentified = (viewer: Viewer) => statisticsScope(viewer).kind === 'organization' && !viewer.roles.includes('SUPERVISOR');
const withhold = (n: number, analyst: boolean) => (analyst && n > 0 && n < statisticsMinCell() ? null : n);

async function audited(caller: StatisticsCaller, entityType: string, parameters: object): Promise<void> {
  await insertAuditRows(prisma, [
    { actorId: caller.viewer.id, action: 'READ', outcome: 'SUCCESS', entityType, entityId: null, clientId: null, operationName: caller.operationName, requestId: caller.requestId, reason: JSON.stringify(parameters) },
  ]);
}

export interface SharedCaregiverRow {
  /** null for analysts. */
  relatedPersonId: string | null;
  clients: number | null;
  suppressed: boolean;
  /** Linked clients outside the viewer's scope: counted, not shown (null for analysts). */
  hiddenClients: number | null;
  /** Up to 20 of the clients in scope (none for analysts). */
  clientIds: string[];
}

export async function sharedCaregivers(caller: StatisticsCaller, args: { limit: number; caregiversOnly: boolean }): Promise<SharedCaregiverRow[]> {
  const scope = statisticsScope(caller.viewer);
  const limit = checkLimit(args.limit);
  const analyst = deidentified(caller.viewer);
  const caregiver = args.caregiversOnly
    ? Prisma.sql`AND (cr."isCaregiver" OR cr."isLegalGuardian" OR cr.relationship IN ('CAREGIVER', 'GUARDIAN'))`
    : Prisma.empty;
  // Persons linked to at least one client in scope first (an index walk), then all their links.
  const rows = await prisma.$queryRaw<Array<{ id: string; visible: bigint; total: bigint; clientIds: string[] }>>`
    WITH persons AS (
      SELECT DISTINCT cr."relatedPersonId" AS id FROM "ClientRelationship" cr
      WHERE cr."endedAt" IS NULL ${caregiver} AND ${clientInScope('cr."clientId"', scope)}
    )
    SELECT cr."relatedPersonId" AS id,
      count(DISTINCT cr."clientId") FILTER (WHERE ${clientInScope('cr."clientId"', scope)}) AS visible,
      count(DISTINCT cr."clientId") AS total,
      (array_agg(DISTINCT cr."clientId"::text) FILTER (WHERE ${clientInScope('cr."clientId"', scope)}))[1:20] AS "clientIds"
    FROM "ClientRelationship" cr JOIN persons p ON p.id = cr."relatedPersonId"
    WHERE cr."endedAt" IS NULL ${caregiver}
    GROUP BY cr."relatedPersonId"
    HAVING count(DISTINCT cr."clientId") >= 2
    ORDER BY visible DESC, total DESC, cr."relatedPersonId"
    LIMIT ${limit}`;
  await audited(caller, 'SharedCaregivers', { limit, caregiversOnly: args.caregiversOnly, scope: scope.kind });
  return rows.map((row) => {
    const clients = withhold(Number(row.visible), analyst);
    return {
      relatedPersonId: analyst ? null : row.id,
      clients,
      suppressed: clients === null,
      hiddenClients: analyst ? null : Number(row.total) - Number(row.visible),
      clientIds: analyst ? [] : (row.clientIds ?? []),
    };
  });
}

export interface HighRiskProviderRow {
  providerId: string;
  highRiskClients: number | null;
  clients: number | null;
  suppressed: boolean;
}

/** Providers ranked by the high-risk (HIGH, IMMINENT) clients in scope referred to them in the period. */
export async function providersServingHighRiskClients(caller: StatisticsCaller, args: { limit: number; from?: Date | null; to?: Date | null }): Promise<HighRiskProviderRow[]> {
  const scope = statisticsScope(caller.viewer);
  const limit = checkLimit(args.limit);
  const { from, to } = period(args);
  const analyst = deidentified(caller.viewer);
  const rows = await prisma.$queryRaw<Array<{ providerId: string; high: bigint; clients: bigint }>>`
    SELECT r."providerId", count(DISTINCT r."clientId") FILTER (WHERE cl."riskLevel" IN ('HIGH', 'IMMINENT')) AS high, count(DISTINCT r."clientId") AS clients
    FROM "Referral" r JOIN "Case" c ON c.id = r."caseId" JOIN "Client" cl ON cl.id = r."clientId"
    WHERE r."sentAt" >= ${from}::timestamp AND r."sentAt" < ${to}::timestamp AND r.status NOT IN ('DRAFT', 'CANCELLED') AND ${caseInScope(scope)}
    GROUP BY r."providerId"
    HAVING count(DISTINCT r."clientId") FILTER (WHERE cl."riskLevel" IN ('HIGH', 'IMMINENT')) > 0
    ORDER BY high DESC, clients DESC, r."providerId"
    LIMIT ${limit}`;
  await audited(caller, 'ProvidersServingHighRiskClients', { limit, from: from.toISOString(), to: to.toISOString(), scope: scope.kind });
  return rows.map((row) => {
    const high = withhold(Number(row.high), analyst);
    const clients = withhold(Number(row.clients), analyst);
    return { providerId: row.providerId, highRiskClients: high, clients: high === null ? null : clients, suppressed: high === null || clients === null };
  });
}

export interface PathwayRow {
  serviceTypes: string[];
  clients: number | null;
  completionRate: number | null;
  suppressed: boolean;
}

/** The commonest sequences of service types (first `length` referrals of each client sent in the period). */
export async function referralPathways(caller: StatisticsCaller, args: { limit: number; length: number; from?: Date | null; to?: Date | null }): Promise<PathwayRow[]> {
  const scope = statisticsScope(caller.viewer);
  const limit = checkLimit(args.limit);
  const { min, max } = RELATIONSHIP_LIMITS.pathwayLength;
  if (!Number.isInteger(args.length) || args.length < min || args.length > max) throw new ValidationError(`length must be ${min} to ${max}`, 'length');
  const { from, to } = period(args);
  const analyst = deidentified(caller.viewer);
  const rows = await prisma.$queryRaw<Array<{ path: string[]; clients: bigint; completed: bigint; referrals: bigint }>>`
    WITH steps AS (
      SELECT r."clientId", coalesce(s."serviceType", p.kind)::text AS step, r.status,
        row_number() OVER (PARTITION BY r."clientId" ORDER BY r."sentAt", r.id) AS n
      FROM "Referral" r JOIN "Case" c ON c.id = r."caseId" JOIN "Provider" p ON p.id = r."providerId" LEFT JOIN "ProviderService" s ON s.id = r."serviceId"
      WHERE r."sentAt" >= ${from}::timestamp AND r."sentAt" < ${to}::timestamp AND r.status NOT IN ('DRAFT', 'CANCELLED') AND ${caseInScope(scope)}
    ), paths AS (
      SELECT "clientId", array_agg(step ORDER BY n) AS path, count(*) FILTER (WHERE status = 'COMPLETED') AS completed, count(*) AS referrals
      FROM steps WHERE n <= ${args.length} GROUP BY "clientId" HAVING count(*) >= 2
    )
    SELECT path, count(*) AS clients, sum(completed) AS completed, sum(referrals) AS referrals
    FROM paths GROUP BY path ORDER BY clients DESC, path LIMIT ${limit}`;
  await audited(caller, 'ReferralPathways', { limit, length: args.length, from: from.toISOString(), to: to.toISOString(), scope: scope.kind });
  return rows.map((row) => {
    const clients = withhold(Number(row.clients), analyst);
    return {
      serviceTypes: row.path,
      clients,
      completionRate: clients === null ? null : Number(row.completed) / Number(row.referrals),
      suppressed: clients === null,
    };
  });
}

function period(args: { from?: Date | null; to?: Date | null }): { from: Date; to: Date } {
  const to = args.to ?? filterTime();
  const from = args.from ?? new Date(to.getTime() - 365 * 86_400_000);
  if (!(from < to)) throw new ValidationError('`from` must be before `to`', 'from');
  if (to.getTime() - from.getTime() > 5 * 366 * 86_400_000) throw new ValidationError('The period may span at most 5 years', 'to');
  return { from, to };
}
