// Who may read what, as Prisma `where` filters, in one place. List queries AND these into
// their filters, so a viewer never learns that a forbidden record exists; single lookups
// use the same filters, so a forbidden id answers exactly like a missing one.
//
// - A client's registration record (names, contact, identifiers) is visible to clinical
//   staff of the client's organization, to anyone on a care team of one of the client's
//   cases, and to a clinician holding an unexpired break-glass grant for the client.
// - A case and everything under it: its active care team, supervisors of its organization,
//   and break-glass holders for its client.
// - Admins manage staff and organizations; analysts see aggregates; neither reads
//   clinical records by virtue of the role.
import type { Prisma } from '../generated/prisma/client.js';
import type { StaffRole } from '../generated/prisma/enums.js';
import type { Viewer } from './viewer.js';
import { NotFoundError } from '../errors.js';
import { filterTime } from '../clock.js';

const CLINICAL_ROLES: readonly StaffRole[] = [
  'CASE_MANAGER',
  'SOCIAL_WORKER',
  'NURSE',
  'PHYSICIAN',
  'COUNSELOR',
  'PSYCHOLOGIST',
  'SUPERVISOR',
];

const NOTHING = { id: { in: [] as string[] } };

export function isClinician(viewer: Viewer): boolean {
  return viewer.roles.some((role) => CLINICAL_ROLES.includes(role));
}

export function isSupervisor(viewer: Viewer): boolean {
  return viewer.roles.includes('SUPERVISOR');
}

function onCareTeam(viewer: Viewer): Prisma.CaseWhereInput {
  return { careTeam: { some: { staffId: viewer.id, endedAt: null } } };
}

function breakGlass(viewer: Viewer, now = filterTime()): Prisma.BreakGlassGrantListRelationFilter {
  return { some: { staffId: viewer.id, expiresAt: { gt: now } } };
}

export function caseWhere(viewer: Viewer): Prisma.CaseWhereInput {
  if (!isClinician(viewer)) return NOTHING;
  // The cheap test first: PostgreSQL evaluates OR arms in order and stops at the first true.
  const or: Prisma.CaseWhereInput[] = isSupervisor(viewer) ? [{ organizationId: viewer.organizationId }] : [];
  or.push(onCareTeam(viewer), { client: { breakGlassGrants: breakGlass(viewer) } });
  return { OR: or };
}

export function clientWhere(viewer: Viewer): Prisma.ClientWhereInput {
  if (!isClinician(viewer)) return NOTHING;
  return {
    OR: [
      { organizationId: viewer.organizationId },
      { cases: { some: onCareTeam(viewer) } },
      { breakGlassGrants: breakGlass(viewer) },
    ],
  };
}

/** Related persons are visible through a client the viewer may see. */
export function relatedPersonWhere(viewer: Viewer): Prisma.RelatedPersonWhereInput {
  return { relationships: { some: { client: clientWhere(viewer) } } };
}

/** Staff directory: colleagues of the viewer's organization. */
export function staffWhere(viewer: Viewer): Prisma.StaffMemberWhereInput {
  return { organizationId: viewer.organizationId };
}

/** Organizations: one's own, and others as referral and transfer partners (names only). */
export function organizationWhere(_viewer: Viewer): Prisma.OrganizationWhereInput {
  return {};
}

/** Throws the same NotFound for a missing case and for one the viewer may not touch. */
export async function findCaseForViewer<T extends Prisma.CaseSelect>(
  db: { case: { findFirst: (args: { where: Prisma.CaseWhereInput; select: T }) => Promise<unknown> } },
  viewer: Viewer,
  caseId: string,
  select: T,
): Promise<Prisma.CaseGetPayload<{ select: T }>> {
  const found = await db.case.findFirst({ where: { id: caseId, AND: [caseWhere(viewer)] }, select });
  if (!found) {
    const existing = (await db.case.findFirst({ where: { id: caseId }, select: { clientId: true } as T })) as { clientId: string } | null;
    throw new NotFoundError('Case', caseId, existing ? existing.clientId : undefined);
  }
  return found as Prisma.CaseGetPayload<{ select: T }>;
}

/** Same for a client. */
export async function findClientForViewer<T extends Prisma.ClientSelect>(
  db: { client: { findFirst: (args: { where: Prisma.ClientWhereInput; select: T }) => Promise<unknown> } },
  viewer: Viewer,
  clientId: string,
  select: T,
): Promise<Prisma.ClientGetPayload<{ select: T }>> {
  const found = await db.client.findFirst({ where: { id: clientId, AND: [clientWhere(viewer)] }, select });
  if (!found) {
    const existing = await db.client.findFirst({ where: { id: clientId }, select: { id: true } as T });
    throw new NotFoundError('Client', clientId, existing ? clientId : undefined);
  }
  return found as Prisma.ClientGetPayload<{ select: T }>;
}
