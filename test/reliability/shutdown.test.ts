// SIGTERM under load, from outside, as a load balancer and clients see it: a real server
// process with 20 writers creating tasks without pause. Every request either got its whole
// response or was refused before it did anything (a 503 SERVICE_UNAVAILABLE, a refused or
// closed connection), and no write a client saw fail was committed; /ready answers 503 at
// once; the SSE subscriber's stream completes (not reset) and the websocket subscriber is
// closed with 1001; the process exits 0 within the drain's bound.
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStaffToken } from '../../src/auth/tokens.js';
import { closeDatabase, openDatabase, prisma } from '../../src/db.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createOrganization, createStaff } from '../support/factories.js';
import { waitFor } from '../support/realtime.js';
import { logLines, startServer, type ServerProcess } from './server-process.js';

const SECRET = 'shutdown-test-secret-of-at-least-32-characters';
const DRAIN_MS = 8000;
const WRITERS = 20;
const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on Task { id title } ... on Error { code message } } }`;
const ALERTS = `subscription { crisisAlerts { eventId kind } }`;

let db: TestDatabase;
let server: ServerProcess | undefined;
let token: string;

beforeAll(async () => {
  db = await createTestDatabase('shutdown');
  openDatabase({ url: db.url, poolMax: 2 });
  const org = await createOrganization();
  const staff = await createStaff(org.id);
  token = await signStaffToken(staff.id, SECRET);
});
afterAll(async () => {
  await server?.stop(1000);
  await closeDatabase();
  await db?.drop();
});

type Outcome = { title: string; kind: 'ok' | 'refused' | 'network' | 'other'; detail?: string };

/** A request's fate as its client saw it. */
async function createTask(url: string, title: string): Promise<Outcome> {
  let response: Response;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: CREATE, variables: { input: { title } } }),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    // The connection was refused: nothing was sent.
    if (cause?.code === 'ECONNREFUSED') return { title, kind: 'refused' };
    return { title, kind: 'network', detail: String(cause?.code ?? error) };
  }
  let body: any;
  try {
    body = await response.json();
  } catch (error) {
    return { title, kind: 'network', detail: `body: ${String(error)}` };
  }
  if (response.status === 503 && body.errors?.[0]?.extensions?.code === 'SERVICE_UNAVAILABLE') return { title, kind: 'refused' };
  if (response.status === 200 && body.data?.createTask?.__typename === 'Task') return { title, kind: 'ok' };
  return { title, kind: 'other', detail: `${response.status} ${JSON.stringify(body).slice(0, 300)}` };
}

/** An SSE subscription read to its end: whether it ended with `event: complete` or an error. */
function sseSubscriber(url: string) {
  const state = { open: false, completed: false, failure: undefined as string | undefined };
  const done = (async () => {
    try {
      const response = await fetch(`${url}/graphql/stream`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: ALERTS }),
      });
      state.open = response.status === 200;
      let text = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        text += Buffer.from(chunk).toString();
        if (/^event: complete$/m.test(text)) state.completed = true;
      }
    } catch (error) {
      state.failure = String((error as { cause?: unknown }).cause ?? error);
    }
  })();
  return { state, done };
}

describe('SIGTERM under load', () => {
  it('answers or refuses every request, commits nothing it reported failed, ends streams cleanly and exits 0', async () => {
    server = await startServer({ DATABASE_URL: db.url, DATABASE_POOL_MAX: '4', JWT_SECRET: SECRET, SHUTDOWN_DRAIN_MS: String(DRAIN_MS), REDIS_URL: '' });
    const url = server.url;

    const sse = sseSubscriber(url);
    const closes: number[] = [];
    const ws = createClient({
      url: `ws://127.0.0.1:${server.port}/graphql`,
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      lazy: false,
      onNonLazyError: () => {},
      connectionParams: { authorization: `Bearer ${token}` },
      on: { closed: (event) => closes.push((event as { code: number }).code) },
    });
    ws.subscribe({ query: ALERTS }, { next: () => {}, error: () => {}, complete: () => {} });

    // Writers go until their first request that does not succeed (or 15 s).
    const outcomes: Outcome[] = [];
    let served = 0;
    const stopAt = Date.now() + 15_000;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let n = 0; Date.now() < stopAt; n += 1) {
        const outcome = await createTask(url, `shutdown-${w}-${n}`);
        outcomes.push(outcome);
        if (outcome.kind !== 'ok') return;
        served += 1;
      }
    });
    // Under way: every writer has been answered a few times, and the subscribers are in place.
    while ((served < WRITERS * 3 || !sse.state.open) && Date.now() < stopAt) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(sse.state.open).toBe(true);

    const signalled = Date.now();
    server.signal('SIGTERM');
    // The signal takes a moment to arrive: probe until /ready stops answering 200.
    let ready: number | string = 200;
    while (ready === 200 && Date.now() - signalled < 5000) {
      ready = await fetch(`${url}/ready`).then((response) => response.status, (error) => `error ${String(error)}`);
    }
    const readyAfterMs = Date.now() - signalled;
    // A new websocket is refused too.
    const handshake = await new Promise<number | string>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${server!.port}/graphql`, 'graphql-transport-ws');
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve('open'));
      socket.on('error', (error) => resolve(`error ${(error as { code?: string }).code ?? error.message}`));
    });
    await Promise.all(writers);
    const exit = await server.exited;
    const exitedAfterMs = Date.now() - signalled;
    await sse.done;

    expect(ready).toBe(503);
    expect([503, 'error ECONNREFUSED']).toContain(handshake);
    // The signal's delivery included (a busy machine takes a moment).
    expect(readyAfterMs).toBeLessThan(3000);
    expect(exit).toBe(0);
    expect(exitedAfterMs).toBeLessThan(DRAIN_MS);

    // Commits against what clients saw.
    const committed = new Set((await prisma.task.findMany({ where: { title: { startsWith: 'shutdown-' } }, select: { title: true } })).map((t) => t.title));
    const ok = outcomes.filter((o) => o.kind === 'ok');
    const failed = outcomes.filter((o) => o.kind !== 'ok');
    expect(outcomes.filter((o) => o.kind === 'other')).toEqual([]);
    for (const outcome of ok) expect(committed.has(outcome.title), `${outcome.title} answered ok`).toBe(true);
    for (const outcome of failed) expect(committed.has(outcome.title), `${outcome.title} seen as ${outcome.kind} ${outcome.detail ?? ''}`).toBe(false);
    expect(committed.size).toBe(ok.length);
    // A network error is only a request that never reached the server (a kept-alive connection
    // closed as it was reused); requests running at the signal all got their responses.
    expect(failed.length).toBe(WRITERS);

    expect(sse.state.failure).toBeUndefined();
    expect(sse.state.completed).toBe(true);
    expect(closes).toEqual([1001]);
    await ws.dispose();

    const logs = logLines(server.output());
    expect(logs.filter((line) => line.level >= 50)).toEqual([]);
    console.log(
      `shutdown: /ready 503 after ${readyAfterMs} ms, exit 0 after ${exitedAfterMs} ms; ${ok.length} writes answered, ` +
        `${failed.filter((o) => o.kind === "refused").length} refused, ${failed.filter((o) => o.kind === "network").length} network errors (none committed) ${JSON.stringify(failed.filter((o) => o.kind === "network"))}`,
    );
  }, 60_000);
});

describe('SIGTERM while a websocket write waits on the database', () => {
  // The HTTP drain ends at once (nothing running over HTTP); the socket's drain waits for the
  // mutation: without it the socket would close with 1001 before the committed write's result.
  it('sends the write its result, then closes with 1001 and exits 0', async () => {
    const org = await createOrganization();
    const wsStaff = await createStaff(org.id);
    const held = await startServer({ DATABASE_URL: db.url, DATABASE_POOL_MAX: '4', JWT_SECRET: SECRET, SHUTDOWN_DRAIN_MS: '15000', REDIS_URL: '' });
    try {
      const closes: number[] = [];
      const ws = createClient({
        url: `ws://127.0.0.1:${held.port}/graphql`,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: false,
        onNonLazyError: () => {},
        connectionParams: { authorization: `Bearer ${await signStaffToken(wsStaff.id, SECRET)}` },
        on: { closed: (event) => closes.push((event as { code: number }).code) },
      });
      await new Promise<void>((resolve) => ws.on('connected', () => resolve()));

      let result!: Promise<unknown>;
      await prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`LOCK TABLE "Task" IN ACCESS EXCLUSIVE MODE`);
        result = new Promise<unknown>((resolve, reject) => {
          let value: unknown;
          ws.subscribe({ query: CREATE, variables: { input: { title: 'held-ws' } } }, { next: (next) => (value = next), error: reject, complete: () => resolve(value) });
        });
        await waitFor(async () => {
          // pg_stat_activity is read once per transaction unless the snapshot is cleared.
          await tx.$queryRawUnsafe(`SELECT pg_stat_clear_snapshot()::text`);
          const [row] = await tx.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          return row!.n >= 1;
        }, { what: 'the write waiting on the lock' });
        held.signal('SIGTERM');
        let ready = 200;
        while (ready === 200) ready = (await fetch(`${held.url}/ready`)).status;
        expect(ready).toBe(503);
        // Draining, not closed: the lock goes with this transaction.
        await waitFor(() => held.output().includes('SIGTERM received'), { what: 'the drain under way' });
        expect(closes).toEqual([]);
      }, { timeout: 30_000 });

      expect(((await result) as any).data.createTask.__typename).toBe('Task');
      expect(await held.exited).toBe(0);
      expect(closes).toEqual([1001]);
      expect(await prisma.task.count({ where: { title: 'held-ws' } })).toBe(1);
      await ws.dispose();
    } finally {
      await held.stop(1000);
    }
  }, 60_000);
});

describe('a second signal', () => {
  it('exits at once, without waiting for the drain', async () => {
    const org = await createOrganization();
    const staff = await createStaff(org.id);
    const held = await startServer({ DATABASE_URL: db.url, DATABASE_POOL_MAX: '4', JWT_SECRET: SECRET, SHUTDOWN_DRAIN_MS: '60000', REDIS_URL: '' });
    try {
      await prisma.$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`LOCK TABLE "Task" IN ACCESS EXCLUSIVE MODE`);
        const write = fetch(`${held.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${await signStaffToken(staff.id, SECRET)}` },
          body: JSON.stringify({ query: CREATE, variables: { input: { title: 'never-answered' } } }),
        }).catch(() => 'network error');
        await waitFor(async () => {
          await tx.$queryRawUnsafe(`SELECT pg_stat_clear_snapshot()::text`);
          const [row] = await tx.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
          );
          return row!.n >= 1;
        }, { what: 'the write waiting on the lock' });
        held.signal('SIGTERM');
        await waitFor(() => held.output().includes('SIGTERM received'), { what: 'the drain under way' });
        const signalled = Date.now();
        held.signal('SIGTERM');
        // The drain would wait up to 60 s for the write; the lock is still held here.
        expect(await held.exited).toBe(1);
        expect(Date.now() - signalled).toBeLessThan(5000);
        expect(await write).toBe('network error');
      }, { timeout: 30_000 });
    } finally {
      await held.stop(1000);
    }
  }, 60_000);
});
