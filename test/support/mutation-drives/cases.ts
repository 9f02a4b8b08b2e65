// Drives of the case mutations: opening, assignment, care team, status, transfers, approvals,
// break-glass, tasks and follow-ups (see kit.ts).
import { prisma } from '../../../src/db.js';
import { createClient } from '../factories.js';
import { createFollowUpRow, createTaskRow } from '../tasks.js';
import { daysFromNow, expected, g, rawId, type Drive, type Kit } from './kit.js';

/** A transfer of a fresh case from the manager to their colleague, proposed. */
async function proposedTransfer(k: Kit) {
  const { client, kase } = await k.freshCase();
  const transfer = await k.call(k.w.manager, 'proposeCaseTransfer', {
    caseId: g('Case', kase.id), toStaffId: g('StaffMember', k.w.colleague.id), reason: 'Moving to the colleague closer to home',
  });
  return { client, kase, transferId: transfer.id as string };
}

/** A nurse's break-glass grant for a client of another organization, with its review pending. */
async function brokenGlass(k: Kit) {
  const client = await createClient(k.w.elsewhere.id);
  const grant = await k.call(k.w.nurse, 'breakGlass', { clientId: g('Client', client.id), reason: 'Unconscious in the emergency department' }, '... on BreakGlassGrant { approvalId }');
  return { client, approvalId: grant.approvalId as string };
}

export const caseDrives: Record<string, Drive> = {
  async openCase(k) {
    const client = await createClient(k.w.org.id);
    const kase = await k.drive(k.w.manager, 'openCase', { clientId: g('Client', client.id), priority: 'URGENT' });
    return expected([client.id], 'CREATE', 'Case', rawId(kase.id));
  },
  async assignCase(k) {
    const { client, kase } = await k.freshCase();
    await k.drive(k.w.manager, 'assignCase', { caseId: g('Case', kase.id), staffId: g('StaffMember', k.w.colleague.id) });
    return expected([client.id], 'UPDATE', 'Case', kase.id);
  },
  async addCareTeamMember(k) {
    const { client, kase } = await k.freshCase();
    const member = await k.drive(k.w.manager, 'addCareTeamMember', { caseId: g('Case', kase.id), staffId: g('StaffMember', k.w.colleague.id), role: 'SOCIAL_WORKER' });
    return expected([client.id], 'CREATE', 'CareTeamMember', rawId(member.id));
  },
  async removeCareTeamMember(k) {
    const { client, kase } = await k.freshCase();
    const seat = await prisma.careTeamMember.findFirstOrThrow({ where: { caseId: kase.id, staffId: k.w.nurse.id } });
    await k.drive(k.w.manager, 'removeCareTeamMember', { careTeamMemberId: g('CareTeamMember', seat.id), reason: 'Moved to another ward' });
    return expected([client.id], 'UPDATE', 'CareTeamMember', seat.id);
  },
  async changeCaseStatus(k) {
    const { client, kase } = await k.freshCase();
    await k.drive(k.w.manager, 'changeCaseStatus', { caseId: g('Case', kase.id), status: 'MONITORING' });
    return expected([client.id], 'STATUS_CHANGE', 'Case', kase.id);
  },
  async closeCase(k) {
    const { client, kase } = await k.freshCase();
    await k.drive(k.w.manager, 'closeCase', { caseId: g('Case', kase.id), reason: 'Goals met' });
    return expected([client.id], 'STATUS_CHANGE', 'Case', kase.id);
  },
  async reassignCases(k) {
    const [first, second] = [await k.freshCase(), await k.freshCase()];
    await k.drive(k.w.supervisor, 'reassignCases', {
      caseIds: [g('Case', first.kase.id), g('Case', second.kase.id)], toStaffId: g('StaffMember', k.w.colleague.id), reason: 'Caseload balancing',
    }, '... on ReassignCasesSuccess { data { id } }');
    return expected([first.client.id, second.client.id], 'UPDATE', 'Case', second.kase.id);
  },
  async proposeCaseTransfer(k) {
    const { client, kase } = await k.freshCase();
    const transfer = await k.drive(k.w.manager, 'proposeCaseTransfer', {
      caseId: g('Case', kase.id), toStaffId: g('StaffMember', k.w.colleague.id), reason: 'Moving to the colleague closer to home',
    });
    return expected([client.id], 'CREATE', 'CaseTransfer', rawId(transfer.id));
  },
  async acceptCaseTransfer(k) {
    const { client, transferId } = await proposedTransfer(k);
    await k.drive(k.w.colleague, 'acceptCaseTransfer', { transferId });
    return expected([client.id], 'STATUS_CHANGE', 'CaseTransfer', rawId(transferId));
  },
  async rejectCaseTransfer(k) {
    const { client, transferId } = await proposedTransfer(k);
    await k.drive(k.w.colleague, 'rejectCaseTransfer', { transferId, reason: 'My caseload is full' });
    return expected([client.id], 'STATUS_CHANGE', 'CaseTransfer', rawId(transferId));
  },
  async requestApproval(k) {
    const { client, kase } = await k.freshCase();
    const approval = await k.drive(k.w.manager, 'requestApproval', { subject: 'CASE_CLOSURE', subjectId: g('Case', kase.id), comment: 'Goals met' });
    return expected([client.id], 'CREATE', 'Approval', rawId(approval.id));
  },
  // A break-glass review: its client is found through the grant, the approval having no case.
  async decideApproval(k) {
    const { client, approvalId } = await brokenGlass(k);
    await k.drive(k.w.supervisor, 'decideApproval', { approvalId: g('Approval', approvalId), decision: 'APPROVED', comment: 'Justified' });
    return expected([client.id], 'STATUS_CHANGE', 'Approval', approvalId);
  },
  async breakGlass(k) {
    const client = await createClient(k.w.elsewhere.id);
    await k.drive(k.w.nurse, 'breakGlass', { clientId: g('Client', client.id), reason: 'Unconscious in the emergency department', durationMinutes: 30 });
    return expected([client.id], 'BREAK_GLASS', 'Client', client.id);
  },
  async createTask(k) {
    const { client, kase } = await k.freshCase();
    const task = await k.drive(k.w.manager, 'createTask', { caseId: g('Case', kase.id), assigneeId: g('StaffMember', k.w.nurse.id), title: 'Check the medication', dueAt: daysFromNow(2) });
    return expected([client.id], 'CREATE', 'Task', rawId(task.id));
  },
  async updateTaskStatus(k) {
    const { client, kase } = await k.freshCase();
    const task = await createTaskRow(k.w.manager.id, { caseId: kase.id, createdById: k.w.nurse.id });
    await k.drive(k.w.manager, 'updateTaskStatus', { taskId: g('Task', task.id), status: 'ACCEPTED' });
    return expected([client.id], 'STATUS_CHANGE', 'Task', task.id);
  },
  async scheduleFollowUp(k) {
    const { client, kase } = await k.freshCase();
    const followUp = await k.drive(k.w.manager, 'scheduleFollowUp', { caseId: g('Case', kase.id), kind: 'ROUTINE_CHECK', scheduledFor: daysFromNow(7) });
    return expected([client.id], 'CREATE', 'FollowUp', rawId(followUp.id));
  },
  // Declined health flags the case: a reassessment task is written (and audited) too.
  async recordFollowUpOutcome(k) {
    const { client, kase } = await k.freshCase();
    const followUp = await createFollowUpRow(kase, k.w.manager.id);
    await k.drive(k.w.manager, 'recordFollowUpOutcome', {
      followUpId: g('FollowUp', followUp.id), status: 'COMPLETED', reachedClient: true, satisfaction: 2, healthChange: 'DECLINED',
    });
    return expected([client.id], 'STATUS_CHANGE', 'FollowUp', followUp.id);
  },
};
