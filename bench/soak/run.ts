// The soak: a long mixed workload against two real server processes over one database and a
// private Redis, with one Redis restart and one instance restart midway, then the checks that
// matter: every write answered ok is committed, and every event reached every subscriber
// exactly once, in order. Reports requests, errors, p99 latency and each instance's memory.
// Used by `npm run soak -- --minutes N` (bench/soak.ts) and, briefly, by the test suite.
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
import { createClient, type Client } from 'graphql-ws';
import { signStaffToken } from '../../src/auth/tokens.js';
import { closeDatabase, openDatabase, prisma } from '../../src/db.js';
import { createTestDatabase } from '../../test/support/database.js';
import { createCase, createClient as createCareClient, createOrganization, createStaff, globalId } from '../../test/support/factories.js';
import { startPrivateRedis } from '../../test/support/realtime.js';
import { startServer, type ServerProcess } from '../../test/reliability/server-process.js';

const SECRET = 'soak-secret-of-at-least-thirty-two-characters';
const STATUS = `mutation ($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { __typename ... on Error { code } } }`;
const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on Error { code } } }`;
const READ = `{ tasks(first: 10) { totalCount edges { node { id title } } } }`;
const UPDATES = `subscription ($id: ID!, $after: ID) { caseUpdates(caseId: $id, afterEventId: $after) { eventId } }`;

export interface SoakOptions {
  seconds: number;
  writers?: number;
  readers?: number;
  subscribers?: number;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface SoakReport {
  seconds: number;
  requests: number;
  /** Requests that failed unexpectedly (not a refusal during a restart). */
  errors: number;
  errorKinds: Record<string, number>;
  /** Requests refused by a stopping instance (503 / connection refused), retried elsewhere. */
  refused: number;
  p50Ms: number;
  p99Ms: number;
  writesOk: number;
  writesMissing: number;
  events: { expected: number; received: number; lost: number; duplicated: number; outOfOrder: number; resubscriptions: number };
  /** RSS per instance process; `overTime` is [seconds since the run started, MiB] per sample. */
  memory: Array<{ instance: string; startMiB: number; endMiB: number; maxMiB: number; overTime: Array<[number, number]> }>;
}

function rssMiB(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    return Number.isFinite(kb) ? Math.round((kb / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const writers = options.writers ?? 4;
  const readers = options.readers ?? 2;
  const subscriberCount = options.subscribers ?? 8;
  const db = await createTestDatabase('soak');
  const redis = await startPrivateRedis();
  openDatabase({ url: db.url, poolMax: 2 });
  const servers: Record<'A' | 'B', ServerProcess | undefined> = { A: undefined, B: undefined };
  const wsClients = new Set<Client>();
  try {
    const org = await createOrganization();
    const staff = await Promise.all(Array.from({ length: writers }, () => createStaff(org.id)));
    const cases: Array<{ kase: { id: string }; owner: { id: string }; next: string }> = [];
    for (let i = 0; i < writers * 2; i += 1) {
      const client = await createCareClient(org.id);
      const owner = staff[i % writers]!;
      cases.push({ kase: await createCase(client.id, org.id, [{ staffId: owner.id }], { status: 'ACTIVE' }), owner, next: 'MONITORING' });
    }
    const tokens = new Map<string, string>();
    for (const member of staff) tokens.set(member.id, await signStaffToken(member.id, SECRET));
    const env = {
      DATABASE_URL: db.url,
      DATABASE_POOL_MAX: '4',
      JWT_SECRET: SECRET,
      REDIS_URL: redis.url,
      LOG_LEVEL: 'warn',
      SHUTDOWN_DRAIN_MS: '3000',
      // A few staff members write as fast as they can: budgets no run reaches (rate limits have their own tests).
      RATE_LIMIT_IP_REQUESTS: '1000000000',
      RATE_LIMIT_MUTATIONS: '1000000000',
      RATE_LIMIT_EXPENSIVE_QUERIES: '1000000000',
      // The heap cap `npm start` runs with: memory that keeps growing ends in a crash, not in RSS.
      NODE_OPTIONS: `--max-old-space-size=${process.env.CASEGRAPH_HEAP_MB ?? 384}`,
    };
    servers.A = await startServer(env);
    servers.B = await startServer(env);
    const alive = () => (['A', 'B'] as const).map((name) => servers[name]).filter((s): s is ServerProcess => s !== undefined);

    // ---------------------------------------------------------------- memory
    const memory = new Map<string, Array<[number, number]>>();
    const runStarted = Date.now();
    const sample = () => {
      for (const name of ['A', 'B'] as const) {
        const server = servers[name];
        const rss = server ? rssMiB(server.pid) : null;
        if (rss === null) continue;
        const key = `${name}:${server!.pid}`;
        memory.set(key, [...(memory.get(key) ?? []), [Math.round((Date.now() - runStarted) / 1000), rss]]);
      }
    };
    sample();
    const sampler = setInterval(sample, Math.max(1000, Math.min(10_000, (options.seconds * 1000) / 30)));

    // ---------------------------------------------------------------- requests
    const latencies: number[] = [];
    const errorKinds: Record<string, number> = {};
    let refused = 0;
    let turn = 0;
    async function request(query: string, variables: Record<string, unknown>, token: string): Promise<any | undefined> {
      // Round robin over requests; a refused one tries the other instance next (with the shared
      // counter alone, other requests' turns could send all five attempts to a draining one).
      const first = turn++;
      for (let attempt = 0; attempt < 5; attempt += 1) {
        const targets = alive();
        const server = targets[(first + attempt) % targets.length]!;
        const started = performance.now();
        let response: Response;
        try {
          response = await fetch(`${server.url}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: JSON.stringify({ query, variables }),
            signal: AbortSignal.timeout(30_000),
          });
        } catch (error) {
          const code = String((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name);
          // Refused (nothing sent) or an idle kept-alive connection closed by a stopping instance.
          if (code === 'ECONNREFUSED' || code === 'UND_ERR_SOCKET' || code === 'ECONNRESET') {
            refused += 1;
            continue;
          }
          errorKinds[`network ${code}`] = (errorKinds[`network ${code}`] ?? 0) + 1;
          return undefined;
        }
        const body: any = await response.json().catch(() => ({}));
        if (response.status === 503) {
          refused += 1;
          continue;
        }
        latencies.push(performance.now() - started);
        if (body.errors?.length) {
          const kind = `${response.status} ${body.errors[0]?.extensions?.code ?? 'no code'}`;
          errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
          return undefined;
        }
        return body.data;
      }
      errorKinds['refused 5 times'] = (errorKinds['refused 5 times'] ?? 0) + 1;
      return undefined;
    }

    // ---------------------------------------------------------------- subscribers
    const started = BigInt((await prisma.domainEvent.aggregate({ _max: { id: true } }))._max.id ?? 0n);
    let resubscriptions = 0;
    const subscribers = Array.from({ length: subscriberCount }, (_, i) => {
      const target = cases[i % cases.length]!;
      return { topic: `case:${target.kase.id}`, caseId: target.kase.id, token: tokens.get(target.owner.id)!, received: [] as bigint[], last: started, preferred: i % 2 };
    });
    let subscribing = true;
    function subscribe(subscriber: (typeof subscribers)[number]): void {
      if (!subscribing) return;
      const targets = alive();
      const server = targets[subscriber.preferred % targets.length]!;
      const client = createClient({
        url: `ws://127.0.0.1:${server.port}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        connectionParams: { authorization: `Bearer ${subscriber.token}` },
      });
      wsClients.add(client);
      let again = false;
      const resubscribe = () => {
        if (again) return;
        again = true;
        wsClients.delete(client);
        void client.dispose();
        if (!subscribing) return;
        resubscriptions += 1;
        setTimeout(() => subscribe(subscriber), 200);
      };
      client.on('closed', resubscribe);
      client.subscribe(
        { query: UPDATES, variables: { id: globalId('Case', subscriber.caseId), after: subscriber.last.toString() } },
        {
          next: (result) => {
            const id = (result.data as any)?.caseUpdates?.eventId;
            if (id === undefined) return;
            subscriber.received.push(BigInt(id));
            subscriber.last = BigInt(id);
          },
          error: resubscribe,
          complete: resubscribe,
        },
      );
    }
    for (const subscriber of subscribers) subscribe(subscriber);

    // ---------------------------------------------------------------- load
    const deadline = Date.now() + options.seconds * 1000;
    const okTitles: string[] = [];
    let requests = 0;
    const loops = [
      ...Array.from({ length: writers }, async (_, w) => {
        const mine = cases.filter((_, i) => i % writers === w);
        const token = tokens.get(staff[w]!.id)!;
        for (let n = 0; Date.now() < deadline; n += 1) {
          requests += 1;
          if (n % 2 === 0) {
            const target = mine[n % mine.length]!;
            const data = await request(STATUS, { input: { caseId: globalId('Case', target.kase.id), status: target.next } }, token);
            if (data?.changeCaseStatus?.__typename === 'Case') target.next = target.next === 'MONITORING' ? 'ACTIVE' : 'MONITORING';
            else if (data) {
              const kind = `typed ${data.changeCaseStatus?.code ?? data.changeCaseStatus?.__typename}`;
              errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
            }
          } else {
            const title = `soak-${w}-${n}`;
            const data = await request(CREATE, { input: { title } }, token);
            if (data?.createTask?.__typename === 'Task') okTitles.push(title);
          }
        }
      }),
      ...Array.from({ length: readers }, async (_, r) => {
        const token = tokens.get(staff[r % writers]!.id)!;
        while (Date.now() < deadline) {
          requests += 1;
          await request(READ, {}, token);
        }
      }),
    ];

    // ---------------------------------------------------------------- faults midway
    const faults = (async () => {
      const at = (fraction: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - options.seconds * 1000 * (1 - fraction) - Date.now())));
      await at(0.35);
      log('restarting Redis');
      await redis.stop();
      await new Promise((resolve) => setTimeout(resolve, Math.min(3000, options.seconds * 50)));
      await redis.start();
      await at(0.6);
      log('restarting instance B');
      // Clients keep coming to B while it drains (503: they go to A), subscribers get 1001.
      const old = servers.B!;
      old.signal('SIGTERM');
      const how = await old.exited;
      servers.B = undefined;
      if (how !== 0) errorKinds[`instance B exited with ${how}`] = 1;
      servers.B = await startServer(env);
      log('instance B back');
    })();

    const progress = setInterval(() => log(`${Math.round((deadline - Date.now()) / 1000)} s left: ${requests} requests, ${Object.values(errorKinds).reduce((a, b) => a + b, 0)} errors`), 30_000);
    await Promise.all([...loops, faults]);
    clearInterval(progress);
    // An instance that died (out of memory, a crash) would otherwise only show as refusals.
    const crashed = (['A', 'B'] as const).filter((name) => servers[name] && !isAlive(servers[name]!.pid));
    for (const name of crashed) errorKinds[`instance ${name} died: ${servers[name]!.output().slice(-300)}`] = 1;

    // ---------------------------------------------------------------- checks
    const committed = new Set((await prisma.task.findMany({ where: { title: { startsWith: 'soak-' } }, select: { title: true } })).map((t) => t.title));
    const writesMissing = okTitles.filter((title) => !committed.has(title)).length;
    const expectedOf = async (topic: string) =>
      (await prisma.domainEvent.findMany({ where: { topic, id: { gt: started } }, orderBy: { id: 'asc' }, select: { id: true } })).map((row) => row.id);
    // Delivery settles: wait until every subscriber has what the outbox holds (or 30 s).
    const settleBy = Date.now() + 30_000;
    for (;;) {
      let complete = true;
      for (const subscriber of subscribers) if (subscriber.received.length < (await expectedOf(subscriber.topic)).length) complete = false;
      if (complete || Date.now() > settleBy) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    subscribing = false;
    let expected = 0;
    let received = 0;
    let lost = 0;
    let duplicated = 0;
    let outOfOrder = 0;
    for (const subscriber of subscribers) {
      const want = await expectedOf(subscriber.topic);
      const got = subscriber.received;
      expected += want.length;
      received += got.length;
      const seen = new Set<bigint>();
      for (let i = 0; i < got.length; i += 1) {
        if (seen.has(got[i]!)) duplicated += 1;
        seen.add(got[i]!);
        if (i > 0 && got[i]! <= got[i - 1]!) outOfOrder += 1;
      }
      lost += want.filter((id) => !seen.has(id)).length;
    }
    clearInterval(sampler);
    sample();
    latencies.sort((x, y) => x - y);
    const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0);
    return {
      seconds: options.seconds,
      requests,
      errors: Object.values(errorKinds).reduce((a, b) => a + b, 0),
      errorKinds,
      refused,
      p50Ms: pct(0.5),
      p99Ms: pct(0.99),
      writesOk: okTitles.length,
      writesMissing,
      events: { expected, received, lost, duplicated, outOfOrder, resubscriptions },
      memory: [...memory.entries()].map(([instance, overTime]) => ({
        instance,
        startMiB: overTime[0]![1],
        endMiB: overTime.at(-1)![1],
        maxMiB: Math.max(...overTime.map(([, mib]) => mib)),
        overTime,
      })),
    };
  } finally {
    await Promise.all([...wsClients].map((client) => client.dispose()));
    await Promise.all((['A', 'B'] as const).map((name) => servers[name]?.stop(5000)));
    await redis.stop();
    await closeDatabase();
    await db.drop();
  }
}
