// Who may see what: care-team access, break-the-glass, and the audit trail of reads and denials.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp('access');
});
afterAll(() => t?.stop());

const CASE_QUERY = 'query($id: ID!) { node(id: $id) { ... on Case { id status client { name } } } }';

async function world() {
  const home = await createOrganization();
  const elsewhere = await createOrganization();
  const manager = await createStaff(home.id);
  const outsider = await createStaff(elsewhere.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
  const supervisor = await createStaff(home.id, { roles: ['SUPERVISOR'] });
  const compliance = await createStaff(home.id, { roles: ['COMPLIANCE_OFFICER'], discipline: 'ADMINISTRATIVE' });
  const client = await createClient(home.id);
  const kase = await createCase(client.id, home.id, [{ staffId: manager.id }]);
  return { home, elsewhere, manager, outsider, supervisor, compliance, client, kase };
}

describe('care-team access', () => {
  it('lets the care team and the supervisor read a case, and nobody else learn it exists', async () => {
    const w = await world();
    const id = globalId('Case', w.kase.id);
    for (const staff of [w.manager, w.supervisor]) {
      const data: any = expectData(await t.gql(CASE_QUERY, { id }, { token: await t.tokenFor(staff.id) }));
      expect(data.node.id).toBe(id);
    }
    const outsiderToken = await t.tokenFor(w.outsider.id);
    const forbidden = await t.gql(CASE_QUERY, { id }, { token: outsiderToken });
    const missing = await t.gql(CASE_QUERY, { id: globalId('Case', '0d6b1a4e-1111-4111-8111-111111111111') }, { token: outsiderToken });
    expect(forbidden.data).toEqual(missing.data);
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(missing.errors?.map((e) => e.extensions?.code));
    const list: any = expectData(await t.gql('{ cases(first: 50) { totalCount } }', {}, { token: outsiderToken }));
    expect(list.cases.totalCount).toBe(0);
  });

  it('audits a denied read of a node as ACCESS_DENIED, and a lookup of a missing id not at all', async () => {
    const w = await world();
    const token = await t.tokenFor(w.outsider.id);
    const missingId = '0d6b1a4e-2222-4222-8222-222222222222';
    const forbidden = await t.gql(CASE_QUERY, { id: globalId('Case', w.kase.id) }, { token });
    expect(forbidden.errors?.map((e) => e.extensions?.code)).toEqual(['NOT_FOUND']);
    await t.gql(CASE_QUERY, { id: globalId('Case', missingId) }, { token });
    const many = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [globalId('Client', w.client.id), globalId('Client', missingId)] }, { token });
    expect(many.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect(JSON.stringify(many)).not.toContain(w.client.id);

    const denied = await prisma.auditEvent.findMany({ where: { actorId: w.outsider.id }, orderBy: { at: 'asc' } });
    expect(denied.map((e) => [e.action, e.outcome, e.entityType, e.entityId, e.clientId])).toEqual([
      ['ACCESS_DENIED', 'DENIED', 'Case', w.kase.id, w.client.id],
      ['ACCESS_DENIED', 'DENIED', 'Client', w.client.id, w.client.id],
    ]);
    // The care team reads it without a denial on record.
    expectData(await t.gql(CASE_QUERY, { id: globalId('Case', w.kase.id) }, { token: await t.tokenFor(w.manager.id) }));
    expect(await prisma.auditEvent.count({ where: { actorId: w.manager.id, action: 'ACCESS_DENIED' } })).toBe(0);

    // nodes(ids): each id on its own; the forbidden one is null with its own error, and audited.
    const foreignClient = await createClient(w.elsewhere.id);
    const mixed = await t.gql(
      'query($ids: [ID!]!) { nodes(ids: $ids) { id } }',
      { ids: [globalId('Case', w.kase.id), globalId('Client', foreignClient.id)] },
      { token: await t.tokenFor(w.manager.id) },
    );
    expect(mixed.data).toEqual({ nodes: [{ id: globalId('Case', w.kase.id) }, null] });
    expect(mixed.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([['NOT_FOUND', ['nodes', 1]]]);
    const managerDenied = await prisma.auditEvent.findMany({ where: { actorId: w.manager.id, action: 'ACCESS_DENIED' } });
    expect(managerDenied.map((e) => [e.entityType, e.entityId])).toEqual([['Client', foreignClient.id]]);
  });

  it('audits a denied write attempt without telling the outsider anything', async () => {
    const w = await world();
    const result: any = expectData(
      await t.gql(
        `mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { __typename ... on Error { message code } } }`,
        { input: { caseId: globalId('Case', w.kase.id), status: 'MONITORING' } },
        { token: await t.tokenFor(w.outsider.id) },
      ),
    );
    expect(result.changeCaseStatus).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
    const denied = await prisma.auditEvent.findMany({ where: { actorId: w.outsider.id, action: 'ACCESS_DENIED' } });
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ entityType: 'Case', entityId: w.kase.id, clientId: w.client.id, outcome: 'DENIED' });
    expect((await prisma.case.findUniqueOrThrow({ where: { id: w.kase.id } })).status).toBe('ACTIVE');
  });

  it('records every read of a client record with the actor, operation and request id', async () => {
    const w = await world();
    const response = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.tokenFor(w.manager.id)}`, 'x-request-id': 'audit-read-0001' },
      body: JSON.stringify({ query: `query ReadCase($id: ID!) { node(id: $id) { ... on Case { client { name } } } }`, variables: { id: globalId('Case', w.kase.id) }, operationName: 'ReadCase' }),
    });
    expect(response.status).toBe(200);
    const reads = await prisma.auditEvent.findMany({ where: { actorId: w.manager.id, action: 'READ' }, orderBy: { entityType: 'asc' } });
    expect(reads.map((r) => [r.entityType, r.clientId, r.operationName, r.requestId])).toEqual([
      ['Case', w.client.id, 'ReadCase', 'audit-read-0001'],
      ['Client', w.client.id, 'ReadCase', 'audit-read-0001'],
    ]);
  });

  it("records a read of a task on a case under the case's client, and none of a task without a case", async () => {
    const w = await world();
    const onCase = await prisma.task.create({ data: { caseId: w.kase.id, assigneeId: w.manager.id, title: 'Call the landlord back' } });
    const general = await prisma.task.create({ data: { assigneeId: w.manager.id, title: 'Renew the first-aid certificate' } });
    const data: any = expectData(await t.gql('{ me { tasks(first: 10) { id title } } }', {}, { token: await t.tokenFor(w.manager.id) }));
    expect(data.me.tasks.map((task: any) => task.title).sort()).toEqual(['Call the landlord back', 'Renew the first-aid certificate']);
    const reads = await prisma.auditEvent.findMany({ where: { actorId: w.manager.id, action: 'READ', entityType: 'Task' } });
    expect(reads.map((r) => [r.entityId, r.clientId])).toEqual([[onCase.id, w.client.id]]);
    expect(reads.map((r) => r.entityId)).not.toContain(general.id);
  });
});

describe('break the glass', () => {
  const BREAK = `mutation($input: BreakGlassInput!) { breakGlass(input: $input) { __typename
    ... on BreakGlassGrant { id expiresAt active approvalId } ... on Error { message } } }`;

  it('grants a clinician time-limited access, audits the reason and opens a supervisor review', async () => {
    const w = await world();
    const token = await t.tokenFor(w.outsider.id);
    const clientNode = 'query($id: ID!) { node(id: $id) { ... on Client { name } } }';
    expect((await t.gql(clientNode, { id: globalId('Client', w.client.id) }, { token })).errors).toBeDefined();

    const reason = 'Unconscious in the ED, need medication history';
    const data: any = expectData(await t.gql(BREAK, { input: { clientId: globalId('Client', w.client.id), reason } }, { token }));
    expect(data.breakGlass).toMatchObject({ __typename: 'BreakGlassGrant', active: true });
    const minutes = (new Date(data.breakGlass.expiresAt).getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(58);
    expect(minutes).toBeLessThanOrEqual(60);

    expect(expectData<any>(await t.gql(clientNode, { id: globalId('Client', w.client.id) }, { token })).node.name).toBe(`${w.client.givenName} ${w.client.familyName}`);
    expect(expectData<any>(await t.gql(CASE_QUERY, { id: globalId('Case', w.kase.id) }, { token })).node.status).toBe('ACTIVE');

    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { actorId: w.outsider.id, action: 'BREAK_GLASS' } });
    expect(audit).toMatchObject({ clientId: w.client.id, reason });
    const approval = await prisma.approval.findUniqueOrThrow({ where: { id: data.breakGlass.approvalId } });
    expect(approval).toMatchObject({ subject: 'BREAK_GLASS_REVIEW', status: 'PENDING', requestedById: w.outsider.id });
    expect(await prisma.domainEvent.count({ where: { topic: `compliance:${w.outsider.organizationId}`, kind: 'BREAK_GLASS' } })).toBe(1);
  });

  it('stops granting access the moment the grant expires', async () => {
    const w = await world();
    const token = await t.tokenFor(w.outsider.id);
    await prisma.breakGlassGrant.create({
      data: { staffId: w.outsider.id, clientId: w.client.id, reason: 'expired grant', grantedAt: new Date(Date.now() - 3_600_000), expiresAt: new Date(Date.now() - 1000) },
    });
    const response = await t.gql(CASE_QUERY, { id: globalId('Case', w.kase.id) }, { token });
    expect(response.errors).toBeDefined();
  });

  it('refuses a reason that says nothing, and non-clinicians', async () => {
    const w = await world();
    const short: any = expectData(await t.gql(BREAK, { input: { clientId: globalId('Client', w.client.id), reason: 'x' } }, { token: await t.tokenFor(w.outsider.id) }));
    expect(short.breakGlass.__typename).toBe('InputValidationError');
    const byCompliance: any = expectData(
      await t.gql(BREAK, { input: { clientId: globalId('Client', w.client.id), reason: 'curious about this person' } }, { token: await t.tokenFor(w.compliance.id) }),
    );
    expect(byCompliance.breakGlass.__typename).toBe('Forbidden');
    expect(await prisma.breakGlassGrant.count({ where: { clientId: w.client.id } })).toBe(0);
  });
});

describe('compliance queries', () => {
  it('answers who accessed a client, how often and why; only for compliance officers', async () => {
    const w = await world();
    await t.gql(CASE_QUERY, { id: globalId('Case', w.kase.id) }, { token: await t.tokenFor(w.manager.id) });
    const report: any = expectData(
      await t.gql(
        `query($id: ID!) { accessReport(clientId: $id) { action count reasons actor { email } } }`,
        { id: globalId('Client', w.client.id) },
        { token: await t.tokenFor(w.compliance.id) },
      ),
    );
    expect(report.accessReport).toContainEqual(expect.objectContaining({ action: 'READ', count: 2, actor: { email: w.manager.email } }));
    const trail: any = expectData(
      await t.gql(`query($id: ID!) { auditTrail(first: 10, filter: { clientId: $id }) { totalCount edges { node { action entityType } } } }`,
        { id: globalId('Client', w.client.id) }, { token: await t.tokenFor(w.compliance.id) }),
    );
    expect(trail.auditTrail.totalCount).toBe(2);
    const refused = await t.gql(`{ auditTrail(first: 1) { totalCount } }`, {}, { token: await t.tokenFor(w.manager.id) });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
