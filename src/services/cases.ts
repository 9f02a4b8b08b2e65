// Cases: opening, assignment, care team and status. The care team is what grants access.
import { findCaseForViewer, findClientForViewer, isClinician } from '../auth/access.js';
import type { Context } from '../context.js';
import { ForbiddenError, RuleViolationError, ValidationError } from '../errors.js';
import type { CareTeamRole, CasePriority, CaseStatus, Setting } from '../generated/prisma/enums.js';
import { assertApprovedIfRequired } from './approvals.js';
import { caseMachine } from './workflow/machines/case.js';
import { runCreate, runMutation, type MutationScope, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

const CASE_MANAGER_ROLES = ['CASE_MANAGER', 'SOCIAL_WORKER', 'SUPERVISOR', 'NURSE', 'COUNSELOR'] as const;
// NO_SHOW counts: a missed appointment is usually rescheduled.
const IN_FLIGHT_REFERRALS = ['SENT', 'ACCEPTED', 'SCHEDULED', 'IN_PROGRESS', 'NO_SHOW'] as const;
const OPEN_CRISES = ['OPEN', 'ACKNOWLEDGED', 'RESPONDING', 'STABILIZED'] as const;

async function activeColleague(tx: Tx, organizationId: string, staffId: string, field: string) {
  const staff = await tx.staffMember.findFirst({
    where: { id: staffId, organizationId, active: true },
    select: { id: true, roles: true },
  });
  if (!staff) throw new ValidationError('No active staff member of this organization has this id', field);
  return staff;
}

async function announce(scope: MutationScope, caseId: string, kind: string, payload: Record<string, unknown> = {}) {
  await scope.emit({ topic: topics.case(caseId), kind, payload: { caseId, ...payload } });
}

export interface OpenCaseInput {
  clientId: string;
  teamId?: string | null;
  setting?: Setting | null;
  priority?: CasePriority | null;
  summary?: string | null;
  primaryCaseManagerId?: string | null;
  status?: 'REFERRED' | 'INTAKE' | null;
  clientMutationId?: string | null;
}

export function openCase(input: OpenCaseInput, ctx: Context) {
  return runCreate(ctx, 'openCase', input.clientMutationId, async (scope) => {
    const { tx, viewer } = scope;
    if (!isClinician(viewer)) throw new ForbiddenError('Only clinical staff open cases');
    const client = await findClientForViewer(tx, viewer, input.clientId, { id: true, status: true });
    if (client.status === 'DECEASED') throw new RuleViolationError('The client is deceased', 'CLIENT_DECEASED');
    const organization = await tx.organization.findUniqueOrThrow({
      where: { id: viewer.organizationId },
      select: { id: true, setting: true },
    });
    if (input.teamId) {
      const team = await tx.team.findFirst({ where: { id: input.teamId, organizationId: organization.id } });
      if (!team) throw new ValidationError('No team of your organization has this id', 'teamId');
    }
    const primaryId = input.primaryCaseManagerId ?? viewer.id;
    const primary = await activeColleague(tx, organization.id, primaryId, 'primaryCaseManagerId');
    if (!primary.roles.some((role) => (CASE_MANAGER_ROLES as readonly string[]).includes(role))) {
      throw new ValidationError('The primary case manager must hold a case-management role', 'primaryCaseManagerId');
    }
    const careTeam: Array<{ staffId: string; role: CareTeamRole }> = [{ staffId: primary.id, role: 'PRIMARY_CASE_MANAGER' }];
    // Whoever opens a case for a colleague stays on its care team (and so keeps access).
    if (primary.id !== viewer.id) careTeam.push({ staffId: viewer.id, role: 'CASE_MANAGER' });
    const created = await tx.case.create({
      data: {
        clientId: client.id,
        organizationId: organization.id,
        teamId: input.teamId ?? null,
        setting: input.setting ?? organization.setting,
        priority: input.priority ?? 'ROUTINE',
        status: input.status ?? 'INTAKE',
        summary: input.summary ?? null,
        primaryCaseManagerId: primary.id,
        careTeam: { create: careTeam },
      },
      select: { id: true, clientId: true },
    });
    await scope.audit({ action: 'CREATE', entityType: 'Case', entityId: created.id, clientId: client.id });
    await announce(scope, created.id, 'CASE_OPENED');
    await scope.emit({ topic: topics.staff(primary.id), kind: 'CASE_ASSIGNED', payload: { caseId: created.id } });
    return created;
  });
}

export function assignCase(input: { caseId: string; staffId: string; expectedVersion?: number | null }, ctx: Context) {
  return runMutation(ctx, 'assignCase', async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, {
      id: true, version: true, status: true, clientId: true, organizationId: true, primaryCaseManagerId: true,
    });
    if (kase.status === 'CLOSED') throw new RuleViolationError('A closed case cannot be reassigned', 'CASE_CLOSED');
    const staff = await activeColleague(tx, kase.organizationId, input.staffId, 'staffId');
    const now = new Date();
    await updateVersioned('Case', kase, input.expectedVersion, (where) =>
      tx.case.update({ where, data: { primaryCaseManagerId: staff.id, version: { increment: 1 } } }),
    );
    // The previous primary stays on the team as a case manager; the new one becomes primary.
    await tx.careTeamMember.updateMany({
      where: { caseId: kase.id, role: 'PRIMARY_CASE_MANAGER', endedAt: null, staffId: { not: staff.id } },
      data: { role: 'CASE_MANAGER', version: { increment: 1 } },
    });
    const existing = await tx.careTeamMember.findFirst({ where: { caseId: kase.id, staffId: staff.id, endedAt: null } });
    if (existing) {
      await tx.careTeamMember.update({ where: { id: existing.id }, data: { role: 'PRIMARY_CASE_MANAGER', version: { increment: 1 } } });
    } else {
      await tx.careTeamMember.create({ data: { caseId: kase.id, staffId: staff.id, role: 'PRIMARY_CASE_MANAGER', startedAt: now } });
    }
    await scope.audit({ action: 'UPDATE', entityType: 'Case', entityId: kase.id, clientId: kase.clientId, reason: `assigned to ${staff.id}` });
    await announce(scope, kase.id, 'CASE_ASSIGNED', { staffId: staff.id });
    await scope.emit({ topic: topics.staff(staff.id), kind: 'CASE_ASSIGNED', payload: { caseId: kase.id } });
    return { id: kase.id };
  });
}

export function addCareTeamMember(input: { caseId: string; staffId: string; role: CareTeamRole }, ctx: Context) {
  return runMutation(ctx, 'addCareTeamMember', async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, status: true, clientId: true, organizationId: true });
    if (kase.status === 'CLOSED') throw new RuleViolationError('A closed case has no care team changes', 'CASE_CLOSED');
    if (input.role === 'PRIMARY_CASE_MANAGER') {
      throw new ValidationError('Use assignCase to change the primary case manager', 'role');
    }
    // Any organization's staff: care teams span agencies (a hospital nurse on a school's case).
    const staff = await tx.staffMember.findFirst({ where: { id: input.staffId, active: true }, select: { id: true } });
    if (!staff) throw new ValidationError('No active staff member has this id', 'staffId');
    const already = await tx.careTeamMember.findFirst({ where: { caseId: kase.id, staffId: staff.id, endedAt: null } });
    if (already) throw new ValidationError('This staff member is already on the care team', 'staffId');
    const member = await tx.careTeamMember.create({ data: { caseId: kase.id, staffId: staff.id, role: input.role } });
    await scope.audit({ action: 'CREATE', entityType: 'CareTeamMember', entityId: member.id, clientId: kase.clientId });
    await announce(scope, kase.id, 'CARE_TEAM_CHANGED', { staffId: staff.id, change: 'ADDED' });
    await scope.emit({ topic: topics.staff(staff.id), kind: 'CASE_ASSIGNED', payload: { caseId: kase.id } });
    return member;
  });
}

export function removeCareTeamMember(input: { careTeamMemberId: string; reason?: string | null }, ctx: Context) {
  return runMutation(ctx, 'removeCareTeamMember', async (scope) => {
    const { tx, viewer } = scope;
    const member = await tx.careTeamMember.findUnique({ where: { id: input.careTeamMemberId } });
    // Checked through the case so that an outsider learns nothing about the member id.
    const kase = await findCaseForViewer(tx, viewer, member?.caseId ?? input.careTeamMemberId, { id: true, clientId: true });
    if (!member || member.endedAt) throw new ValidationError('This care team membership has already ended', 'careTeamMemberId');
    if (member.role === 'PRIMARY_CASE_MANAGER') {
      throw new RuleViolationError('Assign another primary case manager before removing this one', 'PRIMARY_REQUIRED');
    }
    const ended = await tx.careTeamMember.update({
      where: { id: member.id },
      data: { endedAt: new Date(), version: { increment: 1 } },
    });
    await scope.audit({ action: 'UPDATE', entityType: 'CareTeamMember', entityId: member.id, clientId: kase.clientId, reason: input.reason });
    await announce(scope, kase.id, 'CARE_TEAM_CHANGED', { staffId: member.staffId, change: 'REMOVED' });
    return ended;
  });
}

export function changeCaseStatus(
  input: { caseId: string; status: CaseStatus; expectedVersion?: number | null; reason?: string | null },
  ctx: Context,
) {
  return runMutation(ctx, 'changeCaseStatus', async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, { id: true, version: true, status: true, clientId: true });
    caseMachine.assert(kase.status, input.status);
    if (input.status === 'CLOSED') {
      throw new RuleViolationError('Close a case with closeCase, which checks open crises and referrals', 'USE_CLOSE_CASE');
    }
    await updateVersioned('Case', kase, input.expectedVersion, (where) =>
      tx.case.update({ where, data: { status: input.status, version: { increment: 1 } } }),
    );
    await scope.audit({ action: 'STATUS_CHANGE', entityType: 'Case', entityId: kase.id, clientId: kase.clientId, reason: input.reason ?? `${kase.status} -> ${input.status}` });
    await announce(scope, kase.id, 'CASE_STATUS_CHANGED', { from: kase.status, to: input.status });
    return { id: kase.id };
  });
}

export function closeCase(
  input: { caseId: string; reason: string; expectedVersion?: number | null; force?: boolean | null; forceReason?: string | null },
  ctx: Context,
) {
  return runMutation(ctx, 'closeCase', async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, {
      id: true, version: true, status: true, clientId: true, organizationId: true,
    });
    caseMachine.assert(kase.status, 'CLOSED');
    const [openCrises, referralsInFlight, openPlans] = await Promise.all([
      tx.crisisEvent.count({ where: { caseId: kase.id, status: { in: [...OPEN_CRISES] } } }),
      tx.referral.count({ where: { caseId: kase.id, status: { in: [...IN_FLIGHT_REFERRALS] } } }),
      tx.carePlan.count({ where: { caseId: kase.id, status: { in: ['ACTIVE', 'ON_HOLD'] } } }),
    ]);
    if ((openCrises > 0 || referralsInFlight > 0 || openPlans > 0) && !input.force) {
      const what = [
        openCrises && `${openCrises} open crisis(es)`,
        referralsInFlight && `${referralsInFlight} referral(s) in flight`,
        openPlans && `${openPlans} care plan(s) still active or on hold`,
      ]
        .filter(Boolean)
        .join(' and ');
      throw new RuleViolationError(`The case has ${what}; resolve them or close with force and a reason`, 'OPEN_WORK');
    }
    if (input.force && !input.forceReason?.trim()) {
      throw new ValidationError('A forced closure needs a reason', 'forceReason');
    }
    await assertApprovedIfRequired(tx, kase.organizationId, 'CASE_CLOSURE', kase.id);
    const now = new Date();
    await updateVersioned('Case', kase, input.expectedVersion, (where) =>
      tx.case.update({ where, data: { status: 'CLOSED', closedAt: now, closureReason: input.reason, version: { increment: 1 } } }),
    );
    await scope.audit({
      action: 'STATUS_CHANGE',
      entityType: 'Case',
      entityId: kase.id,
      clientId: kase.clientId,
      reason: input.force ? `forced closure: ${input.forceReason}` : input.reason,
    });
    await announce(scope, kase.id, 'CASE_CLOSED', { from: kase.status, forced: !!input.force });
    return { id: kase.id };
  });
}
