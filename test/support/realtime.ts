// Real-time test support: several app instances over ONE database and one Redis (what a
// deployment with more than one instance looks like), subscription collectors for the real
// graphql-ws client and for server-sent events over fetch, a polling wait, and a private
// redis-server that a test may stop and start (never the shared one on 6379).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createClient, type Client as WsClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { buildApp, type App } from '../../src/app.js';
import { signStaffToken } from '../../src/auth/tokens.js';
import { prisma } from '../../src/db.js';
import { loadConfig, type Config } from '../../src/env.js';
import { TEST_REDIS_URL, type GraphQLResponse } from './app.js';
import { createTestDatabase, type TestDatabase } from './database.js';

/** Polls `check` until it returns a truthy value; fails after `timeoutMs`. */
export async function waitFor<T>(check: () => T | Promise<T>, options: { timeoutMs?: number; what?: string } = {}): Promise<NonNullable<T>> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${options.what ?? 'a condition'}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The highest outbox id now: subscribing with it as afterEventId misses nothing after it. */
export async function lastEventId(): Promise<string> {
  const { _max } = await prisma.domainEvent.aggregate({ _max: { id: true } });
  return (_max.id ?? 0n).toString();
}

// ------------------------------------------------------------------ instances

export interface Instance {
  app: App;
  config: Config;
  url: string;
  wsUrl: string;
  sseUrl: string;
  gql<T = any>(query: string, variables: Record<string, unknown> | undefined, token: string): Promise<GraphQLResponse<T>>;
  ws(token: string, options?: Partial<Parameters<typeof createClient>[0]>): WsClient;
  /** Live streams (joined, delivering live events) on this instance. */
  liveStreams(): number;
  /** Live streams on this instance listening to `topic`, e.g. `case:<id>`. */
  liveOn(topic: string): number;
  stop(): Promise<void>;
}

export interface Cluster {
  databaseUrl: string;
  instances: Instance[];
  tokenFor(staffId: string, options?: { expiresIn?: string | number }): Promise<string>;
  /** Starts one more instance over the same database and Redis. */
  addInstance(env?: Record<string, string>): Promise<Instance>;
  stop(): Promise<void>;
}

/** Fast timers for tests; each instance can override. */
const TEST_ENV = {
  RELAY_POLL_MS: '200',
  RELAY_GAP_GRACE_MS: '50',
  RELAY_LEADER_RETRY_MS: '100',
  ESCALATION_POLL_MS: '100',
  OVERDUE_POLL_MS: '100',
  WS_STAFF_RECHECK_MS: '200',
  SHUTDOWN_DRAIN_MS: '2000',
};

export async function startCluster(label: string, options: { instances?: number; env?: Record<string, string> } = {}): Promise<Cluster> {
  const database: TestDatabase = await createTestDatabase(label);
  const instances: Instance[] = [];
  const sharedEnv = { REDIS_URL: TEST_REDIS_URL, ...TEST_ENV, ...options.env };
  let secret = '';
  let lifetime = '12h';

  async function addInstance(env: Record<string, string> = {}): Promise<Instance> {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent',
      DATABASE_URL: database.url,
      DATABASE_POOL_MAX: '6',
      ...sharedEnv,
      ...env,
    });
    secret = config.jwt.secret!;
    lifetime = `${config.jwt.maxLifetimeS}s`;
    const app = buildApp(config);
    const running = await app.start(0);
    const clients: WsClient[] = [];
    let stopped = false;
    const instance: Instance = {
      app,
      config,
      url: running.url,
      wsUrl: running.url.replace(/^http/, 'ws'),
      sseUrl: `${running.url}/stream`,
      async gql(query, variables, token) {
        const response = await fetch(running.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
        });
        return (await response.json()) as GraphQLResponse;
      },
      ws(token, wsOptions = {}) {
        const client = createClient({
          url: instance.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          onNonLazyError: () => {},
          connectionParams: { authorization: `Bearer ${token}` },
          ...wsOptions,
        });
        clients.push(client);
        return client;
      },
      liveStreams: () => app.realtime?.stats().liveStreams ?? 0,
      liveOn: (topic) => app.realtime?.liveOn(topic) ?? 0,
      async stop() {
        if (stopped) return;
        stopped = true;
        await Promise.all(clients.map((client) => client.dispose()));
        await app.stop();
      },
    };
    instances.push(instance);
    return instance;
  }

  for (let i = 0; i < (options.instances ?? 2); i += 1) await addInstance();
  return {
    databaseUrl: database.url,
    instances,
    tokenFor: (staffId, tokenOptions) => signStaffToken(staffId, secret, { expiresIn: lifetime, ...tokenOptions }),
    addInstance,
    async stop() {
      for (const instance of instances) await instance.stop();
      await database.drop();
    },
  };
}

// ------------------------------------------------------------------ collectors

export interface Collected {
  events: any[];
  errors: unknown[];
  completed: boolean;
  /** Resolves with the events once `count` arrived (or `predicate` holds). */
  waitForEvents(count: number, timeoutMs?: number): Promise<any[]>;
  stop(): void;
}

function collector(): Collected & { push(event: any): void; fail(error: unknown): void; complete(): void } {
  const collected = {
    events: [] as any[],
    errors: [] as unknown[],
    completed: false,
    stop: () => {},
    push(event: any) {
      collected.events.push(event);
    },
    fail(error: unknown) {
      collected.errors.push(error);
    },
    complete() {
      collected.completed = true;
    },
    waitForEvents(count: number, timeoutMs = 20_000) {
      return waitFor(
        () => {
          if (collected.errors.length) throw new Error(`subscription failed: ${JSON.stringify(collected.errors)}`);
          return collected.events.length >= count ? collected.events : null;
        },
        { timeoutMs, what: `${count} event(s), got ${collected.events.length}` },
      );
    },
  };
  return collected;
}

/** Subscribes with the real graphql-ws client; `data` of each `next` goes to `events`. */
export function collect(client: WsClient, query: string, variables: Record<string, unknown> = {}, operationName?: string): Collected {
  const collected = collector();
  collected.stop = client.subscribe(
    { query, variables, operationName },
    {
      next: (result) => (result.errors ? collected.fail(result.errors) : collected.push(result.data)),
      error: (error) => collected.fail(error),
      complete: () => collected.complete(),
    },
  );
  return collected;
}

/** Subscribes over server-sent events (graphql-sse "distinct connections" mode) with fetch. */
export function collectSse(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Collected & { status: Promise<number> } {
  const collected = collector();
  const abort = new AbortController();
  collected.stop = () => abort.abort();
  const status = (async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
      signal: abort.signal,
    });
    void (async () => {
      const decoder = new TextDecoder();
      let buffer = '';
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          buffer += decoder.decode(chunk, { stream: true });
          let end: number;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(message)?.[1];
            const data = message.split('\n').filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trim()).join('\n');
            if (event === 'next' && data) {
              const result = JSON.parse(data);
              if (result.errors) collected.fail(result.errors);
              else collected.push(result.data);
            } else if (event === 'complete') collected.complete();
          }
        }
      } catch {
        // aborted
      }
      collected.complete();
    })();
    return response.status;
  })();
  return Object.assign(collected, { status });
}

// ------------------------------------------------------------------ private Redis

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

// Killed with the process that started them, however it exits (an interrupted soak included).
const redisServers = new Set<ChildProcess>();
process.once('exit', () => redisServers.forEach((child) => child.kill('SIGKILL')));

/** A redis-server of this test only, on a free port, without persistence. */
export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const url = `redis://127.0.0.1:${port}`;
  const redis: PrivateRedis = {
    url,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
        stdio: 'ignore',
      });
      const started = child;
      redisServers.add(started);
      started.once('exit', () => redisServers.delete(started));
      const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => {});
      try {
        await waitFor(async () => {
          try {
            await probe.connect();
          } catch {
            probe.disconnect();
            return false;
          }
          return (await probe.ping()) === 'PONG';
        }, { what: `redis-server on port ${port}` });
      } finally {
        probe.disconnect();
      }
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        running.once('exit', () => resolve());
        running.kill('SIGKILL');
      });
    },
  };
  await redis.start();
  return redis;
}
