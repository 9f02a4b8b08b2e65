import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { CarePlanStatus, GoalLifecycleStatus, InterventionStatus } from '../../src/generated/prisma/enums.js';
import { carePlanMachine } from '../../src/services/workflow/machines/care-plan.js';
import { goalMachine } from '../../src/services/workflow/machines/goal.js';
import { interventionMachine } from '../../src/services/workflow/machines/intervention.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
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
  t = await startTestApp('care_plans');
});
afterAll(() => t?.stop());

const DAY = 86_400_000;
const rawId = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[1]!;
const near = (actual: string | Date | null | undefined, expected: number, toleranceMs = 10_000) => {
  expect(actual).toBeTruthy();
  expect(Math.abs(new Date(actual!).getTime() - expected)).toBeLessThan(toleranceMs);
};

async function run(query: string, input: Record<string, unknown>, token: string): Promise<any> {
  const data = expectData<any>(await t.gql(query, { input }, { token }));
  return Object.values(data)[0];
}

const ERRORS = `... on InputValidationError { issues { path message } }
  ... on ValidationError { field message }
  ... on RuleViolation { rule message }
  ... on InvalidTransition { from to allowed }
  ... on StaleVersion { expectedVersion currentVersion }
  ... on NotFound { entity }
  ... on Error { code message }`;

const PLAN_FIELDS = `id status version title reviewIntervalDays periodStart periodEnd nextReviewDue isOverdueForReview allowedStatusChanges`;

const mutation = (name: string, inputType: string, fields: string) =>
  `mutation($input: ${inputType}!) { ${name}(input: $input) { __typename ... on ${fields} ${ERRORS} } }`;

const CREATE = mutation('createCarePlan', 'CreateCarePlanInput', `CarePlan { ${PLAN_FIELDS} author { id } revisions { totalCount } }`);
const UPDATE_PLAN = mutation('updateCarePlan', 'UpdateCarePlanInput', `CarePlan { ${PLAN_FIELDS} }`);
const ACTIVATE = mutation('activateCarePlan', 'ActivateCarePlanInput', `CarePlan { ${PLAN_FIELDS} }`);
const CHANGE = mutation('changeCarePlanStatus', 'ChangeCarePlanStatusInput', `CarePlan { ${PLAN_FIELDS} }`);
const ADD_GOAL = mutation('addGoal', 'AddGoalInput', 'Goal { id lifecycleStatus achievementStatus priority domain targetDate version carePlan { version } }');
const GOAL_STATUS = mutation('updateGoalStatus', 'UpdateGoalStatusInput', 'Goal { id lifecycleStatus achievementStatus allowedLifecycleChanges version }');
const PROGRESS = mutation(
  'recordGoalProgress',
  'RecordGoalProgressInput',
  'GoalProgress { id value achievementStatus note recordedAt interaction { id } recordedBy { id } goal { currentValue achievementStatus version progressCount progress(limit: 1) { value } } }',
);
const ADD_INTERVENTION = mutation(
  'addIntervention',
  'AddInterventionInput',
  'Intervention { id status description referral { id status } assignedTo { id } goal { id } allowedStatusChanges }',
);
const INTERVENTION_STATUS = mutation('updateInterventionStatus', 'UpdateInterventionStatusInput', 'Intervention { id status completedAt version }');
const REVIEW = mutation(
  'reviewCarePlan',
  'ReviewCarePlanInput',
  `PlanReview { id outcome nextReviewDue reviewedAt summary reviewer { id } carePlan { ${PLAN_FIELDS} } }`,
);

const PLAN_QUERY = `query($id: ID!) { node(id: $id) { ... on CarePlan { ${PLAN_FIELDS}
  goals { id currentValue achievementStatus } interventions { id status } reviews { outcome }
  revisions(first: 50) { totalCount edges { node { revision note snapshot changedBy { id } } } } } } }`;

const PLANS_QUERY = `query($filter: CarePlanFilter) { carePlans(filter: $filter) { totalCount edges { node { id isOverdueForReview } } } }`;

const planGid = (id: string) => globalId('CarePlan', id);
const goalGid = (id: string) => globalId('Goal', id);

// --------------------------------------------------------------------------------- create

describe('createCarePlan', () => {
  it('drafts a plan for an accessible case, with its first revision, audit record and event', async () => {
    const w = await careSetting(t);
    const before = await carePlanCounts();
    const plan = await run(CREATE, { caseId: globalId('Case', w.kase.id), title: 'Housing first', reviewIntervalDays: 14 }, w.token);
    expect(plan).toMatchObject({
      __typename: 'CarePlan',
      status: 'DRAFT',
      version: 1,
      title: 'Housing first',
      reviewIntervalDays: 14,
      nextReviewDue: null,
      isOverdueForReview: false,
      allowedStatusChanges: ['ACTIVE', 'REVOKED', 'ENTERED_IN_ERROR'],
      author: { id: globalId('StaffMember', w.manager.id) },
      revisions: { totalCount: 1 },
    });
    expect(await carePlanCounts()).toEqual({ ...before, plans: before.plans + 1, revisions: before.revisions + 1, audits: before.audits + 1, events: before.events + 1 });
    const event = await prisma.domainEvent.findFirstOrThrow({ where: { kind: 'PLAN_CREATED' }, orderBy: { id: 'desc' } });
    expect(event.topic).toBe(`case:${w.kase.id}`);
    expect(event.payload).toMatchObject({ caseId: w.kase.id, carePlanId: rawId(plan.id), clientId: w.client.id });
  });

  it('defaults the review interval to 90 days and creates once per clientMutationId', async () => {
    const w = await careSetting(t);
    const input = { caseId: globalId('Case', w.kase.id), title: 'Recovery plan', clientMutationId: `plan-${w.kase.id}` };
    const [first, second] = await Promise.all([run(CREATE, input, w.token), run(CREATE, input, w.token)]);
    const third = await run(CREATE, input, w.token);
    expect(new Set([first.id, second.id, third.id]).size).toBe(1);
    expect(first.reviewIntervalDays).toBe(90);
    expect(await prisma.carePlan.count({ where: { caseId: w.kase.id } })).toBe(1);
  });

  it('refuses a closed case', async () => {
    const w = await careSetting(t);
    const closed = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }], { status: 'CLOSED', closedAt: new Date() });
    const result = await run(CREATE, { caseId: globalId('Case', closed.id), title: 'Too late' }, w.token);
    expect(result).toMatchObject({ __typename: 'RuleViolation', rule: 'CASE_CLOSED' });
  });
});

// ----------------------------------------------------------------------------- activation

describe('activateCarePlan', () => {
  it('needs a goal that is neither cancelled nor rejected', async () => {
    const w = await careSetting(t);
    const plan = await createCarePlan(w.kase.id, w.manager.id);
    const empty = await run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token);
    expect(empty).toMatchObject({ __typename: 'RuleViolation', rule: 'GOAL_REQUIRED' });
    await createGoal(plan.id, { lifecycleStatus: 'REJECTED' });
    expect(await run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token)).toMatchObject({ rule: 'GOAL_REQUIRED' });
    await createGoal(plan.id, { lifecycleStatus: 'PROPOSED' });
    const active = await run(ACTIVATE, { carePlanId: planGid(plan.id), expectedVersion: 1 }, w.token);
    expect(active).toMatchObject({ __typename: 'CarePlan', status: 'ACTIVE', version: 2, isOverdueForReview: false });
    near(active.periodStart, Date.now());
    near(active.nextReviewDue, Date.now() + 30 * DAY);
    const stored = await prisma.carePlan.findUniqueOrThrow({ where: { id: plan.id }, include: { revisions: true } });
    expect(stored.revisions.map((r) => r.revision)).toEqual([2]);
  });

  it('allows one ACTIVE plan per case and names the active one', async () => {
    const w = await careSetting(t);
    const { plan: first } = await createActivePlan(w.kase.id, w.manager.id, { title: 'First plan' });
    const second = await createCarePlan(w.kase.id, w.manager.id, { title: 'Second plan' });
    await createGoal(second.id);
    const refused = await run(ACTIVATE, { carePlanId: planGid(second.id) }, w.token);
    expect(refused).toMatchObject({ __typename: 'RuleViolation', rule: 'ACTIVE_PLAN_EXISTS' });
    expect(refused.message).toContain('"First plan"');
    expect(refused.message).toContain(planGid(first.id));
    expect((await prisma.carePlan.findUniqueOrThrow({ where: { id: second.id } })).status).toBe('DRAFT');

    // Once the first is on hold, the second may start; the first can then not resume.
    expect(await run(CHANGE, { carePlanId: planGid(first.id), status: 'ON_HOLD' }, w.token)).toMatchObject({ status: 'ON_HOLD' });
    expect(await run(ACTIVATE, { carePlanId: planGid(second.id) }, w.token)).toMatchObject({ status: 'ACTIVE' });
    expect(await run(ACTIVATE, { carePlanId: planGid(first.id) }, w.token)).toMatchObject({ rule: 'ACTIVE_PLAN_EXISTS' });
    // Plans of another case of the same client do not count.
    const otherCase = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }]);
    const third = await createCarePlan(otherCase.id, w.manager.id);
    await createGoal(third.id);
    expect(await run(ACTIVATE, { carePlanId: planGid(third.id) }, w.token)).toMatchObject({ status: 'ACTIVE' });
  });

  it('lets exactly one of two concurrent activations on one case through', async () => {
    const w = await careSetting(t);
    const plans = await Promise.all([createCarePlan(w.kase.id, w.manager.id), createCarePlan(w.kase.id, w.manager.id)]);
    await Promise.all(plans.map((plan) => createGoal(plan.id)));
    const results = await Promise.all(plans.map((plan) => run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token)));
    expect(results.map((r) => r.__typename).sort()).toEqual(['CarePlan', 'RuleViolation']);
    expect(await prisma.carePlan.count({ where: { caseId: w.kase.id, status: 'ACTIVE' } })).toBe(1);
  });

  it('resumes an ON_HOLD plan with a fresh review date, keeping its start', async () => {
    const w = await careSetting(t);
    const start = new Date(Date.now() - 50 * DAY);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { status: 'ON_HOLD', periodStart: start, nextReviewDue: new Date(Date.now() - 20 * DAY) });
    const resumed = await run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token);
    expect(resumed).toMatchObject({ status: 'ACTIVE', isOverdueForReview: false });
    expect(new Date(resumed.periodStart).getTime()).toBe(start.getTime());
    near(resumed.nextReviewDue, Date.now() + 30 * DAY);
  });

  it('waits for a supervisor approval where the organization requires one', async () => {
    const w = await careSetting(t, { organization: { approvalRequiredFor: ['CARE_PLAN'] } });
    const plan = await createCarePlan(w.kase.id, w.manager.id);
    await createGoal(plan.id);
    expect(await run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token)).toMatchObject({ rule: 'APPROVAL_REQUIRED' });
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    await prisma.approval.create({
      data: { organizationId: w.org.id, subject: 'CARE_PLAN', subjectId: plan.id, caseId: w.kase.id, requestedById: w.manager.id, decidedById: supervisor.id, status: 'APPROVED' },
    });
    expect(await run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token)).toMatchObject({ status: 'ACTIVE' });
  });
});

// ------------------------------------------------------------------ plan status machine

describe('plan status machine through the API', () => {
  const STATUSES: CarePlanStatus[] = ['DRAFT', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'REVOKED', 'ENTERED_IN_ERROR'];
  const pairs = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('changeCarePlanStatus %s -> %s follows the machine', async (from, to) => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { status: from });
    const result = await run(CHANGE, { carePlanId: planGid(plan.id), status: to, reason: 'Agreed at the case conference' }, w.token);
    const stored = await prisma.carePlan.findUniqueOrThrow({ where: { id: plan.id }, include: { revisions: true } });
    if (to === 'ACTIVE' && carePlanMachine.can(from, to)) {
      expect(result).toMatchObject({ __typename: 'RuleViolation', rule: 'USE_ACTIVATE_CARE_PLAN' });
      expect(stored).toMatchObject({ status: from, version: 1 });
    } else if (carePlanMachine.can(from, to)) {
      expect(result).toMatchObject({ __typename: 'CarePlan', status: to, version: 2, allowedStatusChanges: [...carePlanMachine.allowedFrom(to)] });
      expect(stored.status).toBe(to);
      expect(stored.revisions).toHaveLength(1);
      expect(stored.revisions[0]!.note).toBe(`status ${from} -> ${to}: Agreed at the case conference`);
      if (to === 'COMPLETED' || to === 'REVOKED') near(stored.periodEnd, Date.now());
      if (to !== 'ON_HOLD') expect(stored.nextReviewDue).toBeNull();
    } else {
      expect(result).toMatchObject({ __typename: 'InvalidTransition', from, to, allowed: [...carePlanMachine.allowedFrom(from)] });
      expect(stored).toMatchObject({ status: from, version: 1, revisions: [] });
    }
  });

  it.each(STATUSES)('activateCarePlan from %s', async (from) => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { status: from });
    const result = await run(ACTIVATE, { carePlanId: planGid(plan.id) }, w.token);
    if (carePlanMachine.can(from, 'ACTIVE')) expect(result).toMatchObject({ __typename: 'CarePlan', status: 'ACTIVE' });
    else expect(result).toMatchObject({ __typename: 'InvalidTransition', from, to: 'ACTIVE' });
  });

  it('revoking or marking in error needs a reason; a stale version changes nothing', async () => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    expect(await run(CHANGE, { carePlanId: planGid(plan.id), status: 'REVOKED', reason: '  ' }, w.token)).toMatchObject({ __typename: 'ValidationError', field: 'reason' });
    expect(await run(CHANGE, { carePlanId: planGid(plan.id), status: 'ON_HOLD', expectedVersion: 1 }, w.token)).toMatchObject({ status: 'ON_HOLD', version: 2 });
    expect(await run(CHANGE, { carePlanId: planGid(plan.id), status: 'REVOKED', reason: 'Client declined', expectedVersion: 1 }, w.token)).toMatchObject({
      __typename: 'StaleVersion',
      expectedVersion: 1,
      currentVersion: 2,
    });
    expect((await prisma.carePlan.findUniqueOrThrow({ where: { id: plan.id } })).status).toBe('ON_HOLD');
  });
});

// ----------------------------------------------------------------------------------- goals

describe('goals', () => {
  it('adds a goal (plan version and revision move), announced with the goal id', async () => {
    const w = await careSetting(t);
    const plan = await createCarePlan(w.kase.id, w.manager.id);
    const target = new Date(Date.now() + 120 * DAY).toISOString();
    const goal = await run(
      ADD_GOAL,
      { carePlanId: planGid(plan.id), description: 'Secure stable housing', domain: 'HOUSING', priority: 'HIGH', targetDate: target, measure: 'months housed', targetValue: '6', expectedVersion: 1 },
      w.token,
    );
    expect(goal).toMatchObject({ __typename: 'Goal', lifecycleStatus: 'PROPOSED', achievementStatus: 'IN_PROGRESS', priority: 'HIGH', domain: 'HOUSING', targetDate: target, version: 1, carePlan: { version: 2 } });
    const event = await prisma.domainEvent.findFirstOrThrow({ where: { kind: 'GOAL_ADDED', topic: `case:${w.kase.id}` } });
    expect(event.payload).toMatchObject({ goalId: rawId(goal.id), carePlanId: plan.id, caseId: w.kase.id, domain: 'HOUSING' });
    const stale = await run(ADD_GOAL, { carePlanId: planGid(plan.id), description: 'Another goal', domain: 'FOOD', expectedVersion: 1 }, w.token);
    expect(stale).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
  });

  it('serializes concurrent additions to one plan: every change gets its own revision', async () => {
    const w = await careSetting(t);
    const plan = await createCarePlan(w.kase.id, w.manager.id);
    const results = await Promise.all(
      ['HOUSING', 'FOOD', 'EMPLOYMENT', 'FINANCIAL'].map((domain) => run(ADD_GOAL, { carePlanId: planGid(plan.id), description: `Goal for ${domain}`, domain }, w.token)),
    );
    expect(results.every((r) => r.__typename === 'Goal')).toBe(true);
    const stored = await prisma.carePlan.findUniqueOrThrow({ where: { id: plan.id }, include: { revisions: { orderBy: { revision: 'asc' } } } });
    expect(stored.version).toBe(5);
    expect(stored.revisions.map((r) => r.revision)).toEqual([2, 3, 4, 5]);
    expect((stored.revisions[3]!.snapshot as any).goals).toHaveLength(4);
  });

  it('refuses goals on an ended plan', async () => {
    const w = await careSetting(t);
    const plan = await createCarePlan(w.kase.id, w.manager.id, { status: 'COMPLETED' });
    expect(await run(ADD_GOAL, { carePlanId: planGid(plan.id), description: 'Late goal', domain: 'FOOD' }, w.token)).toMatchObject({ rule: 'PLAN_ENDED' });
  });

  const GOAL_STATUSES: GoalLifecycleStatus[] = ['PROPOSED', 'PLANNED', 'ACCEPTED', 'ACTIVE', 'ON_HOLD', 'COMPLETED', 'CANCELLED', 'REJECTED'];
  const goalPairs = GOAL_STATUSES.flatMap((from) => GOAL_STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(goalPairs)('updateGoalStatus %s -> %s follows the machine', async (from, to) => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    const goal = await createGoal(plan.id, { lifecycleStatus: from });
    const result = await run(GOAL_STATUS, { goalId: goalGid(goal.id), lifecycleStatus: to, expectedVersion: 1 }, w.token);
    const stored = await prisma.goal.findUniqueOrThrow({ where: { id: goal.id } });
    if (goalMachine.can(from, to)) {
      expect(result).toMatchObject({ __typename: 'Goal', lifecycleStatus: to, version: 2, allowedLifecycleChanges: [...goalMachine.allowedFrom(to)] });
      expect(stored.lifecycleStatus).toBe(to);
      expect(await prisma.carePlanRevision.count({ where: { carePlanId: plan.id } })).toBe(1);
    } else {
      expect(result).toMatchObject({ __typename: 'InvalidTransition', from, to, allowed: [...goalMachine.allowedFrom(from)] });
      expect(stored).toMatchObject({ lifecycleStatus: from, version: 1 });
      expect(await prisma.carePlan.findUniqueOrThrow({ where: { id: plan.id } })).toMatchObject({ version: 1 });
    }
  });

  it('sets the achievement status with or without a lifecycle change, and refuses a stale version', async () => {
    const w = await careSetting(t);
    const { plan, goal } = await createActivePlan(w.kase.id, w.manager.id);
    expect(await run(GOAL_STATUS, { goalId: goalGid(goal.id), achievementStatus: 'IMPROVING', expectedVersion: 1 }, w.token)).toMatchObject({
      lifecycleStatus: 'ACTIVE',
      achievementStatus: 'IMPROVING',
      version: 2,
    });
    const stale = await run(GOAL_STATUS, { goalId: goalGid(goal.id), lifecycleStatus: 'COMPLETED', achievementStatus: 'ACHIEVED', expectedVersion: 1 }, w.token);
    expect(stale).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect(await prisma.goal.findUniqueOrThrow({ where: { id: goal.id } })).toMatchObject({ lifecycleStatus: 'ACTIVE', version: 2 });
    const done = await run(GOAL_STATUS, { goalId: goalGid(goal.id), lifecycleStatus: 'COMPLETED', achievementStatus: 'ACHIEVED', expectedVersion: 2 }, w.token);
    expect(done).toMatchObject({ lifecycleStatus: 'COMPLETED', achievementStatus: 'ACHIEVED', allowedLifecycleChanges: [] });
    const event = await prisma.domainEvent.findFirstOrThrow({ where: { kind: 'GOAL_STATUS_CHANGED' }, orderBy: { id: 'desc' } });
    expect(event.payload).toMatchObject({ goalId: goal.id, carePlanId: plan.id, from: 'ACTIVE', to: 'COMPLETED', achievementStatus: 'ACHIEVED' });
    expect(await run(GOAL_STATUS, { goalId: goalGid(goal.id) }, w.token)).toMatchObject({ __typename: 'ValidationError', field: 'lifecycleStatus' });
  });
});

describe('editing plans and goals', () => {
  const UPDATE_GOAL = mutation('updateGoal', 'UpdateGoalInput', 'Goal { id description priority targetDate measure targetValue version }');

  it("a new review interval reschedules an active plan's next review from its last review", async () => {
    const w = await careSetting(t);
    const start = Date.now() - 20 * DAY;
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { periodStart: new Date(start), nextReviewDue: new Date(start + 30 * DAY) });
    const shorter = await run(UPDATE_PLAN, { carePlanId: planGid(plan.id), reviewIntervalDays: 14, description: 'Weekly contact agreed', expectedVersion: 1 }, w.token);
    expect(shorter).toMatchObject({ reviewIntervalDays: 14, version: 2, isOverdueForReview: true });
    expect(new Date(shorter.nextReviewDue).getTime()).toBe(start + 14 * DAY);
    await prisma.planReview.create({ data: { carePlanId: plan.id, reviewerId: w.manager.id, reviewedAt: new Date(Date.now() - DAY), summary: 'Seen', outcome: 'CONTINUE' } });
    const longer = await run(UPDATE_PLAN, { carePlanId: planGid(plan.id), reviewIntervalDays: 60 }, w.token);
    near(longer.nextReviewDue, Date.now() - DAY + 60 * DAY);
    expect(await run(UPDATE_PLAN, { carePlanId: planGid(plan.id), title: 'Renamed', expectedVersion: 1 }, w.token)).toMatchObject({ __typename: 'StaleVersion' });
    expect(await run(UPDATE_PLAN, { carePlanId: planGid(plan.id) }, w.token)).toMatchObject({ __typename: 'ValidationError' });
    const revoked = await createCarePlan(w.kase.id, w.manager.id, { status: 'REVOKED' });
    expect(await run(UPDATE_PLAN, { carePlanId: planGid(revoked.id), title: 'Renamed' }, w.token)).toMatchObject({ rule: 'PLAN_ENDED' });
  });

  it("edits what a goal says, not once it is closed", async () => {
    const w = await careSetting(t);
    const { plan, goal } = await createActivePlan(w.kase.id, w.manager.id);
    const target = new Date(Date.now() + 90 * DAY).toISOString();
    const edited = await run(UPDATE_GOAL, { goalId: goalGid(goal.id), priority: 'HIGH', targetDate: target, measure: 'nights housed per week', targetValue: '7', expectedVersion: 1 }, w.token);
    expect(edited).toMatchObject({ __typename: 'Goal', priority: 'HIGH', targetDate: target, measure: 'nights housed per week', targetValue: '7', version: 2 });
    expect(await run(UPDATE_GOAL, { goalId: goalGid(goal.id), measure: null }, w.token)).toMatchObject({ __typename: 'ValidationError', field: 'measure' });
    const revision = await prisma.carePlanRevision.findFirstOrThrow({ where: { carePlanId: plan.id }, orderBy: { revision: 'desc' } });
    expect(revision.note).toBe('goal updated: priority, targetDate, measure, targetValue');
    const done = await createGoal(plan.id, { lifecycleStatus: 'COMPLETED' });
    expect(await run(UPDATE_GOAL, { goalId: goalGid(done.id), description: 'Rewrite history' }, w.token)).toMatchObject({ rule: 'GOAL_CLOSED' });
  });
});

// ---------------------------------------------------------------------------- goal progress

describe('recordGoalProgress', () => {
  it("records a step, moves the goal's current value and status, and announces it on the case and the client", async () => {
    const w = await careSetting(t);
    const { plan, goal } = await createActivePlan(w.kase.id, w.manager.id);
    const visit = await createInteraction(w.kase.id, w.client.id, w.manager.id);
    const before = await carePlanCounts();
    const step = await run(
      PROGRESS,
      { goalId: goalGid(goal.id), value: '2 months housed', achievementStatus: 'IMPROVING', note: 'Rent paid on time', interactionId: globalId('Interaction', visit.id), expectedVersion: 1 },
      w.token,
    );
    expect(step).toMatchObject({
      __typename: 'GoalProgress',
      value: '2 months housed',
      achievementStatus: 'IMPROVING',
      note: 'Rent paid on time',
      interaction: { id: globalId('Interaction', visit.id) },
      recordedBy: { id: globalId('StaffMember', w.manager.id) },
      goal: { currentValue: '2 months housed', achievementStatus: 'IMPROVING', version: 2, progressCount: 1, progress: [{ value: '2 months housed' }] },
    });
    expect(await carePlanCounts()).toEqual({ ...before, progress: before.progress + 1, revisions: before.revisions + 1, audits: before.audits + 1, events: before.events + 2 });
    const events = (await prisma.domainEvent.findMany({ where: { kind: 'GOAL_PROGRESS_RECORDED' }, orderBy: { id: 'asc' } })).filter(
      (event) => (event.payload as { goalId?: string }).goalId === goal.id,
    );
    expect(events.map((e) => e.topic).sort()).toEqual([`case:${w.kase.id}`, `client:${w.client.id}`].sort());
    for (const event of events) {
      expect(event.payload).toMatchObject({ goalId: goal.id, caseId: w.kase.id, clientId: w.client.id, carePlanId: plan.id, goalProgressId: rawId(step.id), achievementStatus: 'IMPROVING' });
    }

    // Only a status: the value stays.
    const second = await run(PROGRESS, { goalId: goalGid(goal.id), achievementStatus: 'SUSTAINING' }, w.token);
    expect(second.goal).toMatchObject({ currentValue: '2 months housed', achievementStatus: 'SUSTAINING' });
    // A back-dated step is history only: the goal keeps the latest values.
    const late = await run(PROGRESS, { goalId: goalGid(goal.id), value: '1 month housed', achievementStatus: 'IN_PROGRESS', recordedAt: new Date(Date.now() - 30 * DAY).toISOString() }, w.token);
    expect(late.goal).toMatchObject({ currentValue: '2 months housed', achievementStatus: 'SUSTAINING', progressCount: 3, progress: [{ value: null }] });
  });

  it('is refused on a draft plan and on a cancelled goal', async () => {
    const w = await careSetting(t);
    const draft = await createCarePlan(w.kase.id, w.manager.id);
    const draftGoal = await createGoal(draft.id);
    expect(await run(PROGRESS, { goalId: goalGid(draftGoal.id), value: '1' }, w.token)).toMatchObject({ rule: 'PLAN_NOT_ACTIVE' });
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    const cancelled = await createGoal(plan.id, { lifecycleStatus: 'CANCELLED' });
    expect(await run(PROGRESS, { goalId: goalGid(cancelled.id), value: '1' }, w.token)).toMatchObject({ rule: 'GOAL_CLOSED' });
  });
});

// --------------------------------------------------------------------------- interventions

describe('interventions', () => {
  it('are assigned to a care-team member or to a referral of the same case', async () => {
    const w = await careSetting(t);
    const { plan, goal } = await createActivePlan(w.kase.id, w.manager.id);
    const nurse = await createStaff(w.org.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: nurse.id, role: 'NURSE' } });
    const referral = await createReferral(w.kase.id, w.client.id, w.manager.id);
    const byNurse = await run(
      ADD_INTERVENTION,
      { carePlanId: planGid(plan.id), goalId: goalGid(goal.id), description: 'Medication review', assignedToId: globalId('StaffMember', nurse.id), dueDate: new Date(Date.now() + 7 * DAY).toISOString() },
      w.token,
    );
    expect(byNurse).toMatchObject({ __typename: 'Intervention', status: 'NOT_STARTED', assignedTo: { id: globalId('StaffMember', nurse.id) }, referral: null, goal: { id: goalGid(goal.id) } });
    const byReferral = await run(
      ADD_INTERVENTION,
      { carePlanId: planGid(plan.id), description: 'Housing support sessions', referralId: globalId('Referral', referral.id), status: 'SCHEDULED' },
      w.token,
    );
    expect(byReferral).toMatchObject({ status: 'SCHEDULED', assignedTo: null, referral: { id: globalId('Referral', referral.id), status: 'SENT' }, goal: null });
    const event = await prisma.domainEvent.findFirstOrThrow({ where: { kind: 'INTERVENTION_ADDED' }, orderBy: { id: 'desc' } });
    expect(event.payload).toMatchObject({ interventionId: rawId(byReferral.id), referralId: referral.id, carePlanId: plan.id });
  });

  it('moves along its machine; completion is stamped', async () => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    const intervention = await createIntervention(plan.id, { assignedToId: w.manager.id });
    const id = globalId('Intervention', intervention.id);
    expect(await run(INTERVENTION_STATUS, { interventionId: id, status: 'IN_PROGRESS', completedAt: new Date().toISOString() }, w.token)).toMatchObject({
      __typename: 'ValidationError',
      field: 'completedAt',
    });
    expect(await run(INTERVENTION_STATUS, { interventionId: id, status: 'IN_PROGRESS', expectedVersion: 1 }, w.token)).toMatchObject({ status: 'IN_PROGRESS', completedAt: null, version: 2 });
    const done = await run(INTERVENTION_STATUS, { interventionId: id, status: 'COMPLETED', expectedVersion: 2 }, w.token);
    expect(done).toMatchObject({ status: 'COMPLETED', version: 3 });
    near(done.completedAt, Date.now());
    expect(await run(INTERVENTION_STATUS, { interventionId: id, status: 'IN_PROGRESS' }, w.token)).toMatchObject({ __typename: 'InvalidTransition', from: 'COMPLETED', allowed: [] });
    const event = await prisma.domainEvent.findFirstOrThrow({ where: { kind: 'INTERVENTION_STATUS_CHANGED' }, orderBy: { id: 'desc' } });
    expect(event.payload).toMatchObject({ interventionId: intervention.id, from: 'IN_PROGRESS', to: 'COMPLETED', caseId: w.kase.id });
  });

  const STATUSES: InterventionStatus[] = ['NOT_STARTED', 'SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED', 'STOPPED'];
  const pairs = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('updateInterventionStatus %s -> %s follows the machine', async (from, to) => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    const intervention = await createIntervention(plan.id, { assignedToId: w.manager.id, status: from });
    const result = await run(INTERVENTION_STATUS, { interventionId: globalId('Intervention', intervention.id), status: to }, w.token);
    const stored = await prisma.intervention.findUniqueOrThrow({ where: { id: intervention.id } });
    if (interventionMachine.can(from, to)) {
      expect(result).toMatchObject({ __typename: 'Intervention', status: to, version: 2 });
      expect(stored.status).toBe(to);
    } else {
      expect(result).toMatchObject({ __typename: 'InvalidTransition', from, to, allowed: [...interventionMachine.allowedFrom(from)] });
      expect(stored).toMatchObject({ status: from, version: 1 });
    }
  });
});

// --------------------------------------------------------------------------------- reviews

describe('reviewCarePlan', () => {
  it('shows an overdue plan, and a review moves its next review date by the interval', async () => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { periodStart: new Date(Date.now() - 60 * DAY), nextReviewDue: new Date(Date.now() - 2 * DAY) });
    const filter = (overdueReview: boolean) => ({ filter: { caseId: globalId('Case', w.kase.id), overdueReview } });
    const overdue = expectData<any>(await t.gql(PLANS_QUERY, filter(true), { token: w.token })).carePlans;
    expect(overdue).toMatchObject({ totalCount: 1, edges: [{ node: { id: planGid(plan.id), isOverdueForReview: true } }] });
    expect(expectData<any>(await t.gql(PLANS_QUERY, filter(false), { token: w.token })).carePlans.totalCount).toBe(0);

    const review = await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'Housing stable, keep going', outcome: 'CONTINUE', expectedVersion: 1 }, w.token);
    expect(review).toMatchObject({ __typename: 'PlanReview', outcome: 'CONTINUE', reviewer: { id: globalId('StaffMember', w.manager.id) }, carePlan: { status: 'ACTIVE', isOverdueForReview: false, version: 2 } });
    near(review.nextReviewDue, Date.now() + 30 * DAY);
    expect(review.carePlan.nextReviewDue).toBe(review.nextReviewDue);
    expect(expectData<any>(await t.gql(PLANS_QUERY, filter(true), { token: w.token })).carePlans.totalCount).toBe(0);
    expect(expectData<any>(await t.gql(PLANS_QUERY, filter(false), { token: w.token })).carePlans.totalCount).toBe(1);
    const event = await prisma.domainEvent.findFirstOrThrow({ where: { kind: 'PLAN_REVIEWED', topic: `case:${w.kase.id}` } });
    expect(event.payload).toMatchObject({ carePlanId: plan.id, planReviewId: rawId(review.id), outcome: 'CONTINUE', taskId: null });
  });

  it('counts the interval from a back-dated review, or takes an explicit date', async () => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { periodStart: new Date(Date.now() - 80 * DAY), nextReviewDue: new Date(Date.now() - 50 * DAY) });
    const reviewedAt = Date.now() - 40 * DAY;
    const late = await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'Recorded late', outcome: 'REVISE', reviewedAt: new Date(reviewedAt).toISOString() }, w.token);
    expect(new Date(late.nextReviewDue).getTime()).toBe(reviewedAt + 30 * DAY);
    expect(late.carePlan.isOverdueForReview).toBe(true);
    const explicit = new Date(Date.now() + 10 * DAY).toISOString();
    const next = await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'Short check-in', outcome: 'CONTINUE', nextReviewDue: explicit }, w.token);
    expect(next).toMatchObject({ nextReviewDue: explicit, carePlan: { nextReviewDue: explicit, isOverdueForReview: false } });
    // Recorded late, after a more recent review: kept as history, the schedule stays.
    const older = Date.now() - 5 * DAY;
    const history = await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'Phone review last week', outcome: 'CONTINUE', reviewedAt: new Date(older).toISOString() }, w.token);
    expect(new Date(history.nextReviewDue).getTime()).toBe(older + 30 * DAY);
    expect(history.carePlan.nextReviewDue).toBe(explicit);
  });

  it('an on-hold plan is never overdue, and only an active plan is reviewed', async () => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id, { status: 'ON_HOLD', nextReviewDue: new Date(Date.now() - DAY) });
    const data = expectData<any>(await t.gql(PLAN_QUERY, { id: planGid(plan.id) }, { token: w.token }));
    expect(data.node.isOverdueForReview).toBe(false);
    expect(await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'On hold review', outcome: 'CONTINUE' }, w.token)).toMatchObject({ rule: 'PLAN_NOT_ACTIVE' });
  });

  it("ESCALATE gives the reviewer's supervisor a task, announced on their feed", async () => {
    const w = await careSetting(t);
    const supervisor = await createStaff(w.org.id, { roles: ['SUPERVISOR'] });
    await prisma.staffMember.update({ where: { id: w.manager.id }, data: { supervisorId: supervisor.id } });
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    const before = await carePlanCounts();
    const review = await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'No progress, risk rising', outcome: 'ESCALATE' }, w.token);
    expect(review).toMatchObject({ __typename: 'PlanReview', outcome: 'ESCALATE', carePlan: { status: 'ACTIVE' } });
    const task = await prisma.task.findFirstOrThrow({ where: { caseId: w.kase.id } });
    expect(task).toMatchObject({ assigneeId: supervisor.id, createdById: w.manager.id, kind: 'PLAN_REVIEW', status: 'REQUESTED' });
    near(task.dueAt, Date.now() + 2 * DAY);
    expect(await carePlanCounts()).toEqual({ ...before, reviews: before.reviews + 1, revisions: before.revisions + 1, tasks: before.tasks + 1, audits: before.audits + 2, events: before.events + 3 });
    const assigned = await prisma.domainEvent.findFirstOrThrow({ where: { topic: `staff:${supervisor.id}`, kind: 'TASK_ASSIGNED' } });
    expect(assigned.payload).toMatchObject({ taskId: task.id, caseId: w.kase.id, kind: 'PLAN_REVIEW' });
    const reviewed = await prisma.domainEvent.findFirstOrThrow({ where: { topic: `case:${w.kase.id}`, kind: 'PLAN_REVIEWED' } });
    expect(reviewed.payload).toMatchObject({ planReviewId: rawId(review.id), outcome: 'ESCALATE', taskId: task.id });
  });

  it('ESCALATE without any supervisor records the review and no task', async () => {
    const w = await careSetting(t);
    // A line manager without the SUPERVISOR role is not given the escalation.
    const lead = await createStaff(w.org.id);
    await prisma.staffMember.update({ where: { id: w.manager.id }, data: { supervisorId: lead.id } });
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    expect(await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'Needs more help', outcome: 'ESCALATE' }, w.token)).toMatchObject({ outcome: 'ESCALATE' });
    expect(await prisma.task.count({ where: { caseId: w.kase.id } })).toBe(0);
  });

  it('CLOSE completes the plan with no next review', async () => {
    const w = await careSetting(t);
    const { plan } = await createActivePlan(w.kase.id, w.manager.id);
    const review = await run(REVIEW, { carePlanId: planGid(plan.id), summary: 'All goals met', outcome: 'CLOSE' }, w.token);
    expect(review).toMatchObject({ outcome: 'CLOSE', nextReviewDue: null, carePlan: { status: 'COMPLETED', nextReviewDue: null, isOverdueForReview: false } });
    near(review.carePlan.periodEnd, Date.now());
    const kinds = (await prisma.domainEvent.findMany({ where: { topic: `case:${w.kase.id}` }, orderBy: { id: 'asc' } })).map((e) => e.kind);
    expect(kinds).toEqual(['PLAN_REVIEWED', 'PLAN_STATUS_CHANGED']);
  });
});

// ------------------------------------------------------------------------ revision history

describe('revision history', () => {
  it('grows by one snapshot per change, numbered by the plan version', async () => {
    const w = await careSetting(t);
    const created = await run(CREATE, { caseId: globalId('Case', w.kase.id), title: 'Full journey', reviewIntervalDays: 30 }, w.token);
    const goal = await run(ADD_GOAL, { carePlanId: created.id, description: 'Find a job', domain: 'EMPLOYMENT', lifecycleStatus: 'ACTIVE' }, w.token);
    await run(ACTIVATE, { carePlanId: created.id }, w.token);
    await run(PROGRESS, { goalId: goal.id, value: '3 applications', achievementStatus: 'IMPROVING' }, w.token);
    const intervention = await run(ADD_INTERVENTION, { carePlanId: created.id, goalId: goal.id, description: 'CV workshop', assignedToId: globalId('StaffMember', w.manager.id) }, w.token);
    await run(INTERVENTION_STATUS, { interventionId: intervention.id, status: 'IN_PROGRESS' }, w.token);
    await run(UPDATE_PLAN, { carePlanId: created.id, title: 'Full journey to work' }, w.token);
    await run(REVIEW, { carePlanId: created.id, summary: 'Progressing', outcome: 'CONTINUE' }, w.token);

    const plan = expectData<any>(await t.gql(PLAN_QUERY, { id: created.id }, { token: w.token })).node;
    expect(plan.version).toBe(8);
    expect(plan.revisions.totalCount).toBe(8);
    const revisions = plan.revisions.edges.map((e: any) => e.node);
    expect(revisions.map((r: any) => r.revision)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    expect(revisions.map((r: any) => r.note)).toEqual([
      'reviewed: CONTINUE',
      'updated title',
      'intervention NOT_STARTED -> IN_PROGRESS',
      'intervention added',
      'goal progress recorded',
      'status DRAFT -> ACTIVE',
      'goal added',
      'created',
    ]);
    expect(revisions.every((r: any) => r.changedBy.id === globalId('StaffMember', w.manager.id))).toBe(true);
    expect(revisions[7].snapshot).toMatchObject({ status: 'DRAFT', version: 1, goals: [], interventions: [] });
    expect(revisions[3].snapshot).toMatchObject({ status: 'ACTIVE', goals: [{ currentValue: '3 applications', achievementStatus: 'IMPROVING' }], interventions: [{ status: 'NOT_STARTED' }] });
    expect(revisions[0].snapshot).toMatchObject({ title: 'Full journey to work', version: 8, interventions: [{ status: 'IN_PROGRESS', goalId: rawId(goal.id) }] });
  });
});

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
