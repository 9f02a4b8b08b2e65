// Production lock-down (issue 9), over HTTP against real servers: introspection and
// suggestions off unless GRAPHQL_INTROSPECTION=true, CORS only for CORS_ORIGINS and never with
// credentials, no form or multipart POSTs, and GETs only with a CSRF header. A refused request
// ran no resolver and no SQL statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/env.js';
import { startTestApp, type GraphQLResponse, type TestApp } from '../support/app.js';
import { createOrganization, createStaff } from '../support/factories.js';
import { countStatements } from '../support/sql.js';

const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-at-least-32-characters' };
const ALLOWED = 'https://care.example.org';

let production: TestApp;
/** A second instance on the same database, as trusted tooling would be given. */
let tooling: { app: App; url: string };
let token = '';

beforeAll(async () => {
  production = await startTestApp('lockdown_production', { ...PRODUCTION, CORS_ORIGINS: `${ALLOWED}, https://other.example.org` });
  const app = buildApp(
    loadConfig({ ...PRODUCTION, GRAPHQL_INTROSPECTION: 'true', DATABASE_URL: production.databaseUrl, DATABASE_POOL_MAX: '2', LOG_LEVEL: 'silent' }),
  );
  tooling = { app, url: (await app.start(0)).url };
  const org = await createOrganization();
  token = await production.tokenFor((await createStaff(org.id, { roles: ['CASE_MANAGER'] })).id);
});
afterAll(async () => {
  await tooling?.app.stop();
  await production?.stop();
});

async function post(url: string, query: string): Promise<GraphQLResponse> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return (await response.json()) as GraphQLResponse;
}

const REGISTER = 'mutation { registerClient(input: { givenName: "Form", familyName: "Posted", dateOfBirth: "1990-01-01" }) { __typename } }';

async function call(url: string, init: RequestInit) {
  let body: GraphQLResponse | null = null;
  const { statements, result: response } = await countStatements(async () => {
    const response = await fetch(url, init);
    const text = await response.text();
    body = text ? (JSON.parse(text) as GraphQLResponse) : null;
    return response;
  });
  return { response, body: body as GraphQLResponse | null, statements };
}

describe('introspection and suggestions', () => {
  it('refuses introspection in production without a token, and with one', async () => {
    for (const headers of [{}, { authorization: `Bearer ${token}` }] as Array<Record<string, string>>) {
      const { body, statements } = await call(production.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ query: '{ __schema { types { name } } }' }),
      });
      expect(new Set(body?.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['INTROSPECTION_DISABLED']));
      expect(body).not.toHaveProperty('data');
      expect(statements).toEqual([]);
    }
    const type = await production.gql('{ __type(name: "Client") { name } }');
    expect(new Set(type.errors?.map((e) => e.extensions?.code))).toEqual(new Set(['INTROSPECTION_DISABLED']));
    // __typename is not introspection of the schema.
    expect((await production.gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });

  it('hides "Did you mean" in production', async () => {
    const response = await production.gql('{ clientz { totalCount } }', {}, { token });
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(response.errors?.[0]?.message).toBe('Cannot query field "clientz" on type "Query".');
  });

  it('answers introspection and suggestions with GRAPHQL_INTROSPECTION=true, for trusted tooling', async () => {
    const response = await post(tooling.url, '{ __schema { queryType { name } } }');
    expect(response.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const suggestion = await post(tooling.url, '{ clientz { totalCount } }');
    expect(suggestion.errors?.[0]?.message).toMatch(/Did you mean "clients"\?/);
  });
});

describe('CORS', () => {
  it('gives an unlisted origin no CORS headers at all, preflight or not', async () => {
    const preflight = await fetch(production.url, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    const post = await fetch(production.url, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    for (const response of [preflight, post]) {
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
  });

  it('gives a listed origin its own origin back, never credentials', async () => {
    for (const origin of [ALLOWED, 'https://other.example.org']) {
      const preflight = await fetch(production.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    }
  });

  it('lists no origin by default', async () => {
    const preflight = await fetch(tooling.url, { method: 'OPTIONS', headers: { origin: ALLOWED, 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});

describe('what a cross-site form or link can send', () => {
  it('refuses a form-urlencoded POST of a mutation with 415, before anything runs', async () => {
    const { response, body, statements } = await call(production.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
      body: new URLSearchParams({ query: REGISTER }).toString(),
    });
    expect(response.status).toBe(415);
    expect(body?.errors?.map((e) => e.extensions?.code)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
    expect(statements).toEqual([]);
  });

  it('refuses multipart and text/plain POSTs with 415', async () => {
    const form = new FormData();
    form.set('operations', JSON.stringify({ query: REGISTER }));
    for (const init of [
      { body: form as BodyInit, headers: { authorization: `Bearer ${token}` } as Record<string, string> },
      { body: JSON.stringify({ query: REGISTER }), headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` } },
    ]) {
      const { response, body, statements } = await call(production.url, { method: 'POST', ...init });
      expect(response.status).toBe(415);
      expect(body?.errors?.map((e) => e.extensions?.code)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
      expect(statements).toEqual([]);
    }
  });

  it('refuses a GET without a CSRF header with 403; with one it is answered', async () => {
    const url = `${production.url}?query=${encodeURIComponent('{ __typename }')}`;
    const bare = await call(url, { headers: { authorization: `Bearer ${token}` } });
    expect(bare.response.status).toBe(403);
    expect(bare.body?.errors?.map((e) => e.extensions?.code)).toEqual(['CSRF_PREFLIGHT_REQUIRED']);
    expect(bare.statements).toEqual([]);
    const withHeader = await fetch(url, { headers: { 'x-graphql-yoga-csrf': '1' } });
    expect(await withHeader.json()).toEqual({ data: { __typename: 'Query' } });
    // A mutation is never run from a GET.
    const mutation = await fetch(`${production.url}?query=${encodeURIComponent(REGISTER)}`, {
      headers: { 'x-graphql-yoga-csrf': '1', authorization: `Bearer ${token}` },
    });
    expect(mutation.status).toBe(405);
  });

  it('leaves JSON POSTs alone', async () => {
    const response = await production.gql('{ me { roles } }', {}, { token });
    expect(response.data).toEqual({ me: { roles: ['CASE_MANAGER'] } });
  });
});
