// The canonical operations of the API benchmark (bench/operations/*.graphql, npm run bench:api)
// cost a fixed number of SQL statements: a page of 5 and a page of 50 cost the same, and no
// operation costs more than it does today (the bounds below: lower one when a change saves
// statements, never raise one without knowing why).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANONICAL_OPERATIONS, loadOperation, type CanonicalOperation } from '../../bench/api/operations.js';
import { prisma } from '../../src/db.js';
import { planCompilations } from '../../src/db/plan-stats.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createProvider, createRelatedPerson, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

/** Statements per request today (the count after a warm-up request of the same viewer). */
const BOUNDS: Record<CanonicalOperation, number> = {
  'caseload-dashboard': 4,
  'client-search': 4,
  'client-chart': 2,
  'crisis-board': 3,
  reports: 8,
  'record-interaction': 6,
  'raise-crisis': 10,
};

const DAY_MS = 86_400_000;
const SEARCHED = 'Canonical';

let t: TestApp;
const tokens = { manager: '', supervisor: '', analyst: '' };
let organizationId = '';
let chartClientId = '';
let firstCase = { id: '', clientId: '' };

beforeAll(async () => {
  t = await startTestApp('canonical_operations');
  const org = await createOrganization();
  organizationId = org.id;
  const manager = await createStaff(org.id);
  const supervisor = await createStaff(org.id, { roles: ['SUPERVISOR', 'SOCIAL_WORKER'] });
  const analyst = await createStaff(org.id, { roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' });
  tokens.manager = await t.tokenFor(manager.id);
  tokens.supervisor = await t.tokenFor(supervisor.id);
  tokens.analyst = await t.tokenFor(analyst.id);
  const providers = await Promise.all(Array.from({ length: 4 }, (_, i) => createProvider({ name: `Provider ${i}` })));
  const now = Date.now();

  // 50 clients named alike, each with an identifier, a relative and an open case holding an
  // active plan (a goal with progress), a sent referral, an open crisis, a scheduled follow-up
  // and a contact; the first client has two more cases and 50 contacts on each of its cases.
  const cases: Array<{ id: string; clientId: string }> = [];
  for (let i = 0; i < 50; i += 1) {
    const client = await prisma.client.create({
      data: {
        organizationId: org.id,
        givenName: `Client${i}`,
        familyName: SEARCHED,
        dateOfBirth: new Date('1990-01-01'),
        identifiers: { create: { system: 'MRN', value: `CANON-${i}` } },
      },
    });
    const relative = await createRelatedPerson();
    await prisma.clientRelationship.create({ data: { clientId: client.id, relatedPersonId: relative.id, relationship: 'PARENT' } });
    for (let extra = 0; extra < (i === 0 ? 3 : 1); extra += 1) {
      const kase = await prisma.case.create({
        data: {
          clientId: client.id,
          organizationId: org.id,
          setting: 'COMMUNITY',
          status: 'ACTIVE',
          openedAt: new Date(now - 60 * DAY_MS),
          primaryCaseManagerId: manager.id,
          careTeam: { create: { staffId: manager.id, role: 'PRIMARY_CASE_MANAGER' } },
        },
      });
      cases.push({ id: kase.id, clientId: client.id });
      const plan = await prisma.carePlan.create({
        data: { caseId: kase.id, title: 'Plan', authorId: manager.id, status: 'ACTIVE', nextReviewDue: new Date(now + 30 * DAY_MS) },
      });
      const goal = await prisma.goal.create({ data: { carePlanId: plan.id, description: 'Stable housing', domain: 'HOUSING' } });
      await prisma.goalProgress.createMany({
        data: [1, 2, 3, 4].map((n) => ({ goalId: goal.id, value: `${n}`, recordedById: manager.id, recordedAt: new Date(now - n * DAY_MS) })),
      });
      await prisma.referral.create({
        data: { caseId: kase.id, clientId: client.id, providerId: providers[i % providers.length]!.id, reason: 'Housing', status: 'SENT', createdById: manager.id },
      });
      await prisma.crisisEvent.create({
        data: {
          clientId: client.id,
          caseId: kase.id,
          organizationId: org.id,
          category: 'HOUSING_LOSS',
          severity: 'MODERATE',
          description: 'Eviction notice',
          reportedById: manager.id,
          reportedAt: new Date(now - (i + 1) * 60_000),
        },
      });
      await prisma.followUp.create({
        data: { caseId: kase.id, clientId: client.id, assignedToId: manager.id, kind: 'POST_DISCHARGE', scheduledFor: new Date(now + 3 * DAY_MS) },
      });
      await prisma.interaction.createMany({
        data: Array.from({ length: i === 0 ? 50 : 1 }, (_, n) => ({
          id: randomUUID(),
          caseId: kase.id,
          clientId: client.id,
          staffId: manager.id,
          type: 'PHONE_CALL' as const,
          occurredAt: new Date(now - (n + 1) * 3_600_000),
          summary: `Call ${n}`,
        })),
      });
    }
  }
  chartClientId = cases[0]!.clientId;
  firstCase = cases[0]!;
});
afterAll(() => t?.stop());

const documents = Object.fromEntries(CANONICAL_OPERATIONS.map((name) => [name, loadOperation(name)])) as Record<
  CanonicalOperation,
  ReturnType<typeof loadOperation>
>;

/**
 * Statements of one request after a warm-up request of the same viewer: the lower of two
 * counts (a cache entry dropped by a staff change still in flight can only add one). And
 * Prisma query plans compiled by a repeated request: none (the lower of two counts, as one
 * request can straddle a line of the filters' 100 ms clock grid, src/clock.ts).
 */
async function cost(name: CanonicalOperation, token: string, variables: () => Record<string, unknown>) {
  const counts: number[] = [];
  const compiles: number[] = [];
  let data: any;
  for (let i = 0; i < 3; i += 1) {
    const before = planCompilations();
    const { result, statements } = await countStatements(() => t.gql(documents[name].query, variables(), { token }));
    data = expectData(result);
    if (i > 0) counts.push(statements.length);
    if (i > 0) compiles.push(planCompilations() - before);
    // SHOW_SQL=1 prints what each request sent.
    if (process.env.SHOW_SQL) console.log(name, statements.map((sql) => sql.replace(/\s+/g, ' ').slice(0, 200)));
  }
  expect(Math.min(...compiles), `${name}: query plans compiled by a repeated request`).toBe(0);
  return { statements: Math.min(...counts), data };
}

describe('canonical operations (bench/operations)', () => {
  it('caseload-dashboard: a page of 5 and of 50 open cases cost the same', async () => {
    const small = await cost('caseload-dashboard', tokens.manager, () => ({ first: 5 }));
    const large = await cost('caseload-dashboard', tokens.manager, () => ({ first: 50 }));
    expect(small.data.me.caseload.edges).toHaveLength(5);
    expect(large.data.me.caseload.edges).toHaveLength(50);
    const node = large.data.me.caseload.edges[49].node;
    expect(node.carePlans[0].goals[0].progress).toHaveLength(3);
    expect(node.client.relationships[0].relatedPerson.familyName).toMatch(/^Relative-/);
    expect(node.referrals[0].provider.name).toMatch(/^Provider /);
    expect(node.crises).toHaveLength(1);
    expect(node.followUps).toHaveLength(1);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(BOUNDS['caseload-dashboard']);
  });

  it('client-search: a page of 5 and of 49 of the 50 matches cost the same; all 50 at once, one less', async () => {
    const small = await cost('client-search', tokens.manager, () => ({ search: SEARCHED, first: 5 }));
    const large = await cost('client-search', tokens.manager, () => ({ search: SEARCHED, first: 49 }));
    expect(small.data.clients.edges).toHaveLength(5);
    expect(large.data.clients.edges).toHaveLength(49);
    expect(large.data.clients.totalCount).toBe(50);
    expect(large.data.clients.edges[48].node.identifiers).toHaveLength(1);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(BOUNDS['client-search']);
    // A page that holds every match is its own total: no COUNT (src/schema/connections.ts).
    const whole = await cost('client-search', tokens.manager, () => ({ search: SEARCHED, first: 100 }));
    expect(whole.data.clients.edges).toHaveLength(50);
    expect(whole.data.clients.totalCount).toBe(50);
    expect(whole.statements).toBe(large.statements - 1);
  });

  it('client-chart: 5 and 50 interactions per case cost the same', async () => {
    const id = globalId('Client', chartClientId);
    const small = await cost('client-chart', tokens.manager, () => ({ id, interactions: 5 }));
    const large = await cost('client-chart', tokens.manager, () => ({ id, interactions: 50 }));
    expect(large.data.node.cases).toHaveLength(3);
    for (const kase of large.data.node.cases) {
      expect(kase.interactions.edges).toHaveLength(50);
      expect(kase.carePlans[0].goals[0].progress).toHaveLength(3);
      expect(kase.referrals).toHaveLength(1);
      expect(kase.followUps).toHaveLength(1);
    }
    expect(small.data.node.cases[0].interactions.edges).toHaveLength(5);
    expect(large.data.node.crises).toHaveLength(3);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(BOUNDS['client-chart']);
  });

  it('crisis-board: a page of 5 and of 50 open crises cost the same', async () => {
    const org = globalId('Organization', organizationId);
    const small = await cost('crisis-board', tokens.supervisor, () => ({ organizationId: org, first: 5 }));
    const large = await cost('crisis-board', tokens.supervisor, () => ({ organizationId: org, first: 50 }));
    expect(small.data.crises.edges).toHaveLength(5);
    expect(large.data.crises.edges).toHaveLength(50);
    expect(large.data.crises.edges[49].node.case.primaryCaseManager.name).toBeTruthy();
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(BOUNDS['crisis-board']);
  });

  it('reports: a fixed number of statements', async () => {
    const variables = () => ({ from: new Date(Date.now() - 365 * DAY_MS).toISOString(), to: new Date(Date.now() + DAY_MS).toISOString() });
    const { data, statements } = await cost('reports', tokens.analyst, variables);
    expect(data.reports.casesByStatus.length).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(BOUNDS.reports);
  });

  it('record-interaction: a fixed number of statements', async () => {
    const { data, statements } = await cost('record-interaction', tokens.manager, () => ({
      input: {
        caseId: globalId('Case', firstCase.id),
        type: 'PHONE_CALL',
        occurredAt: new Date(Date.now() - 60_000).toISOString(),
        durationMinutes: 15,
        summary: 'Check-in call',
      },
    }));
    expect(data.recordInteraction.__typename).toBe('Interaction');
    expect(statements).toBeLessThanOrEqual(BOUNDS['record-interaction']);
  });

  it('raise-crisis: a fixed number of statements', async () => {
    const { data, statements } = await cost('raise-crisis', tokens.manager, () => ({
      input: {
        clientId: globalId('Client', firstCase.clientId),
        caseId: globalId('Case', firstCase.id),
        category: 'HOUSING_LOSS',
        severity: 'LOW',
        description: 'Eviction notice received',
      },
    }));
    expect(data.raiseCrisis.__typename).toBe('CrisisEvent');
    expect(statements).toBeLessThanOrEqual(BOUNDS['raise-crisis']);
  });
});
