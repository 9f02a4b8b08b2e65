// Nested reads are batched: a page of 5 cases and a page of 50 cases, each with its client,
// family, plans, goals, progress, interventions, referrals, providers and services, cost the
// same number of SQL statements.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createProvider, createRelatedPerson, createStaff } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await startTestApp('n_plus_one');
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  token = await t.tokenFor(manager.id);
  const providers = await Promise.all(
    Array.from({ length: 4 }, async (_, i) => {
      const provider = await createProvider({ name: `Provider ${i}` });
      await prisma.providerService.create({ data: { providerId: provider.id, serviceType: 'HOUSING', name: `Service ${i}` } });
      return provider;
    }),
  );
  for (let i = 0; i < 50; i += 1) {
    const client = await prisma.client.create({
      data: { organizationId: org.id, givenName: `Client${i}`, familyName: 'Nested', dateOfBirth: new Date('1990-01-01') },
    });
    const parent = await createRelatedPerson();
    await prisma.clientRelationship.create({ data: { clientId: client.id, relatedPersonId: parent.id, relationship: 'PARENT' } });
    const kase = await prisma.case.create({
      data: {
        clientId: client.id,
        organizationId: org.id,
        setting: 'COMMUNITY',
        status: 'ACTIVE',
        primaryCaseManagerId: manager.id,
        careTeam: { create: { staffId: manager.id, role: 'PRIMARY_CASE_MANAGER' } },
      },
    });
    const plan = await prisma.carePlan.create({ data: { caseId: kase.id, title: 'Plan', authorId: manager.id, status: 'ACTIVE' } });
    const goal = await prisma.goal.create({ data: { carePlanId: plan.id, description: 'Stable housing', domain: 'HOUSING' } });
    await prisma.goalProgress.create({ data: { goalId: goal.id, note: 'Viewed a flat', recordedById: manager.id } });
    await prisma.intervention.create({ data: { carePlanId: plan.id, goalId: goal.id, description: 'Apply', assignedToId: manager.id } });
    const referral = await prisma.referral.create({
      data: {
        caseId: kase.id,
        clientId: client.id,
        providerId: providers[i % providers.length]!.id,
        reason: 'Housing',
        status: 'SENT',
        createdById: manager.id,
      },
    });
    await prisma.referralEvent.create({ data: { referralId: referral.id, actorId: manager.id, fromStatus: 'DRAFT', toStatus: 'SENT' } });
  }
});
afterAll(() => t?.stop());

const NESTED = /* GraphQL */ `
  query Caseload($first: Int!) {
    cases(first: $first) {
      totalCount
      edges {
        node {
          id
          status
          primaryCaseManager { name }
          client { name relationships { relationship relatedPerson { name } } }
          careTeam { role staff { name } }
          carePlans {
            title
            goals { description progress { note } interventions { status assignedTo { name } } }
          }
          referrals { status events { toStatus } provider { name services { name } } }
        }
      }
    }
  }
`;

describe('nested reads', () => {
  it('cost the same number of SQL statements for 5 and for 50 cases', async () => {
    await t.gql('{ __typename }', {}, { token }); // the viewer is cached from then on
    const small = await countStatements(() => t.gql(NESTED, { first: 5 }, { token }));
    const large = await countStatements(() => t.gql(NESTED, { first: 50 }, { token }));
    const smallData: any = expectData(small.result);
    const largeData: any = expectData(large.result);
    expect(smallData.cases.edges).toHaveLength(5);
    expect(largeData.cases.edges).toHaveLength(50);
    expect(largeData.cases.edges[49].node.carePlans[0].goals[0].progress[0].note).toBe('Viewed a flat');
    expect(largeData.cases.edges[49].node.referrals[0].provider.services).toHaveLength(1);
    // The same statements, but the COUNT: a page of all 50 is its own totalCount (src/schema/connections.ts).
    expect(large.statements.length).toBe(small.statements.length - 1);
    expect(small.statements.filter((sql) => sql.includes('COUNT(')).length - large.statements.filter((sql) => sql.includes('COUNT(')).length).toBe(1);
    // The page, the count and a bounded number of batched relation loads.
    expect(large.statements.length).toBeLessThanOrEqual(20);
  });
});
