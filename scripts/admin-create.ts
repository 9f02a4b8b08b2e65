// The first administrator of an empty database (production bootstrap):
//   npm run admin:create -- --email ada@agency.org --name "Ada Okafor" --organization "North Agency"
//     [--setting COMMUNITY] [--subject <sub> [--issuer <iss>]]
// Creates the organization when none has that name, and an active staff member with the ADMIN
// role in it; prints the staff id (and, with JWT_SECRET and no JWT_JWKS_URL, a 12-hour token).
// Everyone else is then created through the API (createStaffMember, linkStaffIdentity). With an
// identity provider (JWT_JWKS_URL), --subject stores this person's `sub` at the provider, of the
// issuer --issuer (default JWT_ISSUER), as their identity (src/auth/identity.ts).
// Expected failures are one line; exit code 1.
import { parseArgs } from 'node:util';
import { signStaffToken } from '../src/auth/tokens.js';
import { closeDatabase, openDatabase, prisma } from '../src/db.js';
import { resolveDatabase } from '../src/db/resolve.js';
import { ConfigError, loadConfig } from '../src/env.js';
import { createLogger } from '../src/logger.js';
import { checkDatabase, describeStartupError } from '../src/startup.js';
import { oneLine } from './cli.js';

const SETTINGS = ['HOSPITAL', 'SCHOOL', 'CORRECTIONAL', 'COMMUNITY', 'HOME_HEALTH', 'OTHER'] as const;
const USAGE =
  'usage: npm run admin:create -- --email <email> --name "<given> <family>" --organization "<name>" [--setting COMMUNITY] [--subject <sub> [--issuer <iss>, default JWT_ISSUER]]';
/** As linkStaffIdentity takes them: compared exactly, so no surrounding spaces. */
const CLAIM = /^\S(?:.*\S)?$/;

class Refusal extends Error {}

function readArguments(defaultIssuer: string | undefined) {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        email: { type: 'string' },
        name: { type: 'string' },
        organization: { type: 'string' },
        setting: { type: 'string', default: 'COMMUNITY' },
        subject: { type: 'string' },
        issuer: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new Refusal(`${(error as Error).message}\n${USAGE}`);
  }
  const email = values.email?.trim().toLowerCase();
  const names = values.name?.trim().split(/\s+/) ?? [];
  const organization = values.organization?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw new Refusal(`--email must be an email address\n${USAGE}`);
  if (names.length < 2) throw new Refusal(`--name must hold a given and a family name\n${USAGE}`);
  if (!organization) throw new Refusal(`--organization is required\n${USAGE}`);
  const setting = values.setting!.toUpperCase();
  if (!(SETTINGS as readonly string[]).includes(setting)) throw new Refusal(`--setting must be one of ${SETTINGS.join(', ')}`);
  const subject = values.subject;
  const issuer = values.issuer ?? defaultIssuer;
  if (subject !== undefined && (!CLAIM.test(subject) || subject.length > 255)) {
    throw new Refusal('--subject must be the person\'s `sub` at the identity provider: 1 to 255 characters, no surrounding spaces');
  }
  if (subject === undefined && values.issuer !== undefined) throw new Refusal(`--issuer goes with --subject\n${USAGE}`);
  if (subject !== undefined && !issuer) throw new Refusal('--subject needs the identity provider\'s issuer (`iss`): pass --issuer or set JWT_ISSUER');
  if (subject !== undefined && issuer && (!CLAIM.test(issuer) || issuer.length > 500)) throw new Refusal('--issuer must be 1 to 500 characters, no surrounding spaces');
  return {
    email,
    givenName: names.slice(0, -1).join(' '),
    familyName: names.at(-1)!,
    organization,
    setting: setting as (typeof SETTINGS)[number],
    identity: subject !== undefined ? { issuer: issuer!, subject } : null,
  };
}

async function main(): Promise<void> {
  const config = loadConfig();
  const args = readArguments(config.jwt.issuer);
  if (config.databaseUrl) await checkDatabase(config.databaseUrl);
  const database = await resolveDatabase(config, createLogger('warn'));
  openDatabase({ url: database.url, poolMax: database.poolMax });
  try {
    const staff = await prisma.$transaction(async (tx) => {
      if (await tx.staffMember.findUnique({ where: { email: args.email }, select: { id: true } })) {
        throw new Refusal(`A staff member already has the email ${args.email}.`);
      }
      const identity = args.identity && { externalIssuer: args.identity.issuer, externalSubject: args.identity.subject };
      if (identity && (await tx.staffMember.findUnique({ where: { externalIssuer_externalSubject: identity }, select: { id: true } }))) {
        throw new Refusal('A staff member already signs in with this subject of this issuer.');
      }
      const named = await tx.organization.findMany({ where: { name: args.organization }, select: { id: true }, take: 2 });
      if (named.length > 1) throw new Refusal(`Several organizations are named "${args.organization}": rename one first.`);
      const organization = named[0] ?? (await tx.organization.create({ data: { name: args.organization, setting: args.setting }, select: { id: true } }));
      const created = await tx.staffMember.create({
        data: {
          ...identity,
          organizationId: organization.id,
          givenName: args.givenName,
          familyName: args.familyName,
          email: args.email,
          roles: ['ADMIN'],
          discipline: 'ADMINISTRATIVE',
        },
        select: { id: true, organizationId: true },
      });
      // No actor: the bootstrap is done from the server's shell, not by a staff member.
      await tx.auditEvent.create({ data: { action: 'CREATE', entityType: 'StaffMember', entityId: created.id, operationName: 'admin:create' } });
      return { ...created, organizationCreated: !named[0] };
    });
    console.error(
      `Created administrator ${args.email} in ${staff.organizationCreated ? 'the new' : 'the existing'} organization "${args.organization}".`,
    );
    console.log(`staff id: ${staff.id}`);
    if (args.identity) console.log(`signs in with the subject ${args.identity.subject} of ${args.identity.issuer}`);
    // With an identity provider the server takes its tokens only.
    if (config.jwt.secret && !config.jwt.jwksUrl) {
      const token = await signStaffToken(args.identity?.subject ?? staff.id, config.jwt.secret, {
        issuer: args.identity?.issuer ?? config.jwt.issuer,
        audience: config.jwt.audience,
      });
      console.log(`token (12 h):\n${token}`);
    }
  } finally {
    await closeDatabase();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof Refusal) console.error(`admin:create: ${error.message}`);
  else console.error(`admin:create: ${describeStartupError(error, '', 0) ?? oneLine(error)}`);
  process.exitCode = 1;
});
