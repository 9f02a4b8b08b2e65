// npm run db:migrate: apply prisma/migrations (like `prisma migrate deploy`) to
// DATABASE_URL, or, when DATABASE_URL is unset, to the embedded database the app would
// use ($DATA_DIR/pglite, DATA_DIR defaulting to .data; see src/db/resolve.ts).
// Exit code 0 when the database is up to date, 1 on any error.
import { join } from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/db/embedded.js';
import { applyMigrations } from '../src/db/migrations.js';
import { describeUrl, oneLine } from './cli.js';

async function main(): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  const dataDir = join(process.env.DATA_DIR || '.data', 'pglite');
  const databaseUrl = process.env.DATABASE_URL || (embedded = await startEmbeddedPostgres({ dataDir })).url;
  try {
    const started = performance.now();
    const { applied } = await applyMigrations({ databaseUrl });
    const target = embedded ? `embedded database ${dataDir}` : describeUrl(databaseUrl);
    const ms = Math.round(performance.now() - started);
    if (applied.length === 0) console.log(`${target}: already up to date`);
    else console.log(`${target}: applied ${applied.length} migration(s) in ${ms} ms\n${applied.map((m) => `  ${m}`).join('\n')}`);
  } finally {
    await embedded?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`db:migrate: ${oneLine(error)}`);
  process.exitCode = 1;
});
