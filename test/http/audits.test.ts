// graphql-http's GraphQL-over-HTTP conformance audits against a real server, in development and
// in production. A client of this server sends a CSRF header with its GETs (src/http/lockdown.ts):
// the audits run through a fetch that does. Two deliberate lock-down choices fail audits, and
// exactly these:
//   - without the CSRF header, the three audits of optional ("MAY") GET forms get 403;
//   - in production without GRAPHQL_INTROSPECTION, the four audits of variables, whose only
//     schema-independent query is `__type(name: $name)`, get INTROSPECTION_DISABLED.
import { serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/env.js';
import { startTestApp, type TestApp } from '../support/app.js';

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-characters' };

let development: TestApp;
const instances: Record<'production' | 'productionWithIntrospection', { app: App; url: string }> = {} as never;

beforeAll(async () => {
  development = await startTestApp('http_audits', { NODE_ENV: 'development', SEED_DEMO: 'false' });
  for (const [name, extra] of [
    ['production', {}],
    ['productionWithIntrospection', { GRAPHQL_INTROSPECTION: 'true' }],
  ] as const) {
    const app = buildApp(loadConfig({ ...PRODUCTION, ...extra, DATABASE_URL: development.databaseUrl, DATABASE_POOL_MAX: '2', LOG_LEVEL: 'silent' }));
    instances[name] = { app, url: (await app.start(0)).url };
  }
});
afterAll(async () => {
  for (const instance of Object.values(instances)) await instance.app.stop();
  await development?.stop();
});

const withCsrfHeader: typeof fetch = (input, init = {}) =>
  fetch(input, { ...init, headers: { ...Object.fromEntries(new Headers(init.headers)), 'x-graphql-yoga-csrf': '1' } });

/** The names of the audits that did not pass. */
async function failing(url: string, fetchFn: typeof fetch): Promise<string[]> {
  const audits = serverAudits({ url, fetchFn });
  expect(audits).toHaveLength(61);
  const results = await Promise.all(audits.map(async (audit) => ({ name: audit.name, result: await audit.fn() })));
  return results.filter(({ result }) => result.status !== 'ok').map(({ name }) => name).sort();
}

const GET_AUDITS = [
  'MAY accept application/x-www-form-urlencoded formatted GET requests',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
].sort();

const INTROSPECTION_AUDITS = [
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
  'MUST allow map {variables} parameter when accepting application/json',
  'SHOULD allow map {variables} parameter when accepting application/graphql-response+json',
].sort();

describe('graphql-http server audits', () => {
  it('all 61 pass in development', async () => {
    expect(await failing(development.url, withCsrfHeader)).toEqual([]);
  });

  it('all 61 pass in production with introspection on (trusted tooling)', async () => {
    expect(await failing(instances.productionWithIntrospection.url, withCsrfHeader)).toEqual([]);
  });

  it('in production by default, only the audits that query __type fail', async () => {
    expect(await failing(instances.production.url, withCsrfHeader)).toEqual(INTROSPECTION_AUDITS);
  });

  it('without a CSRF header, only the optional GET audits fail', async () => {
    expect(await failing(development.url, fetch)).toEqual(GET_AUDITS);
  });
});
