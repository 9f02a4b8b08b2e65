// Care plans and what hangs off them, as GraphQL node types. Everything is visible to whoever
// may see the plan's case (caseWhere), and to nobody else.
import { z } from 'zod';
import { builder } from '../../builder.js';
import { prisma, type Prisma } from '../../db.js';
import { caseWhere } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { carePlanMachine } from '../../services/workflow/machines/care-plan.js';
import { goalMachine } from '../../services/workflow/machines/goal.js';
import { interventionMachine } from '../../services/workflow/machines/intervention.js';
import { Case } from '../case/case.js';
import { Client } from '../client/client.js';
import {
  CarePlanStatusEnum,
  GoalAchievementStatusEnum,
  GoalLifecycleStatusEnum,
  GoalPriorityEnum,
  InterventionStatusEnum,
  NeedDomainEnum,
  PlanReviewOutcomeEnum,
} from '../enums.js';
import { viewerOf } from '../viewer.js';
import { filterTime } from '../../clock.js';
import { page, totalOf } from '../connections.js';

const planOfVisibleCase = (ctx: Context): Prisma.CarePlanWhereInput => ({ case: caseWhere(viewerOf(ctx)) });

// Complexity multipliers: the list sizes to expect (the default assumes 10 for every list). A
// case has a few plans over its life, a plan a handful of goals and reviews, a goal a few
// interventions; progress grows without bound, so it counts what `limit` asks for.
const EXPECTED = { plansPerCase: 3, goalsPerPlan: 5, reviewsPerPlan: 5, interventionsPerGoal: 3 } as const;

const isOverdue = (plan: { status: string; nextReviewDue: Date | null }, now = new Date()) =>
  plan.status === 'ACTIVE' && plan.nextReviewDue !== null && plan.nextReviewDue < now;

export const CarePlan = builder.prismaNode('CarePlan', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, AND: [planOfVisibleCase(ctx)] }),
  // The client a plan is about, for the read audit trail (the plan row has no clientId).
  select: { id: true, case: { select: { clientId: true } } },
  description: 'A treatment / service plan for a case (FHIR CarePlan): goals, interventions and scheduled reviews.',
  fields: (t) => ({
    title: t.exposeString('title'),
    description: t.exposeString('description', { nullable: true }),
    status: t.expose('status', { type: CarePlanStatusEnum }),
    allowedStatusChanges: t.field({
      type: [CarePlanStatusEnum],
      description: 'Statuses this plan may move to next (ACTIVE through activateCarePlan)',
      select: { status: true },
      resolve: (plan) => carePlanMachine.allowedFrom(plan.status),
    }),
    author: t.relation('author'),
    case: t.relation('case'),
    periodStart: t.expose('periodStart', { type: 'DateTime', nullable: true, description: 'When the plan was first activated' }),
    periodEnd: t.expose('periodEnd', { type: 'DateTime', nullable: true, description: 'Planned end, or when it was completed or revoked' }),
    reviewIntervalDays: t.exposeInt('reviewIntervalDays'),
    nextReviewDue: t.expose('nextReviewDue', { type: 'DateTime', nullable: true }),
    isOverdueForReview: t.boolean({
      description: 'An ACTIVE plan whose next review date has passed',
      select: { status: true, nextReviewDue: true },
      resolve: (plan) => isOverdue(plan),
    }),
    goals: t.relation('goals', {
      complexity: { field: 1, multiplier: EXPECTED.goalsPerPlan },
      args: { lifecycleStatus: t.arg({ type: [GoalLifecycleStatusEnum], description: 'Only goals in any of these statuses' }) },
      query: (args) => ({
        where: args.lifecycleStatus?.length ? { lifecycleStatus: { in: args.lifecycleStatus } } : {},
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
    interventions: t.relation('interventions', {
      args: { status: t.arg({ type: [InterventionStatusEnum], description: 'Only interventions in any of these statuses' }) },
      query: (args) => ({
        where: args.status?.length ? { status: { in: args.status } } : {},
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      }),
    }),
    reviews: t.relation('reviews', {
      complexity: { field: 1, multiplier: EXPECTED.reviewsPerPlan },
      description: 'Reviews, latest first',
      query: { orderBy: [{ reviewedAt: 'desc' }, { id: 'asc' }] },
    }),
    revisions: t.relatedConnection('revisions', {
      cursor: 'id',
      totalCount: true,
      description: 'The version history: one snapshot per change, latest first',
      query: { orderBy: [{ revision: 'desc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const CarePlanRevision = builder.prismaNode('CarePlanRevision', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, carePlan: planOfVisibleCase(ctx) }),
  description: 'A snapshot of a care plan (with its goals and interventions) after one change.',
  fields: (t) => ({
    revision: t.exposeInt('revision', { description: "The plan's version after the change" }),
    snapshot: t.expose('snapshot', { type: 'JSON', description: 'The plan, its goals and interventions as they were' }),
    note: t.exposeString('note', { nullable: true, description: 'What changed' }),
    changedBy: t.relation('changedBy'),
    carePlan: t.relation('carePlan'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const Goal = builder.prismaNode('Goal', {
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => ({ id, carePlan: planOfVisibleCase(ctx) }),
  description: 'A goal of a care plan (FHIR Goal).',
  fields: (t) => ({
    description: t.exposeString('description'),
    domain: t.expose('domain', { type: NeedDomainEnum }),
    priority: t.expose('priority', { type: GoalPriorityEnum }),
    lifecycleStatus: t.expose('lifecycleStatus', { type: GoalLifecycleStatusEnum }),
    allowedLifecycleChanges: t.field({
      type: [GoalLifecycleStatusEnum],
      description: 'Lifecycle statuses this goal may move to next',
      select: { lifecycleStatus: true },
      resolve: (goal) => goalMachine.allowedFrom(goal.lifecycleStatus),
    }),
    achievementStatus: t.expose('achievementStatus', { type: GoalAchievementStatusEnum }),
    targetDate: t.expose('targetDate', { type: 'DateTime', nullable: true }),
    measure: t.exposeString('measure', { nullable: true, description: 'What is measured, e.g. "nights housed per week"' }),
    targetValue: t.exposeString('targetValue', { nullable: true }),
    currentValue: t.exposeString('currentValue', { nullable: true, description: 'The value of the latest progress step' }),
    carePlan: t.relation('carePlan'),
    progress: t.relation('progress', {
      complexity: (args) => ({ field: 1, multiplier: args.limit ?? 10 }),
      description: 'Recorded steps, latest first',
      args: { limit: t.arg.int({ description: 'At most this many (the latest)', validate: z.number().int().min(1).max(500) }) },
      query: (args) => ({ orderBy: [{ recordedAt: 'desc' }, { id: 'desc' }], ...(args.limit ? { take: args.limit } : {}) }),
    }),
    progressCount: t.relationCount('progress', { description: 'How many steps were recorded' }),
    interventions: t.relation('interventions', {
      complexity: { field: 1, multiplier: EXPECTED.interventionsPerGoal },
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const GoalProgress = builder.prismaNode('GoalProgress', {
  id: { field: 'id' },
  select: { id: true },
  findUnique: (id, ctx) => ({ id, goal: { carePlan: planOfVisibleCase(ctx) } }),
  description: 'A recorded step toward a goal: a measured value and/or an achievement status.',
  fields: (t) => ({
    value: t.exposeString('value', { nullable: true }),
    achievementStatus: t.expose('achievementStatus', { type: GoalAchievementStatusEnum, nullable: true }),
    note: t.exposeString('note', { nullable: true }),
    recordedAt: t.expose('recordedAt', { type: 'DateTime' }),
    recordedBy: t.relation('recordedBy'),
    goal: t.relation('goal'),
    interaction: t.relation('interaction', {
      nullable: true,
      description: 'The interaction (contact or note) of the same case the step was observed in, if any',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

export const Intervention = builder.prismaNode('Intervention', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, carePlan: planOfVisibleCase(ctx) }),
  description: 'An activity of a care plan toward a goal, done by a care-team member or through a referral.',
  fields: (t) => ({
    description: t.exposeString('description'),
    status: t.expose('status', { type: InterventionStatusEnum }),
    allowedStatusChanges: t.field({
      type: [InterventionStatusEnum],
      description: 'Statuses this intervention may move to next',
      resolve: (intervention) => interventionMachine.allowedFrom(intervention.status),
    }),
    dueDate: t.expose('dueDate', { type: 'DateTime', nullable: true }),
    completedAt: t.expose('completedAt', { type: 'DateTime', nullable: true }),
    carePlan: t.relation('carePlan'),
    goal: t.relation('goal', { nullable: true }),
    assignedTo: t.relation('assignedTo', { nullable: true, description: 'The care-team member doing it (or null when done through a referral)' }),
    referral: t.relation('referral', {
      nullable: true,
      description: 'The referral of the same case that carries it out (null when a care-team member does it)',
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    version: t.exposeInt('version'),
  }),
});

export const PlanReview = builder.prismaNode('PlanReview', {
  id: { field: 'id' },
  findUnique: (id, ctx) => ({ id, carePlan: planOfVisibleCase(ctx) }),
  description: 'The scheduled regular review of a care plan.',
  fields: (t) => ({
    reviewedAt: t.expose('reviewedAt', { type: 'DateTime' }),
    reviewer: t.relation('reviewer'),
    summary: t.exposeString('summary'),
    outcome: t.expose('outcome', { type: PlanReviewOutcomeEnum }),
    nextReviewDue: t.expose('nextReviewDue', { type: 'DateTime', nullable: true, description: 'The next review this one scheduled (none when it closed the plan)' }),
    carePlan: t.relation('carePlan'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

// The case's plans, latest first (visible to whoever sees the case).
builder.prismaObjectField(Case, 'carePlans', (t) =>
  t.relation('carePlans', {
    complexity: { field: 1, multiplier: EXPECTED.plansPerCase },
    args: { status: t.arg({ type: [CarePlanStatusEnum], description: 'Only plans in any of these statuses' }) },
    query: (args) => ({
      where: args.status?.length ? { status: { in: args.status } } : {},
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    }),
  }),
);

const CarePlanFilter = builder.inputType('CarePlanFilter', {
  fields: (t) => ({
    caseId: t.globalID({ for: Case }),
    clientId: t.globalID({ for: Client }),
    status: t.field({ type: [CarePlanStatusEnum], description: 'Any of these statuses' }),
    overdueReview: t.boolean({ description: 'true: ACTIVE plans past their next review date; false: all others' }),
  }),
});

function carePlansWhere(filter: typeof CarePlanFilter.$inferInput | null | undefined, ctx: Context): Prisma.CarePlanWhereInput {
  const now = filterTime();
  const overdue: Prisma.CarePlanWhereInput = { status: 'ACTIVE', nextReviewDue: { lt: now } };
  // Spelled out rather than NOT(overdue): SQL's NOT would also drop rows without a review date.
  const notOverdue: Prisma.CarePlanWhereInput = {
    OR: [{ status: { not: 'ACTIVE' } }, { nextReviewDue: null }, { nextReviewDue: { gte: now } }],
  };
  return {
    AND: [
      planOfVisibleCase(ctx),
      filter?.caseId ? { caseId: filter.caseId.id } : {},
      filter?.clientId ? { case: { clientId: filter.clientId.id } } : {},
      filter?.status?.length ? { status: { in: filter.status } } : {},
      filter?.overdueReview === true ? overdue : filter?.overdueReview === false ? notOverdue : {},
    ],
  };
}

builder.queryFields((t) => ({
  carePlans: t.prismaConnection({
    type: 'CarePlan',
    cursor: 'id',
    description: 'Care plans of the cases you may see; overdue reviews first when filtering on them',
    args: { filter: t.arg({ type: CarePlanFilter }) },
    totalCount: (_parent, args, ctx) => totalOf(args, () => prisma.carePlan.count({ where: carePlansWhere(args.filter, ctx) })),
    resolve: (query, _parent, args, ctx) =>
      page(
        args,
        query,
        prisma.carePlan.findMany({
          ...query,
          where: carePlansWhere(args.filter, ctx),
          orderBy: args.filter?.overdueReview
          ? [{ nextReviewDue: 'asc' }, { id: 'asc' }]
          : [{ createdAt: 'desc' }, { id: 'asc' }],
        }),
      ),
  }),
}));
