// De-identified statistics for analytics clients: aggregates of the viewer's organization only.
import DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import { prisma } from '../../db.js';
import * as reports from '../../services/reports.js';
import { CasePriorityEnum, CaseStatusEnum, SettingEnum } from '../enums.js';
import { COST } from '../cost.js';
import { viewerOf } from '../viewer.js';

interface ReportScope extends reports.Period {
  organizationId: string;
}

/**
 * One findMany for all the rows of a report that name a staff member (or a provider), with the
 * selection of the field: hundreds of findUnique calls cost ~120 ms of CPU per report (Prisma
 * batches their SQL, not their work) and, 50 reports at a time, the heap.
 */
const loaders = new WeakMap<object, Map<string, DataLoader<string, unknown>>>();
function loadById<T extends { id: string }>(ctx: object, field: string, id: string, load: (ids: readonly string[]) => Promise<T[]>): Promise<T | null> {
  let byField = loaders.get(ctx);
  if (!byField) loaders.set(ctx, (byField = new Map()));
  let loader = byField.get(field) as DataLoader<string, T | null> | undefined;
  if (!loader) {
    loader = new DataLoader<string, T | null>(async (ids) => {
      const rows = new Map((await load(ids)).map((row) => [row.id, row]));
      return ids.map((key) => rows.get(key) ?? null);
    });
    byField.set(field, loader as DataLoader<string, unknown>);
  }
  return loader.load(id);
}

const CaseCount = builder.objectRef<Awaited<ReturnType<typeof reports.caseStatistics>>[number]>('CaseCount').implement({
  fields: (t) => ({
    status: t.field({ type: CaseStatusEnum, resolve: (row) => row.status }),
    setting: t.field({ type: SettingEnum, resolve: (row) => row.setting }),
    priority: t.field({ type: CasePriorityEnum, resolve: (row) => row.priority }),
    count: t.exposeInt('count', { nullable: true, description: `null when fewer than ${reports.MIN_CELL} (suppressed)` }),
  }),
});

const Caseload = builder.objectRef<Awaited<ReturnType<typeof reports.caseloads>>[number]>('Caseload').implement({
  fields: (t) => ({
    caseManager: t.prismaField({
      type: 'StaffMember',
      nullable: true,
      resolve: (query, row, _args, ctx) =>
        loadById(ctx, 'caseManager', row.staffId, (ids) => prisma.staffMember.findMany({ ...query, where: { id: { in: [...ids] } } })),
    }),
    openCases: t.exposeInt('openCases'),
    urgentCases: t.exposeInt('urgentCases'),
  }),
});

const ReferralOutcome = builder.objectRef<Awaited<ReturnType<typeof reports.referralOutcomes>>[number]>('ReferralOutcome').implement({
  fields: (t) => ({
    provider: t.prismaField({
      type: 'Provider',
      nullable: true,
      resolve: (query, row, _args, ctx) =>
        loadById(ctx, 'provider', row.providerId, (ids) => prisma.provider.findMany({ ...query, where: { id: { in: [...ids] } } })),
    }),
    serviceType: t.exposeString('serviceType', { nullable: true }),
    sent: t.exposeInt('sent', { nullable: true }),
    loopClosureRate: t.exposeFloat('loopClosureRate', { nullable: true, description: 'Share of sent referrals completed' }),
    acceptanceRate: t.exposeFloat('acceptanceRate', { nullable: true }),
    declinedRate: t.exposeFloat('declinedRate', { nullable: true }),
    noShowRate: t.exposeFloat('noShowRate', { nullable: true }),
    averageHoursToAccept: t.exposeFloat('averageHoursToAccept', { nullable: true }),
    averageHoursToComplete: t.exposeFloat('averageHoursToComplete', { nullable: true }),
  }),
});

const CrisisCount = builder.objectRef<Awaited<ReturnType<typeof reports.crisisStatistics>>[number]>('CrisisCount').implement({
  fields: (t) => ({
    month: t.expose('month', { type: 'DateTime' }),
    category: t.exposeString('category'),
    severity: t.exposeString('severity'),
    count: t.exposeInt('count', { nullable: true }),
    averageMinutesToAcknowledge: t.exposeFloat('averageMinutesToAcknowledge', { nullable: true }),
    averageHoursToResolve: t.exposeFloat('averageHoursToResolve', { nullable: true }),
  }),
});

const GoalAttainment = builder.objectRef<Awaited<ReturnType<typeof reports.goalAttainment>>[number]>('GoalAttainment').implement({
  fields: (t) => ({
    domain: t.exposeString('domain'),
    goals: t.exposeInt('goals', { nullable: true }),
    attainmentRate: t.exposeFloat('attainmentRate', { nullable: true }),
  }),
});

const FollowUpOutcomes = builder.objectRef<Awaited<ReturnType<typeof reports.followUpOutcomes>>>('FollowUpOutcomes').implement({
  fields: (t) => ({
    completed: t.exposeInt('completed', { nullable: true }),
    reachRate: t.exposeFloat('reachRate', { nullable: true }),
    averageSatisfaction: t.exposeFloat('averageSatisfaction', { nullable: true }),
    declinedHealthShare: t.exposeFloat('declinedHealthShare', { nullable: true }),
  }),
});

const Reports = builder.objectRef<ReportScope>('Reports').implement({
  description: `Statistics of your organization. Counts under ${reports.MIN_CELL} are suppressed (null).`,
  fields: (t) => ({
    from: t.expose('from', { type: 'DateTime' }),
    to: t.expose('to', { type: 'DateTime' }),
    casesByStatus: t.field({ type: [CaseCount], complexity: { field: COST.statistic, multiplier: 1 }, resolve: (scope) => reports.caseStatistics(scope.organizationId) }),
    caseloads: t.field({ type: [Caseload], complexity: { field: COST.statistic, multiplier: 1 }, resolve: (scope) => reports.caseloads(scope.organizationId) }),
    referralOutcomes: t.field({ type: [ReferralOutcome], complexity: { field: COST.statistic, multiplier: 1 }, resolve: (scope) => reports.referralOutcomes(scope.organizationId, scope) }),
    crises: t.field({ type: [CrisisCount], complexity: { field: COST.statistic, multiplier: 1 }, resolve: (scope) => reports.crisisStatistics(scope.organizationId, scope) }),
    goalAttainment: t.field({ type: [GoalAttainment], complexity: { field: COST.statistic, multiplier: 1 }, resolve: (scope) => reports.goalAttainment(scope.organizationId) }),
    plansOverdueForReview: t.int({ complexity: COST.statistic, resolve: (scope) => reports.plansOverdueForReview(scope.organizationId) }),
    followUps: t.field({ type: FollowUpOutcomes, complexity: COST.statistic, resolve: (scope) => reports.followUpOutcomes(scope.organizationId, scope) }),
  }),
});

builder.queryField('reports', (t) =>
  t.field({
    type: Reports,
    description: 'De-identified statistics (analysts and supervisors); the period defaults to the last 365 days',
    authScopes: { reports: true },
    args: { from: t.arg({ type: 'DateTime' }), to: t.arg({ type: 'DateTime' }) },
    resolve: (_root, args, ctx) => {
      const to = args.to ?? new Date();
      return { organizationId: viewerOf(ctx).organizationId, to, from: args.from ?? new Date(to.getTime() - 365 * 86_400_000) };
    },
  }),
);
