// Development convenience: tokens for the seeded demo staff, printed at start, so a newcomer
// can query at once (the embedded database serves one process at a time, so `npm run token`
// cannot open it while the server runs).
import { prisma } from '../db.js';
import { DEMO_STAFF_EMAILS } from '../seed/seed.js';
import { signStaffToken } from './tokens.js';

export async function demoTokens(secret: string, lifetimeS = 12 * 3600): Promise<Array<{ email: string; token: string }>> {
  const staff = await prisma.staffMember.findMany({
    where: { email: { in: Object.values(DEMO_STAFF_EMAILS) }, active: true },
    select: { id: true, email: true, externalIssuer: true, externalSubject: true },
    orderBy: { email: 'asc' },
  });
  // One with a stored identity is reached only through it (identity.ts).
  return Promise.all(
    staff.map(async (s) => ({
      email: s.email,
      token: await signStaffToken(s.externalSubject ?? s.id, secret, { expiresIn: `${lifetimeS}s`, issuer: s.externalIssuer ?? undefined }),
    })),
  );
}
