// Who works on a case: the care team, hand-overs between case managers, and the approvals that
// organizations require for transfers, closures and care plans.
import type { CareTeamRole, Setting, StaffRole } from '../generated/prisma/enums.js';
import type { CaseCtx, Chunk } from './context.js';
import { DAY, REF, at, stamp } from './reference.js';
import type { OrgInfo, Run, StaffInfo } from './run.js';

const CARE_TEAM_ROLE: Readonly<Partial<Record<StaffRole, CareTeamRole>>> = {
  CASE_MANAGER: 'CASE_MANAGER',
  NURSE: 'NURSE',
  PHYSICIAN: 'PHYSICIAN',
  SOCIAL_WORKER: 'SOCIAL_WORKER',
  COUNSELOR: 'COUNSELOR',
  PSYCHOLOGIST: 'OTHER',
  SUPERVISOR: 'SUPERVISOR',
};

/** Chance of each clinical role joining a case's care team, by setting. */
const CARE_TEAM_MIX: Readonly<Record<Setting, readonly [StaffRole, number][]>> = {
  HOSPITAL: [['NURSE', 0.7], ['PHYSICIAN', 0.4], ['SOCIAL_WORKER', 0.5], ['PSYCHOLOGIST', 0.2]],
  SCHOOL: [['COUNSELOR', 0.7], ['SOCIAL_WORKER', 0.4], ['PSYCHOLOGIST', 0.25], ['NURSE', 0.2]],
  CORRECTIONAL: [['NURSE', 0.5], ['COUNSELOR', 0.4], ['PHYSICIAN', 0.2], ['SOCIAL_WORKER', 0.3]],
  COMMUNITY: [['SOCIAL_WORKER', 0.5], ['COUNSELOR', 0.4], ['NURSE', 0.25], ['PSYCHOLOGIST', 0.1]],
  HOME_HEALTH: [['NURSE', 0.9], ['SOCIAL_WORKER', 0.4]],
  OTHER: [['SOCIAL_WORKER', 0.5]],
};

export function supervisorOf(run: Run, staff: StaffInfo): StaffInfo {
  return (staff.supervisorId ? run.staffById.get(staff.supervisorId) : undefined) ?? staff.org.supervisor;
}

function staffFor(org: OrgInfo, teamId: string | null, role: StaffRole): StaffInfo[] {
  return org.byTeamRole.get(`${teamId}|${role}`) ?? org.byTeamRole.get(`*|${role}`) ?? [];
}

export function addCareTeam(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  const supervisor = supervisorOf(chunk.run, c.pcm);
  const members: [StaffInfo, CareTeamRole][] = [];
  for (const [role, chance] of CARE_TEAM_MIX[c.org.setting]) {
    const pool = staffFor(c.org, c.teamId, role);
    if (pool.length > 0 && rng.chance(chance)) members.push([rng.pick(pool), CARE_TEAM_ROLE[role] ?? 'OTHER']);
  }
  if (rng.chance(0.2)) members.push([supervisor, 'SUPERVISOR']);
  const backups = staffFor(c.org, c.teamId, 'CASE_MANAGER').filter((s) => s !== c.pcm);
  if (backups.length > 0 && rng.chance(0.1)) members.push([rng.pick(backups), 'CASE_MANAGER']);
  if (members.length === 0) {
    const pool = staffFor(c.org, c.teamId, 'SOCIAL_WORKER');
    if (pool.length > 0) members.push([rng.pick(pool), 'SOCIAL_WORKER']);
  }

  let primarySince = c.openedAt;
  // A handed-over case: the previous primary's membership ended at the transfer.
  const others = c.org.caseManagers.filter((s) => s !== c.pcm);
  if (c.status !== 'REFERRED' && c.status !== 'INTAKE' && c.end - c.openedAt > 60 * DAY && others.length > 0 && rng.chance(0.05)) {
    const previous = rng.pick(others);
    primarySince = rng.timeBetween(c.openedAt + 20 * DAY, c.end - 10 * DAY);
    pushCareTeamMember(chunk, c, previous, 'PRIMARY_CASE_MANAGER', c.openedAt, primarySince);
    addTransfer(chunk, c, previous, c.pcm, 'ACCEPTED', primarySince, supervisor);
  }
  pushCareTeamMember(chunk, c, c.pcm, 'PRIMARY_CASE_MANAGER', primarySince, c.closedAt);
  for (const [staff, role] of members) {
    pushCareTeamMember(chunk, c, staff, role, c.openedAt + rng.int(0, 10) * DAY, c.closedAt);
    c.members.push(staff);
  }
  // Pending or refused hand-overs on open cases.
  if (c.closedAt === null && c.status !== 'REFERRED' && others.length > 0 && rng.chance(0.02)) {
    addTransfer(chunk, c, c.pcm, rng.pick(others), rng.chance(0.7) ? 'PROPOSED' : 'REJECTED', REF - rng.int(1, 20) * DAY, supervisor);
  }
}

function pushCareTeamMember(chunk: Chunk, c: CaseCtx, staff: StaffInfo, role: CareTeamRole, start: number, end: number | null): void {
  const startedAt = Math.min(start, c.end);
  chunk.rows.careTeamMember.push({
    id: chunk.rng.uuid(),
    caseId: c.id,
    staffId: staff.id,
    role,
    startedAt: at(startedAt),
    endedAt: end === null ? null : at(Math.max(startedAt, end)),
    version: end === null ? 1 : 2,
    ...stamp(startedAt, end ?? startedAt),
  });
}

function addTransfer(chunk: Chunk, c: CaseCtx, from: StaffInfo, to: StaffInfo, status: 'PROPOSED' | 'ACCEPTED' | 'REJECTED', when: number, supervisor: StaffInfo): void {
  const { rng, rows } = chunk;
  const proposedAt = when - rng.int(1, 5) * DAY;
  const decided = status === 'PROPOSED' ? null : when;
  const id = rng.uuid();
  rows.caseTransfer.push({
    id,
    caseId: c.id,
    fromStaffId: from.id,
    toStaffId: to.id,
    fromOrganizationId: c.org.id,
    toOrganizationId: c.org.id,
    reason: rng.pick(['Caseload balancing', 'Case manager leaving the team', 'Client asked for a different case manager', 'Language match']),
    status,
    consentChecked: true,
    proposedById: rng.chance(0.5) ? from.id : supervisor.id,
    proposedAt: at(proposedAt),
    decidedById: decided === null ? null : supervisor.id,
    decidedAt: decided === null ? null : at(decided),
    version: decided === null ? 1 : 2,
    ...stamp(proposedAt, decided ?? proposedAt),
  });
  if (status === 'ACCEPTED') {
    rows.task.push({
      id: rng.uuid(), caseId: c.id, assigneeId: to.id, createdById: from.id, kind: 'HANDOFF', title: 'Review case notes after transfer', description: null,
      dueAt: at(when + 7 * DAY), status: 'COMPLETED', completedAt: at(Math.min(REF, when + rng.int(1, 6) * DAY)), version: 3, ...stamp(when, Math.min(REF, when + 6 * DAY)),
    });
  }
  if (c.org.tpl.approvalRequiredFor.includes('CASE_TRANSFER') && status !== 'REJECTED') {
    addApproval(chunk, c, 'CASE_TRANSFER', id, from, proposedAt, status === 'ACCEPTED' ? { by: supervisor, at: when, status: 'APPROVED' } : null);
  }
}

export function addApproval(
  chunk: Chunk,
  c: CaseCtx,
  subject: 'CARE_PLAN' | 'CASE_CLOSURE' | 'CASE_TRANSFER',
  subjectId: string,
  requestedBy: StaffInfo,
  requestedAt: number,
  decision: { by: StaffInfo; at: number; status: 'APPROVED' | 'REJECTED' } | null,
): void {
  chunk.rows.approval.push({
    id: chunk.rng.uuid(),
    organizationId: c.org.id,
    subject,
    subjectId,
    caseId: c.id,
    requestedById: requestedBy.id,
    requestedAt: at(requestedAt),
    decidedById: decision?.by.id ?? null,
    decidedAt: decision ? at(decision.at) : null,
    status: decision?.status ?? 'PENDING',
    comment: decision?.status === 'REJECTED' ? 'Please complete the discharge assessment first.' : null,
    version: decision ? 2 : 1,
    ...stamp(requestedAt, decision?.at ?? requestedAt),
  });
}

export function addClosureApproval(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  if (!c.org.tpl.approvalRequiredFor.includes('CASE_CLOSURE')) return;
  const supervisor = c.org.supervisor;
  if (c.closedAt !== null) {
    addApproval(chunk, c, 'CASE_CLOSURE', c.id, c.pcm, c.closedAt - rng.int(1, 4) * DAY, { by: supervisor, at: c.closedAt, status: 'APPROVED' });
  } else if ((c.status === 'MONITORING' || c.status === 'ACTIVE') && rng.chance(0.04)) {
    addApproval(chunk, c, 'CASE_CLOSURE', c.id, c.pcm, REF - rng.int(0, 10) * DAY, null);
  }
}
