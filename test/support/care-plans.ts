// Seed builders for care-plan tests: a case with its care team, and plans, goals and
// interventions written straight to the database (the API path is what tests exercise).
import { prisma } from '../../src/db.js';
import type { Prisma } from '../../src/generated/prisma/client.js';
import type { TestApp } from './app.js';
import { createCase, createClient, createOrganization, createStaff } from './factories.js';

/** An organization, a case manager with a case of their own (on its care team), and a token. */
export async function careSetting(t: TestApp, options: { organization?: Partial<Prisma.OrganizationUncheckedCreateInput> } = {}) {
  const org = await createOrganization(options.organization);
  const manager = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
  return { org, manager, client, kase, token: await t.tokenFor(manager.id) };
}

export function createCarePlan(caseId: string, authorId: string, data: Partial<Prisma.CarePlanUncheckedCreateInput> = {}) {
  return prisma.carePlan.create({ data: { caseId, authorId, title: 'Stable housing and health', reviewIntervalDays: 30, ...data } });
}

/** An ACTIVE plan with one goal, as activation would have left it. */
export async function createActivePlan(caseId: string, authorId: string, data: Partial<Prisma.CarePlanUncheckedCreateInput> = {}) {
  const now = new Date();
  const plan = await createCarePlan(caseId, authorId, {
    status: 'ACTIVE',
    periodStart: now,
    nextReviewDue: new Date(now.getTime() + 30 * 86_400_000),
    ...data,
  });
  const goal = await createGoal(plan.id);
  return { plan, goal };
}

export function createGoal(carePlanId: string, data: Partial<Prisma.GoalUncheckedCreateInput> = {}) {
  return prisma.goal.create({
    data: { carePlanId, description: 'Keep a tenancy for six months', domain: 'HOUSING', lifecycleStatus: 'ACTIVE', ...data },
  });
}

export function createIntervention(carePlanId: string, data: Partial<Prisma.InterventionUncheckedCreateInput> = {}) {
  return prisma.intervention.create({ data: { carePlanId, description: 'Weekly budgeting session', ...data } });
}

export function createInteraction(caseId: string, clientId: string, staffId: string, data: Partial<Prisma.InteractionUncheckedCreateInput> = {}) {
  return prisma.interaction.create({
    data: { caseId, clientId, staffId, type: 'HOME_VISIT', occurredAt: new Date(), summary: 'Visited at home', ...data },
  });
}

export async function createReferral(caseId: string, clientId: string, createdById: string, data: Partial<Prisma.ReferralUncheckedCreateInput> = {}) {
  const provider = await prisma.provider.create({ data: { name: `Provider ${Math.random().toString(36).slice(2, 8)}`, kind: 'HOUSING', languages: ['en'] } });
  return prisma.referral.create({
    data: { caseId, clientId, providerId: provider.id, createdById, reason: 'Housing support', status: 'SENT', ...data },
  });
}

/** Rows a failed mutation must not leave behind. */
export async function carePlanCounts() {
  const [plans, goals, progress, interventions, reviews, revisions, tasks, audits, events] = await Promise.all([
    prisma.carePlan.count(),
    prisma.goal.count(),
    prisma.goalProgress.count(),
    prisma.intervention.count(),
    prisma.planReview.count(),
    prisma.carePlanRevision.count(),
    prisma.task.count(),
    prisma.auditEvent.count({ where: { action: { notIn: ['READ', 'ACCESS_DENIED'] } } }),
    prisma.domainEvent.count(),
  ]);
  return { plans, goals, progress, interventions, reviews, revisions, tasks, audits, events };
}
