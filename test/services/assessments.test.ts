import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { CrisisSeverity, CrisisStatus, RiskLevel } from '../../src/generated/prisma/enums.js';
import { deriveClientRiskLevel } from '../../src/services/assessments.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { result, staffWithToken, writeCounts } from '../support/clients.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('assessments_service');
});
afterAll(() => t?.stop());

const RECORD = /* GraphQL */ `
  mutation($input: RecordAssessmentInput!) {
    recordAssessment(input: $input) {
      __typename
      ... on Assessment {
        id type riskLevel sources summary enteredInError version
        performedBy { id }
        needScores { domain severity note }
        client { id riskLevel }
        case { id }
      }
      ... on InputValidationError { issues { path message } }
      ... on ValidationError { field message }
      ... on RuleViolation { rule }
      ... on Error { code message }
    }
  }`;

const MARK = /* GraphQL */ `
  mutation($input: MarkAssessmentEnteredInErrorInput!) {
    markAssessmentEnteredInError(input: $input) {
      __typename
      ... on Assessment { enteredInError version client { riskLevel } }
      ... on RuleViolation { rule }
      ... on Error { code message }
    }
  }`;

async function caseOf(openedDaysAgo = 30) {
  const w = await staffWithToken(t);
  const client = await createClient(w.org.id);
  const kase = await createCase(client.id, w.org.id, [{ staffId: w.staff.id }], { openedAt: new Date(Date.now() - openedDaysAgo * 86_400_000) });
  return { ...w, client, kase, caseId: globalId('Case', kase.id) };
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

function input(caseId: string, extra: Record<string, unknown> = {}) {
  return {
    caseId,
    type: 'NEEDS',
    performedAt: daysAgo(1),
    sources: ['CLIENT_INTERVIEW', 'FAMILY'],
    riskLevel: 'MODERATE',
    needScores: [
      { domain: 'HOUSING', severity: 3, note: 'Eviction notice served' },
      { domain: 'FOOD', severity: 1 },
    ],
    summary: 'Lives with grandmother; housing at risk',
    ...extra,
  };
}

describe('recordAssessment', () => {
  it('records the assessment with its need scores, raises the client risk level, audits and announces', async () => {
    const w = await caseOf();
    const before = await writeCounts();
    const recorded = result(await t.gql(RECORD, { input: input(w.caseId, { riskLevel: 'HIGH' }) }, { token: w.token }), 'recordAssessment');
    expect(recorded).toMatchObject({
      __typename: 'Assessment',
      type: 'NEEDS',
      riskLevel: 'HIGH',
      sources: ['CLIENT_INTERVIEW', 'FAMILY'],
      enteredInError: false,
      version: 1,
      performedBy: { id: globalId('StaffMember', w.staff.id) },
      // In the order of the NeedDomain enum.
      needScores: [
        { domain: 'HOUSING', severity: 3, note: 'Eviction notice served' },
        { domain: 'FOOD', severity: 1, note: null },
      ],
      client: { id: globalId('Client', w.client.id), riskLevel: 'HIGH' },
      case: { id: w.caseId },
    });
    const after = await writeCounts();
    // One audit record; the case event and the client's risk change.
    expect(after).toMatchObject({ assessments: before.assessments + 1, needScores: before.needScores + 2, audits: before.audits + 1, events: before.events + 2 });
    const kinds = (await prisma.domainEvent.findMany({ orderBy: { id: 'desc' }, take: 2 })).map((e) => e.kind).sort();
    expect(kinds).toEqual(['ASSESSMENT_RECORDED', 'CLIENT_RISK_CHANGED']);
  });

  it('names the wrong field and writes nothing', async () => {
    const w = await caseOf(10);
    const before = await writeCounts();
    const attempts: Array<[Record<string, unknown>, string[] | string]> = [
      [{ performedAt: new Date(Date.now() + 86_400_000).toISOString() }, ['input', 'performedAt']],
      [{ sources: [] }, ['input', 'sources']],
      [{ needScores: [{ domain: 'HOUSING', severity: 5 }] }, ['input', 'needScores', '0', 'severity']],
      [{ needScores: [{ domain: 'HOUSING', severity: 2 }, { domain: 'HOUSING', severity: 1 }] }, ['input', 'needScores']],
      [{ summary: 'x'.repeat(10_001) }, ['input', 'summary']],
      [{ performedAt: daysAgo(20) }, 'performedAt'], // before the case opened, ten days ago
    ];
    for (const [override, where] of attempts) {
      const answer = result(await t.gql(RECORD, { input: input(w.caseId, override) }, { token: w.token }), 'recordAssessment');
      if (Array.isArray(where)) {
        expect(answer.__typename, JSON.stringify(override)).toBe('InputValidationError');
        expect(answer.issues.map((i: any) => i.path)).toContainEqual(where);
      } else {
        expect(answer).toMatchObject({ __typename: 'ValidationError', field: where });
      }
    }
    expect(await writeCounts()).toEqual(before);
    expect((await prisma.client.findUniqueOrThrow({ where: { id: w.client.id } })).riskLevel).toBe('LOW');
  });

  it('answers NotFound to someone outside the care team, and refuses a closed case', async () => {
    const w = await caseOf();
    const outsider = await createStaff(w.org.id);
    const before = await writeCounts();
    const denied = result(await t.gql(RECORD, { input: input(w.caseId) }, { token: await t.tokenFor(outsider.id) }), 'recordAssessment');
    expect(denied.__typename).toBe('NotFound');
    await prisma.case.update({ where: { id: w.kase.id }, data: { status: 'CLOSED', closedAt: new Date() } });
    const closed = result(await t.gql(RECORD, { input: input(w.caseId) }, { token: w.token }), 'recordAssessment');
    expect(closed).toMatchObject({ __typename: 'RuleViolation', rule: 'CASE_CLOSED' });
    expect(await writeCounts()).toEqual(before);
  });

  it('shows assessments on the case and the client, and the latest score per domain as current needs', async () => {
    const w = await caseOf();
    const older = input(w.caseId, {
      performedAt: daysAgo(5),
      riskLevel: 'LOW',
      needScores: [{ domain: 'HOUSING', severity: 4 }, { domain: 'EMPLOYMENT', severity: 2 }],
    });
    const newer = input(w.caseId, { performedAt: daysAgo(1), riskLevel: 'MODERATE', needScores: [{ domain: 'HOUSING', severity: 1 }] });
    // Recorded newest first: "latest" is by performedAt, not by entry order.
    result(await t.gql(RECORD, { input: newer }, { token: w.token }), 'recordAssessment');
    result(await t.gql(RECORD, { input: older }, { token: w.token }), 'recordAssessment');
    const data: any = expectData(
      await t.gql(
        `query($client: ID!, $case: ID!) {
          client: node(id: $client) { ... on Client { riskLevel assessments { riskLevel } currentNeeds { domain severity assessment { riskLevel } } } }
          case: node(id: $case) { ... on Case { assessments { riskLevel } } }
        }`,
        { client: globalId('Client', w.client.id), case: w.caseId },
        { token: w.token },
      ),
    );
    expect(data.client.riskLevel).toBe('MODERATE');
    expect(data.client.assessments).toEqual([{ riskLevel: 'MODERATE' }, { riskLevel: 'LOW' }]);
    expect(data.case.assessments).toEqual([{ riskLevel: 'MODERATE' }, { riskLevel: 'LOW' }]);
    expect(data.client.currentNeeds).toEqual([
      { domain: 'EMPLOYMENT', severity: 2, assessment: { riskLevel: 'LOW' } },
      { domain: 'HOUSING', severity: 1, assessment: { riskLevel: 'MODERATE' } },
    ]);
    // A colleague of the organization sees the client record but not the case assessments.
    const colleague = await createStaff(w.org.id);
    const theirs: any = expectData(
      await t.gql(`query($id: ID!) { node(id: $id) { ... on Client { assessments { id } currentNeeds { domain } } } }`, { id: globalId('Client', w.client.id) }, { token: await t.tokenFor(colleague.id) }),
    );
    expect(theirs.node).toEqual({ assessments: [], currentNeeds: [] });
  });
});

describe('client risk level', () => {
  async function crisis(clientId: string, organizationId: string, reportedById: string, severity: CrisisSeverity, status: CrisisStatus = 'OPEN') {
    return prisma.crisisEvent.create({
      data: { clientId, organizationId, reportedById, severity, status, category: 'MENTAL_HEALTH', description: 'test crisis' },
    });
  }
  const derive = (clientId: string) => prisma.$transaction((tx) => deriveClientRiskLevel(tx, clientId));
  const stored = async (clientId: string): Promise<RiskLevel> => (await prisma.client.findUniqueOrThrow({ where: { id: clientId } })).riskLevel;

  it('is the highest of the latest assessment and what open HIGH and CRITICAL crises impose', async () => {
    const w = await caseOf();
    const assess = (riskLevel: RiskLevel, days: number, enteredInError = false) =>
      prisma.assessment.create({
        data: { caseId: w.kase.id, clientId: w.client.id, type: 'RISK', performedById: w.staff.id, performedAt: new Date(Date.now() - days * 86_400_000), sources: ['RECORDS'], riskLevel, enteredInError },
      });

    expect(await derive(w.client.id)).toEqual({ riskLevel: 'LOW', previous: 'LOW', changed: false });
    await assess('HIGH', 10);
    await assess('MODERATE', 2);
    await assess('IMMINENT', 1, true); // entered in error: ignored
    expect(await derive(w.client.id)).toEqual({ riskLevel: 'MODERATE', previous: 'LOW', changed: true });
    expect(await stored(w.client.id)).toBe('MODERATE');

    // A MODERATE crisis and a resolved HIGH one impose nothing.
    await crisis(w.client.id, w.org.id, w.staff.id, 'MODERATE');
    await crisis(w.client.id, w.org.id, w.staff.id, 'HIGH', 'RESOLVED');
    expect((await derive(w.client.id)).riskLevel).toBe('MODERATE');

    const high = await crisis(w.client.id, w.org.id, w.staff.id, 'HIGH', 'STABILIZED');
    expect((await derive(w.client.id)).riskLevel).toBe('HIGH');
    const critical = await crisis(w.client.id, w.org.id, w.staff.id, 'CRITICAL', 'ACKNOWLEDGED');
    expect(await derive(w.client.id)).toEqual({ riskLevel: 'IMMINENT', previous: 'HIGH', changed: true });

    await prisma.crisisEvent.update({ where: { id: critical.id }, data: { status: 'CLOSED' } });
    await prisma.crisisEvent.update({ where: { id: high.id }, data: { status: 'RESOLVED' } });
    expect(await derive(w.client.id)).toEqual({ riskLevel: 'MODERATE', previous: 'IMMINENT', changed: true });
    expect(await stored(w.client.id)).toBe('MODERATE');
  });

  it('stays right when assessments for one client are recorded at the same moment', async () => {
    const w = await caseOf();
    const levels: RiskLevel[] = ['IMMINENT', 'LOW', 'HIGH', 'MODERATE'];
    // The last one (performed most recently) is MODERATE, whatever order the server runs them in.
    const answers = await Promise.all(
      levels.map((riskLevel, i) =>
        t.gql(RECORD, { input: input(w.caseId, { riskLevel, performedAt: daysAgo(4 - i) }) }, { token: w.token }),
      ),
    );
    expect(answers.map((a) => result(a, 'recordAssessment').__typename)).toEqual(['Assessment', 'Assessment', 'Assessment', 'Assessment']);
    expect(await stored(w.client.id)).toBe('MODERATE');
  });

  it('falls back when the latest assessment is marked entered in error, by its author or a supervisor only', async () => {
    const w = await caseOf();
    const first = result(await t.gql(RECORD, { input: input(w.caseId, { performedAt: daysAgo(3), riskLevel: 'MODERATE' }) }, { token: w.token }), 'recordAssessment');
    const wrong = result(await t.gql(RECORD, { input: input(w.caseId, { performedAt: daysAgo(1), riskLevel: 'IMMINENT' }) }, { token: w.token }), 'recordAssessment');
    expect(wrong.client.riskLevel).toBe('IMMINENT');
    expect(first.__typename).toBe('Assessment');

    // A colleague on the care team who did not write it may not flag it.
    const nurse = await createStaff(w.org.id, { roles: ['NURSE'] });
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: nurse.id, role: 'NURSE' } });
    const forbidden = result(
      await t.gql(MARK, { input: { assessmentId: wrong.id, reason: 'Wrong client' } }, { token: await t.tokenFor(nurse.id) }),
      'markAssessmentEnteredInError',
    );
    expect(forbidden.__typename).toBe('Forbidden');

    const marked = result(await t.gql(MARK, { input: { assessmentId: wrong.id, reason: 'Recorded on the wrong client', expectedVersion: 1 } }, { token: w.token }), 'markAssessmentEnteredInError');
    expect(marked).toEqual({ __typename: 'Assessment', enteredInError: true, version: 2, client: { riskLevel: 'MODERATE' } });
    const twice = result(await t.gql(MARK, { input: { assessmentId: wrong.id, reason: 'Again' } }, { token: w.token }), 'markAssessmentEnteredInError');
    expect(twice).toMatchObject({ __typename: 'RuleViolation', rule: 'ALREADY_ENTERED_IN_ERROR' });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { operationName: 'markAssessmentEnteredInError', actorId: w.staff.id } });
    expect(audit).toMatchObject({ action: 'STATUS_CHANGE', clientId: w.client.id, reason: 'entered in error: Recorded on the wrong client' });
  });

  it('is not readable by staff of another organization: a forbidden node answers like a missing one', async () => {
    const w = await caseOf();
    const recorded = result(await t.gql(RECORD, { input: input(w.caseId) }, { token: w.token }), 'recordAssessment');
    const NODE = `query($id: ID!) { node(id: $id) { ... on Assessment { id needScores { id } } } }`;
    const own: any = expectData(await t.gql(NODE, { id: recorded.id }, { token: w.token }));
    expect(own.node.id).toBe(recorded.id);
    const scoreId = own.node.needScores[0].id;
    const stranger = await t.tokenFor((await createStaff((await createOrganization()).id, { roles: ['SUPERVISOR'] })).id);
    for (const [typename, id] of [['Assessment', recorded.id], ['NeedScore', scoreId]] as const) {
      const forbidden = await t.gql(NODE, { id }, { token: stranger });
      const missing = await t.gql(NODE, { id: globalId(typename, '0d6b1a4e-1111-4111-8111-111111111111') }, { token: stranger });
      expect(forbidden.data?.node ?? null).toBeNull();
      expect(forbidden.data).toEqual(missing.data);
      expect(forbidden.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(missing.errors?.map((e) => [e.message, e.extensions?.code]));
    }
  });
});
