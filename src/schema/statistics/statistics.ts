// `statistics`: a table of measures broken down by dimensions and a time grain, with disclosure
// control (src/services/statistics/). Ids in filters and key values are Relay global ids.
import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../../builder.js';
import { AGE_BANDS, DIMENSION_ENTITY, DIMENSIONS, MEASURES, TIME_GRAINS, type Dimension } from '../../services/statistics/catalog.js';
import { DEFAULT_MIN_CELL } from '../../services/statistics/settings.js';
import { LIMITS, statistics, type StatisticsInput } from '../../services/statistics/statistics.js';
import type { StatisticsCell, StatisticsKey, StatisticsRow, StatisticsTable } from '../../services/statistics/table.js';
import { CrisisCategoryEnum, CrisisSeverityEnum, NeedDomainEnum, ProviderKindEnum, RiskLevelEnum, SettingEnum } from '../enums.js';
import { Organization } from '../organization/organization.js';
import { Provider } from '../provider/provider.js';
import { StaffMember, Team } from '../staff/staff.js';
import { viewerOf } from '../viewer.js';

export const StatisticsMeasureEnum = builder.enumType('StatisticsMeasure', {
  values: MEASURES,
  description:
    'Referral measures count referrals by when they were sent (a cohort); durations are in hours or minutes; rates are 0 to 1. ' +
    'OPEN_CASELOAD is counted at the end of the period (or of each grain step) and not totalled over periods; ' +
    'PLANS_OVERDUE_FOR_REVIEW counts active plans whose review fell due in the period and has not happened yet.',
});
export const StatisticsDimensionEnum = builder.enumType('StatisticsDimension', {
  values: DIMENSIONS,
  description: 'CASE_MANAGER is for supervisors only. AGE_BAND is the age at the end of the period.',
});
export const TimeGrainEnum = builder.enumType('TimeGrain', { values: TIME_GRAINS });
export const StatisticsAgeBandEnum = builder.enumType('StatisticsAgeBand', { values: AGE_BANDS });

const StatisticsFilter = builder.inputType('StatisticsFilter', {
  description: 'Each list keeps rows whose value is one of those given; lists AND together.',
  fields: (t) => ({
    organizationIds: t.globalIDList({ for: Organization }),
    teamIds: t.globalIDList({ for: Team }),
    caseManagerIds: t.globalIDList({ for: StaffMember, description: 'Supervisors only' }),
    providerIds: t.globalIDList({ for: Provider }),
    settings: t.field({ type: [SettingEnum] }),
    serviceTypes: t.field({ type: [ProviderKindEnum] }),
    needDomains: t.field({ type: [NeedDomainEnum] }),
    riskLevels: t.field({ type: [RiskLevelEnum] }),
    ageBands: t.field({ type: [StatisticsAgeBandEnum] }),
    regions: t.stringList(),
    crisisCategories: t.field({ type: [CrisisCategoryEnum] }),
    crisisSeverities: t.field({ type: [CrisisSeverityEnum] }),
  }),
});

type FilterArg = NonNullable<(typeof StatisticsFilter)['$inferInput']>;
const ids = (list: ReadonlyArray<{ id: string }> | null | undefined) => list?.map((item) => item.id) ?? null;

export function filterOf(filter: FilterArg | null | undefined): StatisticsInput['filter'] {
  if (!filter) return {};
  const byDimension: Partial<Record<Dimension, readonly string[] | null>> = {
    ORGANIZATION: ids(filter.organizationIds),
    TEAM: ids(filter.teamIds),
    CASE_MANAGER: ids(filter.caseManagerIds),
    PROVIDER: ids(filter.providerIds),
    SETTING: filter.settings ?? null,
    SERVICE_TYPE: filter.serviceTypes ?? null,
    NEED_DOMAIN: filter.needDomains ?? null,
    RISK_LEVEL: filter.riskLevels ?? null,
    AGE_BAND: filter.ageBands ?? null,
    REGION: filter.regions ?? null,
    CRISIS_CATEGORY: filter.crisisCategories ?? null,
    CRISIS_SEVERITY: filter.crisisSeverities ?? null,
  };
  return Object.fromEntries(Object.entries(byDimension).filter(([, values]) => values !== null));
}

const StatisticsKeyRef = builder.objectRef<StatisticsKey>('StatisticsKey').implement({
  description: 'A row\'s value of one dimension.',
  fields: (t) => ({
    dimension: t.field({ type: StatisticsDimensionEnum, resolve: (key) => key.dimension }),
    value: t.string({
      nullable: true,
      description: 'An enum value, a region, an age band, or the global id of the organization, team, case manager or provider; null on a total or when none was recorded',
      resolve: (key) => {
        const entity = DIMENSION_ENTITY[key.dimension];
        return entity && key.value ? encodeGlobalID(entity, key.value) : key.value;
      },
    }),
    label: t.exposeString('label', { nullable: true, description: 'The name of the organization, team, case manager or provider' }),
    total: t.exposeBoolean('total', { description: 'This row totals over the dimension' }),
  }),
});

const StatisticsCellRef = builder.objectRef<StatisticsCell>('StatisticsCell').implement({
  fields: (t) => ({
    measure: t.field({ type: StatisticsMeasureEnum, resolve: (cell) => cell.measure }),
    value: t.exposeFloat('value', { nullable: true, description: 'null when suppressed, or when there is nothing to measure (a rate over no referrals)' }),
    suppressed: t.exposeBoolean('suppressed', { description: 'Withheld by disclosure control (a small count, or one that would reveal one)' }),
  }),
});

const StatisticsRowRef = builder.objectRef<StatisticsRow>('StatisticsRow').implement({
  fields: (t) => ({
    period: t.expose('period', { type: 'DateTime', nullable: true, description: 'Start of the grain step (UTC); null without a grain or on a total over periods' }),
    periodTotal: t.exposeBoolean('periodTotal'),
    keys: t.field({ type: [StatisticsKeyRef], complexity: { field: 1, multiplier: LIMITS.dimensions }, resolve: (row) => row.keys }),
    cells: t.field({ type: [StatisticsCellRef], complexity: { field: 1, multiplier: 4 }, resolve: (row) => row.cells }),
  }),
});

const StatisticsColumnRef = builder.objectRef<{ name: string; dimension?: Dimension; measure?: string }>('StatisticsColumn').implement({
  description: 'The table\'s columns in order: PERIOD (with a grain), then the dimensions, then the measures.',
  fields: (t) => ({
    name: t.exposeString('name'),
    dimension: t.field({ type: StatisticsDimensionEnum, nullable: true, resolve: (column) => column.dimension ?? null }),
    measure: t.field({ type: StatisticsMeasureEnum, nullable: true, resolve: (column) => (column.measure as never) ?? null }),
  }),
});

// Rows of a typical table: a year by month over one dimension of ~10 values, with its margins.
const EXPECTED_ROWS = 150;

export const StatisticsTableRef = builder.objectRef<StatisticsTable>('StatisticsTable').implement({
  fields: (t) => ({
    measures: t.field({ type: [StatisticsMeasureEnum], resolve: (table) => [...table.measures] }),
    dimensions: t.field({ type: [StatisticsDimensionEnum], resolve: (table) => [...table.dimensions] }),
    timeGrain: t.field({ type: TimeGrainEnum, nullable: true, resolve: (table) => table.timeGrain }),
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    minCellSize: t.exposeInt('minCellSize', { description: `Counts from 1 to this minus 1 are suppressed (STATISTICS_MIN_CELL, default ${DEFAULT_MIN_CELL})` }),
    columns: t.field({
      type: [StatisticsColumnRef],
      resolve: (table) => [
        ...(table.timeGrain ? [{ name: 'PERIOD' }] : []),
        ...table.dimensions.map((dimension) => ({ name: dimension, dimension })),
        ...table.measures.map((measure) => ({ name: measure, measure })),
      ],
    }),
    rows: t.field({ type: [StatisticsRowRef], complexity: { field: 1, multiplier: EXPECTED_ROWS }, resolve: (table) => table.rows }),
    totals: t.field({
      type: [StatisticsRowRef],
      description: 'Every margin (totals over each dimension and over periods, and their combinations) and the grand total',
      complexity: { field: 1, multiplier: EXPECTED_ROWS / 2 },
      resolve: (table) => table.totals,
    }),
  }),
});

export const statisticsArgs = (t: Parameters<Parameters<typeof builder.queryField>[1]>[0]) => ({
  measures: t.arg({ type: [StatisticsMeasureEnum], required: true }),
  dimensions: t.arg({ type: [StatisticsDimensionEnum] }),
  timeGrain: t.arg({ type: TimeGrainEnum }),
  from: t.arg({ type: 'DateTime', description: 'Inclusive; default: a year before `to`' }),
  to: t.arg({ type: 'DateTime', description: 'Exclusive; default: now' }),
  filter: t.arg({ type: StatisticsFilter }),
});

builder.queryField('statistics', (t) =>
  t.field({
    type: StatisticsTableRef,
    description:
      'Measures broken down by dimensions and a time grain, with every margin and the grand total. Analysts and supervisors: ' +
      'their organization; other clinicians: their caseload. Small counts, and counts that would reveal them, are suppressed.',
    args: statisticsArgs(t),
    // One SQL statement, but a scan of a year of the organization's facts: a fixed cost per
    // request plus one per measure and dimension.
    complexity: (args) => ({ field: 100 + 20 * args.measures.length + 40 * (args.dimensions?.length ?? 0), multiplier: 1 }),
    resolve: (_root, args, ctx, info) =>
      statistics(
        { measures: args.measures, dimensions: args.dimensions, timeGrain: args.timeGrain, from: args.from, to: args.to, filter: filterOf(args.filter) },
        { viewer: viewerOf(ctx), requestId: ctx.requestId, operationName: ctx.operationName ?? info.operation.name?.value ?? null },
      ),
  }),
);
