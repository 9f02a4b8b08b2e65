// From the identity a verified token names (tokens.ts) to the staff member behind it, in this
// order, the first that names someone deciding:
//   1. link:  `iss` and `sub` equal a staff member's stored externalIssuer and externalSubject;
//             an inactive one is refused, never passed over;
//   2. id:    `sub` equal to the id of a staff member who has no stored identity (HS256
//             development tokens, and providers told to send the staff id as `sub`): an exact
//             match, so turning email matching on changes nothing for these tokens;
//   3. email: with JWT_MATCH_EMAIL, a verified `email` equal (case-insensitively) to the email of
//             exactly one active staff member who has no stored identity; the token's `iss` and
//             `sub` are then stored on them (audited as an UPDATE of the StaffMember by
//             themselves, operation `signIn`), so later tokens take step 1, whatever email they
//             carry by then. A token without `iss` is never matched by email.
// Once a staff member has a stored identity, only that identity reaches them. Nothing here
// writes to the log: subjects and emails identify people.
import { Prisma, prisma } from '../db.js';
import type { Identity } from './tokens.js';
import { UUID, type Staff } from './viewer.js';

export type Route = 'link' | 'email' | 'id';

export interface Resolution {
  /** The active staff member the identity names; null: nobody, or someone inactive. */
  staff: Staff | null;
  /** Which step named them (null: none did). */
  route: Route | null;
  /**
   * The staff member whose changes can alter this answer: the one named (active or not), else
   * the one `sub` would name as an id. Changes to others matter only when they store an identity.
   */
  about: string | null;
  /** pg_snapshot of the read: which later changes it already saw (viewer-cache.ts). */
  snapshot: string;
}

// One fixed statement. Each step is gated on the earlier ones finding nobody: the email scan
// (lower(email) has no index; staff tables are small) runs only for an identity nothing else names.
const RESOLVE = `WITH pick AS (
  SELECT CASE WHEN l.id IS NOT NULL THEN 'link' WHEN u.id IS NOT NULL THEN 'id' WHEN e.id IS NOT NULL THEN 'email' END AS route,
         coalesce(l.id, u.id, e.id) AS id
    FROM (SELECT 1) AS one
    LEFT JOIN "StaffMember" l ON l."externalIssuer" = $1::text AND l."externalSubject" = $2::text
    LEFT JOIN "StaffMember" u ON l.id IS NULL AND u.id = $4::uuid AND u."externalSubject" IS NULL
    LEFT JOIN LATERAL (
      SELECT (array_agg(x.id))[1] AS id FROM "StaffMember" x
       WHERE l.id IS NULL AND u.id IS NULL AND $3::text IS NOT NULL AND lower(x.email) = $3::text AND x.active AND x."externalSubject" IS NULL
      HAVING count(*) = 1) AS e ON true)
SELECT pg_current_snapshot()::text AS snapshot, p.route, p.id::text AS named, s.id, s."organizationId", s.email,
       s.roles::text[] AS roles, s.discipline::text AS discipline,
       array(SELECT m."teamId"::text FROM "TeamMembership" m WHERE m."staffId" = s.id AND m."endedAt" IS NULL) AS "teamIds"
  FROM pick p LEFT JOIN "StaffMember" s ON s.id = p.id AND s.active`;

// Stores the identity on a staff member still active and unlinked, with its audit, in one
// statement; nothing when someone linked them first.
const LINK = `WITH linked AS (
  UPDATE "StaffMember" SET "externalIssuer" = $2::text, "externalSubject" = $3::text, version = version + 1,
         "updatedAt" = clock_timestamp() AT TIME ZONE 'UTC'
   WHERE id = $1::uuid AND active AND "externalSubject" IS NULL
  RETURNING id)
INSERT INTO "AuditEvent" (id, at, "actorId", action, outcome, "entityType", "entityId", "operationName", reason, "createdAt", "updatedAt")
SELECT casegraph_uuid_v7(), c.ts, linked.id, 'UPDATE', 'SUCCESS', 'StaffMember', linked.id, 'signIn', 'identity provider subject linked by verified email', c.ts, c.ts
  FROM linked, (SELECT clock_timestamp() AT TIME ZONE 'UTC' AS ts) AS c`;

interface Row {
  snapshot: string;
  route: Route | null;
  named: string | null;
  id: string | null;
  organizationId: string;
  email: string;
  roles: Staff['roles'][number][];
  discipline: Staff['discipline'];
  teamIds: string[];
}

async function read(identity: Identity): Promise<Resolution> {
  const asId = UUID.test(identity.subject) ? identity.subject : null;
  // Linking needs an issuer: without one, no email match.
  const email = identity.issuer ? identity.email : null;
  const [row] = await prisma.$queryRawUnsafe<Row[]>(RESOLVE, identity.issuer, identity.subject, email, asId);
  const { snapshot, route, named, id, ...rest } = row!;
  return { staff: id ? { id, ...rest } : null, route, about: named ?? asId?.toLowerCase() ?? null, snapshot };
}

/** Whom `identity` names now; an email match is linked before it is answered. */
export async function resolveIdentity(identity: Identity): Promise<Resolution> {
  const found = await read(identity);
  if (found.route !== 'email' || !found.staff) return found;
  if (await link(found.staff.id, identity)) return found;
  // Linked meanwhile (another request, instance or administrator): as the database has it now,
  // without matching by email a second time.
  const again = await read(identity);
  return again.route === 'email' ? { ...again, staff: null } : again;
}

async function link(staffId: string, identity: Identity): Promise<boolean> {
  try {
    return (await prisma.$executeRawUnsafe(LINK, staffId, identity.issuer, identity.subject)) === 1;
  } catch (error) {
    // The identity was stored on someone else meanwhile.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  return error.code === 'P2002' || JSON.stringify(error.meta ?? {}).includes('23505');
}
