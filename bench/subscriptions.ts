// Subscription fan-out: N graphql-ws subscribers (BENCH_SUBSCRIBERS, default 10,000) on one case,
// one server instance (a child process, so its memory is its own) over PostgreSQL and a private
// redis-server. Measures, over BENCH_EVENTS events, the time from the commit of an outbox
// transaction to delivery (p50 / p99 / max of every delivery, and of the LAST subscriber per
// event), the server's resident memory per idle subscriber, and how many times the server
// executed each event (once per staff member and selection, not once per subscriber). Figures
// go to bench/results/subscriptions.json.
//
// The events are committed by the benchmark itself, the way runMutation writes them (the case
// row and its DomainEvent in one transaction, then a NOTIFY as a mutation on another instance
// does), so "commit" is a measured instant and not somewhere inside an HTTP request.
//
//   BENCH_SUBSCRIBERS=10000 BENCH_EVENTS=10 BENCH_STAFF=20 npm run bench:subscriptions
//
// The figures record the machine's load average; BENCH_NOTE adds a sentence to their note (e.g.
// that other work shared the machine).
//
// Each subscriber is a socket on both sides: the benchmark raises its open-file limit to the
// hard limit (re-running itself under `ulimit -n`, as the npm script does) and stops early if
// that is still too low. BENCH_HEAP_SNAPSHOT=dir writes the server's heap before and after the
// subscribers connect and prints what each idle subscriber holds (use ~1,000 subscribers: a
// snapshot must fit in one string). BENCH_CPU_PROFILE=dir writes the server's CPU profile of the
// events (not of the connections) and a sample of what they allocate (.heapprofile), taken
// through the inspector.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import pg from 'pg';
import WebSocket from 'ws';
import { signStaffToken } from '../src/auth/tokens.js';
import { applyMigrations, DEFAULT_SERVER_URL, withDatabase } from '../src/db/migrations.js';
import { adminQuery } from '../src/db/schema-engine.js';
import { npmStart } from './api/processes.js';
import { cpuMs, heapPerSubscriber, heapSnapshot, inspect, rssKb, until } from './subscriptions/diagnostics.js';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const EVENTS = Number(process.env.BENCH_EVENTS ?? 10);
const STAFF = Number(process.env.BENCH_STAFF ?? 20);
const CONNECT_CONCURRENCY = 200;
const SECRET = `bench-${randomBytes(24).toString('hex')}`;
const SERVER = process.env.TEST_DATABASE_URL || DEFAULT_SERVER_URL;

const QUERY = /* GraphQL */ `
  subscription ($caseId: ID!) {
    caseUpdates(caseId: $caseId) { eventId kind occurredAt case { id status version } }
  }`;

const sleepFree = () => new Promise((resolve) => setImmediate(resolve));

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** The soft and hard limits on open files of this process. */
function openFileLimits(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((row) => row.startsWith('Max open files'));
  const [soft, hard] = (line ?? '').trim().split(/\s{2,}/).slice(1, 3).map((value) => (value === 'unlimited' ? Infinity : Number(value)));
  return { soft: soft ?? NaN, hard: hard ?? NaN };
}

/**
 * Every subscriber is an open socket in this process and one in the server (a child, which
 * inherits the limit). Node cannot raise its own limit: below what is needed, this runs the
 * benchmark again under `ulimit -n` (the hard limit), and gives up with a clear message when
 * even that is too low.
 */
function ensureOpenFileLimit(): void {
  const needed = SUBSCRIBERS + 1024;
  const { soft, hard } = openFileLimits();
  if (!(soft < needed)) return;
  if (hard >= needed && !process.env.BENCH_FILE_LIMIT_RAISED) {
    const target = Number.isFinite(hard) ? hard : 1_048_576;
    const rerun = spawnSync('bash', ['-c', `ulimit -n ${target} && exec "$0" "$@"`, process.execPath, ...process.execArgv, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env: { ...process.env, BENCH_FILE_LIMIT_RAISED: '1' },
    });
    process.exit(rerun.status ?? 1);
  }
  throw new Error(`${SUBSCRIBERS} subscribers need ${needed} open files, the limit is ${soft} (hard ${hard}): raise it or lower BENCH_SUBSCRIBERS`);
}

function startRedis(port: number): ChildProcess {
  return spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    stdio: 'ignore',
  });
}

async function main() {
  ensureOpenFileLimit();
  const loadAtStart = loadavg();
  const name = `cg_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(SERVER, `CREATE DATABASE "${name}"`);
  const databaseUrl = withDatabase(SERVER, name);
  const children: ChildProcess[] = [];
  const clients: Client[] = [];
  const db = new pg.Client({ connectionString: databaseUrl });
  try {
    await applyMigrations({ databaseUrl });
    await db.connect();

    // ------------------------------------------------------------ data
    const org = (await db.query(`INSERT INTO "Organization" (id, name, setting, "updatedAt") VALUES (gen_random_uuid(), 'Bench agency', 'COMMUNITY', now()) RETURNING id`)).rows[0].id as string;
    const staff: string[] = [];
    for (let i = 0; i < STAFF; i += 1) {
      const { rows } = await db.query(
        `INSERT INTO "StaffMember" (id, "organizationId", "givenName", "familyName", email, roles, discipline, "updatedAt")
         VALUES (gen_random_uuid(), $1, 'Bench', $2, $3, '{CASE_MANAGER}', 'SOCIAL', now()) RETURNING id`,
        [org, `Staff ${i}`, `bench-${i}-${name}@bench.casegraph`],
      );
      staff.push(rows[0].id);
    }
    const client = (await db.query(`INSERT INTO "Client" (id, "organizationId", "givenName", "familyName", "updatedAt") VALUES (gen_random_uuid(), $1, 'Alex', 'Bench', now()) RETURNING id`, [org])).rows[0].id as string;
    const caseId = (await db.query(
      `INSERT INTO "Case" (id, "clientId", "organizationId", setting, status, "updatedAt") VALUES (gen_random_uuid(), $1, $2, 'COMMUNITY', 'ACTIVE', now()) RETURNING id`,
      [client, org],
    )).rows[0].id as string;
    for (const id of staff) {
      await db.query(`INSERT INTO "CareTeamMember" (id, "caseId", "staffId", role, "updatedAt") VALUES (gen_random_uuid(), $1, $2, 'CASE_MANAGER', now())`, [caseId, id]);
    }
    const tokens = await Promise.all(staff.map((id) => signStaffToken(id, SECRET, { expiresIn: '2h' })));

    // ------------------------------------------------------------ services
    const redisPort = await freePort();
    children.push(startRedis(redisPort));
    const port = await freePort();
    const profileDir = process.env.BENCH_CPU_PROFILE;
    const inspectorPort = profileDir ? await freePort() : 0;
    const profile = profileDir ? [`--inspect=127.0.0.1:${inspectorPort}`] : [];
    const heapDir = process.env.BENCH_HEAP_SNAPSHOT;
    if (heapDir) await mkdir(heapDir, { recursive: true });
    const heap = heapDir ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${heapDir}`] : [];
    // Node's flags and environment as `npm start` sets them (from src/, through tsx: no build),
    // and BENCH_SERVER_FLAGS: more node flags for the server, e.g. --trace-gc.
    const start = npmStart(process.cwd());
    const flags = [...start.args.filter((arg) => arg.startsWith('--')), ...(process.env.BENCH_SERVER_FLAGS ?? '').split(/\s+/).filter(Boolean)];
    const server = spawn(process.execPath, [...profile, ...heap, ...flags, '--import', 'tsx', 'src/index.ts'], {
      env: {
        ...start.env,
        ...process.env,
        NODE_ENV: 'production',
        JWT_SECRET: SECRET,
        DATABASE_URL: databaseUrl,
        DATABASE_POOL_MAX: '20',
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        // Thousands of sockets from one address and a few staff members: caps no run reaches.
        WS_MAX_SOCKETS_PER_STAFF: String(SUBSCRIBERS),
        WS_MAX_PENDING_SOCKETS: String(CONNECT_CONCURRENCY * 2),
        RATE_LIMIT_IP_REQUESTS: '1000000000',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    children.push(server);
    const url = `http://127.0.0.1:${port}/graphql`;
    const ready = async () => {
      try {
        return (await fetch(url.replace('/graphql', '/ready'))).ok;
      } catch {
        return false;
      }
    };
    await until(ready, 'the server');
    await new Promise((resolve) => setTimeout(resolve, 1000)); // let start-up allocations settle before measuring
    const rssBefore = await rssKb(server.pid!);
    const heapBefore = heapDir ? await heapSnapshot(server.pid!, heapDir, ready) : null;

    // The relay's publication, seen on Redis directly: splits the latency into relay and fan-out.
    const publishedAt = new Map<string, number>();
    const tap = new Redis(`redis://127.0.0.1:${redisPort}`);
    await tap.subscribe(`casegraph:${name}:case:${caseId}`);
    tap.on('message', (_channel: string, message: string) => publishedAt.set(JSON.parse(message).id, performance.now()));

    // ------------------------------------------------------------ subscribers
    const receivedAt: Array<Map<string, number>> = [];
    const errors: unknown[] = [];
    const globalCaseId = Buffer.from(`Case:${caseId}`).toString('base64');
    const openStarted = performance.now();
    for (let i = 0; i < SUBSCRIBERS; i += CONNECT_CONCURRENCY) {
      const batch = Array.from({ length: Math.min(CONNECT_CONCURRENCY, SUBSCRIBERS - i) }, (_, j) => i + j);
      await Promise.all(
        batch.map(
          (index) =>
            new Promise<void>((resolve) => {
              const seen = new Map<string, number>();
              receivedAt[index] = seen;
              const wsClient = createClient({
                url: url.replace('http', 'ws'),
                webSocketImpl: WebSocket,
                lazy: false,
                retryAttempts: 0,
                connectionParams: { authorization: `Bearer ${tokens[index % tokens.length]}` },
                on: { connected: () => resolve() },
                onNonLazyError: (error) => {
                  errors.push(error);
                  resolve();
                },
              });
              clients.push(wsClient);
              wsClient.subscribe(
                { query: QUERY, variables: { caseId: globalCaseId } },
                {
                  next: (result) => {
                    const eventId = (result.data as { caseUpdates?: { eventId: string } } | undefined)?.caseUpdates?.eventId;
                    if (eventId) seen.set(eventId, performance.now());
                    else errors.push(result.errors);
                  },
                  error: (error) => errors.push(error),
                  complete: () => {},
                },
              );
            }),
        ),
      );
    }
    if (errors.length) throw new Error(`subscribers failed: ${JSON.stringify(errors.slice(0, 3))}`);

    // Subscribed is not joined: commit warm-up events until every subscriber has one.
    const commit = async (status: string): Promise<{ eventId: string; committedAt: number }> => {
      await db.query('BEGIN');
      await db.query(`UPDATE "Case" SET status = $2, version = version + 1, "updatedAt" = now() WHERE id = $1`, [caseId, status]);
      const { rows } = await db.query(
        `INSERT INTO "DomainEvent" (topic, kind, payload) VALUES ($1, 'CASE_STATUS_CHANGED', $2) RETURNING id::text`,
        [`case:${caseId}`, JSON.stringify({ caseId, to: status, actorId: staff[0] })],
      );
      await db.query('COMMIT');
      const committedAt = performance.now();
      await db.query(`SELECT pg_notify('casegraph_outbox', '')`);
      return { eventId: rows[0].id, committedAt };
    };
    const openMs = performance.now() - openStarted;
    await until(async () => {
      const { eventId } = await commit('MONITORING');
      await until(() => receivedAt.every((seen) => seen.size > 0) || receivedAt.some((seen) => seen.has(eventId)), 'a warm-up event', 10_000).catch(
        () => undefined,
      );
      return receivedAt.every((seen) => seen.size > 0);
    }, 'every subscriber to receive a warm-up event', 300_000);
    const warmups = new Set(receivedAt.flatMap((seen) => [...seen.keys()]));
    await until(async () => {
      const last = [...warmups].sort((x, y) => Number(BigInt(x) - BigInt(y))).at(-1)!;
      return receivedAt.every((seen) => seen.has(last));
    }, 'the last warm-up event everywhere');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssIdle = await rssKb(server.pid!);
    const heapIdle = heapDir ? await heapSnapshot(server.pid!, heapDir, ready) : null;
    const heapFigures = heapBefore && heapIdle ? await heapPerSubscriber(heapBefore, heapIdle, SUBSCRIBERS) : undefined;

    // ------------------------------------------------------------ events
    const lastLatencies: number[] = [];
    const allLatencies: number[] = [];
    const relayLatencies: number[] = [];
    const inspector = profileDir ? await inspect(inspectorPort) : null;
    if (inspector) {
      await inspector.send('Profiler.enable');
      await inspector.send('Profiler.start');
      // Allocations of the events too, collected ones included (what the garbage collector works on).
      await inspector.send('HeapProfiler.enable');
      await inspector.send('HeapProfiler.startSampling', {
        samplingInterval: 16_384,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      });
    }
    if (flags.length) console.error("--- events ---"); // marks the server's own output (e.g. --trace-gc) of the events phase
    const cpuBefore = await cpuMs(server.pid!);
    const benchCpuBefore = process.cpuUsage();
    for (let i = 0; i < EVENTS; i += 1) {
      const { eventId, committedAt } = await commit(i % 2 ? 'MONITORING' : 'ACTIVE');
      await until(() => receivedAt.every((seen) => seen.has(eventId)), `event ${eventId} at every subscriber`, 120_000);
      const times = receivedAt.map((seen) => seen.get(eventId)! - committedAt);
      allLatencies.push(...times);
      lastLatencies.push(Math.max(...times));
      relayLatencies.push(publishedAt.get(eventId)! - committedAt);
      await sleepFree();
    }
    const cpuPerEvent = ((await cpuMs(server.pid!)) - cpuBefore) / EVENTS;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const benchCpuPerEvent = (benchCpu.user + benchCpu.system) / 1000 / EVENTS;
    if (inspector) {
      const { profile: events } = await inspector.send<{ profile: unknown }>('Profiler.stop');
      await mkdir(profileDir!, { recursive: true });
      const stamp = Date.now();
      await writeFile(join(profileDir!, `events-${stamp}.cpuprofile`), JSON.stringify(events));
      const { profile: allocations } = await inspector.send<{ profile: unknown }>('HeapProfiler.stopSampling');
      await writeFile(join(profileDir!, `events-${stamp}.heapprofile`), JSON.stringify(allocations));
      inspector.close();
    }
    const rssAfter = await rssKb(server.pid!);
    lastLatencies.sort((x, y) => x - y);
    allLatencies.sort((x, y) => x - y);
    relayLatencies.sort((x, y) => x - y);
    tap.disconnect();

    const figures = {
      measuredAt: new Date().toISOString(),
      node: process.version,
      server: { flags, env: start.env },
      subscribers: SUBSCRIBERS,
      distinctStaff: STAFF,
      events: EVENTS,
      subscription: QUERY.replace(/\s+/g, ' ').trim(),
      openSubscriptionsMs: Math.round(openMs),
      commitToLastSubscriberMs: { p50: round(percentile(lastLatencies, 50)), p99: round(percentile(lastLatencies, 99)), max: round(lastLatencies.at(-1)!) },
      commitToEachDeliveryMs: { p50: round(percentile(allLatencies, 50)), p99: round(percentile(allLatencies, 99)) },
      commitToRedisPublishMs: { p50: round(percentile(relayLatencies, 50)), p99: round(percentile(relayLatencies, 99)) },
      // CPU time is far less disturbed than latency when other work shares the machine.
      serverCpuMsPerEvent: round(cpuPerEvent),
      // The subscribers' side (this process: 10,000 graphql-ws clients) shares the machine.
      subscribersCpuMsPerEvent: round(benchCpuPerEvent),
      serverRssMb: { beforeSubscribers: round(rssBefore / 1024), idleWithSubscribers: round(rssIdle / 1024), afterEvents: round(rssAfter / 1024) },
      rssPerIdleSubscriberKb: round((rssIdle - rssBefore) / SUBSCRIBERS),
      ...(heapFigures ? { heapPerIdleSubscriber: heapFigures } : {}),
      // Other work on the machine moves latency far more than CPU time: recorded with the figures.
      machine: { cpus: cpus().length, loadAverageAtStart: loadAtStart.map(round), loadAverageAtEnd: loadavg().map(round) },
      note:
        'One server process (PostgreSQL 15, private redis-server); subscribers and committer in the bench process on the same machine. ' +
        'Commit = COMMIT of the outbox transaction returned in the bench; each delivery runs its own access check (memoized per ' +
        'event and staff member) and writes its own read-audit row; the event is executed once per staff member and selection.' +
        (process.env.BENCH_NOTE ? ` ${process.env.BENCH_NOTE}` : ''),
    };
    await mkdir('bench/results', { recursive: true });
    await writeFile('bench/results/subscriptions.json', `${JSON.stringify(figures, null, 2)}\n`);
    console.log(JSON.stringify(figures, null, 2));
  } finally {
    await Promise.all(clients.map((c) => Promise.resolve(c.dispose()).catch(() => {})));
    await db.end().catch(() => {});
    for (const child of children.reverse()) {
      if (child.exitCode !== null) continue;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
      });
    }
    await adminQuery(SERVER, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(() => {});
  }
}

await main();
