// The authenticated staff member behind a request, as the database has it now: a deactivation
// or a role change takes effect at once (through the per-instance cache, viewer-cache.ts, of
// whom a token's identity names, identity.ts).
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
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

export type Staff = Omit<Viewer, 'expiresAt'>;

/** The viewer of a resolver or service behind the `authenticated` scope (root types require it). */
export function viewerOf(context: Context): Viewer {
  if (!context.viewer) {
    throw new GraphQLError('Authentication required', { extensions: { code: 'UNAUTHENTICATED' } });
  }
  return context.viewer;
}

export function hasRole(viewer: Viewer | null, ...roles: StaffRole[]): boolean {
  return !!viewer && roles.some((role) => viewer.roles.includes(role));
}

/** A database id (uuid): anything else is refused before PostgreSQL would reject it. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// One fixed statement (realtime/viewer.ts reloads a subscriber by id for each event).
const LOAD_STAFF = `SELECT s.id, s."organizationId", s.email, s.roles::text[] AS roles, s.discipline::text AS discipline,
       array(SELECT m."teamId"::text FROM "TeamMembership" m WHERE m."staffId" = s.id AND m."endedAt" IS NULL) AS "teamIds"
  FROM "StaffMember" s WHERE s.id = $1::uuid AND s.active`;

/**
 * The active staff member with this id; null when there is none or they are inactive. Tokens go
 * through identity.ts instead: a token's `sub` is not always a staff id.
 */
export async function loadViewer(staffId: string, expiresAt: number | null): Promise<Viewer | null> {
  // A malformed id would make PostgreSQL reject the uuid comparison.
  if (!UUID.test(staffId)) return null;
  const [staff] = await prisma.$queryRawUnsafe<Staff[]>(LOAD_STAFF, staffId);
  return staff ? { ...staff, expiresAt } : null;
}
