// Drives of the mutations that concern no client: the organization, staff accounts, teams and
// the provider directory (see kit.ts). Their AuditEvents name no client.
import { randomUUID } from 'node:crypto';
import { prisma } from '../../../src/db.js';
import { createStaff } from '../factories.js';
import { expected, g, rawId, type Drive } from './kit.js';

const unique = () => randomUUID().slice(0, 8);

export const directoryDrives: Record<string, Drive> = {
  async updateOrganization(k) {
    await k.drive(k.w.admin, 'updateOrganization', { organizationId: g('Organization', k.w.org.id), name: `Org ${unique()} renamed` });
    return expected([], 'UPDATE', 'Organization', k.w.org.id);
  },
  async createStaffMember(k) {
    const staff = await k.drive(k.w.admin, 'createStaffMember', {
      givenName: 'Pat', familyName: `New-${unique()}`, email: `new-${unique()}@test.casegraph`, roles: ['NURSE'], discipline: 'MEDICAL',
    });
    return expected([], 'CREATE', 'StaffMember', rawId(staff.id));
  },
  async updateStaffMember(k) {
    const staff = await createStaff(k.w.org.id);
    await k.drive(k.w.admin, 'updateStaffMember', { staffId: g('StaffMember', staff.id), roles: ['CASE_MANAGER', 'SUPERVISOR'], phone: '+1 555 0199' });
    return expected([], 'UPDATE', 'StaffMember', staff.id);
  },
  async createTeam(k) {
    const team = await k.drive(k.w.admin, 'createTeam', { name: `Team ${unique()}`, region: 'North' });
    return expected([], 'CREATE', 'Team', rawId(team.id));
  },
  async setTeamMembership(k) {
    const team = await prisma.team.create({ data: { organizationId: k.w.org.id, name: `Team ${unique()}` } });
    const staff = await createStaff(k.w.org.id);
    await k.drive(k.w.admin, 'setTeamMembership', { teamId: g('Team', team.id), staffId: g('StaffMember', staff.id), role: 'CASE_MANAGER', member: true });
    const membership = await prisma.teamMembership.findUniqueOrThrow({ where: { teamId_staffId: { teamId: team.id, staffId: staff.id } } });
    return expected([], 'CREATE', 'TeamMembership', membership.id);
  },
  async linkStaffIdentity(k) {
    const staff = await createStaff(k.w.org.id);
    await k.drive(k.w.admin, 'linkStaffIdentity', { staffId: g('StaffMember', staff.id), issuer: 'https://idp.test', subject: `idp-${unique()}` });
    return expected([], 'UPDATE', 'StaffMember', staff.id);
  },
  async unlinkStaffIdentity(k) {
    const staff = await createStaff(k.w.org.id, { externalIssuer: 'https://idp.test', externalSubject: `idp-${unique()}` });
    await k.drive(k.w.admin, 'unlinkStaffIdentity', { staffId: g('StaffMember', staff.id) });
    return expected([], 'UPDATE', 'StaffMember', staff.id);
  },
  async registerProvider(k) {
    const provider = await k.drive(k.w.supervisor, 'registerProvider', {
      name: `Provider ${unique()}`, kind: 'HOUSING', region: 'North', languages: ['en'], services: [{ name: 'Rapid rehousing', serviceType: 'HOUSING' }],
    });
    return expected([], 'CREATE', 'Provider', rawId(provider.id));
  },
  async updateProvider(k) {
    const { provider } = await k.freshProvider();
    await k.drive(k.w.supervisor, 'updateProvider', { providerId: g('Provider', provider.id), acceptingNewClients: false });
    return expected([], 'UPDATE', 'Provider', provider.id);
  },
  async addProviderService(k) {
    const { provider } = await k.freshProvider();
    const service = await k.drive(k.w.supervisor, 'addProviderService', { providerId: g('Provider', provider.id), name: 'Group therapy', serviceType: 'COUNSELLING', openSlots: 6 });
    return expected([], 'CREATE', 'ProviderService', rawId(service.id));
  },
  async updateProviderService(k) {
    const { service } = await k.freshProvider();
    await k.drive(k.w.supervisor, 'updateProviderService', { serviceId: g('ProviderService', service.id), openSlots: 3 });
    return expected([], 'UPDATE', 'ProviderService', service.id);
  },
};
