// Relationship analytics against figures computed from the data the test writes: scope
// (organization, caseload), what is counted but not shown, suppression for analysts, bounds,
// costs, and NetworkEdge.kind as an enum.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createProvider, createRelatedPerson, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
const tokens = { analyst: '', supervisor: '', manager: '' };
const ids = { p1: '', p2: '', housing: '', food: '', medical: '' };
beforeAll(async () => {
  t = await startTestApp('statistics_relationships');
  const org = await createOrganization();
  const other = await createOrganization();
  const manager = await createStaff(org.id);
  const colleague = await createStaff(org.id);
  tokens.manager = await t.tokenFor(manager.id);
  tokens.supervisor = await t.tokenFor((await createStaff(org.id, { roles: ['SUPERVISOR'] })).id);
  tokens.analyst = await t.tokenFor((await createStaff(org.id, { roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' })).id);
  const [p1, p2, p3] = [await createRelatedPerson(), await createRelatedPerson(), await createRelatedPerson()];
  Object.assign(ids, { p1: p1.id, p2: p2.id });
  const housing = await createProvider({ kind: 'HOUSING' });
  const food = await createProvider({ kind: 'FOOD' });
  const medical = await createProvider({ kind: 'MEDICAL' });
  Object.assign(ids, { housing: housing.id, food: food.id, medical: medical.id });
  const base = Date.now() - 30 * 86_400_000;

  // 15 clients: 0-11 at HIGH risk and in p1's care, 12-14 at LOW risk with p2 as a friend
  // (with p1's 0); the manager's caseload is clients 0, 1 and 12.
  for (let i = 0; i < 15; i += 1) {
    const client = await createClient(org.id, { riskLevel: i < 12 ? 'HIGH' : 'LOW' });
    const kase = await createCase(client.id, org.id, [{ staffId: [0, 1, 12].includes(i) ? manager.id : colleague.id }]);
    if (i < 12) await prisma.clientRelationship.create({ data: { clientId: client.id, relatedPersonId: p1.id, relationship: 'PARENT', isCaregiver: true } });
    if (i >= 12 || i === 0) await prisma.clientRelationship.create({ data: { clientId: client.id, relatedPersonId: p2.id, relationship: 'FRIEND' } });
    if (i === 5) await prisma.clientRelationship.create({ data: { clientId: client.id, relatedPersonId: p3.id, relationship: 'NEIGHBOR' } });
    const refer = (providerId: string, days: number, status: 'SENT' | 'COMPLETED') =>
      prisma.referral.create({ data: { caseId: kase.id, clientId: client.id, providerId, reason: 'Support', createdById: colleague.id, status, sentAt: new Date(base + days * 86_400_000 + i * 60_000) } });
    await refer(housing.id, 0, i % 2 === 0 ? 'COMPLETED' : 'SENT');
    await refer(i < 2 ? medical.id : food.id, 1, i % 3 === 0 ? 'COMPLETED' : 'SENT');
    if (i < 4) await refer(housing.id, 2, 'SENT');
  }
  // Another organization: two more clients in p1's care, referred to the housing provider.
  for (let i = 0; i < 2; i += 1) {
    const client = await createClient(other.id, { riskLevel: 'IMMINENT' });
    const kase = await createCase(client.id, other.id, [{ staffId: (await createStaff(other.id)).id }]);
    await prisma.clientRelationship.create({ data: { clientId: client.id, relatedPersonId: p1.id, relationship: 'CAREGIVER', isCaregiver: true } });
    await prisma.referral.create({ data: { caseId: kase.id, clientId: client.id, providerId: housing.id, reason: 'Support', createdById: colleague.id, status: 'SENT', sentAt: new Date(base) } });
  }
});
afterAll(() => t?.stop());

const SHARED = `query Shared($limit: Int, $caregiversOnly: Boolean) { sharedCaregivers(limit: $limit, caregiversOnly: $caregiversOnly) {
  relatedPerson { id } clientCount suppressed hiddenClients clients { id } } }`;
const PROVIDERS = `{ providersServingHighRiskClients { provider { id } highRiskClients clients suppressed } }`;
const PATHWAYS = `query Paths($length: Int) { referralPathways(length: $length) { serviceTypes clients completionRate suppressed } }`;

describe('relationship analytics', () => {
  it('finds clients sharing a related person, in the scope, counting those outside it', async () => {
    const supervisor = expectData(await t.gql(SHARED, {}, { token: tokens.supervisor })).sharedCaregivers;
    expect(supervisor).toEqual([
      { relatedPerson: { id: globalId('RelatedPerson', ids.p1) }, clientCount: 12, suppressed: false, hiddenClients: 2, clients: expect.any(Array) },
      { relatedPerson: { id: globalId('RelatedPerson', ids.p2) }, clientCount: 4, suppressed: false, hiddenClients: 0, clients: expect.any(Array) },
    ]);
    expect(supervisor[0].clients).toHaveLength(12);
    const caregivers = expectData(await t.gql(SHARED, { caregiversOnly: true }, { token: tokens.supervisor })).sharedCaregivers;
    expect(caregivers.map((row: any) => row.relatedPerson.id)).toEqual([globalId('RelatedPerson', ids.p1)]);
    // The case manager's caseload holds clients 0, 1 (p1) and 0, 12 (p2).
    const manager = expectData(await t.gql(SHARED, {}, { token: tokens.manager })).sharedCaregivers;
    expect(manager.map((row: any) => [row.relatedPerson.id, row.clientCount, row.hiddenClients, row.clients.length])).toEqual([
      [globalId('RelatedPerson', ids.p1), 2, 12, 2],
      [globalId('RelatedPerson', ids.p2), 2, 2, 2],
    ]);
  });

  it('gives analysts counts only, withholding those under the threshold', async () => {
    const analyst = expectData(await t.gql(SHARED, {}, { token: tokens.analyst })).sharedCaregivers;
    expect(analyst).toEqual([
      { relatedPerson: null, clientCount: 12, suppressed: false, hiddenClients: null, clients: [] },
      { relatedPerson: null, clientCount: null, suppressed: true, hiddenClients: null, clients: [] },
    ]);
  });

  it('ranks providers by the high-risk clients of the scope referred to them', async () => {
    const supervisor = expectData(await t.gql(PROVIDERS, {}, { token: tokens.supervisor })).providersServingHighRiskClients;
    expect(supervisor).toEqual([
      { provider: { id: globalId('Provider', ids.housing) }, highRiskClients: 12, clients: 15, suppressed: false },
      { provider: { id: globalId('Provider', ids.food) }, highRiskClients: 10, clients: 13, suppressed: false },
      { provider: { id: globalId('Provider', ids.medical) }, highRiskClients: 2, clients: 2, suppressed: false },
    ]);
    const analyst = expectData(await t.gql(PROVIDERS, {}, { token: tokens.analyst })).providersServingHighRiskClients;
    expect(analyst.map((row: any) => [row.highRiskClients, row.clients, row.suppressed])).toEqual([[12, 15, false], [null, null, true], [null, null, true]]);
    const manager = expectData(await t.gql(PROVIDERS, {}, { token: tokens.manager })).providersServingHighRiskClients;
    expect(manager.map((row: any) => [row.provider.id, row.highRiskClients, row.clients])).toEqual([
      [globalId('Provider', ids.housing), 2, 3],
      [globalId('Provider', ids.medical), 2, 2],
    ]);
  });

  it('counts referral pathways with their completion rates', async () => {
    const three = expectData(await t.gql(PATHWAYS, { length: 3 }, { token: tokens.supervisor })).referralPathways;
    // Clients 4-14: HOUSING then FOOD (11); 2-3: HOUSING, FOOD, HOUSING; 0-1: HOUSING, MEDICAL, HOUSING.
    const rate = (clients: number[], steps: number) => {
      let completed = 0;
      for (const i of clients) completed += (i % 2 === 0 ? 1 : 0) + (i % 3 === 0 ? 1 : 0);
      return completed / (clients.length * steps);
    };
    expect(three).toEqual([
      { serviceTypes: ['HOUSING', 'FOOD'], clients: 11, completionRate: rate([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], 2), suppressed: false },
      { serviceTypes: ['HOUSING', 'FOOD', 'HOUSING'], clients: 2, completionRate: rate([2, 3], 3), suppressed: false },
      { serviceTypes: ['HOUSING', 'MEDICAL', 'HOUSING'], clients: 2, completionRate: rate([0, 1], 3), suppressed: false },
    ]);
    const analyst = expectData(await t.gql(PATHWAYS, { length: 2 }, { token: tokens.analyst })).referralPathways;
    expect(analyst).toEqual([
      { serviceTypes: ['HOUSING', 'FOOD'], clients: 13, completionRate: rate([2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14], 2), suppressed: false },
      { serviceTypes: ['HOUSING', 'MEDICAL'], clients: null, completionRate: null, suppressed: true },
    ]);
  });

  it('is bounded and costed: limits and lengths outside their range are typed errors', async () => {
    for (const [query, variables, field] of [
      [SHARED, { limit: 101 }, 'limit'],
      [SHARED, { limit: 0 }, 'limit'],
      [PATHWAYS, { length: 5 }, 'length'],
      [PATHWAYS, { length: 1 }, 'length'],
    ] as const) {
      const response = await t.gql(query, variables, { token: tokens.supervisor });
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toContain(field);
    }
    // Priced by the rows they may return: many aliases of the largest lists exceed the query cost limit.
    const aliases = Array.from({ length: 12 }, (_, i) => `s${i}: sharedCaregivers(limit: 100) { clients { id givenName } }`).join(' ');
    const costly = await t.gql(`{ ${aliases} }`, {}, { token: tokens.supervisor });
    expect(costly.data ?? null).toBeNull();
    expect(costly.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('types NetworkEdge.kind as an enum', async () => {
    const response = await t.gql(`{ __type(name: "NetworkEdge") { fields { name type { ofType { name kind } } } } }`, {}, { token: tokens.supervisor });
    const kind = expectData(response).__type.fields.find((field: any) => field.name === 'kind');
    expect(kind.type.ofType).toEqual({ name: 'NetworkEdgeKind', kind: 'ENUM' });
  });
});
