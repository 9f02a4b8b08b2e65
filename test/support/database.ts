// One PostgreSQL database per test file, so files never see each other's rows.
//
//   const db = await createTestDatabase('cases');   // in beforeAll
//   ... use db.url ...
//   await db.drop();                                 // in afterAll
//
// The server is TEST_DATABASE_URL (default postgres@127.0.0.1:5432, trust auth); the
// role needs CREATEDB. The database is migrated with prisma/migrations, exactly as
// `npm run db:migrate` would.
import { randomBytes } from 'node:crypto';
import { adminQuery } from '../../src/db/schema-engine.js';
import { applyMigrations, DEFAULT_SERVER_URL, withDatabase } from '../../src/db/migrations.js';

export interface TestDatabase {
  url: string;
  /** Drops the database, disconnecting whoever is still connected. Idempotent. */
  drop(): Promise<void>;
}

export const testServerUrl = (): string => process.env.TEST_DATABASE_URL || DEFAULT_SERVER_URL;

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const server = testServerUrl();
  // Identifiers stop at 63 bytes: cg_test_ (8) + label (<= 40) + _ + 12 hex.
  const safeLabel = label.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 40) || 'x';
  const name = `cg_test_${safeLabel}_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE "${name}"`);

  let dropped: Promise<void> | undefined;
  const drop = () =>
    (dropped ??= adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).then(() => undefined));

  const url = withDatabase(server, name);
  try {
    await applyMigrations({ databaseUrl: url });
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, drop };
}
