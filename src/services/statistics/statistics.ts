// `statistics`: checks a request against the catalog and the viewer's rights, runs its one SQL
// statement, builds the suppressed table, and audits the request with its parameters (which
// hold enum values, dates and the ids of organizations, teams, staff or providers: no PHI).
import type { Viewer } from '../../auth/viewer.js';
import { insertAuditRows } from '../../audit/store.js';
import { filterTime } from '../../clock.js';
import { prisma } from '../../db.js';
import { ForbiddenError, ValidationError } from '../../errors.js';
import { UUID } from '../../auth/viewer.js';
import { DIMENSION_ENTITY, FACTS, SUPERVISOR_DIMENSIONS, factOf, type Dimension, type Measure, type TimeGrain } from './catalog.js';
import { cached, cacheKey, dataVersion, remember } from './cache.js';
import { statisticsScope } from './scope.js';
import { statisticsMinCell } from './settings.js';
import { readRows, statisticsSql, type StatisticsQuery } from './sql.js';
import { buildTable, type StatisticsTable } from './table.js';

export interface StatisticsInput {
  measures: readonly Measure[];
  dimensions?: readonly Dimension[] | null;
  timeGrain?: TimeGrain | null;
  from?: Date | null;
  to?: Date | null;
  filter?: Partial<Record<Dimension, readonly string[] | null>> | null;
}

export interface StatisticsCaller {
  viewer: Viewer;
  requestId: string | null;
  operationName: string | null;
}

export const LIMITS = {
  measures: 12,
  dimensions: 3,
  filterValues: 100,
  /** Rows of the cube (detail cells and margins): beyond, a coarser grain or fewer dimensions. */
  rows: 10_000,
  /** Longest period, and most grain steps in it. */
  days: 5 * 366,
  periods: 400,
} as const;

const DAY_MS = 86_400_000;
const GRAIN_DAYS: Record<TimeGrain, number> = { DAY: 1, WEEK: 7, MONTH: 28, QUARTER: 90, YEAR: 365 };

function checked(input: StatisticsInput, viewer: Viewer): Omit<StatisticsQuery, 'scope' | 'now'> {
  const measures = [...new Set(input.measures)];
  const dimensions = [...new Set(input.dimensions ?? [])];
  const timeGrain = input.timeGrain ?? null;
  if (measures.length === 0) throw new ValidationError('Name at least one measure', 'measures');
  if (measures.length > LIMITS.measures) throw new ValidationError(`At most ${LIMITS.measures} measures at a time`, 'measures');
  if (dimensions.length > LIMITS.dimensions) throw new ValidationError(`At most ${LIMITS.dimensions} dimensions at a time`, 'dimensions');
  const to = input.to ?? filterTime();
  const from = input.from ?? new Date(to.getTime() - 365 * DAY_MS);
  if (!(from < to)) throw new ValidationError('`from` must be before `to`', 'from');
  const days = (to.getTime() - from.getTime()) / DAY_MS;
  if (days > LIMITS.days) throw new ValidationError(`The period may span at most ${LIMITS.days} days`, 'to');
  if (timeGrain && days / GRAIN_DAYS[timeGrain] > LIMITS.periods) {
    throw new ValidationError(`A ${timeGrain} grain over ${Math.round(days)} days gives more than ${LIMITS.periods} periods: choose a coarser grain`, 'timeGrain');
  }
  const filter: Partial<Record<Dimension, readonly string[]>> = {};
  for (const [dimension, values] of Object.entries(input.filter ?? {}) as Array<[Dimension, readonly string[] | null]>) {
    if (!values) continue;
    if (values.length === 0 || values.length > LIMITS.filterValues) throw new ValidationError(`filter.${dimension} takes 1 to ${LIMITS.filterValues} values`, `filter.${dimension}`);
    if (DIMENSION_ENTITY[dimension] && values.some((value) => !UUID.test(value))) throw new ValidationError(`filter.${dimension} takes ids`, `filter.${dimension}`);
    if (values.some((value) => value.length > 200)) throw new ValidationError(`filter.${dimension} has a value over 200 characters`, `filter.${dimension}`);
    filter[dimension] = [...new Set(values)];
  }
  for (const dimension of [...dimensions, ...(Object.keys(filter) as Dimension[])]) {
    if (SUPERVISOR_DIMENSIONS.includes(dimension) && !viewer.roles.includes('SUPERVISOR')) {
      throw new ForbiddenError(`Only supervisors may break statistics down or filter by ${dimension}`);
    }
    for (const measure of measures) {
      if (!FACTS[factOf(measure)].dims[dimension]) {
        const field = dimensions.includes(dimension) ? 'dimensions' : `filter.${dimension}`;
        throw new ValidationError(`${measure} cannot be broken down or filtered by ${dimension}`, field);
      }
    }
  }
  return { measures, dimensions, timeGrain, from, to, filter };
}

function auditReason(query: Omit<StatisticsQuery, 'now'>): string {
  return JSON.stringify({
    measures: query.measures,
    dimensions: query.dimensions,
    timeGrain: query.timeGrain,
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    filter: query.filter,
    scope: query.scope.kind,
  });
}

/** The table, or a typed error; audited as READ (EXPORT for exports) or ACCESS_DENIED. */
export async function statistics(input: StatisticsInput, caller: StatisticsCaller, action: 'READ' | 'EXPORT' = 'READ'): Promise<StatisticsTable> {
  const audit = { actorId: caller.viewer.id, entityType: 'Statistics', entityId: null, clientId: null, operationName: caller.operationName, requestId: caller.requestId };
  let query: StatisticsQuery;
  try {
    query = { ...checked(input, caller.viewer), scope: statisticsScope(caller.viewer), now: filterTime() };
  } catch (error) {
    if (error instanceof ForbiddenError) {
      await insertAuditRows(prisma, [{ ...audit, action: 'ACCESS_DENIED', outcome: 'DENIED', reason: JSON.stringify({ measures: input.measures, dimensions: input.dimensions ?? [] }) }]);
    }
    throw error;
  }
  const minCell = statisticsMinCell();
  const key = cacheKey(query, minCell);
  const version = await dataVersion();
  let table = cached(key, version);
  if (!table) {
    const raw = await prisma.$queryRaw<Array<Record<string, unknown>>>(statisticsSql(query, LIMITS.rows));
    if (raw.length > LIMITS.rows) {
      throw new ValidationError(`More than ${LIMITS.rows} rows: use fewer dimensions, a coarser grain or a filter`, 'dimensions');
    }
    table = buildTable(query, readRows(raw, query.dimensions.length), minCell);
    remember(key, version, table);
  }
  await insertAuditRows(prisma, [{ ...audit, action, outcome: 'SUCCESS', reason: auditReason(query) }]);
  return table;
}
