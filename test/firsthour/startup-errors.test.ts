// The real server and CLIs, each spawned in its own process group, on the mistakes an operator
// makes first: each gets one plain sentence naming the setting or the command, exit code 1, no
// stack trace. And the first administrator of an empty database (npm run admin:create).
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminQuery } from '../../src/db/schema-engine.js';
import { withDatabase } from '../../src/db/migrations.js';
import { createTestDatabase, testServerUrl, type TestDatabase } from '../support/database.js';
import { run, type Outcome } from '../support/cli.js';
import { freePort } from '../support/realtime.js';

// Pretty lines, as in development: `12:04:05.123 FATAL Casegraph could not start. <sentence>`.
const server = (env: Record<string, string>) => run('src/index.ts', [], { HOST: '127.0.0.1', LOG_FORMAT: 'pretty', ...env });
const FATAL_LINE = /^\d\d:\d\d:\d\d\.\d{3} FATAL Casegraph could not start\. /;
const token = (args: string[], env: Record<string, string>) => run('scripts/token.ts', args, env);
const adminCreate = (args: string[], env: Record<string, string>) => run('scripts/admin-create.ts', args, env);

function expectNoStack(outcome: Outcome): void {
  expect(outcome.output).not.toMatch(/\n\s+at /);
  expect(outcome.output).not.toContain('Prisma');
}

let migrated: TestDatabase;
let emptyName: string;
let emptyUrl: string;
let scratch: string;

beforeAll(async () => {
  migrated = await createTestDatabase('startup_errors');
  emptyName = `cg_test_unmigrated_${randomBytes(6).toString('hex')}`;
  await adminQuery(testServerUrl(), `CREATE DATABASE "${emptyName}"`);
  emptyUrl = withDatabase(testServerUrl(), emptyName);
  scratch = await mkdtemp(join(tmpdir(), 'cg-startup-'));
});
afterAll(async () => {
  await migrated?.drop();
  if (emptyName) await adminQuery(testServerUrl(), `DROP DATABASE IF EXISTS "${emptyName}" WITH (FORCE)`);
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('server start-up', { timeout: 120_000 }, () => {
  it('names the unreachable PostgreSQL and what to check', async () => {
    const port = await freePort(); // nothing listens there
    const outcome = await server({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${port}/casegraph`, PORT: '0' });
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain(`Cannot reach PostgreSQL at 127.0.0.1:${port} (DATABASE_URL): connection refused`);
    expect(outcome.output.trim().split('\n')).toHaveLength(1);
    expect(outcome.output).toMatch(FATAL_LINE);
    expectNoStack(outcome);
  });

  it('refuses an unmigrated database before serving, naming the command', async () => {
    const outcome = await server({ DATABASE_URL: emptyUrl, PORT: '0' });
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain(`The database "${emptyName}" at 127.0.0.1:5432 is not migrated: run \`npm run db:migrate\``);
    expect(outcome.output).not.toContain('serving');
    expectNoStack(outcome);
  });

  it('reports a port in use before touching the database', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      // An unreachable database too: the port message first proves nothing else ran before.
      const unreachable = await freePort();
      const outcome = await server({ DATABASE_URL: `postgresql://postgres@127.0.0.1:${unreachable}/x`, PORT: String(port) });
      expect(outcome.code).toBe(1);
      expect(outcome.output).toContain(`Port ${port} on 127.0.0.1 is already in use (PORT)`);
      expect(outcome.output).not.toContain('DATABASE_URL');
      expectNoStack(outcome);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('npm run token', { timeout: 120_000 }, () => {
  it('says where it looked when DATABASE_URL is set, and how to create staff there', async () => {
    const outcome = await token(['nobody@example.org'], { DATABASE_URL: migrated.url });
    expect(outcome.code).toBe(1);
    expect(outcome.output.trim()).toMatch(/^token: No staff member has the email nobody@example\.org in the database "cg_test_startup_errors_[0-9a-f]+" \(DATABASE_URL\); create one with npm run admin:create\.$/);
  });

  it('says what to do while the running server holds the embedded database', async () => {
    // The lock a running server holds: this (live) process's pid on this host.
    await mkdir(join(scratch, 'pglite'), { recursive: true });
    await writeFile(join(scratch, 'pglite', 'casegraph.lock'), JSON.stringify({ pid: process.pid, host: hostname(), token: randomUUID() }));
    const outcome = await token([], { DATA_DIR: scratch });
    expect(outcome.code).toBe(1);
    expect(outcome.output.trim()).toBe(
      `token: the embedded database is open in the running server (process ${process.pid}). Use a development token it printed at start ("development token ... for <email>"), or stop it and run npm run token again, or run the server on PostgreSQL (DATABASE_URL) so both can connect.`,
    );
  });

  it('names an unmigrated database in one line', async () => {
    const outcome = await token([], { DATABASE_URL: emptyUrl });
    expect(outcome.code).toBe(1);
    expect(outcome.output.trim()).toBe(`token: The database "${emptyName}" at 127.0.0.1:5432 is not migrated: run \`npm run db:migrate\` with the same DATABASE_URL, then try again.`);
  });
});

describe('npm run admin:create', { timeout: 120_000 }, () => {
  it('creates the first administrator and organization, whose token then works', async () => {
    const subject = `auth0|${randomUUID()}`;
    const issuer = 'https://login.north.example/';
    const created = await adminCreate(['--email', 'Ada@North.example', '--name', 'Ada Okafor', '--organization', 'North Agency', '--subject', subject], {
      DATABASE_URL: migrated.url,
      JWT_ISSUER: issuer,
    });
    expect(created.output).toContain('Created administrator ada@north.example in the new organization "North Agency".');
    expect(created.output).toContain(`signs in with the subject ${subject} of ${issuer}`);
    expect(created.code).toBe(0);
    const staffId = /staff id: ([0-9a-f-]{36})/.exec(created.output)![1]!;

    const client = new pg.Client({ connectionString: migrated.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT s.id, s.roles::text[] AS roles, s.active, s."givenName", s."familyName", s."externalIssuer", s."externalSubject", o.name AS organization
           FROM "StaffMember" s JOIN "Organization" o ON o.id = s."organizationId" WHERE s.email = 'ada@north.example'`,
      );
      expect(rows).toEqual([
        { id: staffId, roles: ['ADMIN'], active: true, givenName: 'Ada', familyName: 'Okafor', externalIssuer: issuer, externalSubject: subject, organization: 'North Agency' },
      ]);
      const audit = await client.query(`SELECT action, "entityType" FROM "AuditEvent" WHERE "entityId" = $1`, [staffId]);
      expect(audit.rows).toEqual([{ action: 'CREATE', entityType: 'StaffMember' }]);
    } finally {
      await client.end();
    }
    // The printed development token names them as the server will look them up: by that identity.
    const claims = JSON.parse(Buffer.from(/token \(12 h\):\n(\S+)/.exec(created.output)![1]!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ sub: subject, iss: issuer });

    const sameIdentity = await adminCreate(['--email', 'bea@north.example', '--name', 'Bea Okafor', '--organization', 'North Agency', '--subject', subject, '--issuer', issuer], {
      DATABASE_URL: migrated.url,
    });
    expect(sameIdentity.code).toBe(1);
    expect(sameIdentity.output.trim()).toBe('admin:create: A staff member already signs in with this subject of this issuer.');
    const noIssuer = await adminCreate(['--email', 'bea@north.example', '--name', 'Bea Okafor', '--organization', 'North Agency', '--subject', 'bea'], {
      DATABASE_URL: migrated.url,
    });
    expect(noIssuer.code).toBe(1);
    expect(noIssuer.output.trim()).toBe("admin:create: --subject needs the identity provider's issuer (`iss`): pass --issuer or set JWT_ISSUER");

    // npm run token finds them now.
    const minted = await token(['ada@north.example'], { DATABASE_URL: migrated.url });
    expect(minted.code).toBe(0);
    expect(minted.output).toContain('Token for ada@north.example (ADMIN)');
    const mintedClaims = JSON.parse(Buffer.from(minted.output.trim().split('\n').at(-1)!.split('.')[1]!, 'base64url').toString());
    expect(mintedClaims).toMatchObject({ sub: subject, iss: issuer });

    const again = await adminCreate(['--email', 'ada@north.example', '--name', 'Ada Okafor', '--organization', 'North Agency'], { DATABASE_URL: migrated.url });
    expect(again.code).toBe(1);
    expect(again.output.trim()).toBe('admin:create: A staff member already has the email ada@north.example.');
  });

  it('explains its arguments', async () => {
    const outcome = await adminCreate(['--email', 'x@y.example', '--organization', 'North Agency'], { DATABASE_URL: migrated.url });
    expect(outcome.code).toBe(1);
    expect(outcome.output).toContain('admin:create: --name must hold a given and a family name');
    expect(outcome.output).toContain('usage: npm run admin:create --');
  });
});
