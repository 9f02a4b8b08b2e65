// Follow-ups after and between episodes of care, and the tasks of a case.
import type { FollowUpKind, FollowUpStatus, HealthChange, TaskKind, TaskStatus } from '../generated/prisma/enums.js';
import type { CaseCtx, Chunk } from './context.js';
import { TASKS } from './names.js';
import { DAY, MINUTE, REF, at, stamp } from './reference.js';
import type { StaffInfo } from './run.js';

export function addFollowUps(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  if (c.client.status === 'DECEASED' && c.closedAt !== null) return;
  const assignee = c.pcm.active ? c.pcm : c.org.supervisor;
  if (c.closedAt !== null) {
    const kind: FollowUpKind = c.org.setting === 'HOSPITAL' ? 'POST_DISCHARGE' : c.org.setting === 'CORRECTIONAL' ? 'POST_RELEASE' : 'ROUTINE_CHECK';
    addFollowUp(chunk, c, kind, c.closedAt + rng.int(5, 10) * DAY, assignee);
    if (rng.chance(0.6)) addFollowUp(chunk, c, kind, c.closedAt + rng.int(28, 35) * DAY, assignee);
  } else if (c.status === 'MONITORING') {
    addFollowUp(chunk, c, 'ROUTINE_CHECK', REF - rng.int(10, 60) * DAY, assignee);
    addFollowUp(chunk, c, 'ROUTINE_CHECK', REF + rng.int(3, 45) * DAY, assignee);
  } else if (c.status === 'ACTIVE' && rng.chance(0.3)) {
    addFollowUp(chunk, c, rng.chance(0.5) ? 'PLAN_REVIEW' : 'ROUTINE_CHECK', REF + rng.int(-20, 30) * DAY, assignee);
  }
}

function addFollowUp(chunk: Chunk, c: CaseCtx, kind: FollowUpKind, scheduledFor: number, assignee: StaffInfo): void {
  const { rng, rows } = chunk;
  const status: FollowUpStatus = scheduledFor > REF ? 'SCHEDULED' : rng.weightedKey<FollowUpStatus>({ COMPLETED: 68, MISSED: 18, CANCELLED: 6, SCHEDULED: 8 });
  const completedAt = status === 'COMPLETED' ? Math.min(REF, scheduledFor + rng.int(0, 2) * DAY + rng.int(0, 300) * MINUTE) : null;
  const change = () => rng.weightedKey<HealthChange>({ IMPROVED: 45, UNCHANGED: 40, DECLINED: 15 });
  const satisfaction = status === 'COMPLETED' ? rng.weighted([[1, 4], [2, 7], [3, 18], [4, 38], [5, 33]]) : null;
  const health = status === 'COMPLETED' ? change() : null;
  const mental = status === 'COMPLETED' ? change() : null;
  const needsReassessment = health === 'DECLINED' || mental === 'DECLINED' || (satisfaction !== null && satisfaction <= 2);
  const created = Math.min(REF, scheduledFor - rng.int(3, 20) * DAY);
  rows.followUp.push({
    id: rng.uuid(),
    caseId: c.id,
    clientId: c.client.id,
    kind,
    scheduledFor: at(scheduledFor),
    status,
    assignedToId: assignee.id,
    completedAt: completedAt === null ? null : at(completedAt),
    reachedClient: status === 'COMPLETED' ? true : status === 'MISSED' ? false : null,
    satisfaction,
    healthChange: health,
    mentalHealthChange: mental,
    needsReassessment,
    notes: status === 'MISSED' ? 'Three call attempts, no answer; letter sent.' : status === 'CANCELLED' ? rng.pick(['Client readmitted.', 'Client asked not to be contacted.']) : status === 'COMPLETED' ? rng.pick(['Client doing well at home.', 'Medications in place; follow-up appointments kept.', 'Struggling with transport to appointments.']) : null,
    version: status === 'SCHEDULED' ? 1 : 2,
    ...stamp(created, completedAt ?? (status === 'SCHEDULED' ? created : Math.min(REF, scheduledFor + DAY))),
  });
  // The server's rule: a follow-up reporting decline flags the case with a reassessment task.
  if (needsReassessment && completedAt !== null) {
    const older = REF - completedAt > 30 * DAY;
    addTask(chunk, c, { kind: 'REASSESSMENT', created: completedAt, assignee: c.pcm.active ? c.pcm : assignee, createdBy: null, status: older ? 'COMPLETED' : rng.pick<TaskStatus>(['REQUESTED', 'ACCEPTED']), due: completedAt + 7 * DAY });
  }
}

export function addCaseTasks(chunk: Chunk, c: CaseCtx): void {
  const { rng } = chunk;
  const open = c.closedAt === null;
  const count = open ? rng.weighted([[0, 30], [1, 35], [2, 25], [3, 10]]) : rng.weighted([[0, 60], [1, 30], [2, 10]]);
  for (let i = 0; i < count; i++) {
    const created = open ? Math.max(c.openedAt, REF - rng.int(0, 30) * DAY - rng.int(0, 600) * MINUTE) : rng.timeBetween(c.openedAt, c.end);
    const status = open ? rng.weightedKey<TaskStatus>({ REQUESTED: 20, ACCEPTED: 15, IN_PROGRESS: 20, COMPLETED: 40, CANCELLED: 5 }) : rng.weightedKey<TaskStatus>({ COMPLETED: 9, CANCELLED: 1 });
    const assignee = rng.chance(0.75) || c.members.length === 0 ? c.pcm : rng.pick(c.members);
    addTask(chunk, c, {
      kind: rng.weightedKey<TaskKind>({ FORM: 35, CALL_BACK: 30, OTHER: 20, HANDOFF: 5 }),
      created,
      assignee,
      createdBy: rng.chance(0.6) ? c.pcm : rng.chance(0.5) ? c.org.supervisor : null,
      status,
      due: created + rng.int(2, 14) * DAY,
    });
  }
}

export function addTask(chunk: Chunk, c: CaseCtx, t: { kind: TaskKind; created: number; assignee: StaffInfo; createdBy: StaffInfo | null; status: TaskStatus; due: number }): void {
  const { rng, rows } = chunk;
  const limit = c.closedAt ?? REF;
  const completedAt = t.status === 'COMPLETED' ? rng.timeBetween(t.created, Math.max(t.created, Math.min(limit, t.due + 3 * DAY))) : null;
  rows.task.push({
    id: rng.uuid(),
    caseId: c.id,
    assigneeId: t.assignee.id,
    createdById: t.createdBy?.id ?? null,
    kind: t.kind,
    title: rng.pick(TASKS[t.kind]),
    description: null,
    dueAt: at(t.due),
    status: t.status,
    completedAt: completedAt === null ? null : at(completedAt),
    version: t.status === 'REQUESTED' ? 1 : 2,
    ...stamp(t.created, completedAt ?? t.created),
  });
}
