// reassignCases: many cases in one transaction through the mutation pipeline; one bad id moves
// nothing; each case audited and announced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
let org: { id: string };
let supervisorToken: string;
let from: { id: string };
let to: { id: string };
beforeAll(async () => {
  t = await startTestApp('statistics_reassign');
  org = await createOrganization();
  supervisorToken = await t.tokenFor((await createStaff(org.id, { roles: ['SUPERVISOR'] })).id);
  from = await createStaff(org.id);
  to = await createStaff(org.id);
});
afterAll(() => t?.stop());

const MUTATION = `mutation Reassign($input: ReassignCasesInput!) { reassignCases(input: $input) {
  __typename ... on ReassignCasesSuccess { data { id primaryCaseManager { id } } } ... on Error { message code } } }`;

async function openCases(n: number, data: object = {}) {
  const cases = [];
  for (let i = 0; i < n; i += 1) cases.push(await createCase((await createClient(org.id)).id, org.id, [{ staffId: from.id }], data));
  return cases;
}
const reassign = (caseIds: string[], token = supervisorToken, toStaffId = to.id) =>
  t.gql(MUTATION, { input: { caseIds: caseIds.map((id) => globalId('Case', id)), toStaffId: globalId('StaffMember', toStaffId), reason: 'Caseload balancing' } }, { token });
const primaries = async (ids: string[]) => (await prisma.case.findMany({ where: { id: { in: ids } }, select: { primaryCaseManagerId: true } })).map((c) => c.primaryCaseManagerId);

describe('reassignCases', () => {
  it('moves every case, keeps the previous manager on the team, audits and announces each', async () => {
    const cases = await openCases(3);
    const ids = cases.map((c) => c.id);
    const result = expectData(await reassign(ids)).reassignCases;
    expect(result.__typename).toBe('ReassignCasesSuccess');
    expect(result.data.map((c: any) => c.primaryCaseManager.id)).toEqual(ids.map(() => globalId('StaffMember', to.id)));
    expect(await primaries(ids)).toEqual([to.id, to.id, to.id]);
    for (const id of ids) {
      const team = await prisma.careTeamMember.findMany({ where: { caseId: id, endedAt: null }, select: { staffId: true, role: true } });
      expect(team).toEqual(expect.arrayContaining([{ staffId: to.id, role: 'PRIMARY_CASE_MANAGER' }, { staffId: from.id, role: 'CASE_MANAGER' }]));
      expect(team).toHaveLength(2);
    }
    const audits = await prisma.auditEvent.findMany({ where: { entityId: { in: ids }, operationName: 'reassignCases', action: 'UPDATE' } });
    expect(audits.map((a) => a.entityId).sort()).toEqual([...ids].sort());
    const events = await prisma.domainEvent.findMany({ where: { kind: 'CASE_ASSIGNED', topic: { in: [...ids.map((id) => `case:${id}`), `staff:${to.id}`] } } });
    expect(events.filter((e) => e.topic.startsWith('case:'))).toHaveLength(3);
    expect(events.filter((e) => e.topic === `staff:${to.id}`).map((e) => (e.payload as any).caseId).sort()).toEqual([...ids].sort());
  });

  it('moves nothing when one id is bad: unknown, closed, or of another organization', async () => {
    const cases = await openCases(2);
    const ids = cases.map((c) => c.id);
    const [closed] = await openCases(1, { status: 'CLOSED', closedAt: new Date() });
    const otherOrg = await createOrganization();
    const foreign = await createCase((await createClient(otherOrg.id)).id, otherOrg.id, [{ staffId: (await createStaff(otherOrg.id)).id }]);
    const audits = await prisma.auditEvent.count({ where: { operationName: 'reassignCases', action: 'UPDATE' } });
    for (const [bad, typename] of [
      ['7a0c2b3e-0000-4000-8000-000000000000', 'NotFound'],
      [closed!.id, 'RuleViolation'],
      [foreign.id, 'NotFound'],
    ] as const) {
      const result = expectData(await reassign([...ids, bad])).reassignCases;
      expect(result.__typename).toBe(typename);
      expect(await primaries(ids)).toEqual([from.id, from.id]);
    }
    expect(await prisma.auditEvent.count({ where: { operationName: 'reassignCases', action: 'UPDATE' } })).toBe(audits);
    const notColleague = expectData(await reassign(ids, supervisorToken, (await createStaff(otherOrg.id)).id)).reassignCases;
    expect(notColleague).toMatchObject({ __typename: 'ValidationError', code: 'BAD_USER_INPUT' });
    expect(await primaries(ids)).toEqual([from.id, from.id]);
  });

  it('is for supervisors only, and bounded', async () => {
    const [kase] = await openCases(1);
    for (const roles of [['CASE_MANAGER'], ['ANALYST']] as const) {
      const token = await t.tokenFor((await createStaff(org.id, { roles: [...roles] })).id);
      expect(expectData(await reassign([kase!.id], token)).reassignCases.__typename).toBe('Forbidden');
    }
    const tooMany = Array.from({ length: 101 }, () => kase!.id);
    expect(expectData(await reassign(tooMany)).reassignCases.__typename).toBe('InputValidationError');
    expect(await primaries([kase!.id])).toEqual([from.id]);
  });
});
