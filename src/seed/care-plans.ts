// Care plans: goals with their progress and interventions, reviews, revisions and approvals.
import type { CarePlanStatus, CaseStatus, GoalAchievementStatus, GoalLifecycleStatus, InterventionStatus, NeedDomain, PlanReviewOutcome } from '../generated/prisma/enums.js';
import type { AssessmentInfo } from './assessments.js';
import { addApproval } from './care-teams.js';
import type { CaseCtx, Chunk, InteractionInfo } from './context.js';
import { addTask } from './follow-ups.js';
import { GOALS, INTERVENTIONS, PLAN_TITLES, REVIEW_SUMMARIES } from './names.js';
import type { Random } from './random.js';
import { DAY, HOUR, REF, at, stamp } from './reference.js';
import { chooseStatus } from './run.js';

const PLAN_STATUS_BY_CASE: Readonly<Partial<Record<CaseStatus, Partial<Record<CarePlanStatus, number>>>>> = {
  ASSESSMENT: { DRAFT: 1 },
  ACTIVE: { ACTIVE: 90, DRAFT: 10 },
  MONITORING: { ACTIVE: 1 },
  ON_HOLD: { ON_HOLD: 1 },
  CLOSED: { COMPLETED: 80, REVOKED: 20 },
};

const GOAL_LIFECYCLE_BY_PLAN: Readonly<Record<CarePlanStatus, Partial<Record<GoalLifecycleStatus, number>>>> = {
  DRAFT: { PROPOSED: 3, PLANNED: 2 },
  ACTIVE: { ACTIVE: 68, ACCEPTED: 10, COMPLETED: 12, ON_HOLD: 4, CANCELLED: 4, REJECTED: 2 },
  ON_HOLD: { ON_HOLD: 3, ACTIVE: 1 },
  COMPLETED: { COMPLETED: 75, CANCELLED: 15, REJECTED: 10 },
  REVOKED: { CANCELLED: 3, ACTIVE: 1 },
  ENTERED_IN_ERROR: { PROPOSED: 1 },
};

function achievementFor(rng: Random, lifecycle: GoalLifecycleStatus, monitoring: boolean): GoalAchievementStatus {
  switch (lifecycle) {
    case 'ACTIVE':
      return monitoring ? rng.weightedKey<GoalAchievementStatus>({ SUSTAINING: 3, IMPROVING: 1 }) : rng.weightedKey<GoalAchievementStatus>({ IN_PROGRESS: 35, IMPROVING: 30, NO_CHANGE: 15, WORSENING: 10, SUSTAINING: 10 });
    case 'ON_HOLD':
      return rng.weightedKey<GoalAchievementStatus>({ NO_CHANGE: 1, NO_PROGRESS: 1 });
    case 'COMPLETED':
      return rng.weightedKey<GoalAchievementStatus>({ ACHIEVED: 75, SUSTAINING: 10, NOT_ACHIEVED: 15 });
    case 'CANCELLED':
      return rng.weightedKey<GoalAchievementStatus>({ NOT_ATTAINABLE: 2, NOT_ACHIEVED: 2, NO_PROGRESS: 1 });
    case 'REJECTED':
      return 'NOT_ATTAINABLE';
    default:
      return 'IN_PROGRESS';
  }
}

export function addCarePlans(chunk: Chunk, c: CaseCtx, assessments: AssessmentInfo[]): void {
  const { run, rng } = chunk;
  const weights = PLAN_STATUS_BY_CASE[c.status];
  if (!weights || (c.status === 'ASSESSMENT' && rng.chance(0.6))) return;
  const start = Math.min(c.end - HOUR, (assessments[1] ?? assessments[0])?.at ?? c.openedAt + rng.int(7, 21) * DAY);
  const quotas = [...(c.isCasey ? [run.caseyQuotas.planStatus] : []), run.quotas.planStatus];
  const status = chooseStatus(rng, quotas, weights);
  // An older plan replaced by the current one, or a plan recorded by mistake.
  if (status === 'ACTIVE' && c.end - start > 200 * DAY && rng.chance(0.15)) {
    const split = rng.timeBetween(start + 60 * DAY, c.end - 60 * DAY);
    const previous = chooseStatus(rng, quotas, { REVOKED: 1, COMPLETED: 1 });
    addCarePlan(chunk, c, previous, start, split);
    addCarePlan(chunk, c, status, split, null);
  } else {
    addCarePlan(chunk, c, status, start, c.closedAt);
  }
  if (c.closedAt === null && c.status !== 'ASSESSMENT' && (rng.chance(0.02) || run.quotas.planStatus.take(['ENTERED_IN_ERROR']))) {
    addCarePlan(chunk, c, chooseStatus(rng, quotas, { ENTERED_IN_ERROR: 1 }), start, start + DAY);
  }
}

function addCarePlan(chunk: Chunk, c: CaseCtx, status: CarePlanStatus, start: number, end: number | null): void {
  const { rng, rows } = chunk;
  const id = rng.uuid();
  const interval = rng.pick([30, 60, 90, 90, 90, 180]);
  const periodEnd = status === 'COMPLETED' || status === 'REVOKED' ? (end ?? c.end) : status === 'ENTERED_IN_ERROR' ? start + DAY : null;
  const reviewEnd = periodEnd ?? REF;
  const reviews = status === 'DRAFT' || status === 'ENTERED_IN_ERROR' ? [] : planReviewTimes(rng, start, reviewEnd, interval, status);
  const lastReview = reviews[reviews.length - 1];
  const nextReviewDue = periodEnd !== null || status === 'DRAFT' || status === 'ENTERED_IN_ERROR' ? null : (lastReview ?? start) + interval * DAY;

  const goals = addGoals(chunk, c, id, status, start, periodEnd ?? c.end);
  const revisions = addPlanRevisions(chunk, c, id, status, start, reviews, goals);
  reviews.forEach((when, i) => addPlanReview(chunk, c, id, when, i === reviews.length - 1 && periodEnd !== null && status === 'COMPLETED' ? 'CLOSE' : undefined, interval));

  rows.carePlan.push({
    id,
    caseId: c.id,
    title: PLAN_TITLES[c.org.setting],
    description: `Plan addressing ${goals.map((g) => g.domain.toLowerCase().replace('_', ' ')).join(', ')}.`,
    status,
    authorId: c.pcm.id,
    periodStart: status === 'DRAFT' ? null : at(start),
    periodEnd: periodEnd === null ? null : at(periodEnd),
    reviewIntervalDays: interval,
    nextReviewDue: nextReviewDue === null ? null : at(nextReviewDue),
    version: revisions,
    ...stamp(start, Math.max(start, periodEnd ?? lastReview ?? start)),
  });
  if (nextReviewDue !== null && nextReviewDue < REF && c.closedAt === null) {
    addTask(chunk, c, { kind: 'PLAN_REVIEW', created: nextReviewDue, assignee: c.pcm, createdBy: null, status: 'REQUESTED', due: nextReviewDue + 7 * DAY });
  }
  addPlanApproval(chunk, c, id, status, start);
}

/** Reviews on schedule, except that about one active plan in five has missed its latest one. */
function planReviewTimes(rng: Random, start: number, end: number, interval: number, status: CarePlanStatus): number[] {
  const times: number[] = [];
  for (let t = start + interval * DAY; t <= end; t += interval * DAY) times.push(Math.min(end, t + rng.int(-5, 5) * DAY));
  const overdue = (status === 'ACTIVE' || status === 'ON_HOLD') && times.length > 0 && rng.chance(0.2);
  if (overdue) times.pop();
  return times.slice(-4);
}

function addPlanReview(chunk: Chunk, c: CaseCtx, planId: string, when: number, forced: PlanReviewOutcome | undefined, interval: number): void {
  const { rng, rows } = chunk;
  const outcome = forced ?? rng.weightedKey<PlanReviewOutcome>({ CONTINUE: 70, REVISE: 22, ESCALATE: 8 });
  rows.planReview.push({
    id: rng.uuid(),
    carePlanId: planId,
    reviewerId: rng.chance(0.8) ? c.pcm.id : c.org.supervisor.id,
    reviewedAt: at(when),
    summary: rng.pick(REVIEW_SUMMARIES[outcome]),
    outcome,
    nextReviewDue: outcome === 'CLOSE' ? null : at(when + interval * DAY),
    ...stamp(when),
  });
}

function addPlanRevisions(chunk: Chunk, c: CaseCtx, planId: string, status: CarePlanStatus, start: number, reviews: number[], goals: { domain: NeedDomain; description: string }[]): number {
  const { rng, rows } = chunk;
  const snapshot = (s: CarePlanStatus) => ({ title: PLAN_TITLES[c.org.setting], status: s, goals: goals.map((g) => ({ domain: g.domain, description: g.description })) });
  const points: [number, CarePlanStatus, string][] = [[Math.max(c.openedAt, start - rng.int(1, 3) * DAY), 'DRAFT', 'Plan drafted']];
  if (status !== 'DRAFT' && status !== 'ENTERED_IN_ERROR') points.push([start, 'ACTIVE', 'Plan agreed with client']);
  if (reviews.length > 0 && rng.chance(0.3)) points.push([reviews[0]!, 'ACTIVE', 'Goals revised at review']);
  if (status !== 'DRAFT' && status !== 'ACTIVE') points.push([Math.max(start, reviews[reviews.length - 1] ?? start), status, `Status changed to ${status.toLowerCase().replace(/_/g, ' ')}`]);
  points.forEach(([when, s, note], i) => {
    rows.carePlanRevision.push({ id: rng.uuid(), carePlanId: planId, revision: i + 1, snapshot: snapshot(s), changedById: c.pcm.id, note, ...stamp(when) });
  });
  return points.length;
}

function addPlanApproval(chunk: Chunk, c: CaseCtx, planId: string, status: CarePlanStatus, start: number): void {
  const { rng } = chunk;
  if (!c.org.tpl.approvalRequiredFor.includes('CARE_PLAN') || status === 'ENTERED_IN_ERROR') return;
  if (status === 'DRAFT') {
    if (rng.chance(0.5)) addApproval(chunk, c, 'CARE_PLAN', planId, c.pcm, REF - rng.int(0, 7) * DAY, null);
  } else {
    const rejectedFirst = rng.chance(0.05);
    if (rejectedFirst) addApproval(chunk, c, 'CARE_PLAN', planId, c.pcm, start - 4 * DAY, { by: c.org.supervisor, at: start - 3 * DAY, status: 'REJECTED' });
    addApproval(chunk, c, 'CARE_PLAN', planId, c.pcm, start - 2 * DAY, { by: c.org.supervisor, at: start - rng.int(0, 1) * DAY, status: 'APPROVED' });
  }
}

interface GoalInfo {
  id: string;
  domain: NeedDomain;
  description: string;
}

function addGoals(chunk: Chunk, c: CaseCtx, planId: string, planStatus: CarePlanStatus, start: number, end: number): GoalInfo[] {
  const { rng } = chunk;
  const ranked = [...c.client.needs].sort((a, b) => b[1] - a[1]);
  const count = Math.min(ranked.length, rng.int(2, 4));
  const goals: GoalInfo[] = [];
  for (let i = 0; i < Math.max(1, count); i++) {
    const [domain, severity] = ranked[i] ?? (['SOCIAL_SUPPORT', 1] as const);
    goals.push(addGoal(chunk, c, planId, planStatus, domain, severity, start, end));
  }
  return goals;
}

function addGoal(chunk: Chunk, c: CaseCtx, planId: string, planStatus: CarePlanStatus, domain: NeedDomain, severity: number, start: number, end: number): GoalInfo {
  const { rng, rows } = chunk;
  const template = rng.pick(GOALS[domain]);
  const lifecycle = rng.weightedKey(GOAL_LIFECYCLE_BY_PLAN[planStatus]);
  const achievement = achievementFor(rng, lifecycle, c.status === 'MONITORING');
  const id = rng.uuid();
  const progressed = lifecycle === 'ACTIVE' || lifecycle === 'COMPLETED' || lifecycle === 'ON_HOLD' || lifecycle === 'CANCELLED';
  const values = progressed ? addGoalProgress(chunk, c, id, template.steps, achievement, start, end) : [];
  rows.goal.push({
    id,
    carePlanId: planId,
    description: template.description,
    domain,
    priority: severity >= 3 ? 'HIGH' : severity === 2 ? 'MEDIUM' : 'LOW',
    lifecycleStatus: lifecycle,
    achievementStatus: achievement,
    targetDate: at(start + rng.int(90, 270) * DAY),
    measure: template.measure,
    targetValue: template.target,
    currentValue: values[values.length - 1] ?? null,
    version: 1 + values.length,
    ...stamp(start, end),
  });
  addInterventions(chunk, c, planId, id, domain, lifecycle, start, end);
  return { id, domain, description: template.description };
}

/** Recorded steps toward the goal, the last one carrying the goal's achievement status. */
function addGoalProgress(chunk: Chunk, c: CaseCtx, goalId: string, steps: readonly string[], achievement: GoalAchievementStatus, start: number, end: number): string[] {
  const { rng, rows } = chunk;
  const reachesTarget = achievement === 'ACHIEVED' || achievement === 'SUSTAINING';
  const count = reachesTarget ? steps.length : rng.int(1, Math.max(1, steps.length - 1));
  const candidates = c.interactions.filter((i) => i.at >= start && i.at <= end);
  const times: { at: number; interaction: InteractionInfo | null }[] = [];
  for (let i = 0; i < count; i++) {
    const interaction = candidates.length > 0 && rng.chance(0.5) ? rng.pick(candidates) : null;
    times.push({ at: interaction?.at ?? rng.timeBetween(start, end), interaction });
  }
  times.sort((a, b) => a.at - b.at);
  const linked = new Set<string>();
  const values: string[] = [];
  times.forEach((t, i) => {
    const value = steps[reachesTarget ? i : Math.min(i, steps.length - 1)] ?? null;
    const lastOne = i === times.length - 1;
    rows.goalProgress.push({
      id: rng.uuid(),
      goalId,
      value,
      achievementStatus: lastOne ? achievement : rng.pick<GoalAchievementStatus>(['IN_PROGRESS', 'IMPROVING', 'NO_CHANGE']),
      note: rng.chance(0.5) ? rng.pick(['Client reports steady progress.', 'Barrier: transport to appointments.', 'Discussed at visit.', 'Family supporting this goal.']) : null,
      recordedById: t.interaction?.staffId ?? c.pcm.id,
      recordedAt: at(t.at),
      interactionId: t.interaction?.id ?? null,
      ...stamp(t.at),
    });
    if (value !== null) values.push(value);
    if (t.interaction && !linked.has(t.interaction.id)) {
      linked.add(t.interaction.id);
      rows.goalInteraction.push({ A: goalId, B: t.interaction.id });
    }
  });
  return values;
}

function interventionStatus(rng: Random, lifecycle: GoalLifecycleStatus): InterventionStatus {
  switch (lifecycle) {
    case 'COMPLETED':
      return 'COMPLETED';
    case 'ACTIVE':
      return rng.weightedKey<InterventionStatus>({ IN_PROGRESS: 40, SCHEDULED: 20, NOT_STARTED: 10, COMPLETED: 30 });
    case 'ON_HOLD':
      return rng.weightedKey<InterventionStatus>({ NOT_STARTED: 5, STOPPED: 3, IN_PROGRESS: 2 });
    case 'CANCELLED':
    case 'REJECTED':
      return rng.weightedKey<InterventionStatus>({ CANCELLED: 2, STOPPED: 1 });
    default:
      return rng.weightedKey<InterventionStatus>({ NOT_STARTED: 2, SCHEDULED: 1 });
  }
}

function addInterventions(chunk: Chunk, c: CaseCtx, planId: string, goalId: string, domain: NeedDomain, lifecycle: GoalLifecycleStatus, start: number, end: number): void {
  const { rng, rows } = chunk;
  const count = lifecycle === 'PROPOSED' || lifecycle === 'REJECTED' ? rng.int(0, 1) : rng.int(1, 2);
  const referral = c.referrals.find((r) => r.domain === domain);
  const texts = rng.sample(INTERVENTIONS[domain], count);
  texts.forEach((description, i) => {
    const status = interventionStatus(rng, lifecycle);
    const due = start + rng.int(14, 120) * DAY;
    const viaReferral = i === 0 && referral !== undefined;
    const created = Math.min(start, end);
    rows.intervention.push({
      id: rng.uuid(),
      carePlanId: planId,
      goalId,
      description: viaReferral ? `${description} (referral)` : description,
      assignedToId: viaReferral && rng.chance(0.5) ? null : (rng.chance(0.7) || c.members.length === 0 ? c.pcm : rng.pick(c.members)).id,
      referralId: viaReferral ? referral.id : null,
      status,
      dueDate: at(due),
      completedAt: status === 'COMPLETED' ? at(rng.timeBetween(created, Math.max(created, Math.min(end, due + 14 * DAY)))) : null,
      version: status === 'NOT_STARTED' ? 1 : 2,
      ...stamp(created, end),
    });
  });
}
