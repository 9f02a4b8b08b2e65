// What `statistics` can compute: the measures, the dimensions and the fact tables behind them.
// Everything that reaches SQL is a fixed fragment of this file, chosen by an enum value: user
// input never becomes SQL text (values go as bound parameters, src/services/statistics/sql.ts).

export const MEASURES = [
  'CASES_OPENED',
  'CASES_CLOSED',
  'OPEN_CASELOAD',
  'REFERRALS_SENT',
  'REFERRALS_ACCEPTED',
  'REFERRALS_COMPLETED',
  'REFERRALS_DECLINED',
  'REFERRALS_NO_SHOW',
  'LOOP_CLOSURE_RATE',
  'HOURS_TO_ACCEPT_MEDIAN',
  'HOURS_TO_ACCEPT_P90',
  'HOURS_TO_COMPLETE_MEDIAN',
  'HOURS_TO_COMPLETE_P90',
  'CRISES',
  'MINUTES_TO_ACKNOWLEDGE_MEDIAN',
  'MINUTES_TO_ACKNOWLEDGE_P90',
  'HOURS_TO_RESOLVE_MEDIAN',
  'HOURS_TO_RESOLVE_P90',
  'ESCALATIONS',
  'GOALS',
  'GOAL_ATTAINMENT_RATE',
  'FOLLOW_UPS_COMPLETED',
  'FOLLOW_UP_REACH_RATE',
  'FOLLOW_UP_MEAN_SATISFACTION',
  'PLAN_REVIEWS',
  'PLAN_REVIEWS_ON_TIME',
  'PLANS_OVERDUE_FOR_REVIEW',
] as const;
export type Measure = (typeof MEASURES)[number];

export const DIMENSIONS = [
  'ORGANIZATION',
  'TEAM',
  'CASE_MANAGER',
  'SETTING',
  'PROVIDER',
  'SERVICE_TYPE',
  'NEED_DOMAIN',
  'RISK_LEVEL',
  'AGE_BAND',
  'REGION',
  'CRISIS_CATEGORY',
  'CRISIS_SEVERITY',
] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export const TIME_GRAINS = ['DAY', 'WEEK', 'MONTH', 'QUARTER', 'YEAR'] as const;
export type TimeGrain = (typeof TIME_GRAINS)[number];

/** date_trunc field and step of each grain (fixed SQL text). */
export const GRAIN_SQL: Record<TimeGrain, { field: string; step: string }> = {
  DAY: { field: 'day', step: '1 day' },
  WEEK: { field: 'week', step: '1 week' },
  MONTH: { field: 'month', step: '1 month' },
  QUARTER: { field: 'quarter', step: '3 months' },
  YEAR: { field: 'year', step: '1 year' },
};

export const AGE_BANDS = ['UNDER_18', 'AGE_18_24', 'AGE_25_44', 'AGE_45_64', 'AGE_65_PLUS', 'UNKNOWN'] as const;

/** The entity a dimension's value names (its Relay type), for dimensions keyed by id. */
export const DIMENSION_ENTITY: Partial<Record<Dimension, 'Organization' | 'Team' | 'StaffMember' | 'Provider'>> = {
  ORGANIZATION: 'Organization',
  TEAM: 'Team',
  CASE_MANAGER: 'StaffMember',
  PROVIDER: 'Provider',
};

/** Dimensions (and filters) only supervisors may use: they single out staff members. */
export const SUPERVISOR_DIMENSIONS: readonly Dimension[] = ['CASE_MANAGER'];

export type FactName = 'caseOpened' | 'caseClosed' | 'caseload' | 'referral' | 'crisis' | 'goal' | 'followUp' | 'planReview' | 'planOverdue';

/**
 * A fact: rows of one table (with joins) counted at one instant. `c` is always the case and
 * `cl` the client, so that scope and client dimensions read the same everywhere.
 * - `from`: FROM and JOINs; `time`: the instant that places a row in the period and the grain;
 * - `where`: fixed conditions; `dims`: the SQL of each dimension this fact supports;
 * - `snapshot`: a stock counted at the end of the period (or of each grain step): `time` is
 *   replaced by "open at that instant" (`openAt`, with `$at` the instant).
 * - `scopeByOrganization`: the column holding the organization for organization scopes.
 */
export interface Fact {
  from: string;
  /** Joins the client as `cl`: only when a client dimension or filter needs it. */
  client: string;
  time: string;
  where: string;
  dims: Partial<Record<Dimension, string>>;
  scopeOrganization: string;
  scopeCase: string;
  openAt?: (at: string) => string;
}

const CASE_DIMS: Partial<Record<Dimension, string>> = {
  ORGANIZATION: 'c."organizationId"::text',
  TEAM: 'c."teamId"::text',
  CASE_MANAGER: 'c."primaryCaseManagerId"::text',
  SETTING: 'c.setting::text',
  RISK_LEVEL: 'cl."riskLevel"::text',
  AGE_BAND: '__AGE_BAND__',
  REGION: 'cl.region',
};

/** Dimensions read from the client (`cl`). */
export const CLIENT_DIMENSIONS: readonly Dimension[] = ['RISK_LEVEL', 'AGE_BAND', 'REGION'];

const CASE_JOIN = '"Case" c';
const CASE_CLIENT = 'JOIN "Client" cl ON cl.id = c."clientId"';

export const FACTS: Record<FactName, Fact> = {
  caseOpened: { from: CASE_JOIN, client: CASE_CLIENT, time: 'c."openedAt"', where: 'TRUE', dims: CASE_DIMS, scopeOrganization: 'c."organizationId"', scopeCase: 'c.id' },
  caseClosed: { from: CASE_JOIN, client: CASE_CLIENT, time: 'c."closedAt"', where: 'c."closedAt" IS NOT NULL', dims: CASE_DIMS, scopeOrganization: 'c."organizationId"', scopeCase: 'c.id' },
  caseload: {
    from: CASE_JOIN,
    client: CASE_CLIENT,
    time: 'c."openedAt"',
    where: 'TRUE',
    dims: CASE_DIMS,
    scopeOrganization: 'c."organizationId"',
    scopeCase: 'c.id',
    // The first two conditions keep the cases of the period only, before the per-step test.
    openAt: (at) => `c."openedAt" < k."to" AND (c."closedAt" IS NULL OR c."closedAt" >= date_trunc('year', k."from"))
      AND c."openedAt" < ${at} AND (c."closedAt" IS NULL OR c."closedAt" >= ${at})`,
  },
  referral: {
    from: `"Referral" r JOIN ${CASE_JOIN} ON c.id = r."caseId" JOIN "Provider" p ON p.id = r."providerId" LEFT JOIN "ProviderService" s ON s.id = r."serviceId"`,
    client: CASE_CLIENT,
    time: 'r."sentAt"',
    where: 'r."sentAt" IS NOT NULL',
    dims: { ...CASE_DIMS, PROVIDER: 'r."providerId"::text', SERVICE_TYPE: 'coalesce(s."serviceType", p.kind)::text' },
    scopeOrganization: 'c."organizationId"',
    scopeCase: 'c.id',
  },
  crisis: {
    // A crisis need not belong to a case: its organization and client stand in.
    from: '"CrisisEvent" e LEFT JOIN "Case" c ON c.id = e."caseId"',
    client: 'JOIN "Client" cl ON cl.id = e."clientId"',
    time: 'e."reportedAt"',
    where: 'TRUE',
    dims: {
      ...CASE_DIMS,
      ORGANIZATION: 'e."organizationId"::text',
      CRISIS_CATEGORY: 'e.category::text',
      CRISIS_SEVERITY: 'e.severity::text',
    },
    scopeOrganization: 'e."organizationId"',
    scopeCase: 'e."caseId"',
  },
  goal: {
    from: `"Goal" g JOIN "CarePlan" pl ON pl.id = g."carePlanId" JOIN ${CASE_JOIN} ON c.id = pl."caseId"`,
    client: CASE_CLIENT,
    time: 'g."createdAt"',
    where: `g."lifecycleStatus" NOT IN ('CANCELLED', 'REJECTED')`,
    dims: { ...CASE_DIMS, NEED_DOMAIN: 'g.domain::text' },
    scopeOrganization: 'c."organizationId"',
    scopeCase: 'c.id',
  },
  followUp: {
    from: `"FollowUp" f JOIN ${CASE_JOIN} ON c.id = f."caseId"`,
    client: CASE_CLIENT,
    time: 'f."completedAt"',
    where: `f.status = 'COMPLETED' AND f."completedAt" IS NOT NULL`,
    dims: CASE_DIMS,
    scopeOrganization: 'c."organizationId"',
    scopeCase: 'c.id',
  },
  planReview: {
    // `due`: when this review was due, the previous review's next date, or for a plan's first
    // review its start plus the review interval. A lookup on (carePlanId, reviewedAt) per review
    // of the period: a window over every plan's reviews read the whole table (0.6 s on the seed).
    from: `"PlanReview" rv JOIN "CarePlan" pl ON pl.id = rv."carePlanId" JOIN ${CASE_JOIN} ON c.id = pl."caseId"
           LEFT JOIN LATERAL (SELECT pr."nextReviewDue" AS due FROM "PlanReview" pr
             WHERE pr."carePlanId" = rv."carePlanId" AND pr."reviewedAt" < rv."reviewedAt" ORDER BY pr."reviewedAt" DESC LIMIT 1) prev ON TRUE`,
    client: CASE_CLIENT,
    time: 'rv."reviewedAt"',
    where: 'TRUE',
    dims: CASE_DIMS,
    scopeOrganization: 'c."organizationId"',
    scopeCase: 'c.id',
  },
  planOverdue: {
    // Active plans whose review fell due in the period and has not happened yet.
    from: `"CarePlan" pl JOIN ${CASE_JOIN} ON c.id = pl."caseId"`,
    client: CASE_CLIENT,
    time: 'pl."nextReviewDue"',
    where: `pl.status = 'ACTIVE' AND pl."nextReviewDue" IS NOT NULL AND pl."nextReviewDue" < __NOW__`,
    dims: CASE_DIMS,
    scopeOrganization: 'c."organizationId"',
    scopeCase: 'c.id',
  },
};

/**
 * A component: one additive count or one non-additive aggregate of a fact, as SQL over the
 * fact's rows. Counts are what disclosure control works on.
 */
export interface Component {
  fact: FactName;
  sql: string;
  /** A count of rows (people, cases, events): suppressed below the threshold. */
  additive: boolean;
}

const pct = (fraction: number, expr: string) => `percentile_cont(${fraction}) WITHIN GROUP (ORDER BY ${expr})`;
const HOURS_TO_ACCEPT = `extract(epoch FROM r."acceptedAt" - r."sentAt") / 3600`;
const HOURS_TO_COMPLETE = `extract(epoch FROM r."completedAt" - r."sentAt") / 3600`;
const MINUTES_TO_ACK = `extract(epoch FROM e."acknowledgedAt" - e."reportedAt") / 60`;
const HOURS_TO_RESOLVE = `extract(epoch FROM e."resolvedAt" - e."reportedAt") / 3600`;

export const COMPONENTS = {
  casesOpened: { fact: 'caseOpened', sql: 'count(*)', additive: true },
  casesClosed: { fact: 'caseClosed', sql: 'count(*)', additive: true },
  openCaseload: { fact: 'caseload', sql: 'count(*)', additive: true },
  referralsSent: { fact: 'referral', sql: 'count(*)', additive: true },
  referralsAccepted: { fact: 'referral', sql: 'count(*) FILTER (WHERE r."acceptedAt" IS NOT NULL)', additive: true },
  referralsCompleted: { fact: 'referral', sql: `count(*) FILTER (WHERE r.status = 'COMPLETED')`, additive: true },
  referralsDeclined: { fact: 'referral', sql: `count(*) FILTER (WHERE r.status = 'DECLINED')`, additive: true },
  referralsNoShow: { fact: 'referral', sql: `count(*) FILTER (WHERE r.status = 'NO_SHOW')`, additive: true },
  hoursToAcceptMedian: { fact: 'referral', sql: pct(0.5, HOURS_TO_ACCEPT), additive: false },
  hoursToAcceptP90: { fact: 'referral', sql: pct(0.9, HOURS_TO_ACCEPT), additive: false },
  hoursToCompleteMedian: { fact: 'referral', sql: pct(0.5, HOURS_TO_COMPLETE), additive: false },
  hoursToCompleteP90: { fact: 'referral', sql: pct(0.9, HOURS_TO_COMPLETE), additive: false },
  referralsTimedToComplete: { fact: 'referral', sql: 'count(r."completedAt")', additive: true },
  crises: { fact: 'crisis', sql: 'count(*)', additive: true },
  crisesAcknowledged: { fact: 'crisis', sql: 'count(e."acknowledgedAt")', additive: true },
  crisesResolved: { fact: 'crisis', sql: 'count(e."resolvedAt")', additive: true },
  minutesToAckMedian: { fact: 'crisis', sql: pct(0.5, MINUTES_TO_ACK), additive: false },
  minutesToAckP90: { fact: 'crisis', sql: pct(0.9, MINUTES_TO_ACK), additive: false },
  hoursToResolveMedian: { fact: 'crisis', sql: pct(0.5, HOURS_TO_RESOLVE), additive: false },
  hoursToResolveP90: { fact: 'crisis', sql: pct(0.9, HOURS_TO_RESOLVE), additive: false },
  escalations: { fact: 'crisis', sql: 'count(*) FILTER (WHERE e."escalationCount" > 0)', additive: true },
  goals: { fact: 'goal', sql: 'count(*)', additive: true },
  goalsAttained: { fact: 'goal', sql: `count(*) FILTER (WHERE g."achievementStatus" IN ('ACHIEVED', 'SUSTAINING'))`, additive: true },
  followUpsCompleted: { fact: 'followUp', sql: 'count(*)', additive: true },
  followUpsReached: { fact: 'followUp', sql: 'count(*) FILTER (WHERE f."reachedClient")', additive: true },
  followUpsRated: { fact: 'followUp', sql: 'count(f.satisfaction)', additive: true },
  meanSatisfaction: { fact: 'followUp', sql: 'avg(f.satisfaction)::float8', additive: false },
  planReviews: { fact: 'planReview', sql: 'count(*)', additive: true },
  planReviewsOnTime: {
    fact: 'planReview',
    sql: `count(*) FILTER (WHERE rv."reviewedAt" <= coalesce(prev.due, coalesce(pl."periodStart", pl."createdAt") + make_interval(days => pl."reviewIntervalDays")))`,
    additive: true,
  },
  plansOverdue: { fact: 'planOverdue', sql: 'count(*)', additive: true },
} as const satisfies Record<string, Component>;
export type ComponentName = keyof typeof COMPONENTS;

/**
 * How a measure's value is made of components. `value`: the component shown (counts,
 * aggregates) or a ratio `numerator / denominator`. `guards`: the counts whose suppression
 * suppresses the value (a median of 4 durations says as much as the 4 rows).
 */
export type MeasureDef =
  | { kind: 'count'; value: ComponentName; guards: ComponentName[] }
  | { kind: 'aggregate'; value: ComponentName; guards: ComponentName[] }
  | { kind: 'rate'; numerator: ComponentName; denominator: ComponentName; guards: ComponentName[] };

const count = (value: ComponentName): MeasureDef => ({ kind: 'count', value, guards: [value] });
const aggregate = (value: ComponentName, base: ComponentName): MeasureDef => ({ kind: 'aggregate', value, guards: [base] });
const rate = (numerator: ComponentName, denominator: ComponentName): MeasureDef => ({ kind: 'rate', numerator, denominator, guards: [numerator, denominator] });

export const MEASURE_DEFS: Record<Measure, MeasureDef> = {
  CASES_OPENED: count('casesOpened'),
  CASES_CLOSED: count('casesClosed'),
  OPEN_CASELOAD: count('openCaseload'),
  REFERRALS_SENT: count('referralsSent'),
  REFERRALS_ACCEPTED: count('referralsAccepted'),
  REFERRALS_COMPLETED: count('referralsCompleted'),
  REFERRALS_DECLINED: count('referralsDeclined'),
  REFERRALS_NO_SHOW: count('referralsNoShow'),
  LOOP_CLOSURE_RATE: rate('referralsCompleted', 'referralsSent'),
  HOURS_TO_ACCEPT_MEDIAN: aggregate('hoursToAcceptMedian', 'referralsAccepted'),
  HOURS_TO_ACCEPT_P90: aggregate('hoursToAcceptP90', 'referralsAccepted'),
  HOURS_TO_COMPLETE_MEDIAN: aggregate('hoursToCompleteMedian', 'referralsTimedToComplete'),
  HOURS_TO_COMPLETE_P90: aggregate('hoursToCompleteP90', 'referralsTimedToComplete'),
  CRISES: count('crises'),
  MINUTES_TO_ACKNOWLEDGE_MEDIAN: aggregate('minutesToAckMedian', 'crisesAcknowledged'),
  MINUTES_TO_ACKNOWLEDGE_P90: aggregate('minutesToAckP90', 'crisesAcknowledged'),
  HOURS_TO_RESOLVE_MEDIAN: aggregate('hoursToResolveMedian', 'crisesResolved'),
  HOURS_TO_RESOLVE_P90: aggregate('hoursToResolveP90', 'crisesResolved'),
  ESCALATIONS: count('escalations'),
  GOALS: count('goals'),
  GOAL_ATTAINMENT_RATE: rate('goalsAttained', 'goals'),
  FOLLOW_UPS_COMPLETED: count('followUpsCompleted'),
  FOLLOW_UP_REACH_RATE: rate('followUpsReached', 'followUpsCompleted'),
  FOLLOW_UP_MEAN_SATISFACTION: aggregate('meanSatisfaction', 'followUpsRated'),
  PLAN_REVIEWS: count('planReviews'),
  PLAN_REVIEWS_ON_TIME: count('planReviewsOnTime'),
  PLANS_OVERDUE_FOR_REVIEW: count('plansOverdue'),
};

/** The components a measure needs (its value and its guards). */
export function componentsOf(measure: Measure): ComponentName[] {
  const def = MEASURE_DEFS[measure];
  const own = def.kind === 'rate' ? [def.numerator, def.denominator] : [def.value];
  return [...new Set([...own, ...def.guards])];
}

export function factOf(measure: Measure): FactName {
  return COMPONENTS[componentsOf(measure)[0]!].fact;
}
