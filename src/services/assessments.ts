// Assessments: what a case manager found when reviewing records and talking to the client,
// the family and the providers. Need scores per domain (0 no need .. 4 critical) and an
// overall risk level, which feeds the client's current risk level together with open crises.
import { findCaseForViewer, isSupervisor } from '../auth/access.js';
import type { Context } from '../context.js';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { AssessmentSource, AssessmentType, CrisisSeverity, NeedDomain, RiskLevel } from '../generated/prisma/enums.js';
import { runCreate, runMutation, type MutationScope, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

/** Lowest to highest. */
export const RISK_LEVELS: readonly RiskLevel[] = ['LOW', 'MODERATE', 'HIGH', 'IMMINENT'];
/** A crisis in one of these statuses is still open (DOMAIN.md). */
export const OPEN_CRISIS_STATUSES = ['OPEN', 'ACKNOWLEDGED', 'RESPONDING', 'STABILIZED'] as const;
/** The client risk level an open crisis of this severity imposes at least. */
const CRISIS_RISK: Partial<Record<CrisisSeverity, RiskLevel>> = { HIGH: 'HIGH', CRITICAL: 'IMMINENT' };

export const MAX_NEED_SEVERITY = 4;
/** Clock skew tolerated between a device and the server for "not in the future". */
export const CLOCK_SKEW_MS = 5 * 60_000;

function higher(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_LEVELS.indexOf(a) >= RISK_LEVELS.indexOf(b) ? a : b;
}

export interface DerivedRiskLevel {
  riskLevel: RiskLevel;
  previous: RiskLevel;
  changed: boolean;
}

/**
 * Locks the client row against other risk derivations until the transaction ends, and returns
 * the stored risk level. FOR NO KEY UPDATE: it serializes derivations for one client but does
 * not conflict with the KEY SHARE lock that inserting a row referencing the client (an
 * assessment, a crisis) takes, so a caller that inserts first and derives after cannot deadlock
 * with another doing the same. Callers may take it earlier (before their insert) too.
 */
export async function lockClientForRiskLevel(tx: Tx, clientId: string): Promise<RiskLevel> {
  const locked = await tx.$queryRaw<Array<{ riskLevel: RiskLevel }>>`
    SELECT "riskLevel"::text AS "riskLevel" FROM "Client" WHERE id = ${clientId}::uuid FOR NO KEY UPDATE`;
  const current = locked[0]?.riskLevel;
  if (!current) throw new NotFoundError('Client', clientId);
  return current;
}

/**
 * Computes the client's current risk level and stores it on Client.riskLevel:
 * the highest of the latest assessment's riskLevel (by performedAt; entered-in-error ones
 * ignored) and of what open crises impose (an open HIGH crisis: HIGH, an open CRITICAL one:
 * IMMINENT; open = OPEN, ACKNOWLEDGED, RESPONDING, STABILIZED). LOW when there is neither.
 * Call it inside the transaction that changed an assessment or a crisis, after the change;
 * emit CLIENT_RISK_CHANGED yourself when `changed`.
 *
 * It locks the client row first (lockClientForRiskLevel), so concurrent assessments and crises
 * for one client are derived one after the other, each seeing the others' committed rows. A
 * caller that took the lock earlier in this transaction passes the level it returned as
 * `locked` (nothing else writes the level while the lock is held): one statement fewer.
 * It does not bump Client.version: the level is derived, not edited, and a demographic edit
 * in flight must not fail as stale because an assessment was recorded meanwhile.
 */
export async function deriveClientRiskLevel(tx: Tx, clientId: string, locked?: RiskLevel): Promise<DerivedRiskLevel> {
  const previous = locked ?? (await lockClientForRiskLevel(tx, clientId));
  const latest = await tx.assessment.findFirst({
    where: { clientId, enteredInError: false },
    orderBy: [{ performedAt: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }],
    select: { riskLevel: true },
  });
  const crises = await tx.crisisEvent.findMany({
    where: { clientId, status: { in: [...OPEN_CRISIS_STATUSES] }, severity: { in: ['HIGH', 'CRITICAL'] } },
    select: { severity: true },
    distinct: ['severity'],
  });
  let riskLevel: RiskLevel = latest?.riskLevel ?? 'LOW';
  for (const crisis of crises) {
    const imposed = CRISIS_RISK[crisis.severity];
    if (imposed) riskLevel = higher(riskLevel, imposed);
  }
  if (riskLevel !== previous) {
    await tx.client.update({ where: { id: clientId }, data: { riskLevel } });
  }
  return { riskLevel, previous, changed: riskLevel !== previous };
}

/** Announces a derived risk level on the client's topic when it moved (CLIENT_RISK_CHANGED). */
export async function announceRisk(scope: MutationScope, clientId: string, derived: DerivedRiskLevel) {
  if (!derived.changed) return;
  await scope.emit({
    topic: topics.client(clientId),
    kind: 'CLIENT_RISK_CHANGED',
    payload: { clientId, from: derived.previous, to: derived.riskLevel },
  });
}

export interface NeedScoreInput {
  domain: NeedDomain;
  severity: number;
  note?: string | null;
}

export interface RecordAssessmentInput {
  caseId: string;
  type: AssessmentType;
  performedAt: Date;
  sources: AssessmentSource[];
  needScores?: NeedScoreInput[] | null;
  riskLevel: RiskLevel;
  summary?: string | null;
  clientMutationId?: string | null;
}

/** Checks the schema layer also makes, repeated for callers that use the service directly. */
function checkNeedScores(scores: NeedScoreInput[]) {
  const seen = new Set<NeedDomain>();
  scores.forEach((score, i) => {
    if (!Number.isInteger(score.severity) || score.severity < 0 || score.severity > MAX_NEED_SEVERITY) {
      throw new ValidationError(`Severity is a whole number from 0 (no need) to ${MAX_NEED_SEVERITY} (critical)`, `needScores.${i}.severity`);
    }
    if (seen.has(score.domain)) throw new ValidationError(`${score.domain} is scored more than once`, `needScores.${i}.domain`);
    seen.add(score.domain);
  });
}

export function recordAssessment(input: RecordAssessmentInput, ctx: Context) {
  return runCreate(ctx, 'recordAssessment', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, clientId: true, status: true, openedAt: true });
    if (kase.status === 'CLOSED') throw new RuleViolationError('A closed case takes no new assessments', 'CASE_CLOSED');
    if (input.performedAt.getTime() > Date.now() + CLOCK_SKEW_MS) {
      throw new ValidationError('An assessment cannot be performed in the future', 'performedAt');
    }
    if (input.performedAt < kase.openedAt) {
      throw new ValidationError(`An assessment cannot predate its case (opened ${kase.openedAt.toISOString()})`, 'performedAt');
    }
    if (input.sources.length === 0) throw new ValidationError('Name at least one source reviewed', 'sources');
    const scores = input.needScores ?? [];
    checkNeedScores(scores);
    // One client's assessments are recorded one at a time: the risk level derived below then
    // always sees every committed assessment.
    const locked = await lockClientForRiskLevel(tx, kase.clientId);
    const assessment = await tx.assessment.create({
      data: {
        caseId: kase.id,
        clientId: kase.clientId,
        type: input.type,
        performedById: viewer.id,
        performedAt: input.performedAt,
        sources: [...new Set(input.sources)],
        riskLevel: input.riskLevel,
        summary: input.summary ?? null,
        needScores: { create: scores.map((s) => ({ domain: s.domain, severity: s.severity, note: s.note ?? null })) },
      },
      select: { id: true },
    });
    const derived = await deriveClientRiskLevel(tx, kase.clientId, locked);
    await scope.audit({ action: 'CREATE', entityType: 'Assessment', entityId: assessment.id, clientId: kase.clientId });
    await scope.emit({
      topic: topics.case(kase.id),
      kind: 'ASSESSMENT_RECORDED',
      payload: { caseId: kase.id, assessmentId: assessment.id, type: input.type, riskLevel: input.riskLevel },
    });
    await announceRisk(scope, kase.clientId, derived);
    return assessment;
  });
}

/**
 * An assessment recorded by mistake (wrong client, wrong case) stays, flagged, and stops
 * counting: the client's risk level is derived again. Its author or a supervisor may do it.
 */
export function markAssessmentEnteredInError(
  input: { assessmentId: string; reason: string; expectedVersion?: number | null },
  ctx: Context,
) {
  return runMutation(ctx, 'markAssessmentEnteredInError', async (scope) => {
    const { tx, viewer } = scope;
    const assessment = await tx.assessment.findUnique({
      where: { id: input.assessmentId },
      select: { id: true, version: true, caseId: true, clientId: true, performedById: true, enteredInError: true },
    });
    if (!assessment) throw new NotFoundError('Assessment', input.assessmentId);
    try {
      await findCaseForViewer(tx, viewer, assessment.caseId, { id: true });
    } catch (error) {
      // Answer about the assessment, exactly as for a missing one.
      if (error instanceof NotFoundError) throw new NotFoundError('Assessment', input.assessmentId, assessment.clientId);
      throw error;
    }
    if (assessment.performedById !== viewer.id && !isSupervisor(viewer)) {
      throw new ForbiddenError('Only the author of an assessment or a supervisor may mark it entered in error');
    }
    if (assessment.enteredInError) {
      throw new RuleViolationError('This assessment is already marked entered in error', 'ALREADY_ENTERED_IN_ERROR');
    }
    await updateVersioned('Assessment', assessment, input.expectedVersion, (where) =>
      tx.assessment.update({ where, data: { enteredInError: true, version: { increment: 1 } } }),
    );
    const derived = await deriveClientRiskLevel(tx, assessment.clientId);
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'Assessment',
      entityId: assessment.id,
      clientId: assessment.clientId,
      reason: `entered in error: ${input.reason}`,
    });
    await scope.emit({
      topic: topics.case(assessment.caseId),
      kind: 'ASSESSMENT_ENTERED_IN_ERROR',
      payload: { caseId: assessment.caseId, assessmentId: assessment.id },
    });
    await announceRisk(scope, assessment.clientId, derived);
    return { id: assessment.id };
  });
}
