// Supervisor tool: move many cases to one case manager in one transaction, through the mutation
// pipeline: one bad id, a closed case or a case of another organization moves nothing. Each case
// changes as assignCase changes one (the previous primary stays on the care team as a case
// manager), and each is audited and announced on its own.
import { caseWhere, isSupervisor } from '../../auth/access.js';
import type { Context } from '../../context.js';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../../errors.js';
import { runMutation } from '../workflow/mutation.js';
import { topics } from '../workflow/topics.js';

export const REASSIGN_MAX_CASES = 100;
// Who may be a primary case manager: as openCase decides (src/services/cases.ts).
const CASE_MANAGER_ROLES = ['CASE_MANAGER', 'SOCIAL_WORKER', 'SUPERVISOR', 'NURSE', 'COUNSELOR'] as const;

export interface ReassignCasesInput {
  caseIds: readonly string[];
  toStaffId: string;
  reason: string;
}

export function reassignCases(input: ReassignCasesInput, ctx: Context) {
  return runMutation(ctx, 'reassignCases', async (scope) => {
    const { tx, viewer } = scope;
    if (!isSupervisor(viewer)) throw new ForbiddenError('Only supervisors reassign cases');
    const caseIds = [...new Set(input.caseIds)];
    if (caseIds.length === 0 || caseIds.length > REASSIGN_MAX_CASES) throw new ValidationError(`Name 1 to ${REASSIGN_MAX_CASES} cases`, 'caseIds');
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > 500) throw new ValidationError('Give a reason of 1 to 500 characters', 'reason');
    const staff = await tx.staffMember.findFirst({ where: { id: input.toStaffId, organizationId: viewer.organizationId, active: true }, select: { id: true, roles: true } });
    if (!staff) throw new ValidationError('No active staff member of your organization has this id', 'toStaffId');
    if (!staff.roles.some((role) => (CASE_MANAGER_ROLES as readonly string[]).includes(role))) {
      throw new ValidationError('The new primary case manager must hold a case-managing role (case manager, social worker, supervisor, nurse or counselor)', 'toStaffId');
    }
    // The supervisor's own organization only (caseWhere alone would also let a care-team seat elsewhere through).
    const cases = await tx.case.findMany({
      where: { id: { in: caseIds }, organizationId: viewer.organizationId, AND: [caseWhere(viewer)] },
      select: { id: true, clientId: true, status: true, primaryCaseManagerId: true },
    });
    const found = new Map(cases.map((kase) => [kase.id, kase]));
    const missing = caseIds.find((id) => !found.has(id));
    if (missing) {
      const existing = await tx.case.findFirst({ where: { id: missing }, select: { clientId: true } });
      throw new NotFoundError('Case', missing, existing ? existing.clientId : undefined);
    }
    const closed = cases.find((kase) => kase.status === 'CLOSED');
    if (closed) throw new RuleViolationError(`Case ${closed.id} is closed and cannot be reassigned`, 'CASE_CLOSED');

    const now = new Date();
    for (const caseId of caseIds) {
      const kase = found.get(caseId)!;
      if (kase.primaryCaseManagerId === staff.id) continue;
      await tx.case.update({ where: { id: kase.id }, data: { primaryCaseManagerId: staff.id, version: { increment: 1 } } });
      await tx.careTeamMember.updateMany({
        where: { caseId: kase.id, role: 'PRIMARY_CASE_MANAGER', endedAt: null, staffId: { not: staff.id } },
        data: { role: 'CASE_MANAGER', version: { increment: 1 } },
      });
      const seat = await tx.careTeamMember.findFirst({ where: { caseId: kase.id, staffId: staff.id, endedAt: null }, select: { id: true } });
      if (seat) await tx.careTeamMember.update({ where: { id: seat.id }, data: { role: 'PRIMARY_CASE_MANAGER', version: { increment: 1 } } });
      else await tx.careTeamMember.create({ data: { caseId: kase.id, staffId: staff.id, role: 'PRIMARY_CASE_MANAGER', startedAt: now } });
      await scope.audit({ action: 'UPDATE', entityType: 'Case', entityId: kase.id, clientId: kase.clientId, reason: `reassigned to ${staff.id}: ${reason}` });
      await scope.emit({ topic: topics.case(kase.id), kind: 'CASE_ASSIGNED', payload: { caseId: kase.id, staffId: staff.id, fromStaffId: kase.primaryCaseManagerId } });
      await scope.emit({ topic: topics.staff(staff.id), kind: 'CASE_ASSIGNED', payload: { caseId: kase.id } });
    }
    return caseIds;
  });
}
