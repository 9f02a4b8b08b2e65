// Administration: organizations, staff accounts and teams. Admins manage these for their own
// organization; the role grants no access to clinical records.
import type { Context } from '../context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors.js';
import type { ApprovalSubject, Discipline, StaffRole } from '../generated/prisma/enums.js';
import { Prisma } from '../db.js';
import { viewerCache } from '../auth/viewer-cache.js';
import { runMutation, type MutationScope } from './workflow/mutation.js';
import { topics } from './workflow/topics.js';
import { updateVersioned } from './workflow/versioning.js';

function requireAdmin(scope: MutationScope) {
  if (!scope.viewer.roles.includes('ADMIN')) throw new ForbiddenError('Only administrators manage accounts and organizations');
}

function uniqueEmail(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new ValidationError('Another staff member already has this email', 'email');
  }
  throw error;
}

export function updateOrganization(
  input: { organizationId: string; expectedVersion?: number | null; name?: string | null; region?: string | null; approvalRequiredFor?: ApprovalSubject[] | null },
  ctx: Context,
) {
  return runMutation(ctx, 'updateOrganization', async (scope) => {
    requireAdmin(scope);
    const { tx, viewer } = scope;
    if (input.organizationId !== viewer.organizationId) throw new NotFoundError('Organization', input.organizationId);
    const organization = await tx.organization.findUniqueOrThrow({ where: { id: input.organizationId } });
    const updated = await updateVersioned('Organization', organization, input.expectedVersion, (where) =>
      tx.organization.update({
        where,
        data: {
          name: input.name ?? undefined,
          region: input.region === undefined ? undefined : input.region,
          approvalRequiredFor: input.approvalRequiredFor ?? undefined,
          version: { increment: 1 },
        },
      }),
    );
    await scope.audit({ action: 'UPDATE', entityType: 'Organization', entityId: organization.id });
    await scope.emit({ topic: topics.organization(organization.id), kind: 'ORGANIZATION_UPDATED', payload: { organizationId: organization.id } });
    return updated;
  });
}

export function createStaffMember(
  input: { givenName: string; familyName: string; email: string; phone?: string | null; roles: StaffRole[]; discipline: Discipline; supervisorId?: string | null },
  ctx: Context,
) {
  return runMutation(ctx, 'createStaffMember', async (scope) => {
    requireAdmin(scope);
    const { tx, viewer } = scope;
    if (input.supervisorId) {
      const supervisor = await tx.staffMember.findFirst({ where: { id: input.supervisorId, organizationId: viewer.organizationId, roles: { has: 'SUPERVISOR' } } });
      if (!supervisor) throw new ValidationError('No supervisor of your organization has this id', 'supervisorId');
    }
    const staff = await tx.staffMember
      .create({ data: { ...input, email: input.email.toLowerCase(), organizationId: viewer.organizationId } })
      .catch(uniqueEmail);
    await scope.audit({ action: 'CREATE', entityType: 'StaffMember', entityId: staff.id });
    return staff;
  });
}

export function updateStaffMember(
  input: {
    staffId: string;
    expectedVersion?: number | null;
    roles?: StaffRole[] | null;
    active?: boolean | null;
    supervisorId?: string | null;
    phone?: string | null;
  },
  ctx: Context,
) {
  return runMutation(ctx, 'updateStaffMember', async (scope) => {
    requireAdmin(scope);
    const { tx, viewer } = scope;
    const staff = await tx.staffMember.findFirst({ where: { id: input.staffId, organizationId: viewer.organizationId } });
    if (!staff) throw new NotFoundError('StaffMember', input.staffId);
    if (staff.id === viewer.id && (input.active === false || (input.roles && !input.roles.includes('ADMIN')))) {
      throw new ValidationError('You cannot deactivate yourself or remove your own admin role', input.active === false ? 'active' : 'roles');
    }
    const updated = await updateVersioned('StaffMember', staff, input.expectedVersion, (where) =>
      tx.staffMember.update({
        where,
        data: {
          roles: input.roles ?? undefined,
          active: input.active ?? undefined,
          supervisorId: input.supervisorId === undefined ? undefined : input.supervisorId,
          phone: input.phone === undefined ? undefined : input.phone,
          version: { increment: 1 },
        },
      }),
    );
    await scope.audit({
      action: input.active === false ? 'STATUS_CHANGE' : 'UPDATE',
      entityType: 'StaffMember',
      entityId: staff.id,
      reason: input.active === false ? 'deactivated' : input.active === true ? 'reactivated' : null,
    });
    // Every instance hears of it from PostgreSQL (viewer-cache.ts); this one forgets at once.
    scope.afterCommit(() => viewerCache.invalidate(staff.id));
    // Live sockets of a deactivated account are closed by the realtime layer on this event.
    await scope.emit({ topic: topics.staff(staff.id), kind: 'STAFF_UPDATED', payload: { staffId: staff.id, active: updated.active } });
    return updated;
  });
}

export function createTeam(input: { name: string; region?: string | null }, ctx: Context) {
  return runMutation(ctx, 'createTeam', async (scope) => {
    requireAdmin(scope);
    const { tx, viewer } = scope;
    const team = await tx.team.create({ data: { ...input, organizationId: viewer.organizationId } }).catch((error: unknown) => {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ValidationError('Your organization already has a team with this name', 'name');
      }
      throw error;
    });
    await scope.audit({ action: 'CREATE', entityType: 'Team', entityId: team.id });
    return team;
  });
}

export function setTeamMembership(input: { teamId: string; staffId: string; role?: StaffRole | null; member: boolean }, ctx: Context) {
  return runMutation(ctx, 'setTeamMembership', async (scope) => {
    requireAdmin(scope);
    const { tx, viewer } = scope;
    const team = await tx.team.findFirst({ where: { id: input.teamId, organizationId: viewer.organizationId } });
    if (!team) throw new NotFoundError('Team', input.teamId);
    const staff = await tx.staffMember.findFirst({ where: { id: input.staffId, organizationId: viewer.organizationId } });
    if (!staff) throw new ValidationError('No staff member of your organization has this id', 'staffId');
    const role = input.role ?? staff.roles[0] ?? 'CASE_MANAGER';
    const where = { teamId_staffId: { teamId: team.id, staffId: staff.id } };
    // Read first only to name the action; the upsert keeps two concurrent calls from colliding.
    const existing = await tx.teamMembership.findUnique({ where, select: { id: true } });
    const membership = await tx.teamMembership.upsert({
      where,
      create: { teamId: team.id, staffId: staff.id, role, endedAt: input.member ? null : new Date() },
      update: { role, endedAt: input.member ? null : new Date(), ...(input.member ? { startedAt: new Date() } : {}) },
      select: { id: true },
    });
    scope.afterCommit(() => viewerCache.invalidate(staff.id));
    // The membership is what changed (as a care team's CareTeamMember is); the reason names the team.
    await scope.audit({
      action: existing ? 'UPDATE' : 'CREATE',
      entityType: 'TeamMembership',
      entityId: membership.id,
      reason: `${input.member ? 'added to' : 'removed from'} team ${team.id}`,
    });
    return team;
  });
}

function uniqueIdentity(error: unknown): never {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
    throw new ValidationError('Another staff member already has this identity (issuer and subject)', 'subject');
  }
  throw error;
}

/**
 * Stores (identity given) or clears (null) the identity provider's issuer and subject by which a
 * staff member signs in (src/auth/identity.ts). Once stored, only tokens naming that identity
 * reach them. An administrator cannot change their own stored identity: that is how they are
 * signed in now.
 */
export function setStaffIdentity(
  input: { staffId: string; expectedVersion?: number | null; identity: { issuer: string; subject: string } | null },
  ctx: Context,
) {
  const operation = input.identity ? 'linkStaffIdentity' : 'unlinkStaffIdentity';
  return runMutation(ctx, operation, async (scope) => {
    requireAdmin(scope);
    const { tx, viewer } = scope;
    const staff = await tx.staffMember.findFirst({ where: { id: input.staffId, organizationId: viewer.organizationId } });
    if (!staff) throw new NotFoundError('StaffMember', input.staffId);
    if (staff.id === viewer.id && staff.externalSubject !== null) {
      throw new ValidationError('You cannot change or remove the identity you sign in with; another administrator can', 'staffId');
    }
    const issuer = input.identity?.issuer ?? null;
    const subject = input.identity?.subject ?? null;
    if (staff.externalIssuer === issuer && staff.externalSubject === subject) return staff;
    const updated = await updateVersioned('StaffMember', staff, input.expectedVersion, (where) =>
      tx.staffMember.update({ where, data: { externalIssuer: issuer, externalSubject: subject, version: { increment: 1 } } }).catch(uniqueIdentity),
    );
    await scope.audit({ action: 'UPDATE', entityType: 'StaffMember', entityId: staff.id, reason: subject ? 'identity provider subject linked' : 'identity provider subject unlinked' });
    // Tokens this instance resolved through the old identity (or, for a new one, to nobody or by
    // staff id) are forgotten at once; the others hear of it from PostgreSQL.
    scope.afterCommit(() => viewerCache.invalidate(staff.id, null, subject !== null));
    await scope.emit({ topic: topics.staff(staff.id), kind: 'STAFF_UPDATED', payload: { staffId: staff.id, active: updated.active } });
    return updated;
  });
}
