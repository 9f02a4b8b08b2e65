// Supervisor sign-off where the organization requires one (Organization.approvalRequiredFor):
// care plans, case closure, case transfers, assessments, and break-glass reviews.
import { findCaseForViewer, isSupervisor } from '../auth/access.js';
import type { Context } from '../context.js';
import { ForbiddenError, NotFoundError, RuleViolationError, ValidationError } from '../errors.js';
import type { ApprovalSubject } from '../generated/prisma/enums.js';
import { runMutation, type Tx } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

/** The case a subject belongs to (null for a break-glass review, which has none). */
async function caseOfSubject(tx: Tx, subject: ApprovalSubject, subjectId: string): Promise<string | null> {
  switch (subject) {
    case 'CASE_CLOSURE':
      return subjectId;
    case 'CARE_PLAN':
      return (await tx.carePlan.findUnique({ where: { id: subjectId }, select: { caseId: true } }))?.caseId ?? subjectId;
    case 'ASSESSMENT':
      return (await tx.assessment.findUnique({ where: { id: subjectId }, select: { caseId: true } }))?.caseId ?? subjectId;
    case 'CASE_TRANSFER':
      return (await tx.caseTransfer.findUnique({ where: { id: subjectId }, select: { caseId: true } }))?.caseId ?? subjectId;
    case 'BREAK_GLASS_REVIEW':
      return null;
  }
}

/** The client an approval concerns: its case's, or for a break-glass review its grant's. */
async function clientOfApproval(tx: Tx, approval: { id: string; caseId: string | null }): Promise<string | null> {
  if (approval.caseId) return (await tx.case.findUnique({ where: { id: approval.caseId }, select: { clientId: true } }))?.clientId ?? null;
  return (await tx.breakGlassGrant.findFirst({ where: { approvalId: approval.id }, select: { clientId: true } }))?.clientId ?? null;
}

/**
 * Throws unless the subject has an APPROVED sign-off, when its organization requires one.
 * Guarded transitions (closeCase, acceptCaseTransfer, ...) call it inside their transaction.
 */
export async function assertApprovedIfRequired(tx: Tx, organizationId: string, subject: ApprovalSubject, subjectId: string) {
  const organization = await tx.organization.findUniqueOrThrow({ where: { id: organizationId }, select: { approvalRequiredFor: true } });
  if (!organization.approvalRequiredFor.includes(subject)) return;
  const approved = await tx.approval.findFirst({ where: { subject, subjectId, status: 'APPROVED' }, select: { id: true } });
  if (!approved) {
    throw new RuleViolationError(
      `This organization requires a supervisor's approval (${subject}) first: requestApproval, then wait for the decision`,
      'APPROVAL_REQUIRED',
    );
  }
}

export function requestApproval(input: { subject: ApprovalSubject; subjectId: string; comment?: string | null }, ctx: Context) {
  return runMutation(ctx, 'requestApproval', async (scope) => {
    const { tx, viewer } = scope;
    if (input.subject === 'BREAK_GLASS_REVIEW') {
      throw new ValidationError('Break-glass reviews are opened by breakGlass itself', 'subject');
    }
    const caseId = await caseOfSubject(tx, input.subject, input.subjectId);
    const kase = await findCaseForViewer(tx, viewer, caseId!, { id: true, organizationId: true, clientId: true });
    const pending = await tx.approval.findFirst({ where: { subject: input.subject, subjectId: input.subjectId, status: 'PENDING' } });
    if (pending) throw new ValidationError('An approval for this is already pending', 'subjectId');
    const approval = await tx.approval.create({
      data: {
        organizationId: kase.organizationId,
        subject: input.subject,
        subjectId: input.subjectId,
        caseId: kase.id,
        requestedById: viewer.id,
        comment: input.comment ?? null,
      },
    });
    await scope.audit({ action: 'CREATE', entityType: 'Approval', entityId: approval.id, clientId: kase.clientId });
    await scope.emit({ topic: topics.organization(kase.organizationId), kind: 'APPROVAL_REQUESTED', payload: { approvalId: approval.id, caseId: kase.id, subject: input.subject } });
    await scope.emit({ topic: topics.case(kase.id), kind: 'APPROVAL_REQUESTED', payload: { approvalId: approval.id, caseId: kase.id, subject: input.subject } });
    return approval;
  });
}

export function decideApproval(
  input: { approvalId: string; decision: 'APPROVED' | 'REJECTED' | 'WITHDRAWN'; comment?: string | null; expectedVersion?: number | null },
  ctx: Context,
) {
  return runMutation(ctx, 'decideApproval', async (scope) => {
    const { tx, viewer } = scope;
    const approval = await tx.approval.findUnique({ where: { id: input.approvalId } });
    const mayDecide = approval && isSupervisor(viewer) && approval.organizationId === viewer.organizationId;
    const mayWithdraw = approval && approval.requestedById === viewer.id;
    if (!approval || (!mayDecide && !mayWithdraw)) throw new NotFoundError('Approval', input.approvalId);
    if (approval.status !== 'PENDING') {
      throw new RuleViolationError(`This approval was already ${approval.status.toLowerCase()}`, 'ALREADY_DECIDED');
    }
    if (input.decision === 'WITHDRAWN' ? !mayWithdraw : !mayDecide) {
      throw new ForbiddenError(input.decision === 'WITHDRAWN' ? 'Only the requester withdraws a request' : 'Only a supervisor of the organization decides');
    }
    if (input.decision !== 'WITHDRAWN' && approval.requestedById === viewer.id) {
      throw new ForbiddenError('A request cannot be approved or rejected by the person who made it');
    }
    const decided = await updateVersioned('Approval', approval, input.expectedVersion, (where) =>
      tx.approval.update({
        where,
        data: { status: input.decision, decidedById: viewer.id, decidedAt: new Date(), comment: input.comment ?? approval.comment, version: { increment: 1 } },
      }),
    );
    // The client's, so that the decision shows in the client's audit trail next to the request.
    const clientId = await clientOfApproval(tx, approval);
    await scope.audit({ action: 'STATUS_CHANGE', entityType: 'Approval', entityId: approval.id, clientId, reason: `${input.decision}${input.comment ? `: ${input.comment}` : ''}` });
    const payload = { approvalId: approval.id, caseId: approval.caseId, subject: approval.subject, status: input.decision };
    await scope.emit({ topic: topics.staff(approval.requestedById), kind: 'APPROVAL_DECIDED', payload });
    if (approval.caseId) await scope.emit({ topic: topics.case(approval.caseId), kind: 'APPROVAL_DECIDED', payload });
    return decided;
  });
}
