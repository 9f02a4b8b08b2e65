// The statistics operations of the benchmark (bench/operations/statistics-*.graphql) stay valid
// and answer without errors for their actors, over real HTTP.
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS_DIR } from '../../bench/api/operations.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createStaff } from '../support/factories.js';
import { buildDataSet } from '../services/statistics-data.js';

let t: TestApp;
let tokens: string[] = [];
beforeAll(async () => {
  t = await startTestApp('statistics_operations');
  const data = await buildDataSet(12);
  tokens = [await t.tokenFor(data.analyst), await t.tokenFor(data.supervisor), await t.tokenFor((await createStaff(data.org.id)).id)];
});
afterAll(() => t?.stop());

describe('bench statistics operations', () => {
  const files = readdirSync(OPERATIONS_DIR).filter((file) => file.startsWith('statistics'));
  it('exist', () => expect(files.length).toBeGreaterThanOrEqual(3));
  for (const file of files) {
    it(`${file} answers analysts, supervisors and case managers`, async () => {
      const query = readFileSync(`${OPERATIONS_DIR}${file}`, 'utf8');
      for (const token of tokens) {
        const data = expectData(await t.gql(query, { from: '2026-01-01T00:00:00Z', to: '2026-07-01T00:00:00Z' }, { token }));
        if (data.statistics) expect(data.statistics.totals.length + data.statistics.rows.length).toBeGreaterThan(0);
        else expect(Array.isArray(data.referralPathways), file).toBe(true);
      }
    });
  }
});
