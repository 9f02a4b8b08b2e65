// The authenticated staff member behind a request, loaded fresh from the database on every
// request so a deactivation or a role change takes effect at once.
import { prisma } from '../db.js';
import type { Discipline, StaffRole } from '../generated/prisma/enums.js';

export interface Viewer {
  id: string;
  organizationId: string;
  email: string;
  roles: readonly StaffRole[];
  discipline: Discipline;
  teamIds: readonly string[];
  /** Unix seconds at which the credential stops being valid (websockets re-check it). */
  expiresAt: number | null;
}

export function hasRole(viewer: Viewer | null, ...roles: StaffRole[]): boolean {
  return !!viewer && roles.some((role) => viewer.roles.includes(role));
}

/** null when there is no such staff member or they are inactive. */
export async function loadViewer(staffId: string, expiresAt: number | null): Promise<Viewer | null> {
  // A malformed id would make PostgreSQL reject the uuid comparison.
  if (!/^[0-9a-f-]{36}$/i.test(staffId)) return null;
  const staff = await prisma.staffMember.findUnique({
    where: { id: staffId },
    select: {
      id: true,
      organizationId: true,
      email: true,
      roles: true,
      discipline: true,
      active: true,
      teamMemberships: { where: { endedAt: null }, select: { teamId: true } },
    },
  });
  if (!staff || !staff.active) return null;
  return {
    id: staff.id,
    organizationId: staff.organizationId,
    email: staff.email,
    roles: staff.roles,
    discipline: staff.discipline,
    teamIds: staff.teamMemberships.map((m) => m.teamId),
    expiresAt,
  };
}
