// Crises: live ones on open cases, settled ones in the past, each with its action history and
// escalations.
import type { CrisisCategory, CrisisSeverity, CrisisStatus, Setting } from '../generated/prisma/enums.js';
import { addAssessment } from './assessments.js';
import { supervisorOf } from './care-teams.js';
import type { CaseCtx, Chunk, ClientCtx } from './context.js';
import { CRISES, type CrisisText } from './names.js';
import { crisisRisk, maxRisk } from './needs.js';
import type { Random } from './random.js';
import { DAY, HOUR, MINUTE, REF, at, stamp } from './reference.js';
import { CRISIS_STATUSES, type StaffInfo, chooseStatus } from './run.js';

const CRISIS_MIX: Readonly<Record<Setting, Partial<Record<CrisisCategory, number>>>> = {
  HOSPITAL: { MEDICAL_EMERGENCY: 30, MENTAL_HEALTH: 15, SUICIDE_RISK: 10, SUBSTANCE_OVERDOSE: 10, HOUSING_LOSS: 10, ABUSE_NEGLECT: 8, FINANCIAL_EMERGENCY: 6, VIOLENCE_RISK: 5, SELF_HARM: 4, MISSING_PERSON: 2 },
  SCHOOL: { SELF_HARM: 20, SUICIDE_RISK: 15, ABUSE_NEGLECT: 20, MENTAL_HEALTH: 15, VIOLENCE_RISK: 12, MISSING_PERSON: 8, HOUSING_LOSS: 6, MEDICAL_EMERGENCY: 4 },
  CORRECTIONAL: { VIOLENCE_RISK: 20, SUICIDE_RISK: 18, MENTAL_HEALTH: 18, SUBSTANCE_OVERDOSE: 15, MEDICAL_EMERGENCY: 12, SELF_HARM: 10, HOUSING_LOSS: 7 },
  COMMUNITY: { HOUSING_LOSS: 22, FINANCIAL_EMERGENCY: 15, MENTAL_HEALTH: 14, SUBSTANCE_OVERDOSE: 10, SUICIDE_RISK: 8, ABUSE_NEGLECT: 8, MEDICAL_EMERGENCY: 8, VIOLENCE_RISK: 6, MISSING_PERSON: 4, OTHER: 5 },
  HOME_HEALTH: { MEDICAL_EMERGENCY: 35, ABUSE_NEGLECT: 18, MISSING_PERSON: 10, FINANCIAL_EMERGENCY: 12, MENTAL_HEALTH: 8, HOUSING_LOSS: 7, OTHER: 10 },
  OTHER: { OTHER: 1 },
};

const SEVERE_CATEGORIES: ReadonlySet<CrisisCategory> = new Set(['SUICIDE_RISK', 'SUBSTANCE_OVERDOSE', 'MEDICAL_EMERGENCY', 'MISSING_PERSON']);
/** Minutes within which a crisis must be acknowledged before it is escalated. */
const ACK_MINUTES: Readonly<Record<CrisisSeverity, number>> = { CRITICAL: 15, HIGH: 30, MODERATE: 240, LOW: 1440 };
/** How long before the reference date a crisis in each live status was reported (hours). */
const LIVE_CRISIS_AGE_HOURS: Readonly<Partial<Record<CrisisStatus, readonly [number, number]>>> = {
  OPEN: [0, 6],
  ACKNOWLEDGED: [1, 48],
  RESPONDING: [2, 120],
  STABILIZED: [24, 14 * 24],
};

export function addCrises(chunk: Chunk, client: ClientCtx): void {
  const { run, rng } = chunk;
  const current = client.cases[client.cases.length - 1];
  const open = current && current.closedAt === null ? current : null;
  const quotas = [...(open?.isCasey ? [run.caseyQuotas.crisisStatus] : []), run.quotas.crisisStatus];
  let count = rng.weighted([[0, 88], [1, 10], [2, 2]]);
  if (count === 0 && open && open.status !== 'REFERRED' && quotas.some((q) => !q.complete)) count = 1;
  for (let i = 0; i < count; i++) {
    const live = open !== null && open.status !== 'REFERRED' && i === 0;
    const status = chooseStatus(rng, quotas, live ? { OPEN: 6, ACKNOWLEDGED: 6, RESPONDING: 8, STABILIZED: 10, RESOLVED: 25, CLOSED: 45 } : { RESOLVED: 30, CLOSED: 70 });
    // A settled crisis belongs to a case that was open long enough, or to none (it came first).
    const settled = client.cases.filter((k) => k.openedAt < REF - 30 * DAY);
    const c = live ? open : settled.length > 0 && rng.chance(0.95) ? rng.pick(settled) : null;
    addCrisis(chunk, client, c, status);
  }
}

function addCrisis(chunk: Chunk, client: ClientCtx, c: CaseCtx | null, status: CrisisStatus): void {
  const { run, rng, rows } = chunk;
  const org = c?.org ?? client.org;
  const category = rng.weightedKey(CRISIS_MIX[org.setting]);
  const severityWeights: Partial<Record<CrisisSeverity, number>> = SEVERE_CATEGORIES.has(category) ? { LOW: 5, MODERATE: 25, HIGH: 40, CRITICAL: 30 } : { LOW: 20, MODERATE: 40, HIGH: 28, CRITICAL: 12 };
  const severity = chooseStatus(rng, [run.quotas.crisisSeverity], severityWeights);
  const text = CRISES[category];
  const live = LIVE_CRISIS_AGE_HOURS[status];
  const windowStart = c?.openedAt ?? REF - 365 * DAY;
  const windowEnd = c?.end ?? REF;
  // Settled crises happened at least a month back, so their whole history fits before the reference date.
  const reportedAt = live
    ? Math.min(REF - 30 * MINUTE, Math.max(windowStart + HOUR, REF - rng.int(live[0] * 60, live[1] * 60) * MINUTE))
    : rng.timeBetween(windowStart, Math.max(windowStart, Math.min(windowEnd - 2 * DAY, REF - 30 * DAY)));

  const team = c ? [c.pcm, ...c.members] : [org.supervisor];
  const reporter = rng.pick(team);
  const supervisor = c ? supervisorOf(run, c.pcm) : org.supervisor;
  const ackTarget = ACK_MINUTES[severity];
  const escalationDueAt = reportedAt + ackTarget * MINUTE;

  const actions: { at: number; actor: StaffInfo; action: string; from: CrisisStatus | null; to: CrisisStatus | null }[] = [
    { at: reportedAt, actor: reporter, action: 'Crisis reported', from: null, to: 'OPEN' },
  ];
  const path = CRISIS_STATUSES.slice(0, CRISIS_STATUSES.indexOf(status) + 1);
  let t = reportedAt;
  let acknowledgedAt: number | null = null;
  const acknowledger = rng.chance(0.7) && c ? c.pcm : rng.pick(team);
  // Nothing after the reference date; steps squeezed against it keep their order.
  const next = (proposed: number) => (t = Math.max(t + MINUTE, Math.min(proposed, REF - 10 * MINUTE)));
  for (let i = 1; i < path.length; i++) {
    const step = path[i] as CrisisStatus;
    next(t + crisisStepDelay(rng, step, ackTarget));
    if (step === 'ACKNOWLEDGED') acknowledgedAt = t;
    actions.push({ at: t, actor: step === 'CLOSED' ? supervisor : acknowledger, action: crisisStepText(step, text), from: path[i - 1] as CrisisStatus, to: step });
    if (step === 'RESPONDING') {
      for (const extra of text.actions.slice(1)) actions.push({ at: next(t + rng.int(10, 240) * MINUTE), actor: acknowledger, action: extra, from: null, to: null });
    }
  }
  // Not acknowledged in time: escalated to supervisors (again when very late).
  const lateBy = (acknowledgedAt ?? REF) - escalationDueAt;
  const escalationCount = lateBy <= 0 ? 0 : lateBy > 4 * ackTarget * MINUTE ? 2 : 1;
  if (escalationCount > 0) actions.push({ at: escalationDueAt, actor: supervisor, action: `Escalated to supervisors: not acknowledged within ${ackTarget} minutes`, from: null, to: null });
  actions.sort((a, b) => a.at - b.at);

  const id = rng.uuid();
  const resolvedAt = actions.find((a) => a.to === 'RESOLVED')?.at ?? null;
  const closedAt = actions.find((a) => a.to === 'CLOSED')?.at ?? null;
  const lastAt = actions[actions.length - 1]!.at;
  const reached = (s: CrisisStatus) => CRISIS_STATUSES.indexOf(status) >= CRISIS_STATUSES.indexOf(s);
  rows.crisisEvent.push({
    id,
    clientId: client.id,
    caseId: c?.id ?? null,
    organizationId: org.id,
    category,
    severity,
    status,
    description: text.description,
    reportedById: reporter.id,
    reportedAt: at(reportedAt),
    acknowledgedById: acknowledgedAt === null ? null : acknowledger.id,
    acknowledgedAt: acknowledgedAt === null ? null : at(acknowledgedAt),
    escalationDueAt: at(escalationDueAt),
    escalatedAt: escalationCount > 0 ? at(escalationDueAt) : null,
    escalationCount,
    clinicalAssessment: reached('RESPONDING') || (reached('ACKNOWLEDGED') && rng.chance(0.4)) ? text.assessment : null,
    responsePlan: reached('RESPONDING') ? text.response : null,
    resolution: reached('RESOLVED') ? text.resolution : null,
    resolvedAt: resolvedAt === null ? null : at(resolvedAt),
    closedAt: closedAt === null ? null : at(closedAt),
    version: path.length,
    ...stamp(reportedAt, lastAt),
  });
  for (const a of actions) {
    rows.crisisAction.push({ id: rng.uuid(), crisisId: id, actorId: a.actor.id, at: at(a.at), action: a.action, fromStatus: a.from, toStatus: a.to, ...stamp(a.at) });
  }
  if (c && reached('RESPONDING') && rng.chance(0.5)) {
    const severe = severity === 'HIGH' || severity === 'CRITICAL';
    const responding = actions.find((a) => a.to === 'RESPONDING')!.at;
    addAssessment(chunk, c, 'CRISIS', Math.min(responding + HOUR, Math.max(responding, REF - MINUTE)), 0, severe ? 1 : 0);
  }
  if (!reached('RESOLVED')) client.openCrisisRisk = maxRisk(client.openCrisisRisk, crisisRisk(severity));
}

/** Time from the previous step to `step`; most crises are acknowledged within their target. */
function crisisStepDelay(rng: Random, step: CrisisStatus, ackTarget: number): number {
  switch (step) {
    case 'ACKNOWLEDGED':
      return Math.max(1, Math.round(ackTarget * (rng.chance(0.8) ? rng.float(0.1, 0.9) : rng.float(1.1, 6)))) * MINUTE;
    case 'RESPONDING':
      return rng.int(10, 180) * MINUTE;
    case 'STABILIZED':
      return rng.int(6, 72) * HOUR;
    case 'RESOLVED':
      return rng.int(1, 10) * DAY;
    default:
      return rng.int(1, 14) * DAY;
  }
}

function crisisStepText(step: CrisisStatus, text: CrisisText): string {
  switch (step) {
    case 'ACKNOWLEDGED':
      return 'Acknowledged; contacting client';
    case 'RESPONDING':
      return text.actions[0] ?? 'Responding';
    case 'STABILIZED':
      return 'Client stabilized; monitoring';
    case 'RESOLVED':
      return `Resolved: ${text.resolution}`;
    case 'CLOSED':
      return 'Closed after supervisor review';
    default:
      return step;
  }
}
