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
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
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

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** CPU time (user + system) the process has used, in ms. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** A Chrome DevTools protocol session with a process started with --inspect. */
async function inspect(port: number) {
  const [target] = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as Array<{ webSocketDebuggerUrl: string }>;
  const socket = new WebSocket(target!.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const pending = new Map<number, (message: { result?: unknown; error?: { message: string } }) => void>();
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  let last = 0;
  return {
    send<T = unknown>(method: string, params: object = {}): Promise<T> {
      const id = ++last;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, (message) => (message.error ? reject(new Error(message.error.message)) : resolve(message.result as T)));
        socket.send(JSON.stringify({ id, method, params }));
      });
    },
    close: () => socket.close(),
  };
}

async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

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

/** Asks the server (started with --heapsnapshot-signal) for a heap snapshot; resolves with its path. */
async function heapSnapshot(pid: number, dir: string, ready: () => Promise<boolean>): Promise<string> {
  const before = new Set(await readdir(dir));
  process.kill(pid, 'SIGUSR2');
  let file: string | undefined;
  let size = -1;
  await until(async () => {
    file ??= (await readdir(dir)).find((name) => name.endsWith('.heapsnapshot') && !before.has(name));
    if (!file || !(await ready())) return false;
    // The server answers again once the snapshot is written; the size settles with it.
    const now = (await stat(join(dir, file))).size;
    const settled = now === size;
    size = now;
    return settled;
  }, 'the heap snapshot', 300_000);
  return join(dir, file!);
}

/** Self size and count by node type and name (constructor, closure name) in a heap snapshot. */
async function heapByKind(path: string): Promise<Map<string, { bytes: number; count: number }>> {
  const snapshot = JSON.parse(await readFile(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const kinds = new Map<string, { bytes: number; count: number }>();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    // Strings and numbers differ by content: one entry each.
    const name = type === 'object' || type === 'closure' || type === 'native' ? snapshot.strings[snapshot.nodes[i + nameAt]!]! : '';
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ''}`;
    const kind = kinds.get(key) ?? { bytes: 0, count: 0 };
    kind.bytes += snapshot.nodes[i + sizeAt]!;
    kind.count += 1;
    kinds.set(key, kind);
  }
  return kinds;
}

/** What one idle subscriber adds to the heap, largest first. */
async function heapPerSubscriber(beforePath: string, afterPath: string, subscribers: number) {
  const [before, after] = [await heapByKind(beforePath), await heapByKind(afterPath)];
  const rows = [...after].map(([kind, { bytes, count }]) => ({
    kind,
    bytes: (bytes - (before.get(kind)?.bytes ?? 0)) / subscribers,
    count: (count - (before.get(kind)?.count ?? 0)) / subscribers,
  }));
  rows.sort((x, y) => y.bytes - x.bytes);
  const total = rows.reduce((sum, row) => sum + row.bytes, 0);
  return {
    heapBytesPerSubscriber: Math.round(total),
    largest: rows.slice(0, 25).map((row) => ({ kind: row.kind, bytes: Math.round(row.bytes), count: Math.round(row.count * 10) / 10 })),
  };
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
