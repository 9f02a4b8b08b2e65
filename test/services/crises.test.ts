import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { InvalidTransitionError } from '../../src/errors.js';
import type { CrisisStatus } from '../../src/generated/prisma/enums.js';
import { crisisMachine } from '../../src/services/workflow/machines/crisis.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createStaff, globalId } from '../support/factories.js';
import { domainCounts, eventsSince, lastEventId, outsider, referralSetting, seedCrisis } from '../support/referrals.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('crises');
});
afterAll(() => t?.stop());

const STATUSES: CrisisStatus[] = ['OPEN', 'ACKNOWLEDGED', 'RESPONDING', 'STABILIZED', 'RESOLVED', 'CLOSED'];

// The agreed table, written out: a change to the machine must be a deliberate change here too.
const TABLE: Record<CrisisStatus, CrisisStatus[]> = {
  OPEN: ['ACKNOWLEDGED', 'RESPONDING'],
  ACKNOWLEDGED: ['RESPONDING', 'STABILIZED', 'RESOLVED'],
  RESPONDING: ['STABILIZED', 'RESOLVED'],
  STABILIZED: ['RESPONDING', 'RESOLVED'],
  RESOLVED: ['CLOSED', 'RESPONDING'],
  CLOSED: [],
};
const PAIRS = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));
const RESOLVE_FIELDS = {
  clinicalAssessment: 'No current intent; protective factors present',
  responsePlan: 'Safety plan agreed, daily calls for a week',
  resolution: 'Stable after crisis team visit',
};

const FIELDS = `__typename
  ... on CrisisEvent { id status severity category version description reportedAt acknowledgedAt timeToAcknowledgeSeconds escalationDueAt
    clinicalAssessment responsePlan resolution resolvedAt closedAt allowedStatusChanges
    case { id } client { id riskLevel } organization { id } reportedBy { id } acknowledgedBy { id }
    actions { action fromStatus toStatus actor { id } } }
  ... on InvalidTransition { entity from to allowed }
  ... on StaleVersion { expectedVersion currentVersion }
  ... on RuleViolation { rule }
  ... on ValidationError { field }
  ... on InputValidationError { issues { path message } }
  ... on NotFound { entity }
  ... on Error { message code }`;
const RAISE = `mutation($input: RaiseCrisisInput!) { raiseCrisis(input: $input) { ${FIELDS} } }`;
const ACK = `mutation($input: AcknowledgeCrisisInput!) { acknowledgeCrisis(input: $input) { ${FIELDS} } }`;
const CHANGE = `mutation($input: ChangeCrisisStatusInput!) { changeCrisisStatus(input: $input) { ${FIELDS} } }`;
const ADD = `mutation($input: AddCrisisActionInput!) { addCrisisAction(input: $input) { ${FIELDS} } }`;

const riskOf = async (clientId: string) => (await prisma.client.findUniqueOrThrow({ where: { id: clientId } })).riskLevel;

describe('crisis machine (unit)', () => {
  it.each(STATUSES)('allows exactly the agreed moves from %s', (from) => {
    expect([...crisisMachine.allowedFrom(from)].sort()).toEqual([...TABLE[from]].sort());
  });

  it('has CLOSED as its only final status, and no way from OPEN straight to CLOSED', () => {
    expect(crisisMachine.finalStatuses).toEqual(['CLOSED']);
    expect(() => crisisMachine.assert('OPEN', 'CLOSED')).toThrow(InvalidTransitionError);
  });

  it.each(PAIRS)('%s -> %s is allowed only if the table says so', (from, to) => {
    expect(crisisMachine.can(from, to)).toBe(TABLE[from].includes(to));
  });
});

describe('changeCrisisStatus through GraphQL: every pair', () => {
  it.each(PAIRS)('%s -> %s follows the machine and changes nothing when refused', async (from, to) => {
    const w = await referralSetting(t);
    const crisis = await seedCrisis(w.client, w.manager.id, {
      caseId: w.kase.id,
      status: from,
      acknowledgedAt: from === 'OPEN' ? null : new Date(),
      acknowledgedById: from === 'OPEN' ? null : w.manager.id,
      resolution: from === 'RESOLVED' || from === 'CLOSED' ? 'Resolved earlier' : null,
    });
    const before = await domainCounts();
    const mark = await lastEventId();
    const input: Record<string, unknown> = { crisisId: globalId('CrisisEvent', crisis.id), status: to };
    if (to === 'RESOLVED') Object.assign(input, RESOLVE_FIELDS);
    const data: any = expectData(await t.gql(CHANGE, { input }, { token: w.token }));
    const stored = await prisma.crisisEvent.findUniqueOrThrow({ where: { id: crisis.id } });
    if (TABLE[from].includes(to)) {
      expect(data.changeCrisisStatus).toMatchObject({ __typename: 'CrisisEvent', status: to, version: 2 });
      expect(data.changeCrisisStatus.actions.at(-1)).toMatchObject({ fromStatus: from, toStatus: to, actor: { id: globalId('StaffMember', w.manager.id) } });
      expect(stored.status).toBe(to);
      // One action, one audit record, one event on the organization's crisis feed and one on the case.
      expect(await domainCounts()).toEqual({ ...before, crisisActions: before.crisisActions + 1, audits: before.audits + 1, events: before.events + 2 });
      const events = await eventsSince(mark);
      expect(events.map((e) => e.topic).sort()).toEqual([`case:${w.kase.id}`, `crisis-org:${w.org.id}`].sort());
      expect(events[0]!.kind).toBe(to === 'ACKNOWLEDGED' ? 'CRISIS_ACKNOWLEDGED' : 'CRISIS_STATUS_CHANGED');
      expect(events[0]!.payload).toMatchObject({
        crisisId: crisis.id,
        clientId: w.client.id,
        caseId: w.kase.id,
        organizationId: w.org.id,
        severity: 'MODERATE',
        category: 'MENTAL_HEALTH',
        status: to,
      });
    } else {
      expect(data.changeCrisisStatus).toMatchObject({ __typename: 'InvalidTransition', entity: 'CrisisEvent', from, to, allowed: TABLE[from] });
      expect(stored).toMatchObject({ status: from, version: 1 });
      expect(await domainCounts()).toEqual(before);
    }
  });
});

describe('raiseCrisis', () => {
  it.each([
    ['CRITICAL', 5, 'IMMINENT'],
    ['HIGH', 15, 'HIGH'],
  ] as const)('a %s crisis is due for escalation after %d minutes and raises the risk level to %s', async (severity, minutes, risk) => {
    const w = await referralSetting(t);
    const mark = await lastEventId();
    const data: any = expectData(
      await t.gql(
        RAISE,
        { input: { clientId: globalId('Client', w.client.id), caseId: globalId('Case', w.kase.id), category: 'SUICIDE_RISK', severity, description: 'Called the crisis line' } },
        { token: w.token },
      ),
    );
    const crisis = data.raiseCrisis;
    expect(crisis).toMatchObject({
      __typename: 'CrisisEvent',
      status: 'OPEN',
      acknowledgedAt: null,
      timeToAcknowledgeSeconds: null,
      allowedStatusChanges: ['ACKNOWLEDGED', 'RESPONDING'],
      case: { id: globalId('Case', w.kase.id) },
      organization: { id: globalId('Organization', w.org.id) },
      reportedBy: { id: globalId('StaffMember', w.manager.id) },
      client: { riskLevel: risk },
      actions: [{ action: 'Crisis raised', fromStatus: null, toStatus: 'OPEN' }],
    });
    expect(new Date(crisis.escalationDueAt).getTime() - new Date(crisis.reportedAt).getTime()).toBe(minutes * 60_000);
    const events = await eventsSince(mark);
    expect(events.map((e) => [e.topic, e.kind])).toEqual(
      expect.arrayContaining([
        [`client:${w.client.id}`, 'CLIENT_RISK_CHANGED'],
        [`crisis-org:${w.org.id}`, 'CRISIS_RAISED'],
        [`case:${w.kase.id}`, 'CRISIS_RAISED'],
      ]),
    );
    expect(events).toHaveLength(3);
    expect(events.find((e) => e.kind === 'CRISIS_RAISED')!.payload).toMatchObject({ severity, category: 'SUICIDE_RISK', status: 'OPEN', caseId: w.kase.id });
  });

  it('leaves the risk level and the clock alone for a MODERATE crisis, and without a case uses the viewer\'s organization', async () => {
    const w = await referralSetting(t);
    const mark = await lastEventId();
    const data: any = expectData(
      await t.gql(RAISE, { input: { clientId: globalId('Client', w.client.id), category: 'HOUSING_LOSS', severity: 'MODERATE', description: 'Eviction notice' } }, { token: w.token }),
    );
    expect(data.raiseCrisis).toMatchObject({ escalationDueAt: null, case: null, organization: { id: globalId('Organization', w.org.id) }, client: { riskLevel: 'LOW' } });
    expect((await eventsSince(mark)).map((e) => [e.topic, e.kind])).toEqual([[`crisis-org:${w.org.id}`, 'CRISIS_RAISED']]);
  });

  it("belongs to the case's organization when raised on a case", async () => {
    const w = await referralSetting(t);
    const visitor = await outsider(t, ['SOCIAL_WORKER']);
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: visitor.staff.id, role: 'SOCIAL_WORKER' } });
    const data: any = expectData(
      await t.gql(
        RAISE,
        { input: { clientId: globalId('Client', w.client.id), caseId: globalId('Case', w.kase.id), category: 'OTHER', severity: 'LOW', description: 'Missed school for a week' } },
        { token: visitor.token },
      ),
    );
    expect(data.raiseCrisis.organization.id).toBe(globalId('Organization', w.org.id));
  });

  it('is for clinical staff with access to the client, on a case of that client, and writes nothing otherwise', async () => {
    const w = await referralSetting(t);
    const analyst = await createStaff(w.org.id, { roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' });
    const stranger = await outsider(t);
    const otherClient = await createClient(w.org.id);
    const otherCase = await createCase(otherClient.id, w.org.id, [{ staffId: w.manager.id }]);
    const input = { clientId: globalId('Client', w.client.id), category: 'SELF_HARM', severity: 'HIGH', description: 'Cuts on the arms' };
    const before = await domainCounts();
    const byAnalyst: any = expectData(await t.gql(RAISE, { input }, { token: await t.tokenFor(analyst.id) }));
    expect(byAnalyst.raiseCrisis.__typename).toBe('Forbidden');
    const byStranger: any = expectData(await t.gql(RAISE, { input }, { token: stranger.token }));
    expect(byStranger.raiseCrisis).toMatchObject({ __typename: 'NotFound', entity: 'Client' });
    const wrongCase: any = expectData(await t.gql(RAISE, { input: { ...input, caseId: globalId('Case', otherCase.id) } }, { token: w.token }));
    expect(wrongCase.raiseCrisis).toMatchObject({ __typename: 'ValidationError', field: 'caseId' });
    const short: any = expectData(await t.gql(RAISE, { input: { ...input, description: 'x' } }, { token: w.token }));
    expect(short.raiseCrisis.issues[0].path).toEqual(['input', 'description']);
    expect(await domainCounts()).toEqual(before);
    expect(await riskOf(w.client.id)).toBe('LOW');
  });
});

describe('concurrent crises', () => {
  it('raises several crises for one client at once without losing one or the risk level', async () => {
    const w = await referralSetting(t);
    const raise = (severity: string, i: number) =>
      t.gql(
        RAISE,
        { input: { clientId: globalId('Client', w.client.id), caseId: globalId('Case', w.kase.id), category: 'VIOLENCE_RISK', severity, description: `Report number ${i}` } },
        { token: w.token },
      );
    const results = await Promise.all(['HIGH', 'CRITICAL', 'HIGH', 'MODERATE', 'HIGH', 'CRITICAL'].map(raise));
    expect(results.map((r: any) => expectData<any>(r).raiseCrisis.__typename)).toEqual(Array(6).fill('CrisisEvent'));
    expect(await prisma.crisisEvent.count({ where: { clientId: w.client.id } })).toBe(6);
    expect(await riskOf(w.client.id)).toBe('IMMINENT');
  });
});

describe('the response', () => {
  it('acknowledges, responds, resolves and closes, with an action log matching the path, and lowers the risk level again', async () => {
    const w = await referralSetting(t);
    await prisma.assessment.create({
      data: { caseId: w.kase.id, clientId: w.client.id, type: 'RISK', performedById: w.manager.id, performedAt: new Date(Date.now() - 86_400_000), riskLevel: 'MODERATE' },
    });
    await prisma.client.update({ where: { id: w.client.id }, data: { riskLevel: 'MODERATE' } });
    const raised: any = expectData(
      await t.gql(
        RAISE,
        { input: { clientId: globalId('Client', w.client.id), caseId: globalId('Case', w.kase.id), category: 'SUICIDE_RISK', severity: 'CRITICAL', description: 'Called the crisis line' } },
        { token: w.token },
      ),
    );
    const crisisId = raised.raiseCrisis.id;
    expect(await riskOf(w.client.id)).toBe('IMMINENT');

    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    const ack: any = expectData(await t.gql(ACK, { input: { crisisId, expectedVersion: 1, note: 'On my way' } }, { token: await t.tokenFor(supervisor.id) }));
    expect(ack.acknowledgeCrisis).toMatchObject({ status: 'ACKNOWLEDGED', escalationDueAt: null, acknowledgedBy: { id: globalId('StaffMember', supervisor.id) } });
    expect(ack.acknowledgeCrisis.timeToAcknowledgeSeconds).toBeGreaterThanOrEqual(0);
    const again: any = expectData(await t.gql(ACK, { input: { crisisId } }, { token: w.token }));
    expect(again.acknowledgeCrisis).toMatchObject({ __typename: 'InvalidTransition', from: 'ACKNOWLEDGED', to: 'ACKNOWLEDGED' });

    const step = async (input: Record<string, unknown>) => (expectData(await t.gql(CHANGE, { input: { crisisId, ...input } }, { token: w.token })) as any).changeCrisisStatus;
    expect(await step({ status: 'RESPONDING', clinicalAssessment: RESOLVE_FIELDS.clinicalAssessment })).toMatchObject({ status: 'RESPONDING' });
    expectData(await t.gql(ADD, { input: { crisisId, action: 'Called the mobile crisis team' } }, { token: w.token }));
    expect(await step({ status: 'STABILIZED', note: 'Calm, with family' })).toMatchObject({ status: 'STABILIZED' });
    expect(await riskOf(w.client.id)).toBe('IMMINENT');

    const before = await domainCounts();
    const missing = await step({ status: 'RESOLVED', resolution: RESOLVE_FIELDS.resolution });
    expect(missing).toMatchObject({ __typename: 'ValidationError', field: 'responsePlan' });
    const noResolution = await step({ status: 'RESOLVED', responsePlan: RESOLVE_FIELDS.responsePlan });
    expect(noResolution).toMatchObject({ __typename: 'ValidationError', field: 'resolution' });
    const earlyResolution = await step({ status: 'RESPONDING', resolution: RESOLVE_FIELDS.resolution });
    expect(earlyResolution).toMatchObject({ __typename: 'ValidationError', field: 'resolution' });
    expect(await domainCounts()).toEqual(before);

    // The clinical assessment recorded while responding counts.
    const resolved = await step({ status: 'RESOLVED', responsePlan: RESOLVE_FIELDS.responsePlan, resolution: RESOLVE_FIELDS.resolution });
    expect(resolved).toMatchObject({ status: 'RESOLVED', ...RESOLVE_FIELDS, client: { riskLevel: 'MODERATE' } });
    expect(resolved.resolvedAt).not.toBeNull();
    expect(await riskOf(w.client.id)).toBe('MODERATE');

    const closed = await step({ status: 'CLOSED' });
    expect(closed).toMatchObject({ status: 'CLOSED', allowedStatusChanges: [] });
    expect(closed.closedAt).not.toBeNull();
    expect(closed.actions.map((a: any) => [a.fromStatus, a.toStatus])).toEqual([
      [null, 'OPEN'],
      ['OPEN', 'ACKNOWLEDGED'],
      ['ACKNOWLEDGED', 'RESPONDING'],
      [null, null],
      ['RESPONDING', 'STABILIZED'],
      ['STABILIZED', 'RESOLVED'],
      ['RESOLVED', 'CLOSED'],
    ]);
    expect(closed.actions.map((a: any) => a.action)).toEqual([
      'Crisis raised',
      'On my way',
      'Status changed from ACKNOWLEDGED to RESPONDING',
      'Called the mobile crisis team',
      'Calm, with family',
      'Status changed from STABILIZED to RESOLVED',
      'Status changed from RESOLVED to CLOSED',
    ]);
    const late: any = expectData(await t.gql(ADD, { input: { crisisId, action: 'Follow-up call' } }, { token: w.token }));
    expect(late.addCrisisAction).toMatchObject({ __typename: 'RuleViolation', rule: 'CRISIS_CLOSED' });
  });

  it('stops the clock when an open crisis is answered at once, and raises the risk again on a relapse', async () => {
    const w = await referralSetting(t);
    const crisis = await seedCrisis(w.client, w.manager.id, {
      caseId: w.kase.id,
      severity: 'HIGH',
      escalationDueAt: new Date(Date.now() + 15 * 60_000),
    });
    await prisma.client.update({ where: { id: w.client.id }, data: { riskLevel: 'HIGH' } });
    const crisisId = globalId('CrisisEvent', crisis.id);
    const step = async (input: Record<string, unknown>) => (expectData(await t.gql(CHANGE, { input: { crisisId, ...input } }, { token: w.token })) as any).changeCrisisStatus;
    const responding = await step({ status: 'RESPONDING' });
    expect(responding).toMatchObject({ status: 'RESPONDING', escalationDueAt: null, acknowledgedBy: { id: globalId('StaffMember', w.manager.id) } });
    expect(responding.acknowledgedAt).not.toBeNull();
    expect(await step({ status: 'RESOLVED', ...RESOLVE_FIELDS })).toMatchObject({ status: 'RESOLVED' });
    expect(await riskOf(w.client.id)).toBe('LOW');
    const relapse = await step({ status: 'RESPONDING' });
    expect(relapse).toMatchObject({ status: 'RESPONDING', resolvedAt: null, resolution: null, acknowledgedAt: responding.acknowledgedAt });
    expect(relapse.actions.at(-1).action).toContain(RESOLVE_FIELDS.resolution);
    expect(await riskOf(w.client.id)).toBe('HIGH');
  });

  it('refuses a stale version and changes nothing', async () => {
    const w = await referralSetting(t);
    const crisis = await seedCrisis(w.client, w.manager.id, { caseId: w.kase.id });
    const crisisId = globalId('CrisisEvent', crisis.id);
    expectData(await t.gql(ACK, { input: { crisisId, expectedVersion: 1 } }, { token: w.token }));
    const before = await domainCounts();
    const stale: any = expectData(await t.gql(CHANGE, { input: { crisisId, status: 'RESPONDING', expectedVersion: 1 } }, { token: w.token }));
    expect(stale.changeCrisisStatus).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect(await domainCounts()).toEqual(before);
    expect((await prisma.crisisEvent.findUniqueOrThrow({ where: { id: crisis.id } })).status).toBe('ACKNOWLEDGED');
  });
});

describe('who sees crises', () => {
  const QUERY = `query($filter: CrisisFilter) { crises(filter: $filter, first: 50) { totalCount edges { node { id } } } }`;
  const CLIENT_CRISES = `query($id: ID!) { node(id: $id) { ... on Client { crises { id } } } }`;

  it('shows a crisis without a case to the care teams of the client and to supervisors, and to nobody else', async () => {
    const w = await referralSetting(t);
    const crisis = await seedCrisis(w.client, w.manager.id, { reportedById: (await createStaff(w.org.id)).id });
    const crisisGid = globalId('CrisisEvent', crisis.id);
    const colleague = await createStaff(w.org.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    const stranger = await outsider(t);
    const total = async (token: string) =>
      (expectData(await t.gql(QUERY, { filter: { clientId: globalId('Client', w.client.id) } }, { token })) as any).crises.totalCount;
    expect(await total(w.token)).toBe(1);
    expect(await total(await t.tokenFor(supervisor.id))).toBe(1);
    expect(await total(await t.tokenFor(colleague.id))).toBe(0); // may see the client's record, not on a case
    expect(await total(stranger.token)).toBe(0);
    const viaClient: any = expectData(await t.gql(CLIENT_CRISES, { id: globalId('Client', w.client.id) }, { token: await t.tokenFor(colleague.id) }));
    expect(viaClient.node.crises).toEqual([]);
    const mine: any = expectData(await t.gql(CLIENT_CRISES, { id: globalId('Client', w.client.id) }, { token: w.token }));
    expect(mine.node.crises).toEqual([{ id: crisisGid }]);

    const before = await domainCounts();
    for (const [mutation, input] of [
      [ACK, { crisisId: crisisGid }],
      [CHANGE, { crisisId: crisisGid, status: 'RESPONDING' }],
      [ADD, { crisisId: crisisGid, action: 'Looked at it' }],
    ] as const) {
      const data: any = expectData(await t.gql(mutation, { input }, { token: stranger.token }));
      expect(Object.values(data)[0]).toMatchObject({ __typename: 'NotFound', entity: 'CrisisEvent' });
    }
    expect(await domainCounts()).toEqual(before);
  });

  it('filters by status, severity, category, case and organization', async () => {
    const w = await referralSetting(t);
    const a = await seedCrisis(w.client, w.manager.id, { caseId: w.kase.id, severity: 'CRITICAL', category: 'SUICIDE_RISK' });
    const b = await seedCrisis(w.client, w.manager.id, { severity: 'LOW', category: 'HOUSING_LOSS', status: 'RESOLVED' });
    const ids = async (filter: Record<string, unknown>) => {
      const data: any = expectData(await t.gql(QUERY, { filter: { clientId: globalId('Client', w.client.id), ...filter } }, { token: w.token }));
      return data.crises.edges.map((e: any) => e.node.id).sort();
    };
    const g = (c: { id: string }) => globalId('CrisisEvent', c.id);
    expect(await ids({})).toEqual([g(a), g(b)].sort());
    expect(await ids({ status: ['OPEN'] })).toEqual([g(a)]);
    expect(await ids({ open: false })).toEqual([g(b)]);
    expect(await ids({ severity: ['LOW', 'MODERATE'] })).toEqual([g(b)]);
    expect(await ids({ category: ['SUICIDE_RISK'] })).toEqual([g(a)]);
    expect(await ids({ caseId: globalId('Case', w.kase.id) })).toEqual([g(a)]);
    expect(await ids({ organizationId: globalId('Organization', w.org.id) })).toEqual([g(a), g(b)].sort());
    const onCase: any = expectData(await t.gql(`query($id: ID!) { node(id: $id) { ... on Case { crises { id } } } }`, { id: globalId('Case', w.kase.id) }, { token: w.token }));
    expect(onCase.node.crises).toEqual([{ id: g(a) }]);
  });

  it("an organization's board: its supervisors see every crisis of it, a colleague only theirs, another organization's supervisor none", async () => {
    const w = await referralSetting(t);
    const other = await createClient(w.org.id);
    const onCase = await seedCrisis(w.client, w.manager.id, { caseId: w.kase.id });
    const elsewhere = await seedCrisis(other, (await createStaff(w.org.id)).id);
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    const foreignSupervisor = await outsider(t, ['SUPERVISOR']);
    const board = async (token: string) => {
      const data: any = expectData(await t.gql(QUERY, { filter: { organizationId: globalId('Organization', w.org.id), open: true } }, { token }));
      return { total: data.crises.totalCount, ids: data.crises.edges.map((e: any) => e.node.id).sort() };
    };
    const g = (c: { id: string }) => globalId('CrisisEvent', c.id);
    expect(await board(await t.tokenFor(supervisor.id))).toEqual({ total: 2, ids: [g(onCase), g(elsewhere)].sort() });
    expect(await board(w.token)).toEqual({ total: 1, ids: [g(onCase)] });
    expect(await board(foreignSupervisor.token)).toEqual({ total: 0, ids: [] });
  });
});
