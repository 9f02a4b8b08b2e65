// The authenticated staff member behind a request, as the database has it now: a deactivation
// or a role change takes effect at once (through the per-instance cache, viewer-cache.ts).
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

// One fixed statement; the snapshot tells the cache which later changes this read already saw.
const LOAD_STAFF = `SELECT pg_current_snapshot()::text AS snapshot, s.id, s."organizationId", s.email,
       s.roles::text[] AS roles, s.discipline::text AS discipline,
       array(SELECT m."teamId"::text FROM "TeamMembership" m WHERE m."staffId" = s.id AND m."endedAt" IS NULL) AS "teamIds"
  FROM (SELECT 1) AS one LEFT JOIN "StaffMember" s ON s.id = $1::uuid AND s.active`;

interface StaffRow {
  snapshot: string;
  id: string | null;
  organizationId: string;
  email: string;
  roles: StaffRole[];
  discipline: Discipline;
  teamIds: string[];
}

/** The active staff member with this id (null: none, or inactive), and the snapshot it was read in. */
export async function loadStaff(staffId: string): Promise<{ staff: Staff | null; snapshot: string | null }> {
  // A malformed id would make PostgreSQL reject the uuid comparison.
  if (!UUID.test(staffId)) return { staff: null, snapshot: null };
  const [row] = await prisma.$queryRawUnsafe<StaffRow[]>(LOAD_STAFF, staffId);
  const { snapshot, id, ...rest } = row!;
  return { staff: id ? { id, ...rest } : null, snapshot };
}

/** null when there is no such staff member or they are inactive. */
export async function loadViewer(staffId: string, expiresAt: number | null): Promise<Viewer | null> {
  const { staff } = await loadStaff(staffId);
  return staff && { ...staff, expiresAt };
}
