// Prints a development token: `npm run token -- <staff email>` (default: the demo case manager).
import { signStaffToken } from '../src/auth/tokens.js';
import { closeDatabase, openDatabase, prisma } from '../src/db.js';
import { resolveDatabase } from '../src/db/resolve.js';
import { loadConfig } from '../src/env.js';
import { createLogger } from '../src/logger.js';
import { DEMO_CASE_MANAGER_EMAIL } from '../src/seed/seed.js';

const config = loadConfig();
if (!config.jwt.secret) {
  console.error('Tokens can only be minted with JWT_SECRET (HS256); with JWT_JWKS_URL ask your identity provider.');
  process.exit(1);
}
const email = process.argv[2] ?? DEMO_CASE_MANAGER_EMAIL;
const database = await resolveDatabase(config, createLogger('warn'));
openDatabase({ url: database.url, poolMax: database.poolMax });
try {
  const staff = await prisma.staffMember.findUnique({ where: { email }, select: { id: true, active: true, roles: true } });
  if (!staff) {
    console.error(`No staff member has the email ${email}${process.argv[2] ? '' : ' (run npm start or npm run db:seed first)'}`);
    process.exitCode = 1;
  } else if (!staff.active) {
    console.error(`${email} is inactive: a token for them would be refused`);
    process.exitCode = 1;
  } else {
    // As long as the server accepts (JWT_MAX_LIFETIME), no longer.
    const hours = +(config.jwt.maxLifetimeS / 3600).toFixed(2);
    console.error(`Token for ${email} (${staff.roles.join(', ')}), valid ${hours} hours:`);
    console.log(
      await signStaffToken(staff.id, config.jwt.secret, {
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        expiresIn: `${config.jwt.maxLifetimeS}s`,
      }),
    );
  }
} finally {
  await closeDatabase();
  await database.stop();
}
