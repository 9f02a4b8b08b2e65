// npm run db:seed: load the deterministic data set into DATABASE_URL or, when it is unset, into
// the embedded database the app would use. SEED_CLIENTS (default 1000) sets the size, SEED
// (default 42) the variant. A database that already has data is refused unless `--reset`
// (npm run db:seed -- --reset), which first empties every table except _prisma_migrations.
import { closeDatabase, openDatabase, type PrismaClient } from '../src/db.js';
import { resolveDatabase } from '../src/db/resolve.js';
import { loadConfig } from '../src/env.js';
import { createLogger } from '../src/logger.js';
import { SET_ASIDE_LEDGER } from '../src/seed/bulk-indexes.js';
import { DEFAULT_CLIENTS, DEFAULT_SEED, DEMO_STAFF_EMAILS, isDatabaseEmpty, seed } from '../src/seed/seed.js';

class UsageError extends Error {}

function wholeNumber(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(value) || value < min) throw new UsageError(`${name} must be a whole number >= ${min} (got "${raw}")`);
  return value;
}

/** One TRUNCATE for all tables, so foreign keys between them never get in the way. */
async function truncateAll(prisma: PrismaClient): Promise<number> {
  const tables = await prisma.$queryRaw<{ tablename: string }[]>`
    SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('_prisma_migrations', ${SET_ASIDE_LEDGER})`;
  if (tables.length === 0) return 0;
  const list = tables.map((t) => `"${t.tablename.replace(/"/g, '""')}"`).join(', ');
  await prisma.$executeRawUnsafe(`TRUNCATE TABLE ${list} RESTART IDENTITY CASCADE`);
  return tables.length;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--reset');
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(' ')} (only --reset is accepted)`);
  const reset = args.includes('--reset');
  const clients = wholeNumber('SEED_CLIENTS', DEFAULT_CLIENTS, 1);
  const seedNumber = wholeNumber('SEED', DEFAULT_SEED, 0);

  const config = loadConfig();
  const database = await resolveDatabase(config, createLogger('warn'));
  const prisma = openDatabase({ url: database.url, poolMax: database.poolMax });
  try {
    console.log(`Database: ${database.describe}`);
    let empty: boolean;
    try {
      empty = await isDatabaseEmpty(prisma);
    } catch (error) {
      if ((error as { code?: string }).code === 'P2021') throw new UsageError('the database has no tables: run npm run db:migrate first');
      throw error;
    }
    if (!empty && !reset) {
      throw new UsageError('the database already has data; run `npm run db:seed -- --reset` to delete it all and seed again');
    }
    if (reset) console.log(`Emptied ${await truncateAll(prisma)} tables (kept _prisma_migrations)`);

    console.log(`Seeding ${clients.toLocaleString('en-US')} clients with seed ${seedNumber}...`);
    const started = performance.now();
    const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
    let lastPrinted = -Infinity;
    const summary = await seed(prisma, {
      clients,
      seed: seedNumber,
      // COPY over connections of its own; the embedded database serves one connection, Prisma's.
      databaseUrl: database.kind === 'postgresql' ? database.url : undefined,
      onProgress: (message) => {
        // A line per chunk would be a hundred lines at 100,000 clients.
        const now = performance.now();
        const routine = message.startsWith('clients ') && !message.startsWith(`clients ${clients.toLocaleString('en-US')}/`);
        if (routine && now - lastPrinted < 2000) return;
        lastPrinted = now;
        console.log(`  ${seconds().padStart(6)}s  ${message}`);
      },
    });

    const total = Object.values(summary).reduce((sum, n) => sum + n, 0);
    const width = Math.max(...Object.keys(summary).map((k) => k.length));
    // Fresh tables have no statistics until autovacuum gets to them: the caseload dashboard's
    // query took 818 ms on a just-seeded 100,000-client database and 20 ms once analyzed.
    await prisma.$executeRawUnsafe('ANALYZE');
    console.log(`\nRows written and analyzed (${total.toLocaleString('en-US')} in ${seconds()} s):`);
    for (const [table, count] of Object.entries(summary)) console.log(`  ${table.padEnd(width)}  ${count.toLocaleString('en-US').padStart(10)}`);
    console.log(`\nDemo staff (npm run token -- <email>):`);
    for (const [kind, email] of Object.entries(DEMO_STAFF_EMAILS)) console.log(`  ${kind.padEnd(18)} ${email}`);
  } finally {
    await closeDatabase();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) console.error(`db:seed: ${error.message}`);
  else console.error('db:seed failed:', error);
  process.exitCode = 1;
});
