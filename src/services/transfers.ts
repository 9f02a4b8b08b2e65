// Case transfer to another case manager or organization. Handing a case to another
// organization shares the client's record with it: that needs the client's active consent,
// for GENERAL information and for every restricted category the case holds.
import { findCaseForViewer, isSupervisor } from '../auth/access.js';
import type { Context } from '../context.js';
import { ConsentRequiredError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { ConsentCategory } from '../generated/prisma/enums.js';
import { assertApprovedIfRequired } from './approvals.js';
import { runMutation, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';

async function assertConsentToShare(tx: Tx, caseId: string, clientId: string, organizationId: string) {
  const restricted = await tx.interaction.findMany({
    where: { caseId, sensitivity: 'RESTRICTED', enteredInError: false, sensitiveCategory: { not: null } },
    select: { sensitiveCategory: true },
    distinct: ['sensitiveCategory'],
  });
  const needed = new Set<ConsentCategory>(['GENERAL', ...restricted.map((r) => r.sensitiveCategory!)]);
  const now = new Date();
  const organization = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { name: true } });
  for (const category of needed) {
    const consent = await tx.consent.findFirst({
      where: {
        clientId,
        category,
        granteeOrganizationId: organizationId,
        status: 'ACTIVE',
        periodStart: { lte: now },
        OR: [{ periodEnd: null }, { periodEnd: { gt: now } }],
      },
      select: { id: true },
    });
    if (!consent) throw new ConsentRequiredError(category, organization.name);
  }
}

export function proposeCaseTransfer(
  input: { caseId: string; toStaffId?: string | null; toOrganizationId?: string | null; reason: string },
  ctx: Context,
) {
  return runMutation(ctx, 'proposeCaseTransfer', async (scope) => {
    const { tx, viewer } = scope;
    const kase = await findCaseForViewer(tx, viewer, input.caseId, {
      id: true, status: true, clientId: true, organizationId: true, primaryCaseManagerId: true,
    });
    if (kase.status === 'CLOSED') throw new RuleViolationError('A closed case is not transferred', 'CASE_CLOSED');
    if (!input.toStaffId && !input.toOrganizationId) {
      throw new ValidationError('Name the case manager or the organization to transfer to', 'toStaffId');
    }
    const toOrganizationId = input.toOrganizationId ?? kase.organizationId;
    if (input.toStaffId) {
      const staff = await tx.staffMember.findFirst({ where: { id: input.toStaffId, organizationId: toOrganizationId, active: true } });
      if (!staff) throw new ValidationError('No active staff member of the receiving organization has this id', 'toStaffId');
      if (staff.id === kase.primaryCaseManagerId && toOrganizationId === kase.organizationId) {
        throw new ValidationError('This staff member already manages the case', 'toStaffId');
      }
    }
    const crossOrganization = toOrganizationId !== kase.organizationId;
    if (crossOrganization) {
      if (!(await tx.organization.findUnique({ where: { id: toOrganizationId } }))) {
        throw new ValidationError('No organization has this id', 'toOrganizationId');
      }
      await assertConsentToShare(tx, kase.id, kase.clientId, toOrganizationId);
    }
    const pending = await tx.caseTransfer.findFirst({ where: { caseId: kase.id, status: 'PROPOSED' } });
    if (pending) throw new RuleViolationError('A transfer of this case is already proposed', 'TRANSFER_PENDING');
    const transfer = await tx.caseTransfer.create({
      data: {
        caseId: kase.id,
        fromStaffId: kase.primaryCaseManagerId,
        toStaffId: input.toStaffId ?? null,
        fromOrganizationId: kase.organizationId,
        toOrganizationId: crossOrganization ? toOrganizationId : null,
        reason: input.reason,
        consentChecked: crossOrganization,
        proposedById: viewer.id,
      },
    });
    await scope.audit({ action: 'CREATE', entityType: 'CaseTransfer', entityId: transfer.id, clientId: kase.clientId, reason: input.reason });
    await scope.emit({ topic: topics.case(kase.id), kind: 'TRANSFER_PROPOSED', payload: { transferId: transfer.id, caseId: kase.id } });
    if (input.toStaffId) await scope.emit({ topic: topics.staff(input.toStaffId), kind: 'TRANSFER_PROPOSED', payload: { transferId: transfer.id, caseId: kase.id } });
    return transfer;
  });
}

/** The receiving case manager, or a supervisor of the receiving organization. */
async function transferForDecision(tx: Tx, ctx: Context, transferId: string) {
  const viewer = ctx.viewer!;
  const transfer = await tx.caseTransfer.findUnique({ where: { id: transferId }, include: { case: { select: { clientId: true } } } });
  const receivingOrg = transfer?.toOrganizationId ?? transfer?.fromOrganizationId;
  const mayDecide = transfer && (transfer.toStaffId === viewer.id || (isSupervisor(viewer) && viewer.organizationId === receivingOrg));
  if (!transfer || !mayDecide) throw new NotFoundError('CaseTransfer', transferId);
  if (transfer.status !== 'PROPOSED') {
    throw new RuleViolationError(`This transfer was already ${transfer.status.toLowerCase()}`, 'ALREADY_DECIDED');
  }
  return transfer;
}

export function acceptCaseTransfer(input: { transferId: string; reason?: string | null }, ctx: Context) {
  return runMutation(ctx, 'acceptCaseTransfer', async (scope) => {
    const { tx, viewer } = scope;
    const transfer = await transferForDecision(tx, ctx, input.transferId);
    await assertApprovedIfRequired(tx, transfer.fromOrganizationId, 'CASE_TRANSFER', transfer.id);
    const now = new Date();
    const newPrimary = transfer.toStaffId ?? viewer.id;
    if (transfer.toOrganizationId) {
      // Another organization takes over: the old care team hands over and loses access.
      await tx.careTeamMember.updateMany({ where: { caseId: transfer.caseId, endedAt: null }, data: { endedAt: now } });
    } else {
      await tx.careTeamMember.updateMany({
        where: { caseId: transfer.caseId, endedAt: null, role: 'PRIMARY_CASE_MANAGER' },
        data: { role: 'CASE_MANAGER' },
      });
      await tx.careTeamMember.updateMany({ where: { caseId: transfer.caseId, endedAt: null, staffId: newPrimary }, data: { endedAt: now } });
    }
    await tx.careTeamMember.create({ data: { caseId: transfer.caseId, staffId: newPrimary, role: 'PRIMARY_CASE_MANAGER', startedAt: now } });
    await tx.case.update({
      where: { id: transfer.caseId },
      data: {
        primaryCaseManagerId: newPrimary,
        ...(transfer.toOrganizationId ? { organizationId: transfer.toOrganizationId, teamId: null } : {}),
        version: { increment: 1 },
      },
    });
    const accepted = await tx.caseTransfer.update({
      where: { id: transfer.id },
      data: { status: 'ACCEPTED', decidedById: viewer.id, decidedAt: now, toStaffId: newPrimary, version: { increment: 1 } },
    });
    await scope.audit({ action: 'STATUS_CHANGE', entityType: 'CaseTransfer', entityId: transfer.id, clientId: transfer.case.clientId, reason: input.reason ? `ACCEPTED: ${input.reason}` : 'ACCEPTED' });
    await scope.emit({ topic: topics.case(transfer.caseId), kind: 'TRANSFER_ACCEPTED', payload: { transferId: transfer.id, caseId: transfer.caseId } });
    await scope.emit({ topic: topics.staff(newPrimary), kind: 'CASE_ASSIGNED', payload: { caseId: transfer.caseId } });
    return accepted;
  });
}

export function rejectCaseTransfer(input: { transferId: string; reason?: string | null }, ctx: Context) {
  return runMutation(ctx, 'rejectCaseTransfer', async (scope) => {
    const { tx, viewer } = scope;
    const transfer = await transferForDecision(tx, ctx, input.transferId);
    const rejected = await tx.caseTransfer.update({
      where: { id: transfer.id },
      data: { status: 'REJECTED', decidedById: viewer.id, decidedAt: new Date(), version: { increment: 1 } },
    });
    await scope.audit({ action: 'STATUS_CHANGE', entityType: 'CaseTransfer', entityId: transfer.id, clientId: transfer.case.clientId, reason: input.reason ? `REJECTED: ${input.reason}` : 'REJECTED' });
    await scope.emit({ topic: topics.case(transfer.caseId), kind: 'TRANSFER_REJECTED', payload: { transferId: transfer.id, caseId: transfer.caseId } });
    return rejected;
  });
}
