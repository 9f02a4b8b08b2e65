// Seed builders: every test creates its own, uniquely named data through these.
import { randomUUID } from 'node:crypto';
import { prisma } from '../../src/db.js';
import type { Prisma } from '../../src/generated/prisma/client.js';

const unique = () => randomUUID().slice(0, 8);

export function createOrganization(data: Partial<Prisma.OrganizationUncheckedCreateInput> = {}) {
  return prisma.organization.create({
    data: { name: `Org ${unique()}`, setting: 'COMMUNITY', region: 'North', ...data },
  });
}

export function createStaff(organizationId: string, data: Partial<Prisma.StaffMemberUncheckedCreateInput> = {}) {
  const id = unique();
  return prisma.staffMember.create({
    data: {
      organizationId,
      givenName: 'Sam',
      familyName: `Staff-${id}`,
      email: `staff-${id}@test.casegraph`,
      roles: ['CASE_MANAGER'],
      discipline: 'SOCIAL',
      ...data,
    },
  });
}

export function createClient(organizationId: string, data: Partial<Prisma.ClientUncheckedCreateInput> = {}) {
  return prisma.client.create({
    data: {
      organizationId,
      givenName: 'Alex',
      familyName: `Client-${unique()}`,
      dateOfBirth: new Date('1980-05-17'),
      region: 'North',
      ...data,
    },
  });
}

export function createRelatedPerson(data: Partial<Prisma.RelatedPersonUncheckedCreateInput> = {}) {
  return prisma.relatedPerson.create({
    data: { givenName: 'Robin', familyName: `Relative-${unique()}`, ...data },
  });
}

export async function createCase(
  clientId: string,
  organizationId: string,
  careTeam: Array<{ staffId: string; role?: Prisma.CareTeamMemberUncheckedCreateInput['role'] }> = [],
  data: Partial<Prisma.CaseUncheckedCreateInput> = {},
) {
  return prisma.case.create({
    data: {
      clientId,
      organizationId,
      setting: 'COMMUNITY',
      status: 'ACTIVE',
      primaryCaseManagerId: careTeam[0]?.staffId,
      careTeam: { create: careTeam.map((m, i) => ({ staffId: m.staffId, role: m.role ?? (i === 0 ? 'PRIMARY_CASE_MANAGER' : 'CASE_MANAGER') })) },
      ...data,
    },
  });
}

export function createProvider(data: Partial<Prisma.ProviderUncheckedCreateInput> = {}) {
  return prisma.provider.create({
    data: { name: `Provider ${unique()}`, kind: 'HOUSING', region: 'North', languages: ['en'], ...data },
  });
}

/** The Relay global id the API uses for a row. */
export function globalId(typename: string, id: string): string {
  return Buffer.from(`${typename}:${id}`).toString('base64');
}
