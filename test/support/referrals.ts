// Seed builders for the referral, interaction and crisis tests: a case with its care team and a
// provider, and referrals, consents and crises written straight to the database (the API path
// is what the tests exercise).
import { randomUUID } from 'node:crypto';
import { prisma } from '../../src/db.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import type { TestApp } from './app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff } from './factories.js';

/** An organization, a case manager with a case of their own, a provider with one service, and a token. */
export async function referralSetting(t: TestApp) {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { openedAt: new Date(Date.now() - 30 * 86_400_000) });
  const provider = await createProvider({ kind: 'MENTAL_HEALTH' });
  const service = await prisma.providerService.create({
    data: { providerId: provider.id, serviceType: 'COUNSELLING', name: `Counselling ${randomUUID().slice(0, 6)}`, costPerUnit: '85.50', costUnit: 'session' },
  });
  return { org, manager, client, kase, provider, service, token: await t.tokenFor(manager.id) };
}

/** A staff member of another organization: may see none of the above. */
export async function outsider(t: TestApp, roles: Prisma.StaffMemberUncheckedCreateInput['roles'] = ['CASE_MANAGER']) {
  const org = await createOrganization();
  const staff = await createStaff(org.id, { roles });
  return { org, staff, token: await t.tokenFor(staff.id) };
}

export function seedReferral(
  kase: { id: string; clientId: string },
  providerId: string,
  createdById: string,
  data: Partial<Prisma.ReferralUncheckedCreateInput> = {},
) {
  return prisma.referral.create({
    data: { caseId: kase.id, clientId: kase.clientId, providerId, createdById, reason: 'Counselling for anxiety', ...data },
  });
}

export function seedConsent(data: Partial<Prisma.ConsentUncheckedCreateInput> & { clientId: string; recordedById: string }) {
  return prisma.consent.create({ data: { category: 'MENTAL_HEALTH', ...data } });
}

export function seedCrisis(
  client: { id: string; organizationId: string },
  reportedById: string,
  data: Partial<Prisma.CrisisEventUncheckedCreateInput> = {},
) {
  return prisma.crisisEvent.create({
    data: {
      clientId: client.id,
      organizationId: client.organizationId,
      category: 'MENTAL_HEALTH',
      severity: 'MODERATE',
      description: 'Acute distress reported by the family',
      reportedById,
      ...data,
    },
  });
}

/** A care plan of the case with one goal. */
export async function seedGoal(caseId: string, authorId: string) {
  const plan = await prisma.carePlan.create({ data: { caseId, authorId, title: 'Stability plan', status: 'ACTIVE' } });
  return prisma.goal.create({ data: { carePlanId: plan.id, description: 'Attend weekly counselling', domain: 'MENTAL_HEALTH' } });
}

/** Rows a failed mutation must not leave behind (READ audits are written for every read, so they are left out). */
export async function domainCounts() {
  const [referrals, referralEvents, interactions, participants, crises, crisisActions, audits, events] = await Promise.all([
    prisma.referral.count(),
    prisma.referralEvent.count(),
    prisma.interaction.count(),
    prisma.interactionParticipant.count(),
    prisma.crisisEvent.count(),
    prisma.crisisAction.count(),
    prisma.auditEvent.count({ where: { action: { notIn: ['READ', 'ACCESS_DENIED'] } } }),
    prisma.domainEvent.count(),
  ]);
  return { referrals, referralEvents, interactions, participants, crises, crisisActions, audits, events };
}

/** The domain events written since `afterId`, oldest first. */
export async function eventsSince(afterId: bigint) {
  return prisma.domainEvent.findMany({ where: { id: { gt: afterId } }, orderBy: { id: 'asc' } });
}

export async function lastEventId(): Promise<bigint> {
  const last = await prisma.domainEvent.findFirst({ orderBy: { id: 'desc' }, select: { id: true } });
  return last?.id ?? 0n;
}
