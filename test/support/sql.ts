// Counts the SQL statements the Prisma client sends while `work` runs: the N+1 question is
// answered by counting round trips, never by timing them.
import pg from 'pg';
import { onQuery } from '../../src/db.js';

// Request-path SQL is built by Prisma and schema-qualified; the sweeps' raw SQL is not.
// A mutation's own outbox write is tagged (src/services/workflow/journal.ts) and counts.
const BACKGROUND = /pg_try_advisory|pg_advisory|pg_notify|^\s*LISTEN|^(?!\/\* mutation journal \*\/)[\s\S]*(?<!"public"\.)"DomainEvent"/;

export async function countStatements<T>(work: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const statements: string[] = [];
  const stop = onQuery((sql) => {
    // Transaction bookkeeping is not a data round trip worth counting, and the real-time
    // layer's background sweeps (outbox relay, escalation, retention) share the client.
    if (/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(sql.trim()) || BACKGROUND.test(sql)) return;
    statements.push(sql);
  });
  try {
    return { result: await work(), statements };
  } finally {
    stop();
  }
}

/**
 * Makes registering a client with this family name fail inside PostgreSQL, whose message then
 * quotes the row ("Failing row contains (...)"): an internal error carrying PHI, for the tests
 * that check logs and traces never repeat a message.
 */
export async function refuseFamilyName(databaseUrl: string, constraint: string, familyName: string): Promise<void> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query(`ALTER TABLE "Client" ADD CONSTRAINT ${constraint} CHECK ("familyName" <> '${familyName}') NOT VALID`);
  } finally {
    await db.end();
  }
}
