// Who sees which figures: analysts and supervisors their organization, other clinicians their
// caseload (src/auth/access.ts's care-team arm), nobody else anything; every request audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseWhere } from '../../src/auth/access.js';
import { loadViewer } from '../../src/auth/viewer.js';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createStaff } from '../support/factories.js';
import { buildDataSet, FROM, TO, type DataSet } from './statistics-data.js';

let t: TestApp;
let data: DataSet;
beforeAll(async () => {
  t = await startTestApp('statistics_access', { STATISTICS_MIN_CELL: '1' });
  data = await buildDataSet(30);
});
afterAll(() => t?.stop());

const QUERY = `query Stats($measures: [StatisticsMeasure!]!, $dimensions: [StatisticsDimension!], $filter: StatisticsFilter) {
  statistics(measures: $measures, dimensions: $dimensions, from: "${FROM.toISOString()}", to: "${TO.toISOString()}", filter: $filter) {
    rows { keys { value } cells { value } }
  }
}`;

async function casesOpened(staffId: string, variables: Record<string, unknown> = {}) {
  const response = await t.gql(QUERY, { measures: ['CASES_OPENED'], ...variables }, { token: await t.tokenFor(staffId) });
  return response;
}
const valueOf = (response: Awaited<ReturnType<typeof casesOpened>>) => expectData(response).statistics.rows[0].cells[0].value as number;
const period = { openedAt: { gte: FROM, lt: TO } };

describe('statistics access', () => {
  it('gives analysts and supervisors their organization, and another organization its own', async () => {
    const own = await prisma.case.count({ where: { organizationId: data.org.id, ...period } });
    expect(own).toBeGreaterThan(20);
    expect(valueOf(await casesOpened(data.analyst))).toBe(own);
    expect(valueOf(await casesOpened(data.supervisor))).toBe(own);
    // The supervisor's organization arm of caseWhere, in the period: the same count.
    const viewer = (await loadViewer(data.supervisor, null))!;
    expect(await prisma.case.count({ where: { AND: [caseWhere(viewer), { organizationId: data.org.id }, period] } })).toBe(own);
    expect(valueOf(await casesOpened(data.otherSupervisor))).toBe(await prisma.case.count({ where: { organizationId: data.other.id, ...period } }));
  });

  it("gives a case manager their caseload only: active care-team places, not ended ones, not break-glass grants", async () => {
    const manager = data.managers[0]!;
    const others = await prisma.case.findMany({ where: { organizationId: data.org.id, primaryCaseManagerId: data.managers[1], ...period }, take: 3, orderBy: { openedAt: 'asc' } });
    await prisma.careTeamMember.create({ data: { caseId: others[0]!.id, staffId: manager, role: 'CASE_MANAGER' } });
    await prisma.careTeamMember.create({ data: { caseId: others[1]!.id, staffId: manager, role: 'CASE_MANAGER', endedAt: new Date() } });
    await prisma.breakGlassGrant.create({ data: { staffId: manager, clientId: others[2]!.clientId, reason: 'Emergency', expiresAt: new Date(Date.now() + 3_600_000) } });
    const caseload = await prisma.case.count({ where: { careTeam: { some: { staffId: manager, endedAt: null } }, ...period } });
    expect(caseload).toBe((await prisma.case.count({ where: { primaryCaseManagerId: manager, ...period } })) + 1);
    expect(valueOf(await casesOpened(manager))).toBe(caseload);
    // caseWhere grants the break-glass client's case as well: statistics count a caseload, not every record one may open.
    const viewer = (await loadViewer(manager, null))!;
    expect(await prisma.case.count({ where: { AND: [caseWhere(viewer), period] } })).toBe(caseload + 1);
  });

  it('keeps the case-manager breakdown for supervisors, and refuses staff without a statistics role, audited', async () => {
    const byManager = expectData(await casesOpened(data.supervisor, { dimensions: ['CASE_MANAGER'] })).statistics.rows;
    expect(byManager.length).toBeGreaterThanOrEqual(2);
    for (const staffId of [data.analyst, data.managers[0]!]) {
      const refused = await casesOpened(staffId, { dimensions: ['CASE_MANAGER'] });
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.errors?.[0]?.message).toContain('CASE_MANAGER');
      const filtered = await casesOpened(staffId, { filter: { caseManagerIds: [Buffer.from(`StaffMember:${data.managers[1]}`).toString('base64')] } });
      expect(filtered.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    for (const roles of [['ADMIN'], ['COMPLIANCE_OFFICER']] as const) {
      const staff = await createStaff(data.org.id, { roles: [...roles], discipline: 'ADMINISTRATIVE' });
      const refused = await casesOpened(staff.id);
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      expect(refused.data).toBeNull();
      expect(await prisma.auditEvent.count({ where: { actorId: staff.id, action: 'ACCESS_DENIED', outcome: 'DENIED', entityType: 'Statistics' } })).toBe(1);
    }
    const anonymous = await t.gql(QUERY, { measures: ['CASES_OPENED'] }, { token: null });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('audits every request with its parameters and nothing that names a client', async () => {
    const team = Buffer.from(`Team:${data.teams[0]}`).toString('base64');
    const response = await t.gql(
      `query Trend { statistics(measures: [REFERRALS_SENT, LOOP_CLOSURE_RATE], dimensions: [SERVICE_TYPE], timeGrain: MONTH,
         from: "${FROM.toISOString()}", to: "${TO.toISOString()}", filter: { teamIds: ["${team}"], riskLevels: [HIGH] }) { rows { period } } }`,
      {},
      { token: await t.tokenFor(data.analyst) },
    );
    expectData(response);
    const [event, ...more] = await prisma.auditEvent.findMany({ where: { actorId: data.analyst, entityType: 'Statistics', operationName: 'Trend' } });
    expect(more).toHaveLength(0);
    expect(event).toMatchObject({ action: 'READ', outcome: 'SUCCESS', clientId: null, entityId: null, operationName: 'Trend' });
    expect(JSON.parse(event!.reason!)).toEqual({
      measures: ['REFERRALS_SENT', 'LOOP_CLOSURE_RATE'],
      dimensions: ['SERVICE_TYPE'],
      timeGrain: 'MONTH',
      from: FROM.toISOString(),
      to: TO.toISOString(),
      filter: { TEAM: [data.teams[0]], RISK_LEVEL: ['HIGH'] },
      scope: 'organization',
    });
  });
});
