import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('approvals_transfers');
});
afterAll(() => t?.stop());

const CLOSE = `mutation($input: CloseCaseInput!) { closeCase(input: $input) { __typename ... on Case { status } ... on Error { message code } ... on RuleViolation { rule } } }`;
const REQUEST = `mutation($input: RequestApprovalInput!) { requestApproval(input: $input) { __typename ... on Approval { id status } ... on Error { message } } }`;
const DECIDE = `mutation($input: DecideApprovalInput!) { decideApproval(input: $input) { __typename ... on Approval { status decidedBy { email } } ... on Error { message } } }`;
const PROPOSE = `mutation($input: ProposeCaseTransferInput!) { proposeCaseTransfer(input: $input) { __typename
  ... on CaseTransfer { id status consentChecked } ... on ConsentRequired { category grantee } ... on Error { message } } }`;
const ACCEPT = `mutation($input: DecideCaseTransferInput!) { acceptCaseTransfer(input: $input) { __typename ... on CaseTransfer { status toStaff { email } } ... on Error { message } } }`;

describe('approvals', () => {
  it('holds a case closure until a supervisor other than the requester approves it', async () => {
    const org = await createOrganization({ approvalRequiredFor: ['CASE_CLOSURE'] });
    const manager = await createStaff(org.id);
    const supervisor = await createStaff(org.id, { roles: ['SUPERVISOR'] });
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
    const token = await t.tokenFor(manager.id);
    const caseId = globalId('Case', kase.id);

    const refused: any = expectData(await t.gql(CLOSE, { input: { caseId, reason: 'Goals met' } }, { token }));
    expect(refused.closeCase).toMatchObject({ __typename: 'RuleViolation', rule: 'APPROVAL_REQUIRED' });

    const requested: any = expectData(await t.gql(REQUEST, { input: { subject: 'CASE_CLOSURE', subjectId: caseId, comment: 'Goals met' } }, { token }));
    const approvalId = requested.requestApproval.id;
    const self: any = expectData(await t.gql(DECIDE, { input: { approvalId, decision: 'APPROVED' } }, { token }));
    expect(self.decideApproval.__typename).toBe('Forbidden');
    expect((await t.gql(CLOSE, { input: { caseId, reason: 'Goals met' } }, { token })).data?.closeCase.__typename).toBe('RuleViolation');

    const approved: any = expectData(await t.gql(DECIDE, { input: { approvalId, decision: 'APPROVED' } }, { token: await t.tokenFor(supervisor.id) }));
    expect(approved.decideApproval).toEqual({ __typename: 'Approval', status: 'APPROVED', decidedBy: { email: supervisor.email } });
    const closed: any = expectData(await t.gql(CLOSE, { input: { caseId, reason: 'Goals met' } }, { token }));
    expect(closed.closeCase).toEqual({ __typename: 'Case', status: 'CLOSED' });

    // The client's audit trail shows the request and the supervisor's decision.
    const compliance = await createStaff(org.id, { roles: ['COMPLIANCE_OFFICER'], discipline: 'ADMINISTRATIVE' });
    const trail: any = expectData(
      await t.gql(
        `query($id: ID!) { auditTrail(first: 50, filter: { clientId: $id }) { edges { node { action entityType actor { email } } } } }`,
        { id: globalId('Client', client.id) },
        { token: await t.tokenFor(compliance.id) },
      ),
    );
    const approvals = trail.auditTrail.edges.map((edge: any) => edge.node).filter((node: any) => node.entityType === 'Approval');
    expect(approvals).toEqual(
      expect.arrayContaining([
        { action: 'CREATE', entityType: 'Approval', actor: { email: manager.email } },
        { action: 'STATUS_CHANGE', entityType: 'Approval', actor: { email: supervisor.email } },
      ]),
    );
    expect(approvals).toHaveLength(2);
  });
});

describe('case transfer', () => {
  it('needs the client consent for every category it would share, then moves ownership and access', async () => {
    const from = await createOrganization({ name: 'County Hospital' });
    const to = await createOrganization({ name: 'Harbor Community Services' });
    const manager = await createStaff(from.id);
    const receiver = await createStaff(to.id);
    const client = await createClient(from.id);
    const kase = await createCase(client.id, from.id, [{ staffId: manager.id }]);
    await prisma.interaction.create({
      data: { caseId: kase.id, clientId: client.id, type: 'COUNSELLING_SESSION', occurredAt: new Date(), staffId: manager.id, summary: 'Disclosed depression', sensitivity: 'RESTRICTED', sensitiveCategory: 'MENTAL_HEALTH' },
    });
    const token = await t.tokenFor(manager.id);
    const input = { caseId: globalId('Case', kase.id), toStaffId: globalId('StaffMember', receiver.id), toOrganizationId: globalId('Organization', to.id), reason: 'Moving to the harbor district' };

    const noConsent: any = expectData(await t.gql(PROPOSE, { input }, { token }));
    expect(noConsent.proposeCaseTransfer).toMatchObject({ __typename: 'ConsentRequired', category: 'GENERAL', grantee: 'Harbor Community Services' });

    const consent = (category: 'GENERAL' | 'MENTAL_HEALTH') =>
      prisma.consent.create({ data: { clientId: client.id, category, granteeOrganizationId: to.id, recordedById: manager.id } });
    await consent('GENERAL');
    const partial: any = expectData(await t.gql(PROPOSE, { input }, { token }));
    expect(partial.proposeCaseTransfer).toMatchObject({ __typename: 'ConsentRequired', category: 'MENTAL_HEALTH' });
    expect(await prisma.caseTransfer.count({ where: { caseId: kase.id } })).toBe(0);

    await consent('MENTAL_HEALTH');
    const proposed: any = expectData(await t.gql(PROPOSE, { input }, { token }));
    expect(proposed.proposeCaseTransfer).toMatchObject({ __typename: 'CaseTransfer', status: 'PROPOSED', consentChecked: true });

    const accepted: any = expectData(await t.gql(ACCEPT, { input: { transferId: proposed.proposeCaseTransfer.id } }, { token: await t.tokenFor(receiver.id) }));
    expect(accepted.acceptCaseTransfer).toEqual({ __typename: 'CaseTransfer', status: 'ACCEPTED', toStaff: { email: receiver.email } });

    const moved = await prisma.case.findUniqueOrThrow({ where: { id: kase.id } });
    expect(moved).toMatchObject({ organizationId: to.id, primaryCaseManagerId: receiver.id });
    const read = 'query($id: ID!) { node(id: $id) { ... on Case { id } } }';
    expect((await t.gql(read, { id: input.caseId }, { token })).errors).toBeDefined();
    expect(expectData<any>(await t.gql(read, { id: input.caseId }, { token: await t.tokenFor(receiver.id) })).node.id).toBe(input.caseId);
  });
});
