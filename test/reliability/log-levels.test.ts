// What a real server process logs, read from its output (pino JSON lines at LOG_LEVEL=debug):
//  - expected client errors (a FORBIDDEN query, caseUpdates on a case one may not see, node(id)
//    of a record one may not see) are not incidents: nothing at WARN or above, and never a
//    database error object;
//  - an instance that loses Redis says so at WARN, and says when it is back.
import WebSocket from 'ws';
import { createClient as createWsClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signStaffToken } from '../../src/auth/tokens.js';
import { closeDatabase, openDatabase } from '../../src/db.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { startPrivateRedis, waitFor, type PrivateRedis } from '../support/realtime.js';
import { logLines, startServer, type ServerProcess } from './server-process.js';

const SECRET = 'log-levels-test-secret-of-at-least-32-chars';
let db: TestDatabase;
let redis: PrivateRedis;
let server: ServerProcess | undefined;
let token: string;
/** A crisis of another organization. */
let hiddenCrisis: string;

beforeAll(async () => {
  db = await createTestDatabase('log_levels');
  redis = await startPrivateRedis();
  openDatabase({ url: db.url, poolMax: 2 });
  const org = await createOrganization();
  token = await signStaffToken((await createStaff(org.id)).id, SECRET);
  server = await startServer({ DATABASE_URL: db.url, DATABASE_POOL_MAX: '3', JWT_SECRET: SECRET, REDIS_URL: redis.url, LOG_LEVEL: 'debug' });
  const other = await createOrganization();
  const nurse = await createStaff(other.id);
  const client = await createClient(other.id);
  const kase = await createCase(client.id, other.id, [{ staffId: nurse.id }]);
  const raised = await gql(
    `mutation($input: RaiseCrisisInput!) { raiseCrisis(input: $input) { __typename ... on CrisisEvent { id } } }`,
    { input: { clientId: globalId('Client', client.id), caseId: globalId('Case', kase.id), category: 'SUICIDE_RISK', severity: 'HIGH', description: 'Called the crisis line' } },
    await signStaffToken(nurse.id, SECRET),
  );
  hiddenCrisis = raised.data.raiseCrisis.id;
});
afterAll(async () => {
  await server?.stop(2000);
  await redis?.stop();
  await closeDatabase();
  await db?.drop();
});

async function gql(query: string, variables: Record<string, unknown> = {}, as = token) {
  const response = await fetch(`${server!.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${as}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> };
}

const serious = (from: number) => logLines(server!.output()).slice(from).filter((line) => line.level >= 40);

describe('log levels', () => {
  it('keeps expected client errors out of WARN and ERROR, and without database internals', async () => {
    const from = logLines(server!.output()).length;
    const forbidden = await gql(`{ auditTrail(first: 1) { totalCount } }`);
    expect(forbidden.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const node = await gql(`query($id: ID!) { node(id: $id) { id } }`, { id: hiddenCrisis });
    expect(node.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');

    const ws = createWsClient({ url: `ws://127.0.0.1:${server!.port}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
    const codes = await new Promise<unknown[]>((resolve) => {
      const seen: unknown[] = [];
      ws.subscribe(
        { query: `subscription($id: ID!) { caseUpdates(caseId: $id) { eventId } }`, variables: { id: globalId('Case', '00000000-0000-4000-8000-000000000000') } },
        {
          next: (result) => seen.push(...(result.errors ?? []).map((error) => error.extensions?.code)),
          error: (error) => resolve([...seen, ...(Array.isArray(error) ? error.map((e) => e.extensions?.code) : [String(error)])]),
          complete: () => resolve(seen),
        },
      );
    });
    await ws.dispose();
    expect(codes).toEqual(['NOT_FOUND']);

    // The server has written its lines for these requests by the time the next one is answered.
    await gql(`{ __typename }`);
    expect(serious(from)).toEqual([]);
    const lines = logLines(server!.output()).slice(from);
    expect(lines.filter((line) => JSON.stringify(line).includes('Prisma'))).toEqual([]);
  });

  it('warns when it loses Redis, and says when it is back', async () => {
    const from = logLines(server!.output()).length;
    await redis.stop();
    const lost = await waitFor(() => serious(from).find((line) => line.level === 40 && /Redis/.test(line.msg ?? '')), { what: 'a warning about Redis' });
    expect(lost.msg).toMatch(/lost the Redis connection/);
    await redis.start();
    await waitFor(() => logLines(server!.output()).slice(from).find((line) => line.level === 30 && /Redis connection back/.test(line.msg ?? '')), {
      what: 'an info line on recovery',
    });
    expect(serious(from).filter((line) => line.level >= 50)).toEqual([]);
  });
});
