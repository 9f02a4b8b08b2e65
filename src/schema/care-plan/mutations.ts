// Care-plan mutations: typed inputs validated with zod, rules in src/services/care-plans.
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import { InvalidTransitionError, RuleViolationError, ValidationError } from '../../errors.js';
import * as carePlans from '../../services/care-plans.js';
import { Case } from '../case/case.js';
import {
  CarePlanStatusEnum,
  GoalAchievementStatusEnum,
  GoalLifecycleStatusEnum,
  GoalPriorityEnum,
  InterventionStatusEnum,
  NeedDomainEnum,
  PlanReviewOutcomeEnum,
} from '../enums.js';
import { commonErrors } from '../errors.js';
import { StaffMember } from '../staff/staff.js';
import { CarePlan, Goal, Intervention } from './types.js';
import * as v from './validation.js';

/**
 * A global id of a type this module does not own (Referral, Interaction): parsed by the relay
 * plugin without a type check, so the type is checked here.
 */
function idOf(globalId: { typename: string; id: string } | null | undefined, typename: string, field: string): string | undefined {
  if (!globalId) return undefined;
  if (globalId.typename !== typename) throw new ValidationError(`This is not the id of a ${typename}`, field);
  return globalId.id;
}

// ------------------------------------------------------------------ inputs

const CreateCarePlanInput = builder.inputType('CreateCarePlanInput', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case, required: true }),
    title: t.string({ required: true, validate: v.title }),
    description: t.string({ validate: v.longText }),
    reviewIntervalDays: t.int({ description: 'Days between scheduled reviews, 7 to 365 (default 90)', validate: v.reviewIntervalDays }),
    periodEnd: t.field({ type: 'DateTime', description: 'Planned end of the plan, if known', validate: v.plannedDate }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the plan is created once', validate: v.clientMutationId }),
  }),
});

const UpdateCarePlanInput = builder.inputType('UpdateCarePlanInput', {
  fields: (t) => ({
    carePlanId: t.globalID({ for: CarePlan, required: true }),
    title: t.string({ validate: v.title }),
    description: t.string({ description: 'null clears it', validate: v.longText }),
    reviewIntervalDays: t.int({ description: "A new interval reschedules an active plan's next review from its last review", validate: v.reviewIntervalDays }),
    periodEnd: t.field({ type: 'DateTime', description: 'Planned end; null clears it', validate: v.plannedDate }),
    expectedVersion: t.int({ validate: v.expectedVersion }),
  }),
});

const ActivateCarePlanInput = builder.inputType('ActivateCarePlanInput', {
  fields: (t) => ({
    carePlanId: t.globalID({ for: CarePlan, required: true }),
    expectedVersion: t.int({ validate: v.expectedVersion }),
  }),
});

const ChangeCarePlanStatusInput = builder.inputType('ChangeCarePlanStatusInput', {
  fields: (t) => ({
    carePlanId: t.globalID({ for: CarePlan, required: true }),
    status: t.field({ type: CarePlanStatusEnum, required: true, description: 'ON_HOLD, COMPLETED, REVOKED or ENTERED_IN_ERROR' }),
    expectedVersion: t.int({ validate: v.expectedVersion }),
    reason: t.string({ description: 'Required for REVOKED and ENTERED_IN_ERROR', validate: v.reason }),
  }),
});

const AddGoalInput = builder.inputType('AddGoalInput', {
  fields: (t) => ({
    carePlanId: t.globalID({ for: CarePlan, required: true }),
    description: t.string({ required: true, validate: v.description }),
    domain: t.field({ type: NeedDomainEnum, required: true }),
    priority: t.field({ type: GoalPriorityEnum, defaultValue: 'MEDIUM' }),
    lifecycleStatus: t.field({ type: GoalLifecycleStatusEnum, description: 'PROPOSED (default), PLANNED, ACCEPTED or ACTIVE' }),
    targetDate: t.field({ type: 'DateTime', validate: v.plannedDate }),
    measure: t.string({ validate: v.shortValue }),
    targetValue: t.string({ validate: v.shortValue }),
    expectedVersion: t.int({ description: "The plan's version you read", validate: v.expectedVersion }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the goal is added once', validate: v.clientMutationId }),
  }),
});

const UpdateGoalInput = builder.inputType('UpdateGoalInput', {
  fields: (t) => ({
    goalId: t.globalID({ for: Goal, required: true }),
    description: t.string({ validate: v.description }),
    priority: t.field({ type: GoalPriorityEnum }),
    targetDate: t.field({ type: 'DateTime', description: 'null clears it', validate: v.plannedDate }),
    measure: t.string({ description: 'null clears it', validate: v.shortValue }),
    targetValue: t.string({ description: 'null clears it', validate: v.shortValue }),
    expectedVersion: t.int({ description: "The goal's version you read", validate: v.expectedVersion }),
  }),
});

const UpdateGoalStatusInput = builder.inputType('UpdateGoalStatusInput', {
  fields: (t) => ({
    goalId: t.globalID({ for: Goal, required: true }),
    lifecycleStatus: t.field({ type: GoalLifecycleStatusEnum }),
    achievementStatus: t.field({ type: GoalAchievementStatusEnum }),
    expectedVersion: t.int({ description: "The goal's version you read", validate: v.expectedVersion }),
    reason: t.string({ validate: v.reason }),
  }),
});

const RecordGoalProgressInput = builder.inputType('RecordGoalProgressInput', {
  fields: (t) => ({
    goalId: t.globalID({ for: Goal, required: true }),
    value: t.string({ description: "The measured value; becomes the goal's currentValue", validate: v.shortValue }),
    achievementStatus: t.field({ type: GoalAchievementStatusEnum, description: "Becomes the goal's achievementStatus" }),
    note: t.string({ validate: v.note }),
    interactionId: t.globalID({ description: 'An interaction of the same case where this was observed' }),
    recordedAt: t.field({ type: 'DateTime', description: 'Defaults to now; up to a year back', validate: v.pastMoment(366) }),
    expectedVersion: t.int({ description: "The goal's version you read", validate: v.expectedVersion }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the step is recorded once', validate: v.clientMutationId }),
  }),
});

const AddInterventionInput = builder.inputType('AddInterventionInput', {
  fields: (t) => ({
    carePlanId: t.globalID({ for: CarePlan, required: true }),
    goalId: t.globalID({ for: Goal, description: 'The goal of the same plan it works toward' }),
    description: t.string({ required: true, validate: v.description }),
    assignedToId: t.globalID({ for: StaffMember, description: "A member of the case's care team (or give referralId)" }),
    referralId: t.globalID({ description: 'A referral of the same case that carries it out (or give assignedToId)' }),
    status: t.field({ type: InterventionStatusEnum, description: 'NOT_STARTED (default) or SCHEDULED' }),
    dueDate: t.field({ type: 'DateTime', validate: v.plannedDate }),
    expectedVersion: t.int({ description: "The plan's version you read", validate: v.expectedVersion }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the intervention is added once', validate: v.clientMutationId }),
  }),
});

const UpdateInterventionStatusInput = builder.inputType('UpdateInterventionStatusInput', {
  fields: (t) => ({
    interventionId: t.globalID({ for: Intervention, required: true }),
    status: t.field({ type: InterventionStatusEnum, required: true }),
    completedAt: t.field({ type: 'DateTime', description: 'With COMPLETED; defaults to now', validate: v.pastMoment(366) }),
    expectedVersion: t.int({ description: "The intervention's version you read", validate: v.expectedVersion }),
    reason: t.string({ validate: v.reason }),
  }),
});

const ReviewCarePlanInput = builder.inputType('ReviewCarePlanInput', {
  fields: (t) => ({
    carePlanId: t.globalID({ for: CarePlan, required: true }),
    summary: t.string({ required: true, validate: v.summary }),
    outcome: t.field({ type: PlanReviewOutcomeEnum, required: true, description: 'ESCALATE assigns a task to a supervisor; CLOSE completes the plan' }),
    reviewerId: t.globalID({ for: StaffMember, description: 'Defaults to you; a care-team member or a supervisor of the organization' }),
    reviewedAt: t.field({ type: 'DateTime', description: 'Defaults to now; up to 90 days back', validate: v.pastMoment(90) }),
    nextReviewDue: t.field({ type: 'DateTime', description: "Defaults to reviewedAt + the plan's review interval", validate: v.nextReviewDue }),
    expectedVersion: t.int({ description: "The plan's version you read", validate: v.expectedVersion }),
    clientMutationId: t.string({ description: 'Repeat it on a retry: the review is recorded once', validate: v.clientMutationId }),
  }),
});

// ------------------------------------------------------------------ mutations

const errors = [...commonErrors, InvalidTransitionError, RuleViolationError];

builder.mutationFields((t) => ({
  createCarePlan: t.prismaField({
    type: 'CarePlan',
    description: 'Drafts a care plan for a case (status DRAFT)',
    errors: { types: errors },
    args: { input: t.arg({ type: CreateCarePlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.createCarePlan({ ...input, caseId: input.caseId.id }, ctx);
      return prisma.carePlan.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateCarePlan: t.prismaField({
    type: 'CarePlan',
    description: "Edits a plan's title, description, planned end or review interval",
    errors: { types: errors },
    args: { input: t.arg({ type: UpdateCarePlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.updateCarePlan({ ...input, carePlanId: input.carePlanId.id }, ctx);
      return prisma.carePlan.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  activateCarePlan: t.prismaField({
    type: 'CarePlan',
    description: 'DRAFT or ON_HOLD -> ACTIVE: needs a goal, and no other active plan on the case; schedules the next review',
    errors: { types: errors },
    args: { input: t.arg({ type: ActivateCarePlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.activateCarePlan({ ...input, carePlanId: input.carePlanId.id }, ctx);
      return prisma.carePlan.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  changeCarePlanStatus: t.prismaField({
    type: 'CarePlan',
    description: 'Puts a plan ON_HOLD, or ends it: COMPLETED, REVOKED, ENTERED_IN_ERROR',
    errors: { types: errors },
    args: { input: t.arg({ type: ChangeCarePlanStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.changeCarePlanStatus({ ...input, carePlanId: input.carePlanId.id }, ctx);
      return prisma.carePlan.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  addGoal: t.prismaField({
    type: 'Goal',
    errors: { types: errors },
    args: { input: t.arg({ type: AddGoalInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.addGoal({ ...input, carePlanId: input.carePlanId.id }, ctx);
      return prisma.goal.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateGoal: t.prismaField({
    type: 'Goal',
    description: 'Edits what a goal says; its statuses change through updateGoalStatus and recordGoalProgress',
    errors: { types: errors },
    args: { input: t.arg({ type: UpdateGoalInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.updateGoal({ ...input, goalId: input.goalId.id }, ctx);
      return prisma.goal.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateGoalStatus: t.prismaField({
    type: 'Goal',
    description: "Moves a goal's lifecycle status (along the allowed changes) and/or sets its achievement status",
    errors: { types: errors },
    args: { input: t.arg({ type: UpdateGoalStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.updateGoalStatus({ ...input, goalId: input.goalId.id }, ctx);
      return prisma.goal.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  recordGoalProgress: t.prismaField({
    type: 'GoalProgress',
    description: "Records a step toward a goal; the goal's current value and achievement status follow the latest step",
    errors: { types: errors },
    args: { input: t.arg({ type: RecordGoalProgressInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const interactionId = idOf(input.interactionId, 'Interaction', 'interactionId');
      const { id } = await carePlans.recordGoalProgress({ ...input, goalId: input.goalId.id, interactionId }, ctx);
      return prisma.goalProgress.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  addIntervention: t.prismaField({
    type: 'Intervention',
    errors: { types: errors },
    args: { input: t.arg({ type: AddInterventionInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const referralId = idOf(input.referralId, 'Referral', 'referralId');
      const { id } = await carePlans.addIntervention(
        { ...input, carePlanId: input.carePlanId.id, goalId: input.goalId?.id, assignedToId: input.assignedToId?.id, referralId },
        ctx,
      );
      return prisma.intervention.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  updateInterventionStatus: t.prismaField({
    type: 'Intervention',
    errors: { types: errors },
    args: { input: t.arg({ type: UpdateInterventionStatusInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.updateInterventionStatus({ ...input, interventionId: input.interventionId.id }, ctx);
      return prisma.intervention.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
  reviewCarePlan: t.prismaField({
    type: 'PlanReview',
    description: "Records the scheduled review of an ACTIVE plan and moves its next review date",
    errors: { types: errors },
    args: { input: t.arg({ type: ReviewCarePlanInput, required: true }) },
    resolve: async (query, _root, { input }, ctx) => {
      const { id } = await carePlans.reviewCarePlan({ ...input, carePlanId: input.carePlanId.id, reviewerId: input.reviewerId?.id }, ctx);
      return prisma.planReview.findUniqueOrThrow({ ...query, where: { id } });
    },
  }),
}));
