// Care plans: creation, activation, the status machine, goals and editing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { CarePlanStatus, GoalLifecycleStatus } from '../../src/generated/prisma/enums.js';
import { carePlanMachine } from '../../src/services/workflow/machines/care-plan.js';
import { goalMachine } from '../../src/services/workflow/machines/goal.js';
import { startTestApp, type TestApp } from '../support/app.js';
import {
  ACTIVATE,
  ADD_GOAL,
  CHANGE,
  CREATE,
  DAY,
  GOAL_STATUS,
  UPDATE_PLAN,
  goalGid,
  mutation,
  near,
  planGid,
  rawId,
  runOn,
} from '../support/care-plan-api.js';
import { carePlanCounts, careSetting, createActivePlan, createCarePlan, createGoal } from '../support/care-plans.js';
import { createCase, createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('care_plans');
});
afterAll(() => t?.stop());

const run = (query: string, input: Record<string, unknown>, token: string) => runOn(t, query, input, token);

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
