// GRAPHQL_MAX_CONCURRENT_EXECUTIONS over real HTTP: past the limit an operation waits its turn
// (and is then served), for at most DATABASE_POOL_TIMEOUT_MS (then a retryable 503 that changed
// nothing), and leaves the queue when its client goes away. The one slot is held by a read that
// waits on a table lock this test takes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff } from '../support/factories.js';
import { waitFor } from '../support/realtime.js';

const SLOW = '{ tasks(first: 5) { totalCount } }';
const CREATE = 'mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename ... on Task { id } } }';

let t: TestApp;
let token = '';

beforeAll(async () => {
  t = await startTestApp('execution_limit', { GRAPHQL_MAX_CONCURRENT_EXECUTIONS: '1', DATABASE_POOL_TIMEOUT_MS: '1500', METRICS_ENABLED: 'true' });
  const org = await createOrganization();
  token = await t.tokenFor((await createStaff(org.id, { roles: ['CASE_MANAGER'] })).id);
});
afterAll(async () => {
  await t?.stop();
});

function post(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal) {
  const started = performance.now();
  return fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
    signal,
  }).then(async (response) => ({ response, body: (await response.json()) as { data?: any; errors?: Array<{ extensions?: Record<string, unknown> }> }, ms: performance.now() - started }));
}

async function executions(): Promise<{ active: number; waiting: number }> {
  const text = await (await fetch(new URL('/metrics', t.url))).text();
  const value = (state: string) => Number(new RegExp(`^casegraph_graphql_executions\\{state="${state}"[^}]*\\} (\\d+)`, 'm').exec(text)?.[1]);
  return { active: value('active'), waiting: value('waiting') };
}

/** Runs `body` while SLOW holds the one execution slot, blocked on a lock of the Task table. */
async function whileSlotHeld<T>(body: () => Promise<T>): Promise<{ slow: Awaited<ReturnType<typeof post>>; result: T }> {
  let slow!: Promise<Awaited<ReturnType<typeof post>>>;
  const result = await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('LOCK TABLE "Task" IN ACCESS EXCLUSIVE MODE');
    slow = post(SLOW);
    await waitFor(async () => (await executions()).active === 1, { what: 'the slow read to execute' });
    return body();
  }, { timeout: 30_000 });
  return { slow: await slow, result };
}

describe('operations past GRAPHQL_MAX_CONCURRENT_EXECUTIONS', () => {
  it('wait their turn, then are served', async () => {
    const { slow, result } = await whileSlotHeld(async () => {
      const queued = [post('{ me { id } }'), post('{ me { id } }')];
      await waitFor(async () => (await executions()).waiting === 2, { what: 'two operations waiting' });
      // Still waiting: the slot is held until the lock goes with this transaction.
      expect(await executions()).toEqual({ active: 1, waiting: 2 });
      return queued;
    });
    expect(slow.body.errors).toBeUndefined();
    for (const answer of await Promise.all(result)) {
      expect(answer.response.status).toBe(200);
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.me.id).toBeTruthy();
    }
    expect(await executions()).toEqual({ active: 0, waiting: 0 });
  });

  it('are refused with a retryable 503 after DATABASE_POOL_TIMEOUT_MS, having changed nothing', async () => {
    const { slow, result: refused } = await whileSlotHeld(() => post(CREATE, { input: { title: 'queued-too-long' } }));
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get('retry-after')).toBe('2');
    expect(refused.body.errors?.map((e) => e.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(refused.ms).toBeGreaterThanOrEqual(1400);
    expect(slow.body.errors).toBeUndefined();
    expect(await prisma.task.count({ where: { title: 'queued-too-long' } })).toBe(0);
    expect(await executions()).toEqual({ active: 0, waiting: 0 });
  });

  it('leave the queue when their client goes away', async () => {
    const { slow } = await whileSlotHeld(async () => {
      const abort = new AbortController();
      const gone = post(CREATE, { input: { title: 'client-went-away' } }, abort.signal).catch((error: Error) => error);
      await waitFor(async () => (await executions()).waiting === 1, { what: 'the mutation waiting' });
      abort.abort();
      expect(await gone).toBeInstanceOf(Error);
      await waitFor(async () => (await executions()).waiting === 0, { what: 'the mutation leaving the queue' });
    });
    expect(slow.body.errors).toBeUndefined();
    expect(await prisma.task.count({ where: { title: 'client-went-away' } })).toBe(0);
  });
});
