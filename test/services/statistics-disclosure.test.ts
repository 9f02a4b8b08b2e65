// Disclosure control end to end, at the default threshold (11): small counts are withheld, no
// withheld count can be computed from what the table publishes, and rates, medians and
// percentiles over withheld counts are withheld too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dimension, Measure, TimeGrain } from '../../src/services/statistics/catalog.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { recoverable } from './statistics-attack.js';
import { buildDataSet, coordsOf, expectedCube, factsFor, FROM, TO, type ApiRow, type DataSet, type Fact } from './statistics-data.js';

let t: TestApp;
let data: DataSet;
beforeAll(async () => {
  t = await startTestApp('statistics_disclosure');
  data = await buildDataSet(80);
});
afterAll(() => t?.stop());

const QUERY = `query Stats($measures: [StatisticsMeasure!]!, $dimensions: [StatisticsDimension!], $timeGrain: TimeGrain, $from: DateTime, $to: DateTime) {
  statistics(measures: $measures, dimensions: $dimensions, timeGrain: $timeGrain, from: $from, to: $to) {
    minCellSize rows { ...row } totals { ...row }
  }
}
fragment row on StatisticsRow { period periodTotal keys { dimension value label total } cells { measure value suppressed } }`;

async function table(measures: Measure[], dimensions: Dimension[], timeGrain: TimeGrain | null) {
  const response = await t.gql(QUERY, { measures, dimensions, timeGrain, from: FROM.toISOString(), to: TO.toISOString() }, { token: await t.tokenFor(data.analyst) });
  const answer = expectData(response).statistics as { minCellSize: number; rows: ApiRow[]; totals: ApiRow[] };
  expect(answer.minCellSize).toBe(11);
  return [...answer.rows, ...answer.totals];
}

/** The measure's cells by coordinates, and the JavaScript count behind each (`base`). */
function check(rows: ApiRow[], m: number, grain: boolean, base: Map<string, number | null>, exact: Map<string, number | null> | null) {
  let suppressed = 0;
  for (const row of rows) {
    const key = coordsOf(row, grain);
    const cell = row.cells[m]!;
    const n = base.get(key) ?? 0;
    if (n > 0 && n < 11) expect(cell.suppressed, `${cell.measure} at ${key} over ${n}`).toBe(true);
    if (cell.suppressed) {
      suppressed += 1;
      expect(cell.value).toBeNull();
    } else if (exact) {
      expect(cell.value, `${cell.measure} at ${key}`).toBeCloseTo(exact.get(key) ?? 0, 6);
    }
  }
  return suppressed;
}

describe('statistics disclosure control', () => {
  for (const [dimensions, grain] of [[['TEAM', 'SETTING'], null], [['RISK_LEVEL'], 'MONTH'], [['SETTING', 'REGION', 'AGE_BAND'], null]] as Array<[Dimension[], TimeGrain | null]>) {
    it(`withholds small counts and every count they could be computed from: ${dimensions.join(' x ')}${grain ? ` by ${grain}` : ''}`, async () => {
      const rows = await table(['CASES_OPENED', 'REFERRALS_SENT'], dimensions, grain);
      const now = new Date();
      let withheld = 0;
      for (const [m, measure] of (['CASES_OPENED', 'REFERRALS_SENT'] as const).entries()) {
        const expected = expectedCube(factsFor(data, measure, grain, now), measure, dimensions, grain);
        withheld += check(rows, m, grain !== null, expected, expected);
        const published = rows.map((row) => ({ coords: JSON.parse(coordsOf(row, grain !== null)) as string[], value: row.cells[m]!.value }));
        expect(recoverable(published), measure).toEqual([]);
      }
      expect(withheld, 'the data set has small cells').toBeGreaterThan(0);
    });
  }

  it('withholds rates, medians and percentiles whose counts are withheld', async () => {
    const measures: Measure[] = ['LOOP_CLOSURE_RATE', 'HOURS_TO_ACCEPT_MEDIAN', 'HOURS_TO_COMPLETE_P90'];
    const rows = await table(measures, ['SERVICE_TYPE', 'TEAM'], null);
    const now = new Date();
    const facts = factsFor(data, 'REFERRALS_SENT', null, now);
    const counts = (predicate: (f: Fact) => boolean) => expectedCube(facts.filter(predicate), 'REFERRALS_SENT', ['SERVICE_TYPE', 'TEAM'], null);
    const sent = counts(() => true);
    const completed = counts((f) => f.status === 'COMPLETED');
    const accepted = counts((f) => f.acceptedAt !== null);
    expect(check(rows, 0, false, sent, null)).toBeGreaterThan(0);
    check(rows, 0, false, completed, null);
    check(rows, 1, false, accepted, null);
    check(rows, 2, false, completed, null);
  });
});
