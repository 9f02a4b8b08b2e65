// Seed builders for tasks, follow-ups and the work queue: rows written directly, so a test
// can start from any status or date.
import { prisma } from '../../src/db.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import { createCase, createClient, createOrganization, createStaff } from './factories.js';

export const DAY_MS = 24 * 60 * 60 * 1000;
export const daysFromNow = (days: number) => new Date(Date.now() + days * DAY_MS);

export function createTaskRow(assigneeId: string, data: Partial<Prisma.TaskUncheckedCreateInput> = {}) {
  return prisma.task.create({ data: { assigneeId, title: 'Call the client back', kind: 'CALL_BACK', ...data } });
}

export function createFollowUpRow(
  kase: { id: string; clientId: string },
  assignedToId: string,
  data: Partial<Prisma.FollowUpUncheckedCreateInput> = {},
) {
  return prisma.followUp.create({
    data: { caseId: kase.id, clientId: kase.clientId, assignedToId, kind: 'POST_DISCHARGE', scheduledFor: daysFromNow(3), ...data },
  });
}

/**
 * An organization with a primary case manager, a second care-team member, a supervisor, a
 * colleague outside the care team, and a client with one ACTIVE case.
 */
export async function caseWorld(caseData: Partial<Prisma.CaseUncheckedCreateInput> = {}) {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const nurse = await createStaff(org.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
  const supervisor = await createStaff(org.id, { roles: ['SUPERVISOR'] });
  const colleague = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }, { staffId: nurse.id, role: 'NURSE' }], caseData);
  return { org, manager, nurse, supervisor, colleague, client, kase };
}

/** Rows, non-read audit records and domain events: what a refused mutation must leave unchanged. */
export async function writeCounts() {
  const [tasks, followUps, audits, events, idempotencyKeys] = await Promise.all([
    prisma.task.count(),
    prisma.followUp.count(),
    prisma.auditEvent.count({ where: { action: { not: 'READ' } } }),
    prisma.domainEvent.count(),
    prisma.idempotencyKey.count(),
  ]);
  return { tasks, followUps, audits, events, idempotencyKeys };
}

/** Domain events written since `sinceId` (bigint ids grow), oldest first. */
export async function eventsSince(sinceId: bigint) {
  return prisma.domainEvent.findMany({ where: { id: { gt: sinceId } }, orderBy: { id: 'asc' } });
}

export async function lastEventId(): Promise<bigint> {
  const last = await prisma.domainEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0n;
}
