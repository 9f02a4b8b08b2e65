// `npm start` with no configuration: the embedded PGlite is created, migrated and served.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App, type RunningApp } from '../src/app.js';
import { signStaffToken } from '../src/auth/tokens.js';
import { prisma } from '../src/db.js';
import { loadConfig } from '../src/env.js';
import { run } from './support/cli.js';

let dataDir: string;
let app: App;
let running: RunningApp;
const config = () => loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: dataDir, SEED_DEMO: 'false' });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'casegraph-embedded-'));
  app = buildApp(config());
  running = await app.start(0);
});
afterAll(async () => {
  await app?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function clientsVisibleTo(url: string, staffId: string) {
  const token = await signStaffToken(staffId, config().jwt.secret!);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ clients(first: 5) { totalCount edges { node { name } } } }' }),
  });
  return ((await response.json()) as any).data.clients;
}

describe('embedded default', () => {
  it('serves over a migrated embedded database with no DATABASE_URL or REDIS_URL', async () => {
    expect(running).toMatchObject({ database: 'embedded', pubsub: 'in-process' });
    const ready = await fetch(running.url.replace('/graphql', '/ready'));
    expect(await ready.json()).toMatchObject({ status: 'ready', pubsub: 'in-process' });
  });

  it('answers queries, and keeps its data across a restart', async () => {
    const org = await prisma.organization.create({ data: { name: 'Embedded Org', setting: 'SCHOOL' } });
    const staff = await prisma.staffMember.create({
      data: { organizationId: org.id, givenName: 'Em', familyName: 'Bedded', email: 'em@embedded.test', roles: ['CASE_MANAGER'], discipline: 'SOCIAL' },
    });
    await prisma.client.create({ data: { organizationId: org.id, givenName: 'Pat', familyName: 'Persisted' } });
    expect((await clientsVisibleTo(running.url, staff.id)).edges).toEqual([{ node: { name: 'Pat Persisted' } }]);

    await app.stop();
    app = buildApp(config());
    running = await app.start(0);
    expect((await clientsVisibleTo(running.url, staff.id)).totalCount).toBe(1);
  });
});

describe('npm run token beside the running server', { timeout: 60_000 }, () => {
  it('mints a token from the embedded database the server holds, while it serves requests', async () => {
    const { id: staffId } = await prisma.staffMember.findUniqueOrThrow({ where: { email: 'em@embedded.test' }, select: { id: true } });
    // Requests keep the server's one embedded session busy while the CLI waits for its turn.
    let serving = true;
    const answered: number[] = [];
    const load = (async () => {
      while (serving) answered.push((await clientsVisibleTo(running.url, staffId)).totalCount);
    })();
    const minted = await run('scripts/token.ts', ['em@embedded.test'], { DATA_DIR: dataDir }).finally(() => (serving = false));
    await load;

    expect(minted.output).toContain('Token for em@embedded.test (CASE_MANAGER)');
    expect(minted.code).toBe(0);
    expect(answered.length).toBeGreaterThan(0);
    expect(new Set(answered)).toEqual(new Set([1])); // no request failed meanwhile
    const token = minted.output.trim().split('\n').at(-1)!;
    const me = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { email } }' }),
    });
    expect(await me.json()).toEqual({ data: { me: { email: 'em@embedded.test' } } });
  });
});
