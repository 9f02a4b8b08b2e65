// Which migration folders a database has not applied yet, read from `_prisma_migrations` with
// one plain query: far cheaper than starting the schema engine (WebAssembly, ~1 s) to find
// nothing to do, so start-up checks first and runs the engine only when something is pending.
import { readdir } from 'node:fs/promises';
import type pg from 'pg';

export async function migrationFolders(migrationsDir = 'prisma/migrations'): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

/** Folders not recorded as finished (all of them when the table does not exist yet). */
export async function pendingMigrations(client: pg.Client, migrationsDir = 'prisma/migrations'): Promise<{ pending: string[]; total: number; applied: number }> {
  const expected = await migrationFolders(migrationsDir);
  let applied: Set<string>;
  try {
    const { rows } = await client.query<{ migration_name: string }>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = new Set(rows.map((r) => r.migration_name));
  } catch (error) {
    if ((error as { code?: string }).code !== '42P01') throw error; // undefined_table: never migrated
    applied = new Set();
  }
  const pending = expected.filter((name) => !applied.has(name));
  return { pending, total: expected.length, applied: expected.length - pending.length };
}
