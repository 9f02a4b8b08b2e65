// Every audited change that concerns a client names the client (issue 11): checked on every test
// file's database as its app stops (app.ts), so each mutation the suite runs is walked, with its
// real inputs. A test that wrote an unnamed change then fails at its teardown, naming the
// entity, action and operation. test/audit/every-mutation.test.ts runs every mutation of the
// schema once and checks each request's entries one by one (actor, entity, which client).
import pg from 'pg';

/** Entities that concern no client: the directory, staff, organizations, aggregate exports. */
const NO_CLIENT = ['Provider', 'ProviderService', 'StaffMember', 'Organization', 'Team', 'TeamMembership', 'Statistics'];

export async function expectAuditEventsNameTheirClient(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ entityType: string; action: string; operationName: string | null; n: number }>(
      `SELECT a."entityType", a.action::text AS action, a."operationName", count(*)::int AS n
         FROM "AuditEvent" a
        WHERE a.action::text NOT IN ('READ', 'ACCESS_DENIED') AND a."clientId" IS NULL
          AND a."entityType" <> ALL ($1::text[])
          -- A task without a case names nobody.
          AND NOT (a."entityType" = 'Task' AND EXISTS (SELECT 1 FROM "Task" t WHERE t.id = a."entityId" AND t."caseId" IS NULL))
        GROUP BY 1, 2, 3`,
      [NO_CLIENT],
    );
    if (rows.length > 0) {
      const list = rows.map((r) => `${r.operationName ?? '?'}: ${r.action} ${r.entityType} ×${r.n}`).join('; ');
      throw new Error(`AuditEvents concerning a client were written without its clientId: ${list}`);
    }
  } finally {
    await client.end();
  }
}
