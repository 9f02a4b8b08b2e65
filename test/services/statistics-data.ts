// A known data set for the statistics tests, and the same figures computed in JavaScript over
// what was written (never through the service under test).
import { prisma } from '../../src/db.js';
import { DIMENSION_ENTITY, type Dimension, type Measure, type TimeGrain } from '../../src/services/statistics/catalog.js';
import { createCase, createClient, createOrganization, createProvider, createStaff } from '../support/factories.js';

export const FROM = new Date('2026-01-01T00:00:00Z');
export const TO = new Date('2026-07-01T00:00:00Z');
const DAY = 86_400_000;
const HOUR = 3_600_000;

type Dims = Partial<Record<Dimension, string | null>>;
export interface Fact {
  time: Date;
  dims: Dims;
  [field: string]: unknown;
}

export interface DataSet {
  org: { id: string };
  other: { id: string };
  teams: string[];
  managers: string[];
  supervisor: string;
  analyst: string;
  otherSupervisor: string;
  facts: Record<'cases' | 'referrals' | 'crises' | 'goals' | 'followUps' | 'reviews' | 'plans', Fact[]>;
}

const SETTINGS = ['COMMUNITY', 'HOSPITAL', 'SCHOOL'] as const;
const RISKS = ['LOW', 'MODERATE', 'HIGH', 'IMMINENT'] as const;
const CATEGORIES = ['SUICIDE_RISK', 'HOUSING_LOSS', 'MENTAL_HEALTH'] as const;
const SEVERITIES = ['LOW', 'HIGH', 'CRITICAL'] as const;
const DOMAINS = ['HOUSING', 'MENTAL_HEALTH', 'EMPLOYMENT', 'FOOD'] as const;
const REFERRAL_STATUSES = ['COMPLETED', 'ACCEPTED', 'DECLINED', 'NO_SHOW', 'SENT', 'COMPLETED'] as const;

/** PostgreSQL's age(to::date, dob) in whole years. */
export function ageBand(dob: Date | null, to: Date): string {
  if (!dob) return 'UNKNOWN';
  let years = to.getUTCFullYear() - dob.getUTCFullYear();
  if (to.getUTCMonth() < dob.getUTCMonth() || (to.getUTCMonth() === dob.getUTCMonth() && to.getUTCDate() < dob.getUTCDate())) years -= 1;
  return years < 18 ? 'UNDER_18' : years < 25 ? 'AGE_18_24' : years < 45 ? 'AGE_25_44' : years < 65 ? 'AGE_45_64' : 'AGE_65_PLUS';
}

/** `count` cases (with clients, referrals, crises, goals, follow-ups, plan reviews) in a new organization, and a few in another. */
export async function buildDataSet(count = 60): Promise<DataSet> {
  const org = await createOrganization();
  const other = await createOrganization();
  const teams = [
    (await prisma.team.create({ data: { organizationId: org.id, name: `T1 ${org.id.slice(0, 6)}` } })).id,
    (await prisma.team.create({ data: { organizationId: org.id, name: `T2 ${org.id.slice(0, 6)}` } })).id,
  ];
  const managers = [(await createStaff(org.id)).id, (await createStaff(org.id)).id];
  const supervisor = (await createStaff(org.id, { roles: ['SUPERVISOR'] })).id;
  const analyst = (await createStaff(org.id, { roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' })).id;
  const otherSupervisor = (await createStaff(other.id, { roles: ['SUPERVISOR'] })).id;
  const housing = await createProvider({ kind: 'HOUSING' });
  const service = await prisma.providerService.create({ data: { providerId: housing.id, serviceType: 'FOOD', name: 'Pantry' } });
  const clinic = await createProvider({ kind: 'MEDICAL' });
  const facts: DataSet['facts'] = { cases: [], referrals: [], crises: [], goals: [], followUps: [], reviews: [], plans: [] };

  const build = async (i: number, organizationId: string, counted: boolean) => {
    const dob = i % 9 === 0 ? null : new Date(Date.UTC(1940 + ((i * 7) % 70), i % 12, 1 + (i % 27)));
    const client = await createClient(organizationId, { dateOfBirth: dob, region: i % 3 === 0 ? 'South' : 'North', riskLevel: RISKS[i % 4] });
    const manager = counted ? managers[i % 2]! : (await createStaff(organizationId)).id;
    const openedAt = new Date(FROM.getTime() + (i % 10 === 0 ? -20 * DAY : i * 2.9 * DAY) + (i % 5) * HOUR);
    const closedAt = i % 4 === 0 ? new Date(openedAt.getTime() + 40 * DAY) : null;
    const kase = await createCase(client.id, organizationId, [{ staffId: manager }], {
      teamId: counted ? teams[i % 2] : null,
      setting: SETTINGS[i % 3],
      openedAt,
      closedAt,
      status: closedAt ? 'CLOSED' : 'ACTIVE',
    });
    const dims: Dims = {
      ORGANIZATION: organizationId,
      TEAM: counted ? teams[i % 2]! : null,
      CASE_MANAGER: manager,
      SETTING: SETTINGS[i % 3],
      RISK_LEVEL: RISKS[i % 4],
      AGE_BAND: ageBand(dob, TO),
      REGION: i % 3 === 0 ? 'South' : 'North',
    };
    const keep = (list: Fact[], fact: Fact) => counted && list.push(fact);
    keep(facts.cases, { time: openedAt, dims, openedAt, closedAt });

    for (let r = 0; r < 1 + (i % 2); r += 1) {
      const k = i + r * 3;
      const status = REFERRAL_STATUSES[k % REFERRAL_STATUSES.length]!;
      const sentAt = new Date(openedAt.getTime() + (2 + r) * DAY);
      const acceptedAt = ['COMPLETED', 'ACCEPTED', 'NO_SHOW'].includes(status) ? new Date(sentAt.getTime() + ((k % 7) + 1) * 5 * HOUR + k * 60_000) : null;
      const completedAt = status === 'COMPLETED' ? new Date(sentAt.getTime() + ((k % 11) + 2) * 24 * HOUR) : null;
      const toHousing = k % 3 !== 0;
      await prisma.referral.create({
        data: {
          caseId: kase.id, clientId: client.id, providerId: toHousing ? housing.id : clinic.id, serviceId: toHousing && k % 2 === 0 ? service.id : null,
          reason: 'Needs support', createdById: manager, status, sentAt, acceptedAt, completedAt,
          declinedAt: status === 'DECLINED' ? new Date(sentAt.getTime() + DAY) : null,
        },
      });
      keep(facts.referrals, {
        time: sentAt, status, sentAt, acceptedAt, completedAt,
        dims: { ...dims, PROVIDER: toHousing ? housing.id : clinic.id, SERVICE_TYPE: toHousing ? (k % 2 === 0 ? 'FOOD' : 'HOUSING') : 'MEDICAL' },
      });
    }

    if (i % 2 === 0) {
      const reportedAt = new Date(openedAt.getTime() + 5 * DAY + i * 60_000);
      const acknowledgedAt = i % 6 === 0 ? null : new Date(reportedAt.getTime() + ((i % 9) + 1) * 7 * 60_000);
      const resolvedAt = i % 3 === 0 ? null : new Date(reportedAt.getTime() + ((i % 5) + 1) * 10 * HOUR);
      const category = CATEGORIES[i % 3]!;
      const severity = SEVERITIES[(i >> 1) % 3]!;
      await prisma.crisisEvent.create({
        data: {
          clientId: client.id, caseId: kase.id, organizationId, category, severity, status: resolvedAt ? 'RESOLVED' : 'OPEN', description: 'x',
          reportedById: manager, reportedAt, acknowledgedAt, acknowledgedById: acknowledgedAt ? manager : null, resolvedAt, escalationCount: i % 4 === 0 ? 1 : 0,
        },
      });
      keep(facts.crises, { time: reportedAt, reportedAt, acknowledgedAt, resolvedAt, escalated: i % 4 === 0, dims: { ...dims, CRISIS_CATEGORY: category, CRISIS_SEVERITY: severity } });
    }

    const reviewed = i % 2 === 1;
    const reviewedAt = new Date(openedAt.getTime() + (i % 3 === 0 ? 20 : 40) * DAY);
    const nextReviewDue = reviewed ? new Date(reviewedAt.getTime() + 30 * DAY) : new Date(openedAt.getTime() + 30 * DAY);
    const planStatus = i % 7 === 0 ? 'COMPLETED' : 'ACTIVE';
    const plan = await prisma.carePlan.create({
      data: { caseId: kase.id, title: 'Plan', status: planStatus, authorId: manager, periodStart: openedAt, reviewIntervalDays: 30, nextReviewDue },
    });
    keep(facts.plans, { time: nextReviewDue, active: planStatus === 'ACTIVE', dims });
    const goalCreatedAt = new Date(openedAt.getTime() + DAY);
    const domain = DOMAINS[i % 4]!;
    const lifecycleStatus = i % 13 === 0 ? 'CANCELLED' : 'ACTIVE';
    const achievementStatus = i % 3 === 0 ? 'ACHIEVED' : i % 3 === 1 ? 'IN_PROGRESS' : 'SUSTAINING';
    await prisma.goal.create({ data: { carePlanId: plan.id, description: 'Goal', domain, lifecycleStatus, achievementStatus, createdAt: goalCreatedAt } });
    if (lifecycleStatus !== 'CANCELLED') keep(facts.goals, { time: goalCreatedAt, attained: achievementStatus !== 'IN_PROGRESS', dims: { ...dims, NEED_DOMAIN: domain } });
    if (reviewed) {
      await prisma.planReview.create({ data: { carePlanId: plan.id, reviewerId: manager, reviewedAt, summary: 'Reviewed', outcome: 'CONTINUE', nextReviewDue } });
      keep(facts.reviews, { time: reviewedAt, onTime: reviewedAt.getTime() <= openedAt.getTime() + 30 * DAY, dims });
      if (i % 6 === 1) {
        // A second review is due when the first said (its nextReviewDue), not a plan interval after the start.
        const secondAt = new Date(reviewedAt.getTime() + (i % 4 === 1 ? 25 : 35) * DAY);
        await prisma.planReview.create({ data: { carePlanId: plan.id, reviewerId: manager, reviewedAt: secondAt, summary: 'Reviewed', outcome: 'CONTINUE', nextReviewDue: new Date(secondAt.getTime() + 30 * DAY) } });
        keep(facts.reviews, { time: secondAt, onTime: secondAt.getTime() <= nextReviewDue.getTime(), dims });
      }
    }

    if (i % 3 === 0) {
      const completedAt = new Date(openedAt.getTime() + 20 * DAY);
      const satisfaction = i % 7 === 0 ? null : (i % 5) + 1;
      await prisma.followUp.create({
        data: { caseId: kase.id, clientId: client.id, kind: 'ROUTINE_CHECK', scheduledFor: completedAt, status: 'COMPLETED', assignedToId: manager, completedAt, reachedClient: i % 2 === 0, satisfaction },
      });
      keep(facts.followUps, { time: completedAt, reached: i % 2 === 0, satisfaction, dims });
    }
  };
  for (let i = 0; i < count; i += 1) await build(i, org.id, true);
  for (let i = 1; i < 6; i += 1) await build(i, other.id, false);
  return { org, other, teams, managers, supervisor, analyst, otherSupervisor, facts };
}

export function percentileCont(values: number[], fraction: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const position = fraction * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

const hours = (a: unknown, b: unknown) => ((b as Date).getTime() - (a as Date).getTime()) / HOUR;
const present = (field: string) => (f: Fact) => f[field] !== null && f[field] !== undefined;
const countWhere = (predicate: (f: Fact) => boolean) => (facts: Fact[]) => facts.filter(predicate).length;
const ratio = (numerator: (f: Fact) => boolean) => (facts: Fact[]) => (facts.length ? facts.filter(numerator).length / facts.length : null);
const pctOf = (fraction: number, field: [string, string], scale = 1) => (facts: Fact[]) =>
  percentileCont(facts.filter(present(field[1])).map((f) => hours(f[field[0]], f[field[1]]) * scale), fraction);

/** Each measure as JavaScript: which facts it reads (in the period) and how it aggregates them. */
export const EXPECTED: Record<Measure, { facts: keyof DataSet['facts'] | 'closed' | 'caseload' | 'overdue'; value: (facts: Fact[]) => number | null }> = {
  CASES_OPENED: { facts: 'cases', value: (f) => f.length },
  CASES_CLOSED: { facts: 'closed', value: (f) => f.length },
  OPEN_CASELOAD: { facts: 'caseload', value: (f) => f.length },
  REFERRALS_SENT: { facts: 'referrals', value: (f) => f.length },
  REFERRALS_ACCEPTED: { facts: 'referrals', value: countWhere(present('acceptedAt')) },
  REFERRALS_COMPLETED: { facts: 'referrals', value: countWhere((f) => f.status === 'COMPLETED') },
  REFERRALS_DECLINED: { facts: 'referrals', value: countWhere((f) => f.status === 'DECLINED') },
  REFERRALS_NO_SHOW: { facts: 'referrals', value: countWhere((f) => f.status === 'NO_SHOW') },
  LOOP_CLOSURE_RATE: { facts: 'referrals', value: ratio((f) => f.status === 'COMPLETED') },
  HOURS_TO_ACCEPT_MEDIAN: { facts: 'referrals', value: pctOf(0.5, ['sentAt', 'acceptedAt']) },
  HOURS_TO_ACCEPT_P90: { facts: 'referrals', value: pctOf(0.9, ['sentAt', 'acceptedAt']) },
  HOURS_TO_COMPLETE_MEDIAN: { facts: 'referrals', value: pctOf(0.5, ['sentAt', 'completedAt']) },
  HOURS_TO_COMPLETE_P90: { facts: 'referrals', value: pctOf(0.9, ['sentAt', 'completedAt']) },
  CRISES: { facts: 'crises', value: (f) => f.length },
  MINUTES_TO_ACKNOWLEDGE_MEDIAN: { facts: 'crises', value: pctOf(0.5, ['reportedAt', 'acknowledgedAt'], 60) },
  MINUTES_TO_ACKNOWLEDGE_P90: { facts: 'crises', value: pctOf(0.9, ['reportedAt', 'acknowledgedAt'], 60) },
  HOURS_TO_RESOLVE_MEDIAN: { facts: 'crises', value: pctOf(0.5, ['reportedAt', 'resolvedAt']) },
  HOURS_TO_RESOLVE_P90: { facts: 'crises', value: pctOf(0.9, ['reportedAt', 'resolvedAt']) },
  ESCALATIONS: { facts: 'crises', value: countWhere((f) => f.escalated === true) },
  GOALS: { facts: 'goals', value: (f) => f.length },
  GOAL_ATTAINMENT_RATE: { facts: 'goals', value: ratio((f) => f.attained === true) },
  FOLLOW_UPS_COMPLETED: { facts: 'followUps', value: (f) => f.length },
  FOLLOW_UP_REACH_RATE: { facts: 'followUps', value: ratio((f) => f.reached === true) },
  FOLLOW_UP_MEAN_SATISFACTION: {
    facts: 'followUps',
    value: (f) => {
      const rated = f.filter(present('satisfaction')).map((x) => x.satisfaction as number);
      return rated.length ? rated.reduce((a, b) => a + b, 0) / rated.length : null;
    },
  },
  PLAN_REVIEWS: { facts: 'reviews', value: (f) => f.length },
  PLAN_REVIEWS_ON_TIME: { facts: 'reviews', value: countWhere((f) => f.onTime === true) },
  PLANS_OVERDUE_FOR_REVIEW: { facts: 'overdue', value: (f) => f.length },
};

/** PostgreSQL's date_trunc in UTC. */
export function truncate(time: Date, grain: TimeGrain): Date {
  const y = time.getUTCFullYear();
  const m = time.getUTCMonth();
  switch (grain) {
    case 'DAY': return new Date(Date.UTC(y, m, time.getUTCDate()));
    case 'WEEK': {
      const day = new Date(Date.UTC(y, m, time.getUTCDate()));
      return new Date(day.getTime() - ((day.getUTCDay() + 6) % 7) * DAY);
    }
    case 'MONTH': return new Date(Date.UTC(y, m, 1));
    case 'QUARTER': return new Date(Date.UTC(y, m - (m % 3), 1));
    case 'YEAR': return new Date(Date.UTC(y, 0, 1));
  }
}

function step(start: Date, grain: TimeGrain): Date {
  const next = new Date(start);
  if (grain === 'DAY') return new Date(start.getTime() + DAY);
  if (grain === 'WEEK') return new Date(start.getTime() + 7 * DAY);
  next.setUTCMonth(next.getUTCMonth() + (grain === 'MONTH' ? 1 : grain === 'QUARTER' ? 3 : 12));
  return next;
}

/** The facts a measure counts, each placed at its instant (stocks: once per grain step they are open at the end of). */
export function factsFor(data: DataSet, measure: Measure, grain: TimeGrain | null, now: Date): Fact[] {
  const source = EXPECTED[measure].facts;
  const inPeriod = (time: Date) => time >= FROM && time < TO;
  if (source === 'caseload') {
    const openAt = (f: Fact, at: Date) => (f.openedAt as Date) < at && (!f.closedAt || (f.closedAt as Date) >= at);
    if (!grain) return data.facts.cases.filter((f) => openAt(f, TO));
    const out: Fact[] = [];
    for (let start = truncate(FROM, grain); start < TO; start = step(start, grain)) {
      const end = new Date(Math.min(step(start, grain).getTime(), TO.getTime()));
      for (const f of data.facts.cases) if (openAt(f, end)) out.push({ ...f, time: start });
    }
    return out;
  }
  if (source === 'closed') return data.facts.cases.filter((f) => f.closedAt && inPeriod(f.closedAt as Date)).map((f) => ({ ...f, time: f.closedAt as Date }));
  if (source === 'overdue') return data.facts.plans.filter((f) => f.active && inPeriod(f.time) && f.time < now);
  return data.facts[source].filter((f) => inPeriod(f.time));
}

export const ROLLED = '*';

/** Expected cube: for every combination of period/dimension values or totals, the measure's value. */
export function expectedCube(facts: Fact[], measure: Measure, dimensions: Dimension[], grain: TimeGrain | null): Map<string, number | null> {
  const columns = (f: Fact) => [...(grain ? [truncate(f.time, grain).toISOString()] : []), ...dimensions.map((d) => String(f.dims[d] ?? null))];
  const groups = new Map<string, Fact[]>();
  const width = (grain ? 1 : 0) + dimensions.length;
  for (const f of facts) {
    const values = columns(f);
    for (let mask = 0; mask < 1 << width; mask += 1) {
      const key = JSON.stringify(values.map((v, i) => ((mask >> i) & 1 ? ROLLED : v)));
      groups.set(key, [...(groups.get(key) ?? []), f]);
    }
  }
  return new Map([...groups].map(([key, group]) => [key, EXPECTED[measure].value(group)]));
}

/** A row of the API's table. */
export interface ApiRow {
  period: string | null;
  periodTotal: boolean;
  keys: Array<{ dimension: Dimension; value: string | null; label: string | null; total: boolean }>;
  cells: Array<{ measure: Measure; value: number | null; suppressed: boolean }>;
}

const decode = (dimension: Dimension, value: string | null) =>
  value && DIMENSION_ENTITY[dimension] ? Buffer.from(value, 'base64').toString('utf8').split(':')[1]! : value;

/** A row's coordinates as expectedCube keys them (ids decoded). */
export function coordsOf(row: ApiRow, grain: boolean): string {
  return JSON.stringify([
    ...(grain ? [row.periodTotal ? ROLLED : new Date(row.period!).toISOString()] : []),
    ...row.keys.map((key) => (key.total ? ROLLED : String(decode(key.dimension, key.value)))),
  ]);
}

