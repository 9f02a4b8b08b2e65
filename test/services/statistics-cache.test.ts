// Repeated statistics requests come from the cache of the viewer's scope until a change goes
// through the mutation pipeline (a new DomainEvent), which makes the next request recompute.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { countStatements } from '../support/sql.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
let supervisorToken: string;
let otherToken: string;
let managers: string[] = [];
let caseIds: string[] = [];
beforeAll(async () => {
  t = await startTestApp('statistics_cache', { STATISTICS_MIN_CELL: '1' });
  const org = await createOrganization();
  supervisorToken = await t.tokenFor((await createStaff(org.id, { roles: ['SUPERVISOR'] })).id);
  managers = [(await createStaff(org.id)).id, (await createStaff(org.id)).id];
  for (let i = 0; i < 4; i += 1) caseIds.push((await createCase((await createClient(org.id)).id, org.id, [{ staffId: managers[0]! }])).id);
  const other = await createOrganization();
  otherToken = await t.tokenFor((await createStaff(other.id, { roles: ['SUPERVISOR'] })).id);
  await createCase((await createClient(other.id)).id, other.id, [{ staffId: (await createStaff(other.id)).id }]);
});
afterAll(() => t?.stop());

const QUERY = `query Caseload($to: DateTime) { statistics(measures: [OPEN_CASELOAD], dimensions: [CASE_MANAGER], to: $to) {
  rows { keys { value } cells { value } } totals { cells { value } } } }`;
const TO = new Date(Date.now() + 86_400_000).toISOString();
const ask = (token: string) => t.gql(QUERY, { to: TO }, { token });
const byManager = (response: any) => Object.fromEntries((expectData(response) as any).statistics.rows.map((row: any) => [row.keys[0].value, row.cells[0].value]));
const computes = (statements: string[]) => statements.some((sql) => sql.includes('GROUP BY CUBE'));

describe('statistics cache', () => {
  it('answers a repeated request from memory, per scope, until a mutation changes the data', async () => {
    const first = await countStatements(() => ask(supervisorToken));
    expect(computes(first.statements)).toBe(true);
    expect(byManager(first.result)).toEqual({ [globalId('StaffMember', managers[0]!)]: 4 });

    const again = await countStatements(() => ask(supervisorToken));
    expect(computes(again.statements)).toBe(false);
    expect(byManager(again.result)).toEqual(byManager(first.result));

    // The same arguments in another organization: its own entry, its own figures.
    const other = await countStatements(() => ask(otherToken));
    expect(computes(other.statements)).toBe(true);
    expect((expectData(other.result) as any).statistics.totals.at(-1).cells[0].value).toBe(1);

    const moved = await t.gql(
      `mutation { reassignCases(input: { caseIds: ["${globalId('Case', caseIds[0]!)}", "${globalId('Case', caseIds[1]!)}"], toStaffId: "${globalId('StaffMember', managers[1]!)}", reason: "Balancing" }) { __typename } }`,
      {},
      { token: supervisorToken },
    );
    expect((expectData(moved) as any).reassignCases.__typename).toBe('ReassignCasesSuccess');
    const after = await countStatements(() => ask(supervisorToken));
    expect(computes(after.statements)).toBe(true);
    expect(byManager(after.result)).toEqual({ [globalId('StaffMember', managers[0]!)]: 2, [globalId('StaffMember', managers[1]!)]: 2 });
  });
});
