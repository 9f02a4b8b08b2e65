// Seed builders and helpers for the client, assessment, consent and provider tests.
import { prisma } from '../../src/db.js';
import type { StaffRole } from '../../src/generated/prisma/enums.js';
import type { GraphQLResponse, TestApp } from './app.js';
import { expectData } from './app.js';
import { createOrganization, createStaff } from './factories.js';

/** An organization with one staff member of these roles, and their token. */
export async function staffWithToken(t: TestApp, roles: StaffRole[] = ['CASE_MANAGER'], organizationId?: string) {
  const org = organizationId ? await prisma.organization.findUniqueOrThrow({ where: { id: organizationId } }) : await createOrganization();
  const staff = await createStaff(org.id, { roles });
  return { org, staff, token: await t.tokenFor(staff.id) };
}

/** The rows a failed mutation must not leave behind: change counts, audit records, events. */
export async function writeCounts() {
  const [clients, identifiers, relatedPersons, relationships, assessments, needScores, consents, providers, services, audits, events] =
    await Promise.all([
      prisma.client.count(),
      prisma.clientIdentifier.count(),
      prisma.relatedPerson.count(),
      prisma.clientRelationship.count(),
      prisma.assessment.count(),
      prisma.needScore.count(),
      prisma.consent.count(),
      prisma.provider.count(),
      prisma.providerService.count(),
      prisma.auditEvent.count({ where: { action: { notIn: ['READ', 'ACCESS_DENIED'] } } }),
      prisma.domainEvent.count(),
    ]);
  return { clients, identifiers, relatedPersons, relationships, assessments, needScores, consents, providers, services, audits, events };
}

/** The typed result of a mutation field, failing the test on GraphQL (untyped) errors. */
export function result<T = any>(response: GraphQLResponse, field: string): T {
  return (expectData(response) as Record<string, T>)[field]!;
}

/** A unique family name, so that duplicate checks only ever see this test's clients. */
export function uniqueFamilyName(prefix = 'Family'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A unique phone number of ten digits. */
export function uniquePhone(): string {
  const digits = String(Math.floor(Math.random() * 1e9)).padStart(9, '0');
  return `+1 (5${digits.slice(0, 2)}) ${digits.slice(2, 5)}-${digits.slice(5, 9)}`;
}
