// The periodic sweeps at scale: crisis escalation (every ESCALATION_POLL_MS) and the overdue-work
// announcements (every OVERDUE_POLL_MS) run on every instance, so their cost when there is
// nothing to do is paid all the time (src/realtime/escalation.ts, overdue.ts). On a seeded database of
// BENCH_CLIENTS clients (default 20,000) in a scratch PostgreSQL database, this measures:
//  - the first sweeps, which announce what fell due between the data set's reference date and
//    now (batches of 100 until none is left): how many, and how long;
//  - then BENCH_RUNS idle sweeps of each kind: p50 / p99 / max.
// Figures go to bench/results/sweeps.json.
//
//   BENCH_CLIENTS=100000 npm run bench:sweeps
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { closeDatabase, openDatabase } from '../src/db.js';
import { applyMigrations, DEFAULT_SERVER_URL, withDatabase } from '../src/db/migrations.js';
import { adminQuery } from '../src/db/schema-engine.js';
import { escalateDueCrises } from '../src/realtime/escalation.js';
import { announceOverdue, overdueStatements } from '../src/realtime/overdue.js';
import { seed } from '../src/seed/seed.js';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 50);
const SERVER = process.env.TEST_DATABASE_URL || DEFAULT_SERVER_URL;
const SWEEP = { retentionDays: 30, noContactDays: 30 };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await work();
  return [performance.now() - start, result];
}

async function idle(work: () => Promise<unknown>) {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push((await timed(work))[0]);
  times.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { p50Ms: round(percentile(times, 50)), p99Ms: round(percentile(times, 99)), maxMs: round(times.at(-1)!) };
}

async function main(): Promise<void> {
  const name = `cg_bench_sweeps_${randomBytes(4).toString('hex')}`;
  await adminQuery(SERVER, `CREATE DATABASE "${name}"`);
  const databaseUrl = withDatabase(SERVER, name);
  try {
    await applyMigrations({ databaseUrl });
    const prisma = openDatabase({ url: databaseUrl, poolMax: 4 });
    const [seedMs] = await timed(() => seed(prisma, { clients: CLIENTS }));
    console.log(`seeded ${CLIENTS.toLocaleString('en-US')} clients in ${(seedMs / 1000).toFixed(1)} s`);
    await prisma.$executeRawUnsafe('ANALYZE');

    // What fell due since the data set's reference date, announced batch by batch.
    let announced = 0;
    let sweeps = 0;
    const [catchUpMs] = await timed(async () => {
      for (;;) {
        const ids = [...(await escalateDueCrises()), ...(await announceOverdue(SWEEP))];
        sweeps += 1;
        announced += ids.length;
        if (ids.length === 0) break;
      }
    });
    const byKind = await prisma.domainEvent.groupBy({ by: ['kind'], _count: { _all: true } });
    console.log(`first sweeps: ${announced} announcements in ${sweeps} sweeps, ${Math.round(catchUpMs)} ms`);

    const escalation = await idle(() => escalateDueCrises());
    const overdue = await idle(() => announceOverdue(SWEEP));
    const overdueByKind: Record<string, Awaited<ReturnType<typeof idle>>> = {};
    for (const [kind, sql] of overdueStatements(SWEEP.noContactDays)) {
      overdueByKind[kind] = await idle(() => prisma.$queryRawUnsafe(sql, SWEEP.retentionDays));
    }
    console.log(`idle escalation sweep p50 ${escalation.p50Ms} ms, overdue-work sweep p50 ${overdue.p50Ms} ms`);

    const rows = await prisma.$queryRawUnsafe<Array<{ table: string; rows: bigint }>>(
      `SELECT 'Case' AS table, count(*) AS rows FROM "Case" UNION ALL SELECT 'FollowUp', count(*) FROM "FollowUp"
       UNION ALL SELECT 'Task', count(*) FROM "Task" UNION ALL SELECT 'Referral', count(*) FROM "Referral"
       UNION ALL SELECT 'CarePlan', count(*) FROM "CarePlan" UNION ALL SELECT 'CrisisEvent', count(*) FROM "CrisisEvent"`,
    );
    const result = {
      measuredAt: new Date().toISOString(),
      clients: CLIENTS,
      rows: Object.fromEntries(rows.map((row) => [row.table, Number(row.rows)])),
      seedSeconds: Math.round(seedMs / 100) / 10,
      firstSweeps: { announcements: announced, sweeps, totalMs: Math.round(catchUpMs), byKind: Object.fromEntries(byKind.map((k) => [k.kind, k._count._all])) },
      idle: { runs: RUNS, escalation, overdueWork: overdue, overdueWorkByKind: overdueByKind },
    };
    await mkdir('bench/results', { recursive: true });
    await writeFile('bench/results/sweeps.json', `${JSON.stringify(result, null, 2)}\n`);
    console.log('written to bench/results/sweeps.json');
  } finally {
    await closeDatabase();
    await adminQuery(SERVER, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
