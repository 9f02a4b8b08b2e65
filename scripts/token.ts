// Prints a development token: `npm run token -- <staff email>` (default: the demo case manager).
// Expected failures are one line (DEBUG=1 for the whole error); exit code 1.
import { join } from 'node:path';
import pg from 'pg';
import { signStaffToken } from '../src/auth/tokens.js';
import { runningEmbedded } from '../src/db/embedded.js';
import { resolveDatabase } from '../src/db/resolve.js';
import { ConfigError, loadConfig, type Config } from '../src/env.js';
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
  const staff = await findStaff(config, email);
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
  console.log(
    // A staff member with a stored identity is reached only through it (src/auth/identity.ts).
    await signStaffToken(staff.externalSubject ?? staff.id, config.jwt.secret, {
      issuer: staff.externalIssuer ?? config.jwt.issuer,
      audience: config.jwt.audience,
      expiresIn: `${config.jwt.maxLifetimeS}s`,
    }),
  );
}

interface StaffRow {
  id: string;
  active: boolean;
  roles: string[];
  externalIssuer: string | null;
  externalSubject: string | null;
}

/** From DATABASE_URL, the embedded database a running server holds, or the embedded database opened here. */
async function findStaff(config: Config, email: string): Promise<StaffRow | null> {
  if (config.databaseUrl) {
    await checkDatabase(config.databaseUrl);
    return queryStaff(config.databaseUrl, email);
  }
  const running = await runningEmbedded(join(config.dataDir, 'pglite'));
  if (running) return queryStaff(running.url, email);
  const database = await resolveDatabase(config, createLogger('warn'));
  try {
    return await queryStaff(database.url, email);
  } finally {
    await database.stop();
  }
}

// The running server's embedded database serves one session at a time and waits 2 s for it
// (53300 past that): a busy server is asked again for a while.
const EMBEDDED_BUSY = '53300';
const BUSY_DEADLINE_MS = 15_000;

async function queryStaff(url: string, email: string): Promise<StaffRow | null> {
  const deadline = Date.now() + BUSY_DEADLINE_MS;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<StaffRow>(
        'SELECT id, active, roles::text[] AS roles, "externalIssuer", "externalSubject" FROM "StaffMember" WHERE email = $1',
        [email],
      );
      return rows[0] ?? null;
    } catch (error) {
      if ((error as { code?: unknown }).code !== EMBEDDED_BUSY) throw error;
      if (Date.now() > deadline) {
        throw new Refusal(`the running server kept the embedded database busy for ${BUSY_DEADLINE_MS / 1000} s; try again when it is quieter.`);
      }
    } finally {
      await client.end().catch(() => {});
    }
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
