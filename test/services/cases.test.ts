import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { CaseStatus } from '../../src/generated/prisma/enums.js';
import { caseMachine } from '../../src/services/workflow/machines/case.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('cases');
});
afterAll(() => t?.stop());

const STATUSES: CaseStatus[] = ['REFERRED', 'INTAKE', 'ASSESSMENT', 'ACTIVE', 'MONITORING', 'ON_HOLD', 'CLOSED'];

async function team() {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const client = await createClient(org.id);
  return { org, manager, client, token: await t.tokenFor(manager.id) };
}

async function tableCounts() {
  const [cases, audits, events, members] = await Promise.all([
    prisma.case.count(),
    prisma.auditEvent.count({ where: { action: { not: 'READ' } } }),
    prisma.domainEvent.count(),
    prisma.careTeamMember.count(),
  ]);
  return { cases, audits, events, members };
}

const OPEN = `mutation($input: OpenCaseInput!) { openCase(input: $input) { __typename
  ... on Case { id status priority primaryCaseManager { id } careTeam { role staff { id } } }
  ... on InputValidationError { issues { path message } } ... on ValidationError { field message } ... on Error { code } } }`;
const CHANGE = `mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { __typename
  ... on Case { status version } ... on InvalidTransition { from to allowed } ... on StaleVersion { expectedVersion currentVersion } ... on Error { message } } }`;

describe('openCase', () => {
  it('opens a case with the viewer as primary case manager, audited and announced in one transaction', async () => {
    const w = await team();
    const before = await tableCounts();
    const data: any = expectData(await t.gql(OPEN, { input: { clientId: globalId('Client', w.client.id), priority: 'URGENT' } }, { token: w.token }));
    expect(data.openCase).toMatchObject({
      __typename: 'Case',
      status: 'INTAKE',
      priority: 'URGENT',
      primaryCaseManager: { id: globalId('StaffMember', w.manager.id) },
      careTeam: [{ role: 'PRIMARY_CASE_MANAGER', staff: { id: globalId('StaffMember', w.manager.id) } }],
    });
    const after = await tableCounts();
    expect(after).toEqual({ cases: before.cases + 1, audits: before.audits + 1, events: before.events + 2, members: before.members + 1 });
  });

  it('returns the first result when a retry repeats the clientMutationId', async () => {
    const w = await team();
    const input = { clientId: globalId('Client', w.client.id), clientMutationId: `open-${w.client.id}` };
    const [first, second] = await Promise.all([t.gql(OPEN, { input }, { token: w.token }), t.gql(OPEN, { input }, { token: w.token })]);
    const third = await t.gql(OPEN, { input }, { token: w.token });
    const ids = [first, second, third].map((r: any) => expectData<any>(r).openCase.id);
    expect(new Set(ids).size).toBe(1);
    expect(await prisma.case.count({ where: { clientId: w.client.id } })).toBe(1);
  });

  it('names the wrong field and writes nothing: no row, no audit record, no event', async () => {
    const w = await team();
    const other = await createOrganization();
    const stranger = await createStaff(other.id);
    const before = await tableCounts();
    const tooLong: any = expectData(
      await t.gql(OPEN, { input: { clientId: globalId('Client', w.client.id), summary: 'x'.repeat(5001) } }, { token: w.token }),
    );
    expect(tooLong.openCase.__typename).toBe('InputValidationError');
    expect(tooLong.openCase.issues[0].path).toEqual(['input', 'summary']);
    const badManager: any = expectData(
      await t.gql(
        OPEN,
        { input: { clientId: globalId('Client', w.client.id), primaryCaseManagerId: globalId('StaffMember', stranger.id) } },
        { token: w.token },
      ),
    );
    expect(badManager.openCase).toMatchObject({ __typename: 'ValidationError', field: 'primaryCaseManagerId' });
    const badId: any = expectData(await t.gql(OPEN, { input: { clientId: 'bm90LWEtdXVpZA==' } }, { token: w.token }));
    expect(badId.openCase.__typename).toMatch(/ValidationError/);
    expect(await tableCounts()).toEqual(before);
  });
});

describe('case status machine', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s follows the machine', async (from, to) => {
    const w = await team();
    const kase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }], { status: from });
    const data: any = expectData(await t.gql(CHANGE, { input: { caseId: globalId('Case', kase.id), status: to } }, { token: w.token }));
    const stored = await prisma.case.findUniqueOrThrow({ where: { id: kase.id } });
    if (to === 'CLOSED' && caseMachine.can(from, to)) {
      expect(data.changeCaseStatus.__typename).toBe('RuleViolation'); // closing goes through closeCase
      expect(stored.status).toBe(from);
    } else if (caseMachine.can(from, to)) {
      expect(data.changeCaseStatus).toEqual({ __typename: 'Case', status: to, version: 2 });
      expect(stored.status).toBe(to);
    } else {
      expect(data.changeCaseStatus).toMatchObject({ __typename: 'InvalidTransition', from, to, allowed: [...caseMachine.allowedFrom(from)] });
      expect(stored).toMatchObject({ status: from, version: 1 });
    }
  });

  it('refuses a stale version and changes nothing', async () => {
    const w = await team();
    const kase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
    const caseId = globalId('Case', kase.id);
    expectData(await t.gql(CHANGE, { input: { caseId, status: 'MONITORING', expectedVersion: 1 } }, { token: w.token }));
    const stale: any = expectData(await t.gql(CHANGE, { input: { caseId, status: 'ACTIVE', expectedVersion: 1 } }, { token: w.token }));
    expect(stale.changeCaseStatus).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect((await prisma.case.findUniqueOrThrow({ where: { id: kase.id } })).status).toBe('MONITORING');
  });
});

describe('closeCase', () => {
  const CLOSE = `mutation($input: CloseCaseInput!) { closeCase(input: $input) { __typename
    ... on Case { status closedAt closureReason } ... on RuleViolation { rule message } ... on Error { message } } }`;

  it('refuses while a crisis is open or a referral is in flight, unless forced with a reason', async () => {
    const w = await team();
    const kase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
    await prisma.crisisEvent.create({
      data: { clientId: w.client.id, caseId: kase.id, organizationId: w.org.id, category: 'HOUSING_LOSS', severity: 'MODERATE', description: 'Eviction notice', reportedById: w.manager.id },
    });
    const caseId = globalId('Case', kase.id);
    const refused: any = expectData(await t.gql(CLOSE, { input: { caseId, reason: 'Moved away' } }, { token: w.token }));
    expect(refused.closeCase).toMatchObject({ __typename: 'RuleViolation', rule: 'OPEN_WORK' });
    expect(refused.closeCase.message).toContain('1 open crisis');
    const noReason: any = expectData(await t.gql(CLOSE, { input: { caseId, reason: 'Moved away', force: true } }, { token: w.token }));
    expect(noReason.closeCase).toMatchObject({ __typename: 'ValidationError' });
    const forced: any = expectData(
      await t.gql(CLOSE, { input: { caseId, reason: 'Moved away', force: true, forceReason: 'Client left the state; crisis handed to county' } }, { token: w.token }),
    );
    expect(forced.closeCase).toMatchObject({ __typename: 'Case', status: 'CLOSED', closureReason: 'Moved away' });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: kase.id, action: 'STATUS_CHANGE' } });
    expect(audit.reason).toBe('forced closure: Client left the state; crisis handed to county');
  });
});

describe('care team', () => {
  it('assigns a new primary case manager, keeps the previous one on the team, and guards the primary', async () => {
    const w = await team();
    const colleague = await createStaff(w.org.id);
    const kase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
    const data: any = expectData(
      await t.gql(
        `mutation($input: AssignCaseInput!) { assignCase(input: $input) { __typename ... on Case { primaryCaseManager { id } careTeam { id role staff { id } } } } }`,
        { input: { caseId: globalId('Case', kase.id), staffId: globalId('StaffMember', colleague.id) } },
        { token: w.token },
      ),
    );
    const roles = Object.fromEntries(data.assignCase.careTeam.map((m: any) => [m.staff.id, m.role]));
    expect(roles).toEqual({ [globalId('StaffMember', w.manager.id)]: 'CASE_MANAGER', [globalId('StaffMember', colleague.id)]: 'PRIMARY_CASE_MANAGER' });
    const primary = data.assignCase.careTeam.find((m: any) => m.role === 'PRIMARY_CASE_MANAGER');
    const removal: any = expectData(
      await t.gql(
        `mutation($input: RemoveCareTeamMemberInput!) { removeCareTeamMember(input: $input) { __typename ... on RuleViolation { rule } } }`,
        { input: { careTeamMemberId: primary.id } },
        { token: w.token },
      ),
    );
    expect(removal.removeCareTeamMember).toEqual({ __typename: 'RuleViolation', rule: 'PRIMARY_REQUIRED' });
  });
});
