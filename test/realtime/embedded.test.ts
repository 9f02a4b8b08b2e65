// With no configuration (embedded PGlite, one connection; in-process pub/sub) the real-time
// layer still works: the relay shares Prisma's single connection and polls, and a mutation's
// event reaches a websocket subscriber.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App, type RunningApp } from '../../src/app.js';
import { signStaffToken } from '../../src/auth/tokens.js';
import { prisma } from '../../src/db.js';
import { loadConfig } from '../../src/env.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, waitFor } from '../support/realtime.js';
import { createClient as createWsClient } from 'graphql-ws';
import WebSocket from 'ws';

let dataDir: string;
let app: App;
let running: RunningApp;
const config = () =>
  loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEED_DEMO: 'false', RELAY_POLL_MS: '100', ESCALATION_POLL_MS: '200' });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'casegraph-embedded-realtime-'));
  app = buildApp(config());
  running = await app.start(0);
});
afterAll(async () => {
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('real-time on the embedded database', () => {
  it('delivers a mutation\'s event to a websocket subscriber', async () => {
    expect(running).toMatchObject({ database: 'embedded', pubsub: 'in-process' });
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { status: 'INTAKE' });
    const token = await signStaffToken(manager.id, config().jwt.secret!);
    const ws = createWsClient({
      url: running.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      retryAttempts: 0,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    const updates = collect(ws, `subscription ($id: ID!) { caseUpdates(caseId: $id) { kind case { status } } }`, { id: globalId('Case', kase.id) });
    await waitFor(() => app.realtime!.liveOn(`case:${kase.id}`) >= 1, { what: 'the subscription to go live' });
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        query: `mutation ($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { ... on Case { status } } }`,
        variables: { input: { caseId: globalId('Case', kase.id), status: 'ASSESSMENT' } },
      }),
    });
    expect(expectData<any>((await response.json()) as any).changeCaseStatus.status).toBe('ASSESSMENT');
    const [event] = await updates.waitForEvents(1);
    expect(event.caseUpdates).toEqual({ kind: 'CASE_STATUS_CHANGED', case: { status: 'ASSESSMENT' } });
    expect(await prisma.domainEvent.count()).toBeGreaterThan(0);
    await ws.dispose();
  });
});
