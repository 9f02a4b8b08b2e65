// Prints a development token: `npm run token -- <staff email>` (default: the demo case manager).
// Expected failures are one line (DEBUG=1 for the whole error); exit code 1.
import { signStaffToken } from '../src/auth/tokens.js';
import { closeDatabase, openDatabase, prisma } from '../src/db.js';
import { resolveDatabase } from '../src/db/resolve.js';
import { ConfigError, loadConfig } from '../src/env.js';
import { createLogger } from '../src/logger.js';
import { DEMO_CASE_MANAGER_EMAIL } from '../src/seed/seed.js';
import { checkDatabase, describeStartupError, whereIs } from '../src/startup.js';
import { oneLine } from './cli.js';

class Refusal extends Error {}

async function main(): Promise<void> {
  const config = loadConfig();
  if (!config.jwt.secret) {
    throw new Refusal('Tokens can only be minted with JWT_SECRET (HS256); with JWT_JWKS_URL ask your identity provider.');
  }
  const email = process.argv[2] ?? DEMO_CASE_MANAGER_EMAIL;
  if (config.databaseUrl) await checkDatabase(config.databaseUrl);
  const database = await resolveDatabase(config, createLogger('warn'));
  openDatabase({ url: database.url, poolMax: database.poolMax });
  try {
    const staff = await prisma.staffMember.findUnique({
      where: { email },
      select: { id: true, active: true, roles: true, externalIssuer: true, externalSubject: true },
    });
    if (!staff) {
      const where = config.databaseUrl
        ? `the database "${whereIs(config.databaseUrl).database}" (DATABASE_URL); create one with npm run admin:create`
        : `the embedded database in ${config.dataDir} (npm start loads the demo staff into an empty one)`;
      throw new Refusal(`No staff member has the email ${email} in ${where}.`);
    }
    if (!staff.active) throw new Refusal(`${email} is inactive: a token for them would be refused.`);
    // As long as the server accepts (JWT_MAX_LIFETIME), no longer.
    const hours = +(config.jwt.maxLifetimeS / 3600).toFixed(2);
    console.error(`Token for ${email} (${staff.roles.join(', ')}), valid ${hours} hours:`);
    // A staff member with a stored identity is reached only through it (src/auth/identity.ts).
    console.log(
      await signStaffToken(staff.externalSubject ?? staff.id, config.jwt.secret, {
        issuer: staff.externalIssuer ?? config.jwt.issuer,
        audience: config.jwt.audience,
        expiresIn: `${config.jwt.maxLifetimeS}s`,
      }),
    );
  } finally {
    await closeDatabase();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof Refusal) {
    console.error(`token: ${error.message}`);
  } else if (/embedded database .+ is in use by process \d+/.test((error as Error)?.message ?? '')) {
    // The running server holds the embedded database (one process at a time).
    const pid = /process (\d+)/.exec((error as Error).message)![1];
    console.error(
      `token: the embedded database is open in the running server (process ${pid}). Use a development token it printed at start ("development token ... for <email>"), or stop it and run npm run token again, or run the server on PostgreSQL (DATABASE_URL) so both can connect.`,
    );
  } else {
    const config = (() => { try { return loadConfig(); } catch { return undefined; } })();
    console.error(`token: ${describeStartupError(error, config?.host ?? '', config?.port ?? 0) ?? oneLine(error)}`);
  }
  process.exitCode = 1;
});
