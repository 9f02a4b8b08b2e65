// Care plans: input validation, who may see and change them, the carePlans query and batched reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { CarePlanStatus } from '../../src/generated/prisma/enums.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import {
  ACTIVATE,
  ADD_GOAL,
  ADD_INTERVENTION,
  CHANGE,
  CREATE,
  DAY,
  GOAL_STATUS,
  INTERVENTION_STATUS,
  PLANS_QUERY,
  PLAN_QUERY,
  PROGRESS,
  REVIEW,
  UPDATE_PLAN,
  goalGid,
  planGid,
  runOn,
} from '../support/care-plan-api.js';
import {
  carePlanCounts,
  careSetting,
  createActivePlan,
  createCarePlan,
  createGoal,
  createInteraction,
  createIntervention,
  createReferral,
} from '../support/care-plans.js';
import { createCase, createClient, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('care_plans_access');
});
afterAll(() => t?.stop());

const run = (query: string, input: Record<string, unknown>, token: string) => runOn(t, query, input, token);

// ------------------------------------------------------------------------------ validation

describe('validation', () => {
  it('names the wrong field and writes nothing: no row, audit record or event', async () => {
    const w = await careSetting(t);
    const { plan, goal } = await createActivePlan(w.kase.id, w.manager.id);
    const draft = await createCarePlan(w.kase.id, w.manager.id);
    const draftGoal = await createGoal(draft.id);
    const otherCase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
    const elsewhere = await createInteraction(otherCase.id, w.client.id, w.manager.id);
    const foreignReferral = await createReferral(otherCase.id, w.client.id, w.manager.id);
    const outsider = await createStaff(w.org.id);
    const caseId = globalId('Case', w.kase.id);
    const carePlanId = planGid(plan.id);
    const goalId = goalGid(goal.id);
    const me = globalId('StaffMember', w.manager.id);
    const iso = (offset: number) => new Date(Date.now() + offset).toISOString();
    const before = await carePlanCounts();

    const inputIssues: Array<[string, Record<string, unknown>, string]> = [
      [CREATE, { caseId, title: 'Plan', reviewIntervalDays: 6 }, 'reviewIntervalDays'],
      [CREATE, { caseId, title: 'Plan', reviewIntervalDays: 366 }, 'reviewIntervalDays'],
      [CREATE, { caseId, title: 'ab' }, 'title'],
      [CREATE, { caseId, title: 'Plan', periodEnd: iso(-3 * DAY) }, 'periodEnd'],
      [ADD_GOAL, { carePlanId, description: 'Goal', domain: 'FOOD', targetDate: iso(-2 * DAY) }, 'targetDate'],
      [ADD_GOAL, { carePlanId, description: 'Goal', domain: 'FOOD', targetDate: iso(6 * 366 * DAY) }, 'targetDate'],
      [ADD_GOAL, { carePlanId, description: 'x', domain: 'FOOD' }, 'description'],
      [ADD_GOAL, { carePlanId, description: 'Goal', domain: 'FOOD', measure: 'm'.repeat(201) }, 'measure'],
      [PROGRESS, { goalId, value: '1', recordedAt: iso(DAY) }, 'recordedAt'],
      [PROGRESS, { goalId, value: '1', note: 'n'.repeat(2001) }, 'note'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it', assignedToId: me, dueDate: iso(-2 * DAY) }, 'dueDate'],
      [REVIEW, { carePlanId, summary: 'Fine', outcome: 'CONTINUE', nextReviewDue: iso(-DAY) }, 'nextReviewDue'],
      [REVIEW, { carePlanId, summary: 'Fine', outcome: 'CONTINUE', reviewedAt: iso(DAY) }, 'reviewedAt'],
      [REVIEW, { carePlanId, summary: '', outcome: 'CONTINUE' }, 'summary'],
    ];
    for (const [query, input, field] of inputIssues) {
      const result = await run(query, input, w.token);
      expect(result.__typename, `${field}: ${JSON.stringify(result)}`).toBe('InputValidationError');
      expect(result.issues[0].path).toEqual(['input', field]);
    }

    const ruleIssues: Array<[string, Record<string, unknown>, string]> = [
      [ADD_GOAL, { carePlanId, description: 'Goal', domain: 'FOOD', lifecycleStatus: 'COMPLETED' }, 'lifecycleStatus'],
      [ADD_GOAL, { carePlanId, description: 'Goal', domain: 'FOOD', targetValue: '5' }, 'measure'],
      [PROGRESS, { goalId, note: 'Nothing measured' }, 'value'],
      [PROGRESS, { goalId, value: '1', interactionId: globalId('Interaction', elsewhere.id) }, 'interactionId'],
      [PROGRESS, { goalId, value: '1', interactionId: caseId }, 'interactionId'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it' }, 'assignedToId'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it', assignedToId: me, referralId: globalId('Referral', foreignReferral.id) }, 'assignedToId'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it', assignedToId: globalId('StaffMember', outsider.id) }, 'assignedToId'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it', referralId: globalId('Referral', foreignReferral.id) }, 'referralId'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it', assignedToId: me, goalId: goalGid(draftGoal.id) }, 'goalId'],
      [ADD_INTERVENTION, { carePlanId, description: 'Do it', assignedToId: me, status: 'COMPLETED' }, 'status'],
      [REVIEW, { carePlanId, summary: 'Done', outcome: 'CLOSE', nextReviewDue: iso(10 * DAY) }, 'nextReviewDue'],
      [REVIEW, { carePlanId, summary: 'Fine', outcome: 'CONTINUE', reviewerId: globalId('StaffMember', outsider.id) }, 'reviewerId'],
      [CHANGE, { carePlanId, status: 'ENTERED_IN_ERROR' }, 'reason'],
    ];
    for (const [query, input, field] of ruleIssues) {
      const result = await run(query, input, w.token);
      expect(result, JSON.stringify(input)).toMatchObject({ __typename: 'ValidationError', field });
    }

    expect(await carePlanCounts()).toEqual(before);
    expect(await prisma.carePlan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({ version: 1 });
  });
});

// ---------------------------------------------------------------------------------- access

describe('access', () => {
  it('an outsider (not on the care team) gets NotFound and sees nothing', async () => {
    const w = await careSetting(t);
    const { plan, goal } = await createActivePlan(w.kase.id, w.manager.id);
    const intervention = await createIntervention(plan.id, { assignedToId: w.manager.id });
    const outsider = await createStaff(w.org.id, { roles: ['SOCIAL_WORKER'] });
    const token = await t.tokenFor(outsider.id);
    const before = await carePlanCounts();

    const attempts: Array<[string, Record<string, unknown>, string]> = [
      [CREATE, { caseId: globalId('Case', w.kase.id), title: 'Not mine' }, 'Case'],
      [ACTIVATE, { carePlanId: planGid(plan.id) }, 'CarePlan'],
      [CHANGE, { carePlanId: planGid(plan.id), status: 'ON_HOLD' }, 'CarePlan'],
      [UPDATE_PLAN, { carePlanId: planGid(plan.id), title: 'Renamed' }, 'CarePlan'],
      [ADD_GOAL, { carePlanId: planGid(plan.id), description: 'Sneaky goal', domain: 'FOOD' }, 'CarePlan'],
      [GOAL_STATUS, { goalId: goalGid(goal.id), lifecycleStatus: 'ON_HOLD' }, 'Goal'],
      [PROGRESS, { goalId: goalGid(goal.id), value: '1' }, 'Goal'],
      [ADD_INTERVENTION, { carePlanId: planGid(plan.id), description: 'Sneaky', assignedToId: globalId('StaffMember', w.manager.id) }, 'CarePlan'],
      [INTERVENTION_STATUS, { interventionId: globalId('Intervention', intervention.id), status: 'CANCELLED' }, 'Intervention'],
      [REVIEW, { carePlanId: planGid(plan.id), summary: 'Not mine', outcome: 'CLOSE' }, 'CarePlan'],
    ];
    for (const [query, input, entity] of attempts) {
      expect(await run(query, input, token), JSON.stringify(input)).toMatchObject({ __typename: 'NotFound', entity });
    }
    expect(await carePlanCounts()).toEqual(before);
    expect(await prisma.auditEvent.count({ where: { actorId: outsider.id, action: 'ACCESS_DENIED', clientId: w.client.id } })).toBeGreaterThanOrEqual(attempts.length);

    // A forbidden node answers exactly like a missing one.
    const NODE = `query($id: ID!) { node(id: $id) { id } }`;
    for (const [typename, id] of [['CarePlan', plan.id], ['Goal', goal.id], ['Intervention', intervention.id]] as const) {
      const forbidden = await t.gql(NODE, { id: globalId(typename, id) }, { token });
      const missing = await t.gql(NODE, { id: globalId(typename, '0d6b1a4e-1111-4111-8111-111111111111') }, { token });
      expect(forbidden.data?.node ?? null).toBeNull();
      expect(forbidden.data).toEqual(missing.data);
      expect(forbidden.errors?.map((e) => [e.message, e.extensions?.code])).toEqual(missing.errors?.map((e) => [e.message, e.extensions?.code]));
    }
    expect(expectData<any>(await t.gql(PLANS_QUERY, { filter: { caseId: globalId('Case', w.kase.id) } }, { token })).carePlans.totalCount).toBe(0);

    // Once on the care team, the same person sees the plan.
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: outsider.id, role: 'SOCIAL_WORKER' } });
    expect(expectData<any>(await t.gql(PLAN_QUERY, { id: planGid(plan.id) }, { token })).node).toMatchObject({ id: planGid(plan.id), goals: [{ id: goalGid(goal.id) }] });
  });

  it("lists a case's plans on Case.carePlans, filtered by status", async () => {
    const w = await careSetting(t);
    const { plan: active } = await createActivePlan(w.kase.id, w.manager.id, { createdAt: new Date(Date.now() - DAY) });
    const draft = await createCarePlan(w.kase.id, w.manager.id);
    const query = `query($id: ID!, $status: [CarePlanStatus!]) { node(id: $id) { ... on Case { carePlans(status: $status) { id status } } } }`;
    const all = expectData<any>(await t.gql(query, { id: globalId('Case', w.kase.id) }, { token: w.token })).node.carePlans;
    expect(all.map((p: any) => p.id)).toEqual([planGid(draft.id), planGid(active.id)]);
    const drafts = expectData<any>(await t.gql(query, { id: globalId('Case', w.kase.id), status: ['DRAFT'] }, { token: w.token })).node.carePlans;
    expect(drafts).toEqual([{ id: planGid(draft.id), status: 'DRAFT' }]);
  });
});

// A different client of the same organization must not leak through the client filter.
describe('carePlans query', () => {
  it('filters by client and status within what the viewer may see', async () => {
    const w = await careSetting(t);
    await createActivePlan(w.kase.id, w.manager.id);
    const otherClient = await createClient(w.org.id);
    const otherCase = await createCase(otherClient.id, w.org.id, [{ staffId: w.manager.id }]);
    await createCarePlan(otherCase.id, w.manager.id);
    const q = (filter: Record<string, unknown>) => t.gql(PLANS_QUERY, { filter }, { token: w.token }).then((r) => expectData<any>(r).carePlans.totalCount);
    expect(await q({ clientId: globalId('Client', w.client.id) })).toBe(1);
    expect(await q({ clientId: globalId('Client', otherClient.id) })).toBe(1);
    expect(await q({ clientId: globalId('Client', otherClient.id), status: ['ACTIVE'] })).toBe(0);
  });
});

describe('batched reads', () => {
  it('a page of 2 plans and a page of 6, with everything under them, cost the same SQL statements', async () => {
    const w = await careSetting(t);
    for (let i = 0; i < 6; i += 1) {
      const kase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
      const { plan, goal } = await createActivePlan(kase.id, w.manager.id);
      await prisma.goalProgress.create({ data: { goalId: goal.id, value: `${i}`, recordedById: w.manager.id } });
      await createIntervention(plan.id, { goalId: goal.id, assignedToId: w.manager.id });
      await prisma.planReview.create({ data: { carePlanId: plan.id, reviewerId: w.manager.id, summary: 'Fine', outcome: 'CONTINUE' } });
      await prisma.carePlanRevision.create({ data: { carePlanId: plan.id, revision: 1, snapshot: {}, changedById: w.manager.id } });
    }
    const query = `query($first: Int!) { carePlans(first: $first) { totalCount edges { node {
      title isOverdueForReview author { name } case { status }
      goals { description allowedLifecycleChanges progressCount progress(limit: 3) { value recordedBy { name } } interventions { status assignedTo { name } } }
      interventions { status goal { description } }
      reviews { outcome reviewer { name } }
      revisions(first: 5) { totalCount edges { node { revision changedBy { name } } } } } } } }`;
    await t.gql('{ __typename }', {}, { token: w.token }); // the viewer is cached from then on
    const small = await countStatements(() => t.gql(query, { first: 2 }, { token: w.token }));
    const large = await countStatements(() => t.gql(query, { first: 6 }, { token: w.token }));
    expect(expectData<any>(small.result).carePlans.edges).toHaveLength(2);
    const plans = expectData<any>(large.result).carePlans.edges;
    expect(plans).toHaveLength(6);
    expect(plans[5].node.goals[0]).toMatchObject({ progressCount: 1, progress: [{ recordedBy: { name: expect.any(String) } }] });
    expect(plans[5].node.revisions.totalCount).toBe(1);
    // The same statements, but the COUNT: a page of all 6 is its own totalCount (src/schema/connections.ts).
    expect(large.statements.length).toBe(small.statements.length - 1);
    expect(small.statements.filter((sql) => sql.includes('COUNT(')).length - large.statements.filter((sql) => sql.includes('COUNT(')).length).toBe(1);
    // The viewer lookup, the page with its nested reads (joined), the count.
    expect(large.statements.length).toBeLessThanOrEqual(6);
  });
});
