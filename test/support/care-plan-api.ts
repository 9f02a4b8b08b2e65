// The care-plan API as the care-plan tests drive it: operations, fields and small helpers.
import { expect } from 'vitest';
import type { TestApp } from './app.js';
import { expectData } from './app.js';
import { globalId } from './factories.js';

export const DAY = 86_400_000;
export const rawId = (id: string) => Buffer.from(id, 'base64').toString('utf8').split(':')[1]!;
export const near = (actual: string | Date | null | undefined, expected: number, toleranceMs = 10_000) => {
  expect(actual).toBeTruthy();
  expect(Math.abs(new Date(actual!).getTime() - expected)).toBeLessThan(toleranceMs);
};

export const ERRORS = `... on InputValidationError { issues { path message } }
  ... on ValidationError { field message }
  ... on RuleViolation { rule message }
  ... on InvalidTransition { from to allowed }
  ... on StaleVersion { expectedVersion currentVersion }
  ... on NotFound { entity }
  ... on Error { code message }`;

export const PLAN_FIELDS = `id status version title reviewIntervalDays periodStart periodEnd nextReviewDue isOverdueForReview allowedStatusChanges`;

export const mutation = (name: string, inputType: string, fields: string) =>
  `mutation($input: ${inputType}!) { ${name}(input: $input) { __typename ... on ${fields} ${ERRORS} } }`;

export const CREATE = mutation('createCarePlan', 'CreateCarePlanInput', `CarePlan { ${PLAN_FIELDS} author { id } revisions { totalCount } }`);
export const UPDATE_PLAN = mutation('updateCarePlan', 'UpdateCarePlanInput', `CarePlan { ${PLAN_FIELDS} }`);
export const ACTIVATE = mutation('activateCarePlan', 'ActivateCarePlanInput', `CarePlan { ${PLAN_FIELDS} }`);
export const CHANGE = mutation('changeCarePlanStatus', 'ChangeCarePlanStatusInput', `CarePlan { ${PLAN_FIELDS} }`);
export const ADD_GOAL = mutation('addGoal', 'AddGoalInput', 'Goal { id lifecycleStatus achievementStatus priority domain targetDate version carePlan { version } }');
export const GOAL_STATUS = mutation('updateGoalStatus', 'UpdateGoalStatusInput', 'Goal { id lifecycleStatus achievementStatus allowedLifecycleChanges version }');
export const PROGRESS = mutation(
  'recordGoalProgress',
  'RecordGoalProgressInput',
  'GoalProgress { id value achievementStatus note recordedAt interaction { id } recordedBy { id } goal { currentValue achievementStatus version progressCount progress(limit: 1) { value } } }',
);
export const ADD_INTERVENTION = mutation(
  'addIntervention',
  'AddInterventionInput',
  'Intervention { id status description referral { id status } assignedTo { id } goal { id } allowedStatusChanges }',
);
export const INTERVENTION_STATUS = mutation('updateInterventionStatus', 'UpdateInterventionStatusInput', 'Intervention { id status completedAt version }');
export const REVIEW = mutation(
  'reviewCarePlan',
  'ReviewCarePlanInput',
  `PlanReview { id outcome nextReviewDue reviewedAt summary reviewer { id } carePlan { ${PLAN_FIELDS} } }`,
);

export const PLAN_QUERY = `query($id: ID!) { node(id: $id) { ... on CarePlan { ${PLAN_FIELDS}
  goals { id currentValue achievementStatus } interventions { id status } reviews { outcome }
  revisions(first: 50) { totalCount edges { node { revision note snapshot changedBy { id } } } } } } }`;

export const PLANS_QUERY = `query($filter: CarePlanFilter) { carePlans(filter: $filter) { totalCount edges { node { id isOverdueForReview } } } }`;

export const planGid = (id: string) => globalId('CarePlan', id);
export const goalGid = (id: string) => globalId('Goal', id);

/** Runs a one-field mutation and answers that field's result. */
export async function runOn(t: TestApp, query: string, input: Record<string, unknown>, token: string): Promise<any> {
  const data = expectData<any>(await t.gql(query, { input }, { token }));
  return Object.values(data)[0];
}
