// The permissions matrix: for each role x relation to a case x kind of operation (list, node,
// nested field, mutation, subscription), the expected allow or deny, generated from ONE policy
// table and run against the real server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { StaffRole } from '../../src/generated/prisma/enums.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';

const ROLES: StaffRole[] = ['CASE_MANAGER', 'NURSE', 'SUPERVISOR', 'ANALYST', 'COMPLIANCE_OFFICER', 'ADMIN'];
const RELATIONS = ['careTeam', 'sameTeam', 'sameOrg', 'otherOrg', 'breakGlass', 'none'] as const;
type Relation = (typeof RELATIONS)[number];
const OPERATIONS = ['list', 'node', 'nestedField', 'mutation', 'subscription'] as const;

const CLINICAL: StaffRole[] = ['CASE_MANAGER', 'NURSE', 'SUPERVISOR'];

/** The policy, stated once: who may read and write a case and everything under it. */
function expected(role: StaffRole, relation: Relation): 'allow' | 'deny' {
  if (!CLINICAL.includes(role)) return 'deny'; // analysts, compliance and admins never by role
  if (relation === 'careTeam' || relation === 'breakGlass') return 'allow';
  if (role === 'SUPERVISOR' && (relation === 'sameTeam' || relation === 'sameOrg')) return 'allow';
  return 'deny';
}

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('permissions_matrix');
});
afterAll(() => t?.stop());

/** A case in its own organization, and a viewer of `role` standing in `relation` to it. */
async function arrange(role: StaffRole, relation: Relation) {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const team = await prisma.team.create({ data: { organizationId: org.id, name: `Team ${manager.id.slice(0, 6)}` } });
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { teamId: team.id });
  const viewerOrg = relation === 'otherOrg' || relation === 'breakGlass' ? await createOrganization() : org;
  const viewer = await createStaff(viewerOrg.id, { roles: [role] });
  if (relation === 'careTeam') await prisma.careTeamMember.create({ data: { caseId: kase.id, staffId: viewer.id, role: 'OTHER' } });
  if (relation === 'sameTeam') await prisma.teamMembership.create({ data: { teamId: team.id, staffId: viewer.id, role } });
  if (relation === 'breakGlass') {
    await prisma.breakGlassGrant.create({
      data: { staffId: viewer.id, clientId: client.id, reason: 'matrix', expiresAt: new Date(Date.now() + 3_600_000) },
    });
  }
  // `none`: same organization's directory is not enough for a non-clinician; for clinicians
  // "none" means another organization with no grant.
  if (relation === 'none') await prisma.staffMember.update({ where: { id: viewer.id }, data: { organizationId: (await createOrganization()).id } });
  // One event already in the case's outbox: a subscriber replaying from the start gets it
  // if, and only if, it may see the case.
  await prisma.domainEvent.create({ data: { topic: `case:${kase.id}`, kind: 'CASE_STATUS_CHANGED', payload: { caseId: kase.id } } });
  return { kase, client, token: await t.tokenFor(viewer.id) };
}

function subscribeToCase(caseId: string, token: string): Promise<'allow' | 'deny'> {
  return new Promise((resolve, reject) => {
    const ws = t.wsClient(token);
    const timer = setTimeout(() => reject(new Error('caseUpdates neither delivered nor refused within 15 s')), 15_000);
    const settle = (outcome: 'allow' | 'deny') => {
      clearTimeout(timer);
      void ws.dispose();
      resolve(outcome);
    };
    ws.subscribe(
      { query: 'subscription($id: ID!) { caseUpdates(caseId: $id, afterEventId: "0") { kind case { id } } }', variables: { id: caseId } },
      {
        next: (result: any) => settle(result.errors?.length || !result.data?.caseUpdates?.case ? 'deny' : 'allow'),
        error: () => settle('deny'),
        complete: () => settle('deny'),
      },
    );
  });
}

async function attempt(operation: (typeof OPERATIONS)[number], kase: { id: string }, client: { id: string }, token: string): Promise<'allow' | 'deny'> {
  const caseId = globalId('Case', kase.id);
  switch (operation) {
    case 'list': {
      const r = await t.gql(`query($c: ID!) { cases(first: 10, filter: { clientId: $c }) { edges { node { id } } } }`, { c: globalId('Client', client.id) }, { token });
      return r.data?.cases?.edges?.some((e: any) => e.node.id === caseId) ? 'allow' : 'deny';
    }
    case 'node': {
      const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on Case { id } } }`, { id: caseId }, { token });
      return r.data?.node?.id === caseId ? 'allow' : 'deny';
    }
    case 'nestedField': {
      const r = await t.gql(`query($id: ID!) { node(id: $id) { ... on Client { cases { id } } } }`, { id: globalId('Client', client.id) }, { token });
      return r.data?.node?.cases?.some((c: any) => c.id === caseId) ? 'allow' : 'deny';
    }
    case 'mutation': {
      const r = await t.gql(
        `mutation($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { __typename } }`,
        { input: { caseId, status: 'MONITORING' } },
        { token },
      );
      const changed = (await prisma.case.findUniqueOrThrow({ where: { id: kase.id } })).status === 'MONITORING';
      expect(r.data?.changeCaseStatus?.__typename === 'Case').toBe(changed);
      return changed ? 'allow' : 'deny';
    }
    case 'subscription':
      return subscribeToCase(caseId, token);
  }
}

describe('permissions matrix', () => {
  const rows = ROLES.flatMap((role) => RELATIONS.map((relation) => [role, relation, expected(role, relation)] as const));
  it.each(rows)('%s related by %s to a case: %s', async (role, relation, outcome) => {
    const { kase, client, token } = await arrange(role, relation);
    const results = Object.fromEntries(await Promise.all(OPERATIONS.map(async (op) => [op, await attempt(op, kase, client, token)])));
    expect(results).toEqual(Object.fromEntries(OPERATIONS.map((op) => [op, outcome])));
  });
});
