// Crises: emergencies of a client (suicide risk, abuse, overdose, housing loss...), with or
// without a case. A HIGH or CRITICAL crisis raises the client's risk level and starts an
// acknowledgement clock (escalationDueAt); every status change is logged as a CrisisAction
// and announced on the organization's crisis feed, and on the case when there is one.
import { caseWhere, clientWhere, findCaseForViewer, findClientForViewer, isClinician, isSupervisor } from '../auth/access.js';
import type { Viewer } from '../auth/viewer.js';
import type { Context } from '../context.js';
import type { Prisma } from '../db.js';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { CrisisCategory, CrisisSeverity, CrisisStatus, RiskLevel } from '../generated/prisma/enums.js';
import { announceRisk, deriveClientRiskLevel, lockClientForRiskLevel } from './assessments.js';
import { ACTIVE_CRISIS_STATUSES, crisisMachine } from './workflow/machines/crisis.js';
import { runCreate, runMutation, type MutationScope, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { checkVersion, updateVersioned } from './workflow/versioning.js';
import { filterTime } from '../clock.js';

const MINUTE_MS = 60 * 1000;

/** How long a crisis may stay unacknowledged before it is escalated to supervisors. */
export const ACKNOWLEDGE_WITHIN_MS: Partial<Record<CrisisSeverity, number>> = {
  HIGH: 15 * MINUTE_MS,
  CRITICAL: 5 * MINUTE_MS,
};

const NOTHING = { id: { in: [] as string[] } };

/**
 * Who sees a crisis: clinicians who may see any case of the client (so a crisis without a
 * case reaches the client's care teams too), supervisors of the crisis's organization,
 * clinicians holding an unexpired break-glass grant for the client, and whoever reported it
 * while they may still see the client.
 */
export function crisisWhere(viewer: Viewer, within: { organizationId?: string } = {}, now = filterTime()): Prisma.CrisisEventWhereInput {
  if (!isClinician(viewer)) return NOTHING;
  // Within an organization the viewer supervises, they see every crisis: no other arm needs
  // evaluating, and their joins of Client would cost a supervisor's crisis board a hash of every client.
  if (within.organizationId === viewer.organizationId && isSupervisor(viewer)) return { organizationId: viewer.organizationId };
  // The cheap test first: PostgreSQL evaluates OR arms in order and stops at the first true.
  const or: Prisma.CrisisEventWhereInput[] = isSupervisor(viewer) ? [{ organizationId: viewer.organizationId }] : [];
  or.push(
    { client: { cases: { some: caseWhere(viewer) } } },
    { client: { breakGlassGrants: { some: { staffId: viewer.id, expiresAt: { gt: now } } } } },
    { reportedById: viewer.id, client: clientWhere(viewer) },
  );
  return { OR: or };
}

const CRISIS_CONTEXT = {
  id: true,
  version: true,
  status: true,
  severity: true,
  category: true,
  clientId: true,
  caseId: true,
  organizationId: true,
  acknowledgedAt: true,
  clinicalAssessment: true,
  responsePlan: true,
  resolution: true,
} satisfies Prisma.CrisisEventSelect;

type CrisisContext = Prisma.CrisisEventGetPayload<{ select: typeof CRISIS_CONTEXT }>;

/** Throws the same NotFound for a missing crisis and for one the viewer may not see. */
export async function findCrisisForViewer(tx: Tx, viewer: Viewer, crisisId: string): Promise<CrisisContext> {
  const crisis = await tx.crisisEvent.findFirst({ where: { id: crisisId, AND: [crisisWhere(viewer)] }, select: CRISIS_CONTEXT });
  if (crisis) return crisis;
  const existing = await tx.crisisEvent.findUnique({ where: { id: crisisId }, select: { clientId: true } });
  throw new NotFoundError('CrisisEvent', crisisId, existing ? existing.clientId : undefined);
}

// ------------------------------------------------------------------ risk level

/**
 * Recomputes the client's risk level (deriveClientRiskLevel of the assessment work: the highest
 * of the latest assessment's and what open HIGH / CRITICAL crises impose) and announces it on
 * the client's topic when it moved. Call it after the crisis row is written; `locked`: the level
 * lockClientForRiskLevel returned earlier in this transaction, if it was called.
 */
async function refreshRiskLevel(scope: MutationScope, clientId: string, locked?: RiskLevel) {
  await announceRisk(scope, clientId, await deriveClientRiskLevel(scope.tx, clientId, locked));
}

// ------------------------------------------------------------------ announcements

function crisisPayload(crisis: Pick<CrisisContext, 'id' | 'clientId' | 'caseId' | 'organizationId' | 'severity' | 'category'>, status: CrisisStatus) {
  return {
    crisisId: crisis.id,
    clientId: crisis.clientId,
    caseId: crisis.caseId,
    organizationId: crisis.organizationId,
    severity: crisis.severity,
    category: crisis.category,
    status,
  };
}

/** Always on the organization's crisis feed; on the case too when there is one. */
async function announce(scope: MutationScope, caseId: string | null, organizationId: string, kind: string, payload: Record<string, unknown>) {
  await scope.emit({ topic: topics.crisisOrganization(organizationId), kind, payload });
  if (caseId) await scope.emit({ topic: topics.case(caseId), kind, payload });
}

// ------------------------------------------------------------------ raise

export interface RaiseCrisisInput {
  clientId: string;
  caseId?: string | null;
  category: CrisisCategory;
  severity: CrisisSeverity;
  description: string;
  clientMutationId?: string | null;
}

export function raiseCrisis(input: RaiseCrisisInput, ctx: Context) {
  return runCreate(ctx, 'raiseCrisis', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    if (!isClinician(viewer)) throw new ForbiddenError('Only clinical staff raise crises');
    const client = await findClientForViewer(tx, viewer, input.clientId, { id: true, status: true });
    if (client.status === 'DECEASED') throw new RuleViolationError('The client is deceased', 'CLIENT_DECEASED');
    // Take the client row lock of the risk derivation before inserting the crisis, so that
    // concurrent raises for one client queue here instead of meeting later.
    const locked = await lockClientForRiskLevel(tx, client.id);
    let kase: { id: string; clientId: string; organizationId: string; status: string } | null = null;
    if (input.caseId) {
      kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, clientId: true, organizationId: true, status: true });
      if (kase.clientId !== client.id) throw new ValidationError('This case is not a case of the client', 'caseId');
      if (kase.status === 'CLOSED') {
        throw new RuleViolationError('The case is closed: raise the crisis for the client without the case', 'CASE_CLOSED');
      }
    }
    const organizationId = kase?.organizationId ?? viewer.organizationId;
    const reportedAt = new Date();
    const within = ACKNOWLEDGE_WITHIN_MS[input.severity];
    const crisis = await tx.crisisEvent.create({
      data: {
        clientId: client.id,
        caseId: kase?.id ?? null,
        organizationId,
        category: input.category,
        severity: input.severity,
        status: 'OPEN',
        description: input.description,
        reportedById: viewer.id,
        reportedAt,
        escalationDueAt: within ? new Date(reportedAt.getTime() + within) : null,
      },
      select: CRISIS_CONTEXT,
    });
    // Not a nested create: Prisma then reads the crisis back after both INSERTs, where a flat
    // one returns it from its own INSERT (one statement fewer).
    await tx.crisisAction.create({
      data: { crisisId: crisis.id, actorId: viewer.id, at: reportedAt, action: 'Crisis raised', fromStatus: null, toStatus: 'OPEN' },
      select: { id: true },
    });
    await refreshRiskLevel(scope, client.id, locked);
    await scope.audit({ action: 'CREATE', entityType: 'CrisisEvent', entityId: crisis.id, clientId: client.id });
    await announce(scope, crisis.caseId, organizationId, 'CRISIS_RAISED', crisisPayload(crisis, 'OPEN'));
    return { id: crisis.id };
  });
}

// ------------------------------------------------------------------ status

export interface ChangeCrisisStatusInput {
  crisisId: string;
  status: CrisisStatus;
  note?: string | null;
  clinicalAssessment?: string | null;
  responsePlan?: string | null;
  resolution?: string | null;
  expectedVersion?: number | null;
}

const present = (text: string | null | undefined): text is string => typeof text === 'string' && text.trim().length > 0;

async function moveCrisis(scope: MutationScope, crisis: CrisisContext, input: ChangeCrisisStatusInput) {
  const { tx, viewer } = scope;
  const from = crisis.status;
  const to = input.status;
  checkVersion('CrisisEvent', crisis, input.expectedVersion);
  crisisMachine.assert(from, to);
  const now = new Date();
  const data: Prisma.CrisisEventUncheckedUpdateInput = { status: to, version: { increment: 1 } };
  if (present(input.clinicalAssessment)) data.clinicalAssessment = input.clinicalAssessment;
  if (present(input.responsePlan)) data.responsePlan = input.responsePlan;
  if (present(input.resolution)) {
    if (to !== 'RESOLVED') throw new ValidationError('A resolution is recorded when the crisis moves to RESOLVED', 'resolution');
    data.resolution = input.resolution;
  }
  // Acknowledging, or answering an open crisis at once, stops the response clock.
  if (crisis.acknowledgedAt === null && (to === 'ACKNOWLEDGED' || from === 'OPEN')) {
    data.acknowledgedById = viewer.id;
    data.acknowledgedAt = now;
    data.escalationDueAt = null;
  }
  let action = input.note?.trim() || null;
  if (to === 'RESOLVED') {
    const required = {
      clinicalAssessment: present(input.clinicalAssessment) ? input.clinicalAssessment : crisis.clinicalAssessment,
      responsePlan: present(input.responsePlan) ? input.responsePlan : crisis.responsePlan,
      resolution: input.resolution,
    };
    for (const [field, value] of Object.entries(required)) {
      if (!present(value)) throw new ValidationError(`Resolving a crisis needs ${field}`, field);
    }
    data.resolvedAt = now;
  }
  if (from === 'RESOLVED' && to === 'RESPONDING') {
    // A relapse: the earlier resolution stays in the action log, not on the crisis.
    data.resolvedAt = null;
    data.resolution = null;
    action ??= `Flared up again after resolution: ${crisis.resolution ?? ''}`.trim();
  }
  if (to === 'CLOSED') data.closedAt = now;
  action ??= to === 'ACKNOWLEDGED' ? 'Acknowledged' : `Status changed from ${from} to ${to}`;

  await updateVersioned('CrisisEvent', crisis, input.expectedVersion, (where) => tx.crisisEvent.update({ where, data, select: { id: true } }));
  await tx.crisisAction.create({ data: { crisisId: crisis.id, actorId: viewer.id, at: now, action, fromStatus: from, toStatus: to } });
  if (ACTIVE_CRISIS_STATUSES.includes(from) !== ACTIVE_CRISIS_STATUSES.includes(to)) {
    await refreshRiskLevel(scope, crisis.clientId);
  }
  await scope.audit({
    action: 'STATUS_CHANGE',
    entityType: 'CrisisEvent',
    entityId: crisis.id,
    clientId: crisis.clientId,
    reason: input.note?.trim() || `${from} -> ${to}`,
  });
  const kind = to === 'ACKNOWLEDGED' ? 'CRISIS_ACKNOWLEDGED' : 'CRISIS_STATUS_CHANGED';
  await announce(scope, crisis.caseId, crisis.organizationId, kind, { ...crisisPayload(crisis, to), from });
  return { id: crisis.id };
}

/** OPEN -> ACKNOWLEDGED: records who and when, and stops the escalation clock. */
export function acknowledgeCrisis(input: { crisisId: string; note?: string | null; expectedVersion?: number | null }, ctx: Context) {
  return runMutation(ctx, 'acknowledgeCrisis', async (scope) => {
    const crisis = await findCrisisForViewer(scope.tx, scope.viewer, input.crisisId);
    return moveCrisis(scope, crisis, { ...input, status: 'ACKNOWLEDGED' });
  });
}

/** Any move the crisis machine allows; RESOLVED needs a clinical assessment, a response plan and a resolution. */
export function changeCrisisStatus(input: ChangeCrisisStatusInput, ctx: Context) {
  return runMutation(ctx, 'changeCrisisStatus', async (scope) => {
    const crisis = await findCrisisForViewer(scope.tx, scope.viewer, input.crisisId);
    return moveCrisis(scope, crisis, input);
  });
}

// ------------------------------------------------------------------ action log

/** A free-text entry in the crisis's action log (what was done, by whom, when). */
export function addCrisisAction(input: { crisisId: string; action: string }, ctx: Context) {
  return runMutation(ctx, 'addCrisisAction', async (scope) => {
    const { tx, viewer } = scope;
    const crisis = await findCrisisForViewer(tx, viewer, input.crisisId);
    if (crisis.status === 'CLOSED') throw new RuleViolationError('The crisis is closed: its log is complete', 'CRISIS_CLOSED');
    const entry = await tx.crisisAction.create({
      data: { crisisId: crisis.id, actorId: viewer.id, at: new Date(), action: input.action },
      select: { id: true },
    });
    await scope.audit({ action: 'CREATE', entityType: 'CrisisAction', entityId: entry.id, clientId: crisis.clientId });
    const payload = { crisisId: crisis.id, crisisActionId: entry.id, clientId: crisis.clientId, caseId: crisis.caseId };
    await scope.emit({
      topic: crisis.caseId ? topics.case(crisis.caseId) : topics.client(crisis.clientId),
      kind: 'CRISIS_ACTION_ADDED',
      payload,
    });
    return { id: crisis.id, crisisActionId: entry.id };
  });
}
