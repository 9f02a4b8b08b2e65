// npm run db:migration -- <name>: write prisma/migrations/<timestamp>_<name>/ from the
// difference between the existing migrations and prisma/schema.prisma (like
// `prisma migrate dev --create-only`). Needs a PostgreSQL server for two throwaway
// databases: DATABASE_URL, else TEST_DATABASE_URL, else postgres@127.0.0.1:5432.
// Exit code 0 (also when there is nothing to migrate), 1 on error, 2 on bad usage.
import { relative } from 'node:path';
import { createMigration, DEFAULT_SERVER_URL } from '../src/db/migrations.js';
import { describeUrl, oneLine } from './cli.js';

async function main(): Promise<void> {
  const name = process.argv.slice(2).join(' ').trim();
  if (!name || name.startsWith('-')) {
    console.error('usage: npm run db:migration -- <name>   (e.g. add_case_notes)');
    process.exitCode = 2;
    return;
  }
  const server = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || DEFAULT_SERVER_URL;
  const { path } = await createMigration({ name, databaseUrl: server });
  if (!path) {
    console.log('No schema changes since the last migration: nothing created.');
    return;
  }
  console.log(`Created ${relative(process.cwd(), path)}/migration.sql (shadow databases on ${describeUrl(server)})`);
}

main().catch((error: unknown) => {
  console.error(`db:migration: ${oneLine(error)}`);
  process.exitCode = 1;
});
