// `statistics` against figures computed in JavaScript over a data set the test writes: every
// measure, each dimension, every time grain, margins and grand total. Suppression is off here
// (STATISTICS_MIN_CELL=1); statistics-disclosure.test.ts covers it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { DIMENSIONS, FACTS, MEASURES, TIME_GRAINS, factOf, type Dimension, type Measure, type TimeGrain } from '../../src/services/statistics/catalog.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { buildDataSet, coordsOf, expectedCube, factsFor, FROM, ROLLED, TO, type ApiRow, type DataSet } from './statistics-data.js';

let t: TestApp;
let data: DataSet;
let supervisorToken: string;
beforeAll(async () => {
  t = await startTestApp('statistics', { STATISTICS_MIN_CELL: '1' });
  data = await buildDataSet();
  supervisorToken = await t.tokenFor(data.supervisor);
});
afterAll(() => t?.stop());

const QUERY = `query Stats($measures: [StatisticsMeasure!]!, $dimensions: [StatisticsDimension!], $timeGrain: TimeGrain, $from: DateTime, $to: DateTime, $filter: StatisticsFilter) {
  statistics(measures: $measures, dimensions: $dimensions, timeGrain: $timeGrain, from: $from, to: $to, filter: $filter) {
    minCellSize columns { name }
    rows { ...row } totals { ...row }
  }
}
fragment row on StatisticsRow { period periodTotal keys { dimension value label total } cells { measure value suppressed } }`;

async function ask(measures: Measure[], dimensions: Dimension[], timeGrain: TimeGrain | null, token = supervisorToken, filter?: object) {
  const response = await t.gql(QUERY, { measures, dimensions, timeGrain, from: FROM.toISOString(), to: TO.toISOString(), filter }, { token });
  return expectData(response).statistics as { minCellSize: number; columns: Array<{ name: string }>; rows: ApiRow[]; totals: ApiRow[] };
}

/** Compares every row and total of the answer with the cube computed in JavaScript. */
async function expectMatches(measures: Measure[], dimensions: Dimension[], grain: TimeGrain | null) {
  const table = await ask(measures, dimensions, grain);
  const now = new Date();
  for (const [m, measure] of measures.entries()) {
    const expected = expectedCube(factsFor(data, measure, grain, now), measure, dimensions, grain);
    const answered = new Map<string, number | null>();
    for (const row of [...table.rows, ...table.totals]) {
      expect(row.cells[m]!.measure).toBe(measure);
      expect(row.cells[m]!.suppressed).toBe(false);
      answered.set(coordsOf(row, grain !== null), row.cells[m]!.value);
    }
    const stockOverTime = grain !== null && FACTS[factOf(measure)].openAt;
    for (const [key, value] of expected) {
      if (stockOverTime && JSON.parse(key)[0] === ROLLED) {
        expect(answered.get(key) ?? null, `${measure} ${key}`).toBeNull();
        continue;
      }
      const got = answered.get(key);
      if (value === null) expect(got ?? null, `${measure} ${key}`).toBeNull();
      else expect(got, `${measure} at ${key}`).toBeCloseTo(value, 6);
    }
    // Nothing answered that the data does not hold (other measures of the table aside: zeros).
    for (const [key, value] of answered) if (!expected.has(key)) expect([0, null], `${measure} ${key}`).toContain(value);
  }
  return table;
}

describe('statistics measures', () => {
  it('computes every measure over the period, the other organization left out', async () => {
    const table = await expectMatches([...MEASURES.slice(0, 12)], [], null);
    expect(table.rows).toHaveLength(1);
    expect(table.totals).toHaveLength(0);
    expect(table.minCellSize).toBe(1);
    expect(table.columns.map((c) => c.name)).toEqual(MEASURES.slice(0, 12));
    await expectMatches([...MEASURES.slice(12, 24)], [], null);
    await expectMatches([...MEASURES.slice(24)], [], null);
    // The data set is not degenerate: every measure has a figure.
    for (const measure of MEASURES) expect(expectedCube(factsFor(data, measure, null, new Date()), measure, [], null).get('[]'), measure).toBeTruthy();
  });

  it('breaks every measure down by each dimension its facts have, with the totals', async () => {
    for (const dimension of DIMENSIONS) {
      const measures = MEASURES.filter((measure) => FACTS[factOf(measure)].dims[dimension]);
      expect(measures.length, dimension).toBeGreaterThan(0);
      for (let i = 0; i < measures.length; i += 12) await expectMatches(measures.slice(i, i + 12), [dimension], null);
    }
  });

  it('places facts by every time grain, stocks at the end of each step', async () => {
    for (const grain of TIME_GRAINS) {
      await expectMatches(['CASES_OPENED', 'OPEN_CASELOAD', 'REFERRALS_SENT', 'HOURS_TO_ACCEPT_MEDIAN', 'CRISES', 'PLAN_REVIEWS_ON_TIME'], [], grain);
    }
  });

  it('crosses two and three dimensions with a grain: every margin and the grand total', async () => {
    const table = await expectMatches(['REFERRALS_SENT', 'LOOP_CLOSURE_RATE', 'HOURS_TO_COMPLETE_P90'], ['TEAM', 'SERVICE_TYPE'], 'QUARTER');
    // (2 quarters + total) x (2 teams + total) x (3 service types + total), less empty combinations.
    expect(table.rows.length + table.totals.length).toBeLessThanOrEqual(3 * 3 * 4);
    expect(table.totals.some((row) => row.periodTotal && row.keys.every((key) => key.total))).toBe(true);
    await expectMatches(['CRISES', 'MINUTES_TO_ACKNOWLEDGE_P90', 'ESCALATIONS'], ['CRISIS_CATEGORY', 'CRISIS_SEVERITY', 'CASE_MANAGER'], 'MONTH');
  });

  it('labels organizations, teams, case managers and providers by name', async () => {
    const table = await ask(['REFERRALS_SENT'], ['TEAM', 'PROVIDER'], null);
    const teams = await prisma.team.findMany({ where: { id: { in: data.teams } } });
    const teamLabels = new Set(table.rows.map((row) => row.keys[0]!.label));
    expect(teamLabels).toEqual(new Set(teams.map((team) => team.name)));
    expect(table.rows.every((row) => row.keys[1]!.label?.startsWith('Provider '))).toBe(true);
  });

  it('filters by dimension values, and the filter joins the scope rather than widening it', async () => {
    const filter = { teamIds: [Buffer.from(`Team:${data.teams[0]}`).toString('base64')], riskLevels: ['HIGH', 'IMMINENT'] };
    const table = await ask(['CASES_OPENED'], [], null, supervisorToken, filter);
    const expected = factsFor(data, 'CASES_OPENED', null, new Date()).filter((f) => f.dims.TEAM === data.teams[0] && ['HIGH', 'IMMINENT'].includes(f.dims.RISK_LEVEL!));
    expect(table.rows[0]!.cells[0]!.value).toBe(expected.length);
    const foreign = await ask(['CASES_OPENED'], [], null, supervisorToken, { organizationIds: [Buffer.from(`Organization:${data.other.id}`).toString('base64')] });
    expect(foreign.rows[0]!.cells[0]!.value).toBe(0);
  });

  it('refuses what it cannot compute with typed errors naming the argument, and changes nothing', async () => {
    const cases: Array<[object, string]> = [
      [{ measures: ['CASES_OPENED'], dimensions: ['CRISIS_CATEGORY'] }, 'CASES_OPENED cannot be broken down'],
      [{ measures: ['CRISES'], filter: { providerIds: [Buffer.from(`Provider:${data.org.id}`).toString('base64')] } }, 'CRISES cannot be broken down or filtered by PROVIDER'],
      [{ measures: [] }, 'at least one measure'],
      [{ measures: ['CRISES'], dimensions: ['TEAM', 'SETTING', 'REGION', 'AGE_BAND'] }, 'At most 3 dimensions'],
      [{ measures: ['CRISES'], from: TO.toISOString(), to: FROM.toISOString() }, 'before'],
      [{ measures: ['CRISES'], timeGrain: 'DAY', from: '2024-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'coarser grain'],
    ];
    const audits = await prisma.auditEvent.count({ where: { entityType: 'Statistics' } });
    for (const [variables, message] of cases) {
      const response = await t.gql(QUERY, variables as Record<string, unknown>, { token: supervisorToken });
      expect(response.errors?.[0]?.extensions?.code, JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain(message);
    }
    expect(await prisma.auditEvent.count({ where: { entityType: 'Statistics' } })).toBe(audits);
  });
});
