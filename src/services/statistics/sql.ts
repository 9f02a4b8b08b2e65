// The one SQL statement behind a `statistics` request: one arm per fact table, each grouped by
// CUBE over the period and the dimensions (every margin and the grand total come from the same
// scan), UNION ALL'd. SQL text comes only from the catalog's fixed fragments, chosen by enum
// value; every value (dates, ids, filter values, the viewer's scope) is a bound parameter.
// The period's bounds sit once in the `k` row, so that GROUP BY and SELECT repeat identical
// expressions (the age band is computed at `to`).
import { Prisma } from '../../db.js';
import {
  CLIENT_DIMENSIONS,
  COMPONENTS,
  DIMENSION_ENTITY,
  FACTS,
  GRAIN_SQL,
  componentsOf,
  factOf,
  type ComponentName,
  type Dimension,
  type FactName,
  type Measure,
  type TimeGrain,
} from './catalog.js';

export type StatisticsScope = { kind: 'organization'; organizationId: string } | { kind: 'caseload'; staffId: string };

export interface StatisticsQuery {
  measures: readonly Measure[];
  dimensions: readonly Dimension[];
  timeGrain: TimeGrain | null;
  from: Date;
  to: Date;
  filter: Partial<Record<Dimension, readonly string[]>>;
  scope: StatisticsScope;
  /** The instant "still overdue" is judged at (filterTime()). */
  now: Date;
}

export interface StatisticsSqlRow {
  fact: FactName;
  period: Date | null;
  /** Grouping bits: for column i of [period?, ...dimensions], bit (n - 1 - i) set = rolled up. */
  g: number;
  keys: Array<string | null>;
  labels: Array<string | null>;
  values: Partial<Record<ComponentName, number | null>>;
}

const AGE_BAND = `CASE WHEN cl."dateOfBirth" IS NULL THEN 'UNKNOWN'
  WHEN age(k."to"::date, cl."dateOfBirth") < interval '18 years' THEN 'UNDER_18'
  WHEN age(k."to"::date, cl."dateOfBirth") < interval '25 years' THEN 'AGE_18_24'
  WHEN age(k."to"::date, cl."dateOfBirth") < interval '45 years' THEN 'AGE_25_44'
  WHEN age(k."to"::date, cl."dateOfBirth") < interval '65 years' THEN 'AGE_45_64'
  ELSE 'AGE_65_PLUS' END`;

const LABEL_SQL: Record<string, string> = {
  Organization: `(SELECT o.name FROM "Organization" o WHERE o.id = X::uuid)`,
  Team: `(SELECT t.name FROM "Team" t WHERE t.id = X::uuid)`,
  StaffMember: `(SELECT s."givenName" || ' ' || s."familyName" FROM "StaffMember" s WHERE s.id = X::uuid)`,
  Provider: `(SELECT p.name FROM "Provider" p WHERE p.id = X::uuid)`,
};

export function dimensionSql(fact: FactName, dimension: Dimension): string | undefined {
  const sql = FACTS[fact].dims[dimension];
  return sql === '__AGE_BAND__' ? AGE_BAND : sql;
}

/** The facts a request reads, each with the components its measures need, in catalog order. */
export function factsOf(measures: readonly Measure[]): Map<FactName, ComponentName[]> {
  const facts = new Map<FactName, ComponentName[]>();
  for (const measure of measures) {
    const list = facts.get(factOf(measure)) ?? [];
    for (const component of componentsOf(measure)) if (!list.includes(component)) list.push(component);
    facts.set(factOf(measure), list);
  }
  return facts;
}

function scopeSql(fact: FactName, scope: StatisticsScope): Prisma.Sql {
  const f = FACTS[fact];
  // One arm per scope kind, not an OR of both, and the id as a parameter of its own rather than
  // a column of `k`: either hides the organization from the planner, which then joins every
  // case (0.3-0.7 s instead of tens of ms on the 100,000-client seed).
  // Access rules: src/services/statistics/scope.ts.
  if (scope.kind === 'organization') return Prisma.sql`${Prisma.raw(f.scopeOrganization)} = ${scope.organizationId}::uuid`;
  return Prisma.sql`${Prisma.raw(f.scopeCase)} IN (SELECT m."caseId" FROM "CareTeamMember" m WHERE m."staffId" = ${scope.staffId}::uuid AND m."endedAt" IS NULL)`;
}

function armSql(query: StatisticsQuery, fact: FactName, components: readonly ComponentName[]): Prisma.Sql {
  const f = FACTS[fact];
  const grain = query.timeGrain ? GRAIN_SQL[query.timeGrain] : null;
  const dims = query.dimensions.map((dimension) => dimensionSql(fact, dimension)!);
  const parts: Prisma.Sql[] = [];
  const needsClient = [...query.dimensions, ...Object.keys(query.filter)].some((d) => CLIENT_DIMENSIONS.includes(d as Dimension));
  const source = needsClient ? `${f.from} ${f.client}` : f.from;
  let from = `params k CROSS JOIN ${source}`;
  let period = 'NULL::timestamp';
  let when: string;
  if (f.openAt) {
    // A stock: counted at the end of the period, or of each grain step.
    if (grain) {
      from = `params k CROSS JOIN generate_series(date_trunc('${grain.field}', k."from"), k."to" - interval '1 millisecond', interval '${grain.step}') AS sp(period) CROSS JOIN ${source}`;
      period = 'sp.period';
      when = f.openAt(`least(sp.period + interval '${grain.step}', k."to")`);
    } else {
      when = f.openAt('k."to"');
    }
  } else {
    when = `${f.time} >= k."from" AND ${f.time} < k."to"`;
    if (grain) period = `date_trunc('${grain.field}', ${f.time})`;
  }
  const grouping = [...(grain ? [period] : []), ...dims];
  const values = components.map((name) => `'${name}', ${COMPONENTS[name].sql}`).join(', ');
  parts.push(
    Prisma.raw(`SELECT '${fact}'::text AS fact, ${period} AS period, ${grouping.length ? `GROUPING(${grouping.join(', ')})` : '0'}::int AS g`),
  );
  for (const [i, sql] of dims.entries()) parts.push(Prisma.raw(`, ${sql} AS d${i}`));
  parts.push(Prisma.raw(`, jsonb_build_object(${values}) AS v FROM ${from} WHERE ${when} AND ${f.where.replace('__NOW__', 'k.now')} AND `));
  parts.push(scopeSql(fact, query.scope));
  for (const [dimension, allowed] of Object.entries(query.filter) as Array<[Dimension, readonly string[]]>) {
    parts.push(Prisma.sql` AND (${Prisma.raw(dimensionSql(fact, dimension)!)}) = ANY(${[...allowed]}::text[])`);
  }
  if (grouping.length) parts.push(Prisma.raw(` GROUP BY CUBE(${grouping.map((sql) => `(${sql})`).join(', ')})`));
  return Prisma.join(parts, '');
}

/** The statement, limited to `maxRows + 1` rows so that the caller can tell an overflow. */
export function statisticsSql(query: StatisticsQuery, maxRows: number): Prisma.Sql {
  const arms = [...factsOf(query.measures)].map(([fact, components]) => armSql(query, fact, components));
  const dims = query.dimensions.map((_, i) => `d${i}`);
  const labels = query.dimensions.map((dimension, i) => {
    const entity = DIMENSION_ENTITY[dimension];
    return `, ${entity ? LABEL_SQL[entity]!.replace('X', `u.d${i}`) : 'NULL::text'} AS l${i}`;
  });
  return Prisma.sql`WITH params AS (SELECT ${query.from}::timestamp AS "from", ${query.to}::timestamp AS "to", ${query.now}::timestamp AS now)
    SELECT u.fact, u.period, u.g, u.v${Prisma.raw(dims.map((d) => `, u.${d}`).join(''))}${Prisma.raw(labels.join(''))}
    FROM (${Prisma.join(arms, ' UNION ALL ')}) u
    LIMIT ${maxRows + 1}`;
}

/** Rows as the database returns them, in a shape the table builder reads. */
export function readRows(raw: Array<Record<string, unknown>>, dimensions: number): StatisticsSqlRow[] {
  return raw.map((row) => ({
    fact: row.fact as FactName,
    period: (row.period as Date | null) ?? null,
    g: Number(row.g),
    keys: Array.from({ length: dimensions }, (_, i) => (row[`d${i}`] as string | null) ?? null),
    labels: Array.from({ length: dimensions }, (_, i) => (row[`l${i}`] as string | null) ?? null),
    values: row.v as StatisticsSqlRow['values'],
  }));
}
