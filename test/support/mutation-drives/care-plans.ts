// Drives of the care-plan mutations: plans, reviews, goals, progress and interventions (see kit.ts).
import { createActivePlan, createCarePlan, createGoal, createIntervention } from '../care-plans.js';
import { expected, g, rawId, type Drive, type Kit } from './kit.js';

/** A fresh case with an ACTIVE plan holding one ACTIVE goal. */
async function activePlan(k: Kit) {
  const { client, kase } = await k.freshCase();
  return { client, ...(await createActivePlan(kase.id, k.w.manager.id)) };
}

/** A fresh case with a DRAFT plan. */
async function draftPlan(k: Kit) {
  const { client, kase } = await k.freshCase();
  return { client, plan: await createCarePlan(kase.id, k.w.manager.id) };
}

export const carePlanDrives: Record<string, Drive> = {
  async createCarePlan(k) {
    const { client, kase } = await k.freshCase();
    const plan = await k.drive(k.w.manager, 'createCarePlan', { caseId: g('Case', kase.id), title: 'Stable housing', reviewIntervalDays: 30 });
    return expected([client.id], 'CREATE', 'CarePlan', rawId(plan.id));
  },
  async updateCarePlan(k) {
    const { client, plan } = await draftPlan(k);
    await k.drive(k.w.manager, 'updateCarePlan', { carePlanId: g('CarePlan', plan.id), title: 'Stable housing within a year' });
    return expected([client.id], 'UPDATE', 'CarePlan', plan.id);
  },
  async activateCarePlan(k) {
    const { client, plan } = await draftPlan(k);
    await createGoal(plan.id);
    await k.drive(k.w.manager, 'activateCarePlan', { carePlanId: g('CarePlan', plan.id) });
    return expected([client.id], 'STATUS_CHANGE', 'CarePlan', plan.id);
  },
  async changeCarePlanStatus(k) {
    const { client, plan } = await activePlan(k);
    await k.drive(k.w.manager, 'changeCarePlanStatus', { carePlanId: g('CarePlan', plan.id), status: 'ON_HOLD', reason: 'In hospital for a month' });
    return expected([client.id], 'STATUS_CHANGE', 'CarePlan', plan.id);
  },
  async reviewCarePlan(k) {
    const { client, plan } = await activePlan(k);
    const review = await k.drive(k.w.manager, 'reviewCarePlan', { carePlanId: g('CarePlan', plan.id), outcome: 'CONTINUE', summary: 'On track' });
    return expected([client.id], 'CREATE', 'PlanReview', rawId(review.id));
  },
  async addGoal(k) {
    const { client, plan } = await draftPlan(k);
    const goal = await k.drive(k.w.manager, 'addGoal', { carePlanId: g('CarePlan', plan.id), description: 'Find part-time work', domain: 'EMPLOYMENT' });
    return expected([client.id], 'CREATE', 'Goal', rawId(goal.id));
  },
  async updateGoal(k) {
    const { client, goal } = await activePlan(k);
    await k.drive(k.w.manager, 'updateGoal', { goalId: g('Goal', goal.id), description: 'Keep a tenancy for a year', priority: 'HIGH' });
    return expected([client.id], 'UPDATE', 'Goal', goal.id);
  },
  async updateGoalStatus(k) {
    const { client, goal } = await activePlan(k);
    await k.drive(k.w.manager, 'updateGoalStatus', { goalId: g('Goal', goal.id), lifecycleStatus: 'ON_HOLD', reason: 'In hospital for a month' });
    return expected([client.id], 'STATUS_CHANGE', 'Goal', goal.id);
  },
  async recordGoalProgress(k) {
    const { client, goal } = await activePlan(k);
    const progress = await k.drive(k.w.manager, 'recordGoalProgress', { goalId: g('Goal', goal.id), achievementStatus: 'IMPROVING', note: 'Rent paid on time' });
    return expected([client.id], 'CREATE', 'GoalProgress', rawId(progress.id));
  },
  async addIntervention(k) {
    const { client, plan, goal } = await activePlan(k);
    const intervention = await k.drive(k.w.manager, 'addIntervention', {
      carePlanId: g('CarePlan', plan.id), goalId: g('Goal', goal.id), assignedToId: g('StaffMember', k.w.nurse.id), description: 'Weekly budgeting session',
    });
    return expected([client.id], 'CREATE', 'Intervention', rawId(intervention.id));
  },
  async updateInterventionStatus(k) {
    const { client, plan, goal } = await activePlan(k);
    const intervention = await createIntervention(plan.id, { goalId: goal.id });
    await k.drive(k.w.manager, 'updateInterventionStatus', { interventionId: g('Intervention', intervention.id), status: 'IN_PROGRESS' });
    return expected([client.id], 'STATUS_CHANGE', 'Intervention', intervention.id);
  },
};
