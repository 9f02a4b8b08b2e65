// Assessments of a case and their need scores.
import type { AssessmentSource, AssessmentType, NeedDomain } from '../generated/prisma/enums.js';
import type { CaseCtx, Chunk } from './context.js';
import { NEED_NOTES } from './names.js';
import { NEED_DOMAINS, riskFromScores } from './needs.js';
import { DAY, HOUR, at, stamp } from './reference.js';

export interface AssessmentInfo {
  at: number;
  scores: Map<NeedDomain, number>;
}

const ASSESSMENT_LABEL: Readonly<Record<AssessmentType, string>> = {
  INTAKE: 'Intake assessment', NEEDS: 'Needs assessment', PSYCHOSOCIAL: 'Psychosocial assessment', CLINICAL: 'Clinical assessment',
  RISK: 'Risk assessment', CRISIS: 'Crisis assessment', DISCHARGE: 'Discharge assessment', REASSESSMENT: 'Reassessment',
};

const SOURCES: readonly AssessmentSource[] = ['RECORDS', 'CLIENT_INTERVIEW', 'FAMILY', 'PROVIDER', 'OTHER'];

export function addAssessments(chunk: Chunk, c: CaseCtx): AssessmentInfo[] {
  const { rng } = chunk;
  const steps: [AssessmentType, number][] = [];
  const intakeAt = Math.min(c.end, c.openedAt + rng.int(1, 5 * 24) * HOUR);
  if (c.status === 'REFERRED' || (c.status === 'INTAKE' && rng.chance(0.5))) return [];
  steps.push(['INTAKE', intakeAt]);
  const fullAt = Math.min(c.end, intakeAt + rng.int(2, 14) * DAY);
  if (c.status !== 'INTAKE' && (c.status !== 'ASSESSMENT' || rng.chance(0.5))) {
    steps.push([c.org.setting === 'SCHOOL' || c.org.setting === 'CORRECTIONAL' ? 'PSYCHOSOCIAL' : 'NEEDS', fullAt]);
    if (c.org.setting === 'HOSPITAL' || c.org.setting === 'HOME_HEALTH') steps.push(['CLINICAL', Math.min(c.end, fullAt + rng.int(0, 3) * DAY)]);
    let t = fullAt + rng.int(90, 180) * DAY;
    for (let n = 0; n < 3 && t < c.end - 7 * DAY; n++, t += rng.int(90, 180) * DAY) {
      steps.push([rng.weightedKey<AssessmentType>({ REASSESSMENT: 6, RISK: 2, CLINICAL: 1 }), t]);
    }
    if (c.closedAt !== null) steps.push(['DISCHARGE', c.closedAt - rng.int(0, 3) * DAY]);
  }
  // Clients mostly improve over an episode of care; some get worse.
  const trend = c.closedAt !== null || c.status === 'MONITORING' ? rng.float(0.5, 2.2) : rng.chance(0.15) ? -rng.float(0.3, 1.2) : rng.float(0, 1.2);
  return steps.map(([type, when]) => {
    const progress = (when - c.openedAt) / Math.max(DAY, c.end - c.openedAt);
    return addAssessment(chunk, c, type, Math.max(c.openedAt, when), progress * trend);
  });
}

const DOMAINS_FOR: Readonly<Partial<Record<AssessmentType, readonly NeedDomain[]>>> = {
  RISK: ['SAFETY', 'MENTAL_HEALTH', 'SUBSTANCE_USE'],
  CLINICAL: ['PHYSICAL_HEALTH', 'MENTAL_HEALTH', 'SUBSTANCE_USE'],
  PSYCHOSOCIAL: ['MENTAL_HEALTH', 'SOCIAL_SUPPORT', 'SAFETY', 'HOUSING', 'FINANCIAL', 'EDUCATION'],
  CRISIS: ['SAFETY', 'MENTAL_HEALTH', 'SUBSTANCE_USE', 'HOUSING'],
};

export function addAssessment(chunk: Chunk, c: CaseCtx, type: AssessmentType, when: number, improvement: number, bump = 0): AssessmentInfo {
  const { rng, rows } = chunk;
  const client = c.client;
  const domains = DOMAINS_FOR[type] ?? [...new Set([...client.needs.keys(), ...rng.sample(NEED_DOMAINS, 1)])];
  const scores = new Map<NeedDomain, number>();
  for (const domain of domains) {
    const base = client.needs.get(domain) ?? 0;
    const noise = rng.weighted([[-1, 1], [0, 6], [1, 1]]);
    const value = base === 0 ? (rng.chance(0.1) ? 1 : 0) : Math.round(base - improvement + noise) + bump;
    scores.set(domain, Math.max(0, Math.min(domain === 'SAFETY' && bump === 0 ? 3 : 4, value)));
  }
  const risk = riskFromScores(scores);
  const id = rng.uuid();
  const clinical = type === 'CLINICAL' || type === 'CRISIS';
  const performer = clinical ? (c.members.find((m) => m.role === 'NURSE' || m.role === 'PHYSICIAN' || m.role === 'PSYCHOLOGIST') ?? c.pcm) : rng.chance(0.85) ? c.pcm : (c.members[0] ?? c.pcm);
  const enteredInError = rng.chance(0.005);
  rows.assessment.push({
    id,
    caseId: c.id,
    clientId: client.id,
    type,
    performedById: performer.id,
    performedAt: at(when),
    sources: SOURCES.filter((s, i) => i < 2 || (s === 'FAMILY' && rng.chance(0.4)) || (s === 'PROVIDER' && rng.chance(0.3)) || (s === 'OTHER' && rng.chance(0.05))),
    riskLevel: risk,
    summary: `${ASSESSMENT_LABEL[type]}: ${describeNeeds(scores)}.`,
    enteredInError,
    version: enteredInError ? 2 : 1,
    ...stamp(when),
  });
  for (const [domain, severity] of scores) {
    rows.needScore.push({ id: rng.uuid(), assessmentId: id, domain, severity, note: severity >= 3 ? rng.pick(NEED_NOTES[domain]) : null, ...stamp(when) });
  }
  if (!enteredInError && (!client.latestAssessment || when >= client.latestAssessment.at)) client.latestAssessment = { at: when, risk };
  return { at: when, scores };
}

function describeNeeds(scores: Map<NeedDomain, number>): string {
  const top = [...scores].filter(([, s]) => s >= 3).map(([d]) => d.toLowerCase().replace('_', ' '));
  return top.length > 0 ? `priority needs ${top.join(', ')}` : 'no severe needs identified';
}
