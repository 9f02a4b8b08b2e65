// applyMigrations / createMigration against the PostgreSQL of TEST_DATABASE_URL.
// createMigration runs on a scratch schema and migrations folder in a temp dir, never
// on the project's.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyMigrations, createMigration, withDatabase } from '../../src/db/migrations.js';
import { adminQuery } from '../../src/db/schema-engine.js';
import { createTestDatabase, testServerUrl } from '../support/database.js';

const SCHEMA_V1 = `
datasource db {
  provider = "postgresql"
}

model Patient {
  id        String   @id @default(uuid()) @db.Uuid
  name      String
  birthDate DateTime @db.Date
  cases     Case[]
}

model Case {
  id        Int     @id @default(autoincrement())
  patientId String  @db.Uuid
  patient   Patient @relation(fields: [patientId], references: [id])
}
`;

// v1 plus a nullable column and an index, minus a column (a destructive change).
const SCHEMA_V2 = SCHEMA_V1.replace('  birthDate DateTime @db.Date\n', '  notes     String?\n').replace(
  '  patientId String  @db.Uuid\n',
  '  patientId String  @db.Uuid\n  @@index([patientId])\n',
);

async function migrationFolders(dir: string): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Throwaway databases this file created itself (cg_migrate_/cg_shadow_ are createMigration's). */
const helperDatabases = () =>
  query<{ datname: string }>(
    testServerUrl(),
    `SELECT datname FROM pg_database WHERE datname LIKE 'cg\\_migrate\\_%' OR datname LIKE 'cg\\_shadow\\_%' ORDER BY 1`,
  );

describe('applyMigrations on the project migrations', () => {
  test('an empty database gets every folder, recorded in _prisma_migrations; a rerun applies nothing', async () => {
    const folders = await migrationFolders('prisma/migrations');
    expect(folders.length).toBeGreaterThan(0);

    const db = await createTestDatabase('migrations'); // runs applyMigrations once
    try {
      const rows = await query<{ migration_name: string; checksum: string; finished: boolean; rolled_back: boolean }>(
        db.url,
        `SELECT migration_name, checksum, finished_at IS NOT NULL AS finished, rolled_back_at IS NOT NULL AS rolled_back
           FROM _prisma_migrations ORDER BY migration_name`,
      );
      expect(rows.map((r) => r.migration_name)).toEqual(folders);
      for (const row of rows) {
        expect(row).toMatchObject({ finished: true, rolled_back: false });
        // Same checksum as the Prisma CLI writes: sha256 of migration.sql.
        const sql = await readFile(join('prisma/migrations', row.migration_name, 'migration.sql'));
        expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      }

      expect(await applyMigrations({ databaseUrl: db.url })).toEqual({ applied: [] });
    } finally {
      await db.drop();
    }
  });

  test('they make the database prisma/schema.prisma describes: no migration is pending', async () => {
    expect(await createMigration({ name: 'pending', databaseUrl: testServerUrl() })).toEqual({ path: null });
  });
});

describe('createMigration on a scratch schema', () => {
  let dir: string;
  let schemaPath: string;
  let migrationsDir: string;
  const server = testServerUrl();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cg-migrations-'));
    schemaPath = join(dir, 'schema.prisma');
    migrationsDir = join(dir, 'migrations');
    await writeFile(schemaPath, SCHEMA_V1);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('the first migration creates the tables and the lock file', async () => {
    const before = await helperDatabases();
    const { path } = await createMigration({ name: 'init', databaseUrl: server, migrationsDir, schemaPath });

    expect(path).toMatch(/[/\\]\d{14}_init$/);
    expect(await migrationFolders(migrationsDir)).toHaveLength(1);
    const sql = await readFile(join(path!, 'migration.sql'), 'utf8');
    expect(sql).toContain('CREATE TABLE "Patient"');
    expect(sql).toContain('"birthDate" DATE NOT NULL');
    expect(sql).toContain('CREATE TABLE "Case"');
    expect(sql).toMatch(/ALTER TABLE "Case" ADD CONSTRAINT "Case_patientId_fkey" FOREIGN KEY \("patientId"\) REFERENCES "Patient"\("id"\)/);
    expect(await readFile(join(migrationsDir, 'migration_lock.toml'), 'utf8')).toMatch(/^provider = "postgresql"$/m);
    // Its scratch and shadow databases are gone.
    expect(await helperDatabases()).toEqual(before);
  });

  test('an unchanged schema produces no migration', async () => {
    const { path } = await createMigration({ name: 'nothing', databaseUrl: server, migrationsDir, schemaPath });
    expect(path).toBeNull();
    expect(await migrationFolders(migrationsDir)).toHaveLength(1);
  });

  test('a CHECK constraint added by hand (Prisma does not model it) does not stop the next migration', async () => {
    const hand = join(migrationsDir, '29990101000000_hand_check');
    await mkdir(hand);
    await writeFile(join(hand, 'migration.sql'), `ALTER TABLE "Patient" ADD CONSTRAINT "Patient_name_check"\n  CHECK (name <> '' AND length(name) < 200);\n`);
    try {
      expect(await createMigration({ name: 'after check', databaseUrl: server, migrationsDir, schemaPath })).toEqual({ path: null });
    } finally {
      await rm(hand, { recursive: true });
    }
  });

  test('a schema change produces the next folder with the expected SQL', async () => {
    await writeFile(schemaPath, SCHEMA_V2);
    const [first] = await migrationFolders(migrationsDir);
    const { path } = await createMigration({ name: 'Notes, not birth dates!', databaseUrl: server, migrationsDir, schemaPath });

    expect(path).toMatch(/[/\\]\d{14}_notes_not_birth_dates$/);
    const folders = await migrationFolders(migrationsDir);
    expect(folders).toHaveLength(2);
    expect(folders[0]).toBe(first); // sorts after the first even when made in the same second
    const sql = await readFile(join(path!, 'migration.sql'), 'utf8');
    expect(sql).toMatch(/Warnings:[\s\S]*drop the column `birthDate` on the `Patient` table/);
    expect(sql).toMatch(/ALTER TABLE "Patient" DROP COLUMN "birthDate",\s+ADD COLUMN\s+"notes" TEXT;/);
    expect(sql).toContain('CREATE INDEX "Case_patientId_idx" ON "Case"("patientId");');

    // And no further change after it.
    expect(await createMigration({ name: 'again', databaseUrl: server, migrationsDir, schemaPath })).toEqual({ path: null });
  });

  test('the folders apply to an empty database in order, once', async () => {
    const name = `cg_test_scratch_${randomBytes(6).toString('hex')}`;
    await adminQuery(server, `CREATE DATABASE "${name}"`);
    try {
      const url = withDatabase(server, name);
      const folders = await migrationFolders(migrationsDir);
      expect(await applyMigrations({ databaseUrl: url, migrationsDir, schemaPath })).toEqual({ applied: folders });
      expect(await applyMigrations({ databaseUrl: url, migrationsDir, schemaPath })).toEqual({ applied: [] });

      const columns = await query<{ column_name: string }>(
        url,
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'Patient' ORDER BY 1`,
      );
      expect(columns.map((c) => c.column_name)).toEqual(['id', 'name', 'notes']);
      const recorded = await query<{ migration_name: string }>(url, 'SELECT migration_name FROM _prisma_migrations ORDER BY 1');
      expect(recorded.map((r) => r.migration_name)).toEqual(folders);
    } finally {
      await adminQuery(server, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  });

  test('a failing migration is recorded as failed and blocks later runs, as with prisma migrate deploy', async () => {
    const bad = join(migrationsDir, '29991231000000_bad');
    await mkdir(bad);
    await writeFile(join(bad, 'migration.sql'), 'ALTER TABLE "NoSuchTable" ADD COLUMN "x" INTEGER;\n');
    const db = await createTestDatabase('failing');
    try {
      // Start this database over on the scratch history.
      await query(db.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      const options = { databaseUrl: db.url, migrationsDir, schemaPath };
      await expect(applyMigrations(options)).rejects.toThrow(/^migration 29991231000000_bad failed: /);
      const [row] = await query<{ finished: boolean }>(
        db.url,
        `SELECT finished_at IS NOT NULL AS finished FROM _prisma_migrations WHERE migration_name = '29991231000000_bad'`,
      );
      expect(row).toEqual({ finished: false });
      await expect(applyMigrations(options)).rejects.toMatchObject({ code: 'P3009' });
    } finally {
      await db.drop();
      await rm(bad, { recursive: true });
    }
  });
});
