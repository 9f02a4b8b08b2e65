// Care plans in use: goal progress, interventions, reviews and the revision history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { InterventionStatus } from '../../src/generated/prisma/enums.js';
import { interventionMachine } from '../../src/services/workflow/machines/intervention.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import {
  ACTIVATE,
  ADD_GOAL,
  ADD_INTERVENTION,
  CREATE,
  DAY,
  INTERVENTION_STATUS,
  PLANS_QUERY,
  PLAN_QUERY,
  PROGRESS,
  REVIEW,
  UPDATE_PLAN,
  goalGid,
  near,
  planGid,
  rawId,
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
import { createStaff, globalId } from '../support/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('care_plan_tracking');
});
afterAll(() => t?.stop());

const run = (query: string, input: Record<string, unknown>, token: string) => runOn(t, query, input, token);

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
