// The benchmark's database: created, migrated and seeded when it has fewer clients than asked
// for, then read to pick the actors and the records the operations are about.
import { spawn } from 'node:child_process';
import pg from 'pg';

export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'casegraph-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Runs an npm script of the checkout `cwd` against `url`, output shown; rejects on failure. */
export function npmRun(cwd: string, args: string[], env: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolve() : reject(new Error(`npm run ${args.join(' ')} failed (${signal ?? `exit ${code}`})`))));
  });
}

async function createIfMissing(url: string): Promise<void> {
  try {
    await withClient(url, async () => {});
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
    const target = new URL(url);
    const name = decodeURIComponent(target.pathname.slice(1));
    const admin = new URL(url);
    admin.pathname = '/postgres';
    console.log(`creating database ${name}`);
    await withClient(admin.toString(), (client) => client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`));
  }
}

async function clientCount(url: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM "Client"');
    return Number(rows[0]!.n);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Migrates (always: migrations may have been added) and, when the database has fewer than
 * `clients` clients, seeds it. A seeding already running elsewhere (the count still growing)
 * is waited for, never started over.
 */
export async function prepareDatabase(options: { url: string; clients: number; checkout: string }): Promise<number> {
  const { url, clients, checkout } = options;
  await createIfMissing(url);
  await npmRun(checkout, ['db:migrate'], { DATABASE_URL: url });
  let count = await clientCount(url);
  if (count >= clients) return count;
  if (count > 0) {
    // Another process may be seeding this database right now: wait while the count grows.
    for (;;) {
      await sleep(10_000);
      const next = await clientCount(url);
      if (next === count || next >= clients) {
        count = next;
        break;
      }
      console.log(`  ${next.toLocaleString('en-US')} clients and growing: waiting for the seeding in progress`);
      count = next;
    }
    if (count >= clients) return count;
  }
  console.log(`${count.toLocaleString('en-US')} clients < ${clients.toLocaleString('en-US')}: seeding (this takes a while, once)`);
  await npmRun(checkout, count > 0 ? ['db:seed', '--', '--reset'] : ['db:seed'], { DATABASE_URL: url, SEED_CLIENTS: String(clients) });
  await withClient(url, (client) => client.query('ANALYZE'));
  return clientCount(url);
}

export interface Actors {
  manager: { id: string; email: string; organizationId: string; openCases: number };
  supervisor: { id: string; email: string };
  analyst: { id: string; email: string; organizationId: string };
  /** The client whose chart is read: the manager's client with the most interactions. */
  chartClient: { id: string; cases: number; interactions: number };
  /**
   * Who records interactions and raises crises, and on which open cases: a case manager of
   * another organization than the readers', so that the rows the mutations add never grow
   * what the read operations return from one run to the next.
   */
  writer: { id: string; email: string; organizationId: string; cases: Array<{ caseId: string; clientId: string }> };
}

export async function pickActors(url: string): Promise<Actors> {
  return withClient(url, async (db) => {
    const one = async <T extends pg.QueryResultRow>(what: string, sql: string, params: unknown[] = []): Promise<T> => {
      const { rows } = await db.query<T>(sql, params);
      if (!rows[0]) throw new Error(`the database has no ${what}: is it seeded (npm run db:seed)?`);
      return rows[0];
    };
    const manager = await one<{ id: string; email: string; organizationId: string; open: number }>(
      'active case manager on an open case',
      `SELECT s.id, s.email, s."organizationId", count(*)::int AS open
         FROM "StaffMember" s
         JOIN "CareTeamMember" m ON m."staffId" = s.id AND m."endedAt" IS NULL
         JOIN "Case" c ON c.id = m."caseId" AND c.status <> 'CLOSED'
        WHERE s.active AND 'CASE_MANAGER' = ANY (s.roles)
        GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1`,
    );
    const supervisor = await one<{ id: string; email: string }>(
      "supervisor of the case manager's organization",
      `SELECT id, email FROM "StaffMember" WHERE active AND 'SUPERVISOR' = ANY (roles) AND "organizationId" = $1 ORDER BY id LIMIT 1`,
      [manager.organizationId],
    );
    const analyst = await one<{ id: string; email: string; organizationId: string }>(
      'analyst',
      `SELECT id, email, "organizationId" FROM "StaffMember" WHERE active AND 'ANALYST' = ANY (roles)
        ORDER BY ("organizationId" = $1) DESC, id LIMIT 1`,
      [manager.organizationId],
    );
    const chartClient = await one<{ id: string; cases: number; interactions: number }>(
      "client of the case manager's",
      `SELECT c."clientId" AS id, count(DISTINCT c.id)::int AS cases, count(i.id)::int AS interactions
         FROM "CareTeamMember" m
         JOIN "Case" c ON c.id = m."caseId"
         LEFT JOIN "Interaction" i ON i."caseId" = c.id
        WHERE m."staffId" = $1 AND m."endedAt" IS NULL
        GROUP BY c."clientId" ORDER BY count(i.id) DESC, c."clientId" LIMIT 1`,
      [manager.id],
    );
    // Prefer an organization no reader reads; fall back to any other case manager, then to
    // the manager (a tiny data set with one organization).
    const writer = await one<{ id: string; email: string; organizationId: string }>(
      'case manager to write with',
      `SELECT s.id, s.email, s."organizationId"
         FROM "StaffMember" s
         JOIN "CareTeamMember" m ON m."staffId" = s.id AND m."endedAt" IS NULL
         JOIN "Case" c ON c.id = m."caseId" AND c.status <> 'CLOSED'
         JOIN "Client" cl ON cl.id = c."clientId" AND cl.status <> 'DECEASED' AND cl."mergedIntoId" IS NULL
        WHERE s.active AND 'CASE_MANAGER' = ANY (s.roles)
        GROUP BY s.id
        ORDER BY (s."organizationId" NOT IN ($1, $2)) DESC, (s.id <> $3) DESC, count(*) DESC, s.id LIMIT 1`,
      [manager.organizationId, analyst.organizationId, manager.id],
    );
    const { rows: cases } = await db.query<{ caseId: string; clientId: string }>(
      `SELECT c.id AS "caseId", c."clientId"
         FROM "CareTeamMember" m
         JOIN "Case" c ON c.id = m."caseId" AND c.status <> 'CLOSED'
         JOIN "Client" cl ON cl.id = c."clientId" AND cl.status <> 'DECEASED' AND cl."mergedIntoId" IS NULL
        WHERE m."staffId" = $1 AND m."endedAt" IS NULL
        ORDER BY c.id LIMIT 50`,
      [writer.id],
    );
    return {
      manager: { id: manager.id, email: manager.email, organizationId: manager.organizationId, openCases: manager.open },
      supervisor,
      analyst,
      chartClient,
      writer: { ...writer, cases },
    };
  });
}
