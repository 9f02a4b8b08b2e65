// exportStatistics over HTTP: the streamed CSV and NDJSON match the `statistics` query with the
// same arguments (suppression included), the export is audited as EXPORT, and bad requests get
// typed errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createStaff } from '../support/factories.js';
import { buildDataSet, FROM, TO, type ApiRow, type DataSet } from '../services/statistics-data.js';

let t: TestApp;
let data: DataSet;
let analystToken: string;
let exportUrl: string;
beforeAll(async () => {
  t = await startTestApp('statistics_export');
  data = await buildDataSet(40);
  analystToken = await t.tokenFor(data.analyst);
  exportUrl = t.url.replace(/\/graphql$/, '/statistics/export');
});
afterAll(() => t?.stop());

const ARGS = {
  measures: ['CASES_OPENED', 'REFERRALS_SENT', 'LOOP_CLOSURE_RATE', 'HOURS_TO_ACCEPT_MEDIAN'],
  dimensions: ['TEAM', 'SETTING'],
  timeGrain: 'QUARTER',
  from: FROM.toISOString(),
  to: TO.toISOString(),
  filter: { riskLevels: ['LOW', 'MODERATE', 'HIGH'] },
};
const QUERY = `query Q($measures: [StatisticsMeasure!]!, $dimensions: [StatisticsDimension!], $timeGrain: TimeGrain, $from: DateTime, $to: DateTime, $filter: StatisticsFilter) {
  statistics(measures: $measures, dimensions: $dimensions, timeGrain: $timeGrain, from: $from, to: $to, filter: $filter) {
    rows { ...row } totals { ...row } } }
fragment row on StatisticsRow { period periodTotal keys { dimension value label total } cells { measure value suppressed } }`;

const post = (body: unknown, token: string | null = analystToken) =>
  fetch(exportUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

/** Minimal RFC 4180 reader (quoted fields, doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') (field += '"', (i += 1));
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(field), (field = ''));
    else if (ch === '\n') (row.push(field), rows.push(row), (row = []), (field = ''));
    else if (ch !== '\r') field += ch;
  }
  return rows;
}

async function expected() {
  const table = expectData(await t.gql(QUERY, ARGS, { token: analystToken })).statistics as { rows: ApiRow[]; totals: ApiRow[] };
  return [...table.rows.map((row) => ({ row, total: false })), ...table.totals.map((row) => ({ row, total: true }))];
}

describe('exportStatistics', () => {
  it('streams CSV matching the query, suppression included, audited as EXPORT', async () => {
    const response = await post(ARGS);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/csv');
    const [header, ...lines] = parseCsv(await response.text());
    expect(header).toEqual([
      'row', 'period', 'TEAM', 'TEAM_label', 'SETTING', 'SETTING_label',
      'CASES_OPENED', 'CASES_OPENED_suppressed', 'REFERRALS_SENT', 'REFERRALS_SENT_suppressed',
      'LOOP_CLOSURE_RATE', 'LOOP_CLOSURE_RATE_suppressed', 'HOURS_TO_ACCEPT_MEDIAN', 'HOURS_TO_ACCEPT_MEDIAN_suppressed',
    ]);
    const rows = await expected();
    expect(lines).toHaveLength(rows.length);
    expect(rows.some(({ row }) => row.cells.some((cell) => cell.suppressed))).toBe(true);
    rows.forEach(({ row, total }, i) => {
      const line = lines[i]!;
      expect(line[0]).toBe(total ? 'TOTAL' : 'ROW');
      expect(line[1]).toBe(row.periodTotal ? 'TOTAL' : new Date(row.period!).toISOString());
      row.keys.forEach((key, k) => {
        expect(line[2 + 2 * k]).toBe(key.total ? 'TOTAL' : (key.value ?? ''));
        expect(line[3 + 2 * k]).toBe(key.label ?? '');
      });
      row.cells.forEach((cell, c) => {
        expect(line[6 + 2 * c] === '' ? null : Number(line[6 + 2 * c])).toBe(cell.value);
        expect(line[7 + 2 * c]).toBe(String(cell.suppressed));
      });
    });
    expect(await prisma.auditEvent.count({ where: { actorId: data.analyst, action: 'EXPORT', entityType: 'Statistics', operationName: 'exportStatistics' } })).toBe(1);
  });

  it('streams NDJSON matching the query', async () => {
    const response = await post({ ...ARGS, format: 'ndjson' });
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    const lines = (await response.text()).trimEnd().split('\n').map((line) => JSON.parse(line));
    const rows = await expected();
    expect(lines).toEqual(rows.map(({ row, total }) => ({ total, ...row, period: row.period })));
  });

  it('answers bad requests with typed errors and exports nothing', async () => {
    const audits = await prisma.auditEvent.count({ where: { action: 'EXPORT' } });
    const cases: Array<[unknown, string | null, number, string]> = [
      [ARGS, null, 401, 'UNAUTHENTICATED'],
      [{ ...ARGS, measures: ['NOPE'] }, analystToken, 400, 'BAD_USER_INPUT'],
      [{ ...ARGS, filter: { teamIds: ['bm90LWFuLWlk'] } }, analystToken, 400, 'BAD_USER_INPUT'],
      [{ ...ARGS, dimensions: ['CASE_MANAGER'] }, analystToken, 403, 'FORBIDDEN'],
      [{ ...ARGS, dimensions: ['CRISIS_CATEGORY'] }, analystToken, 400, 'BAD_USER_INPUT'],
      [ARGS, await t.tokenFor((await createStaff(data.org.id, { roles: ['ADMIN'], discipline: 'ADMINISTRATIVE' })).id), 403, 'FORBIDDEN'],
    ];
    for (const [body, token, status, code] of cases) {
      const response = await post(body, token);
      expect(response.status, JSON.stringify(body)).toBe(status);
      expect((await response.json()).errors[0].extensions.code).toBe(code);
    }
    const wrongMethod = await fetch(exportUrl, { headers: { authorization: `Bearer ${analystToken}` } });
    expect(wrongMethod.status).toBe(405);
    expect(await prisma.auditEvent.count({ where: { action: 'EXPORT' } })).toBe(audits);
  });
});
