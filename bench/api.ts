// npm run bench:api: the canonical operations (bench/operations/*.graphql) against the server
// in production mode over a seeded PostgreSQL database, next to two floors measured in the same
// run: the server's own authenticated `{ __typename }` and a bare graphql-yoga (bench/bare-yoga.ts).
//
//  1. migrates (always) and, below BENCH_CLIENTS clients (default 100,000), seeds the database
//     BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/cg_bench);
//  2. picks the actors from the data (bench/api/database.ts) and mints their tokens;
//  3. starts the server as `npm start` runs it, but without npm (own process group), and the bare yoga;
//  4. checks every operation once (no errors, data present) before measuring;
//  5. counts SQL statements per request in a separate in-process pass (bench/api/count-statements.ts);
//  6. drives every target with autocannon at each concurrency (BENCH_CONCURRENCY, default 10,50),
//     round-robin over targets, BENCH_ROUNDS rounds (default 2), after a BENCH_WARMUP_SECONDS
//     (default 1) warm-up. A run is a number of requests sized to last about BENCH_SECONDS
//     (default 5), at least one per connection, so every request sent is answered and measured
//     (an operation slower than the run would otherwise answer nothing) and the server is idle
//     before the next run; reads the server's CPU time (/proc/<pid>/stat) and memory meanwhile;
//  7. writes bench/results/api.json and prints a markdown table.
//
// BENCH_SERVER_DIR=/path/to/another/checkout benchmarks that checkout's server (its src/, its
// node_modules) with this checkout's operations, bench code and migrations (the database gets
// this checkout's schema). Its figures go to bench/results/api.<dir name>.json unless BENCH_OUTPUT.
// BENCH_REDIS_URL (default redis://127.0.0.1:6379; empty: in-process pub/sub).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pg from 'pg';
import { pickActors, prepareDatabase } from './api/database.js';
import { runLoad, throughput, type Target } from './api/load.js';
import { problemWith } from './api/operations.js';
import { bodyOf, describe, operations, post } from './api/requests.js';
import { freePort, memoryMiB, npmStart, spawnNode, stopAll, stopProcess, tail, waitForOk } from './api/processes.js';
import { fold, markdownTable, type RunRecord } from './api/report.js';
import type { CountPlan } from './api/count-statements.js';

const CHECKOUT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_DIR = resolve(process.env.BENCH_SERVER_DIR || CHECKOUT);

/**
 * The checkout's `npm start` (built first when it has a build), without npm in between, and
 * BENCH_SERVER_FLAGS: more node flags for the server (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
function serverStart(dir: string): { args: string[]; env: Record<string, string> } {
  const start = npmStart(dir);
  const flags = (process.env.BENCH_SERVER_FLAGS ?? '').split(/\s+/).filter(Boolean);
  if (!start.node) return { args: [...flags, '--import', 'tsx', 'src/index.ts'], env: start.env };
  if (existsSync(join(dir, 'tsconfig.build.json'))) execFileSync('npm', ['run', 'build'], { cwd: dir, stdio: 'inherit' });
  return { args: [...flags, ...start.args], env: start.env };
}
const OTHER_SERVER = SERVER_DIR !== CHECKOUT;
const DATABASE_URL = process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/cg_bench';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

function whole(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < min) throw new Error(`${name} must be a number >= ${min} (got "${raw}")`);
  return value;
}
const CLIENTS = whole('BENCH_CLIENTS', 100_000);
const ROUNDS = whole('BENCH_ROUNDS', 2);
const SECONDS = whole('BENCH_SECONDS', 5);
const WARMUP_SECONDS = whole('BENCH_WARMUP_SECONDS', 1, 0);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY || '10,50').split(',').map((c) => {
  const n = Number(c.trim());
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_CONCURRENCY is a comma-separated list of whole numbers (got "${process.env.BENCH_CONCURRENCY}")`);
  return n;
});
// BENCH_ONLY=client-chart,client-search: those operations (and the floors) only.
const ONLY = (process.env.BENCH_ONLY || '').split(',').map((name) => name.trim()).filter(Boolean);
const OUTPUT = process.env.BENCH_OUTPUT || join(CHECKOUT, 'bench/results', OTHER_SERVER ? `api.${basename(SERVER_DIR)}.json` : 'api.json');

const BARE = 'floor: bare yoga { __typename }';
const FLOOR = 'floor: server { __typename }';

function git(dir: string, ...args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

async function countStatements(plan: CountPlan, logFile: string, timeoutMs = 240_000): Promise<Record<string, { statements: number; counts: number[]; plansCompiled: number[]; sample: string[] }>> {
  const planFile = join(dirname(logFile), 'count-plan.json');
  await writeFile(planFile, JSON.stringify(plan));
  const child = spawnNode('statement count', ['--import', 'tsx', join(CHECKOUT, 'bench/api/count-statements.ts'), planFile], {
    cwd: SERVER_DIR,
    env: { ...process.env, ...plan.env },
    logFile,
  });
  const timer = setTimeout(() => void stopProcess(child), timeoutMs);
  const how = await child.exited;
  clearTimeout(timer);
  const line = readFileSync(logFile, 'utf8').split('\n').find((l) => l.startsWith('STATEMENTS '));
  if (!line) throw new Error(`the statement count pass ${how} without a result. Its output (${logFile}):\n${tail(logFile, 40)}`);
  return JSON.parse(line.slice('STATEMENTS '.length));
}

async function main(): Promise<void> {
  const started = Date.now();
  const logs = await mkdtemp(join(os.tmpdir(), 'casegraph-bench-api-'));
  const serverCommit = git(SERVER_DIR, 'rev-parse', '--short', 'HEAD');
  const serverDirty = (git(SERVER_DIR, 'status', '--porcelain', '--untracked-files=no') ?? '').length > 0;
  console.log(`# bench:api — server ${SERVER_DIR} (${serverCommit ?? 'no git'}${serverDirty ? ', uncommitted changes' : ''}), node ${process.version}`);
  console.log(`database ${DATABASE_URL.replace(/\/\/[^@/]*@/, '//')}, ${ROUNDS} round(s) × ${SECONDS} s × concurrency ${CONCURRENCY.join(', ')}; logs in ${logs}`);
  if (OTHER_SERVER && !existsSync(join(SERVER_DIR, 'node_modules'))) throw new Error(`${SERVER_DIR} has no node_modules: run npm ci there first`);

  const clients = await prepareDatabase({ url: DATABASE_URL, clients: CLIENTS, checkout: CHECKOUT });
  const actors = await pickActors(DATABASE_URL);
  console.log(`${clients.toLocaleString('en-US')} clients. Case manager ${actors.manager.email} (${actors.manager.openCases} open cases), supervisor ${actors.supervisor.email}, analyst ${actors.analyst.email}`);
  console.log(`chart of a client with ${actors.chartClient.cases} cases / ${actors.chartClient.interactions} interactions; mutations by ${actors.writer.email} over ${actors.writer.cases.length} of their open cases`);
  if (actors.manager.openCases < 50) console.warn(`warning: the busiest case manager has only ${actors.manager.openCases} open cases (a small data set?)`);

  // Tokens are minted by the server's own code, with a secret only this run knows.
  const jwtSecret = randomBytes(32).toString('hex');
  const { signStaffToken } = (await import(pathToFileURL(join(SERVER_DIR, 'src/auth/tokens.ts')).href)) as {
    signStaffToken: (staffId: string, secret: string, options?: { expiresIn?: string }) => Promise<string>;
  };
  const tokens = {
    manager: await signStaffToken(actors.manager.id, jwtSecret),
    supervisor: await signStaffToken(actors.supervisor.id, jwtSecret),
    analyst: await signStaffToken(actors.analyst.id, jwtSecret),
    writer: await signStaffToken(actors.writer.id, jwtSecret),
  };

  const serverEnv = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL,
    REDIS_URL,
    LOG_LEVEL: 'warn',
    JWT_SECRET: jwtSecret,
    JWT_JWKS_URL: '',
    JWT_ISSUER: '',
    JWT_AUDIENCE: '',
    // One staff member at benchmark rates is no person: budgets no run can reach, still counted
    // (their cost is part of what is measured).
    // Capacity, not load shedding: at c50 a slow operation's requests wait for their turn to execute longer than the default 5 s.
    DATABASE_POOL_TIMEOUT_MS: '120000',
    RATE_LIMIT_IP_REQUESTS: '1000000000',
    RATE_LIMIT_MUTATIONS: '1000000000',
    RATE_LIMIT_EXPENSIVE_QUERIES: '1000000000',
  };
  const [serverPort, barePort, countPort] = [await freePort(), await freePort(), await freePort()];
  const start = serverStart(SERVER_DIR);
  const server = spawnNode('server', start.args, {
    cwd: SERVER_DIR,
    env: { ...process.env, ...start.env, ...serverEnv, PORT: String(serverPort) },
    logFile: join(logs, 'server.log'),
  });
  const bare = spawnNode('bare yoga', ['--import', 'tsx', 'bench/bare-yoga.ts'], {
    cwd: CHECKOUT,
    env: { ...process.env, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(barePort) },
    logFile: join(logs, 'bare-yoga.log'),
  });
  await Promise.all([waitForOk(server, `http://127.0.0.1:${serverPort}/ready`, 180_000), waitForOk(bare, `http://127.0.0.1:${barePort}/ready`, 60_000)]);
  const serverUrl = `http://127.0.0.1:${serverPort}/graphql`;
  const bareUrl = `http://127.0.0.1:${barePort}/graphql`;

  // Every operation must answer with data and no error before anything is measured.
  const ops = operations(actors, tokens).filter((op) => ONLY.length === 0 || ONLY.includes(op.name));
  const floorBody = JSON.stringify({ query: '{ __typename }' });
  const failures: string[] = [];
  const sizes: Record<string, number> = {};
  const aloneMs: Record<string, number> = {};
  for (const [label, url, body, token] of [[BARE, bareUrl, floorBody, null], [FLOOR, serverUrl, floorBody, tokens.manager]] as const) {
    const { status, answer } = await post(url, body, token);
    const problem = status !== 200 ? `HTTP ${status}` : (problemWith('floor', answer) ?? (answer.data?.__typename === 'Query' ? null : 'no __typename'));
    if (problem) failures.push(`${label}: ${problem}`);
  }
  for (const op of ops) {
    const { status, answer, bytes, ms } = await post(serverUrl, bodyOf(op), op.token);
    const problem = status !== 200 ? `HTTP ${status}: ${JSON.stringify(answer).slice(0, 500)}` : problemWith(op.name, answer);
    sizes[op.name] = bytes;
    aloneMs[op.name] = ms;
    if (problem) failures.push(`${op.name}: ${problem}`);
    else console.log(`  ok  ${op.name.padEnd(20)} ${describe(op.name, answer.data)} (${(bytes / 1024).toFixed(1)} KiB, ${ms} ms alone)`);
  }
  if (failures.length > 0) {
    throw new Error(`operations failed their check, nothing was measured:\n${failures.map((f) => `  - ${f}`).join('\n')}\nserver log (${server.logFile}):\n${tail(server.logFile, 20)}`);
  }

  console.log('counting SQL statements per request (in-process pass)...');
  const counted = await countStatements(
    {
      serverDir: SERVER_DIR,
      port: countPort,
      env: { ...serverEnv, REDIS_URL: '' },
      requests: [
        { label: FLOOR, check: 'floor', token: tokens.manager, bodies: [floorBody, floorBody, floorBody] },
        ...ops.map((op) => ({ label: op.name, check: op.name, token: op.token, bodies: [bodyOf(op), bodyOf(op), bodyOf(op)] })),
      ],
    },
    join(logs, 'count.log'),
  );
  const sql = Object.fromEntries(Object.entries(counted).map(([label, c]) => [label, c.statements]));
  console.log(`  ${Object.entries(counted).map(([label, c]) => `${label} ${c.statements}${new Set(c.counts).size > 1 ? ` (${c.counts.join('/')})` : ''}`).join(', ')}`);
  console.log(`  query plans compiled by the counted (warm) requests: ${Object.entries(counted).map(([label, c]) => `${label} ${c.plansCompiled.join('/')}`).join(', ')}`);

  const verifyQuery = (body: string) => !body.includes('"errors":');
  const targets: Target[] = [
    { name: BARE, url: bareUrl, pid: bare.pid, headers: { 'content-type': 'application/json' }, body: floorBody, verify: (b) => b.includes('"__typename":"Query"') },
    { name: FLOOR, url: serverUrl, pid: server.pid, headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.manager}` }, body: floorBody, verify: (b) => verifyQuery(b) && b.includes('"__typename":"Query"') },
    ...ops.map((op): Target => {
      const typename = op.name === 'record-interaction' ? 'Interaction' : op.name === 'raise-crisis' ? 'CrisisEvent' : null;
      return {
        name: op.name,
        url: serverUrl,
        pid: server.pid,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${op.token}` },
        body: op.body,
        verify: typename ? (b) => verifyQuery(b) && b.includes(`"__typename":"${typename}"`) : verifyQuery,
      };
    }),
  ];

  // Between runs the server finishes what the last one left in flight before the next starts.
  const monitor = new pg.Client({ connectionString: DATABASE_URL, application_name: 'casegraph-bench-monitor' });
  await monitor.connect();
  const databaseIdle = async () => {
    const { rows } = await monitor.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() AND backend_type = 'client backend'`,
    );
    return rows[0]!.n === 0;
  };
  const load = (target: Target, connections: number, length: { amount: number } | { seconds: number }) =>
    runLoad(target, connections, length, target.name === BARE ? undefined : databaseIdle);

  // A run is a number of requests, sized from the last throughput seen for the target (at this
  // concurrency if measured, else at any) to last about BENCH_SECONDS, at least one per
  // connection: slow operations then run as one burst rather than leave work in flight.
  const estimates = new Map<string, number>();
  for (const target of targets) estimates.set(target.name, 1000 / Math.max(1, aloneMs[target.name] ?? 1));
  if (WARMUP_SECONDS > 0) {
    console.log(`warming up (${WARMUP_SECONDS} s per target)...`);
    for (const target of targets) estimates.set(target.name, throughput(await load(target, CONCURRENCY[0]!, { seconds: WARMUP_SECONDS })));
  }
  const amountFor = (target: Target, connections: number) => {
    const perSecond = estimates.get(`${target.name}\u0000${connections}`) ?? estimates.get(target.name)!;
    return Math.max(connections, Math.round(perSecond * SECONDS));
  };
  const runs: RunRecord[] = [];
  const total = ROUNDS * CONCURRENCY.length * targets.length;
  for (let round = 1; round <= ROUNDS; round += 1) {
    for (const connections of CONCURRENCY) {
      for (const target of targets) {
        const figures = await load(target, connections, { amount: amountFor(target, connections) });
        estimates.set(`${target.name}\u0000${connections}`, throughput(figures));
        estimates.set(target.name, throughput(figures));
        runs.push({ ...figures, target: target.name, round });
        const failed = figures.non2xx + figures.errors + figures.timeouts + figures.badAnswers;
        console.log(
          `  [${String(runs.length).padStart(String(total).length)}/${total}] round ${round} c=${connections} ${target.name.padEnd(30)} ${figures.rps.toFixed(1).padStart(8)} req/s  p50 ${figures.p50Ms} ms  p99 ${figures.p99Ms} ms  ${figures.cpuMsPerRequest.toFixed(2)} CPU ms/req${figures.databaseCpuMsPerRequest === null ? '' : `  ${figures.databaseCpuMsPerRequest.toFixed(2)} PG CPU ms/req`}  (${figures.requests}/${figures.sent} answered, drained in ${figures.drainMs} ms)${failed ? `  FAILED ${failed}` : ''}`,
        );
      }
    }
  }
  const serverPeakRssMiB = memoryMiB(server.pid, 'VmHWM');
  const barePeakRssMiB = memoryMiB(bare.pid, 'VmHWM');
  await Promise.all([stopProcess(server), stopProcess(bare), monitor.end()]);

  const rows = fold(runs, BARE, sql);
  const result = {
    measuredAt: new Date().toISOString(),
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? null,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100),
    },
    node: process.version,
    server: { dir: SERVER_DIR, commit: serverCommit, uncommittedChanges: serverDirty, benchCommit: git(CHECKOUT, 'rev-parse', '--short', 'HEAD'), start },
    database: { url: DATABASE_URL.replace(/\/\/[^@/]*@/, '//'), clients, redis: REDIS_URL || null },
    settings: { rounds: ROUNDS, secondsPerRun: SECONDS, warmupSeconds: WARMUP_SECONDS, concurrency: CONCURRENCY, runLength: 'requests sized to last about secondsPerRun, at least one per connection' },
    actors: {
      caseManager: { email: actors.manager.email, openCases: actors.manager.openCases },
      supervisor: actors.supervisor.email,
      analyst: actors.analyst.email,
      chartClient: actors.chartClient,
      writer: { email: actors.writer.email, cases: actors.writer.cases.length },
    },
    peakRssMiB: { server: Math.round(serverPeakRssMiB), bareYoga: Math.round(barePeakRssMiB) },
    responseBytes: sizes,
    aloneMs,
    sqlStatementsPerRequest: counted,
    rows,
    notes: [
      'req/s: all rounds\' requests over their seconds; p50/p99: median over rounds; CPU ms/req: server (or bare yoga) process utime+stime over requests completed.',
      'PG CPU ms/req: CPU time of the machine\'s PostgreSQL processes over the same span (those that ended included), over requests completed; empty when PostgreSQL runs elsewhere. CPU ms/req × req/s near 1,000 means the server\'s one JavaScript thread bounds the throughput; PostgreSQL bounds it where its share grows instead.',
      '× bare: throughput over the bare yoga floor at the same concurrency in this run. Shared 2-core machine: compare ratios and CPU ms, not absolute req/s.',
      'SQL/req: statements the Prisma client sent for one request (after a warm-up), without BEGIN/COMMIT and background statements (test/support/sql.ts filters).',
      'bad: 2xx answers with GraphQL errors or a typed mutation error.',
    ],
  };
  await mkdir(dirname(OUTPUT), { recursive: true });
  await writeFile(OUTPUT, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\n${markdownTable(rows)}\n`);
  console.log(`server peak RSS ${Math.round(serverPeakRssMiB)} MiB (bare yoga ${Math.round(barePeakRssMiB)} MiB); written to ${OUTPUT} in ${result.durationSeconds} s`);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  console.error(`\nbench:api failed: ${error instanceof Error ? error.message : String(error)}`);
  if (error instanceof Error && error.stack && !/failed their check|did not answer|without a result/.test(error.message)) console.error(error.stack);
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
