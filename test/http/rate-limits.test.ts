// Rate limits over real HTTP, server-sent events and graphql-ws, on one instance without Redis
// (REDIS_URL unset: the budgets live in the process). The window is an hour, so that nothing
// here depends on a window passing; each test speaks from its own address (TRUST_PROXY=1 and
// X-Forwarded-For), so that the per-IP budgets of one test do not touch another's.
import type { IncomingMessage } from 'node:http';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { clientIpOf } from '../../src/http/rate-limits/client-ip.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff } from '../support/factories.js';

let t: TestApp;
let orgId: string;
const WINDOW_S = 3600;

beforeAll(async () => {
  t = await startTestApp('rate_limits', {
    TRUST_PROXY: 'true',
    RATE_LIMIT_WINDOW: `${WINDOW_S}s`,
    RATE_LIMIT_AUTH_FAILURES: '5',
    RATE_LIMIT_MUTATIONS: '3',
    RATE_LIMIT_EXPENSIVE_QUERIES: '4',
    RATE_LIMIT_IP_REQUESTS: '30',
  });
  orgId = (await createOrganization()).id;
});
afterAll(() => t?.stop());

let lastIp = 0;
/** An address of this test alone. */
const freshIp = () => `198.51.100.${++lastIp}`;

async function post(query: string, options: { ip: string; token?: string | null; variables?: Record<string, unknown>; url?: string; accept?: string }) {
  const response = await fetch(options.url ?? t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': `203.0.113.250, ${options.ip}`,
      ...(options.accept ? { accept: options.accept } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text.startsWith('{') ? JSON.parse(text) : text };
}

function badlySigned(staffId: string): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(staffId)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
}

function expectRateLimited(answer: { status: number; retryAfter: string | null; body: any }, message: RegExp) {
  expect(answer.status).toBe(429);
  const retryAfter = Number(answer.retryAfter);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(WINDOW_S);
  expect(answer.body.data ?? null).toBeNull();
  expect(answer.body.errors).toHaveLength(1);
  expect(answer.body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter });
  expect(answer.body.errors[0].message).toMatch(message);
}

const ME = '{ me { id } }';

describe('failed authentication per address', () => {
  it('answers 5 badly signed tokens with 401, then refuses with 429 and Retry-After', async () => {
    const staff = await createStaff(orgId);
    const ip = freshIp();
    const bad = await badlySigned(staff.id);
    for (let i = 0; i < 5; i += 1) {
      const answer = await post(ME, { ip, token: bad });
      expect(answer.status).toBe(401);
      expect(answer.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
    expectRateLimited(await post(ME, { ip, token: bad }), /^Too many failed authentications from this address: retry in \d+ s$/);
    // Another address is not concerned.
    expect((await post(ME, { ip: freshIp(), token: bad })).status).toBe(401);
  });

  it('refuses an unknown token from a throttled address without verifying it, but not one it already verified', async () => {
    const staff = await createStaff(orgId);
    const ip = freshIp();
    const known = await t.tokenFor(staff.id);
    expect((await post(ME, { ip, token: known })).status).toBe(200);
    const bad = await badlySigned(staff.id);
    for (let i = 0; i < 5; i += 1) expect((await post(ME, { ip, token: bad })).status).toBe(401);
    // A genuine token never seen: it would be answered with 200 if its signature were checked.
    const unseen = await t.tokenFor(staff.id, { expiresIn: '2h' });
    expectRateLimited(await post(ME, { ip, token: unseen }), /failed authentications/);
    expect((await post(ME, { ip: freshIp(), token: unseen })).status).toBe(200);
    // A token this instance verified a moment ago costs no signature: still served.
    const served = await post(ME, { ip, token: known });
    expect(served.status).toBe(200);
    expect(served.body.data.me.id).toBeTruthy();
    // No token at all: nothing to verify, answered as before (UNAUTHENTICATED root fields).
    expect((await post(ME, { ip, token: null })).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('does not count expired tokens: they were genuine', async () => {
    const staff = await createStaff(orgId);
    const ip = freshIp();
    const expired = await t.tokenFor(staff.id, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    for (let i = 0; i < 8; i += 1) {
      const answer = await post(ME, { ip, token: expired });
      expect(answer.status).toBe(401);
      expect(answer.body.errors[0].message).toBe('The access token has expired');
    }
  });

  it('refuses server-sent events from a throttled address with 429 too', async () => {
    const staff = await createStaff(orgId);
    const ip = freshIp();
    const bad = await badlySigned(staff.id);
    for (let i = 0; i < 5; i += 1) expect((await post('subscription { __typename }', { ip, token: bad, url: `${t.url}/stream`, accept: 'text/event-stream' })).status).toBe(401);
    const refused = await post('subscription { __typename }', { ip, token: bad, url: `${t.url}/stream`, accept: 'text/event-stream' });
    expectRateLimited(refused, /failed authentications/);
  });
});

const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterClientInput!) {
    registerClient(input: $input) { __typename ... on Client { id } }
  }`;

describe('mutations per staff member', () => {
  it('allows 3, then refuses with 429 RATE_LIMITED and writes nothing; other staff and queries go on', async () => {
    const staff = await createStaff(orgId);
    const other = await createStaff(orgId);
    const token = await t.tokenFor(staff.id);
    const ip = freshIp();
    const familyName = `Limited-${Date.now()}`;
    const register = (tok: string) => post(REGISTER, { ip, token: tok, variables: { input: { givenName: 'Ada', familyName, dateOfBirth: '1980-01-01' } } });
    for (let i = 0; i < 3; i += 1) {
      const answer = await register(token);
      expect(answer.status).toBe(200);
      expect(answer.body.data.registerClient.__typename).toMatch(/^(Client|PossibleDuplicates)$/);
    }
    const before = await prisma.client.count({ where: { familyName } });
    expectRateLimited(await register(token), /^Too many mutations: retry in \d+ s$/);
    expect(await prisma.client.count({ where: { familyName } })).toBe(before);
    expect((await register(await t.tokenFor(other.id))).body.data.registerClient.__typename).toMatch(/^(Client|PossibleDuplicates)$/);
    expect((await post(ME, { ip, token })).body.data.me.id).toBeTruthy();
  });

  it('answers a mutation over graphql-ws with an error message RATE_LIMITED, and keeps the socket', async () => {
    const staff = await createStaff(orgId);
    const token = await t.tokenFor(staff.id);
    const client = t.wsClient(token);
    const run = (query: string, variables?: Record<string, unknown>) =>
      new Promise<{ data?: any; errors?: any[] }>((resolve) => {
        let last: any;
        client.subscribe({ query, variables }, { next: (value) => (last = value), error: (errors) => resolve({ errors: errors as any[] }), complete: () => resolve(last) });
      });
    const input = { input: { givenName: 'Bo', familyName: `Socket-${Date.now()}`, dateOfBirth: '1970-05-05' } };
    for (let i = 0; i < 3; i += 1) expect((await run(REGISTER, input)).data?.registerClient.__typename).toBeTruthy();
    const refused = await run(REGISTER, input);
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors![0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    expect(refused.errors![0].message).toMatch(/^Too many mutations/);
    expect((await run(ME)).data.me.id).toBe(Buffer.from(`StaffMember:${staff.id}`).toString('base64'));
  });
});

describe('expensive queries per staff member', () => {
  const SEARCH = '{ clients(first: 5, filter: { search: "nobody-by-this-name" }) { totalCount } }';
  const TWO_SEARCHES = '{ a: clients(first: 5, filter: { search: "x" }) { totalCount } b: clients(first: 5, filter: { search: "y" }) { totalCount } }';
  const BY_VARIABLE = 'query ($f: ClientFilter) { clients(first: 5, filter: $f) { totalCount } }';

  it('counts each search (aliases, variables) against 4 points; plain lists are not expensive', async () => {
    const staff = await createStaff(orgId);
    const token = await t.tokenFor(staff.id);
    const ip = freshIp();
    expect((await post(SEARCH, { ip, token })).status).toBe(200);
    expect((await post(TWO_SEARCHES, { ip, token })).status).toBe(200);
    expect((await post(BY_VARIABLE, { ip, token, variables: { f: { search: 'z' } } })).status).toBe(200);
    expectRateLimited(await post(SEARCH, { ip, token }), /^Too many expensive queries/);
    expectRateLimited(await post(BY_VARIABLE, { ip, token, variables: { f: { search: 'z' } } }), /expensive/);
    for (let i = 0; i < 6; i += 1) {
      expect((await post('{ clients(first: 5) { totalCount } }', { ip, token })).status).toBe(200);
      expect((await post(BY_VARIABLE, { ip, token, variables: { f: {} } })).status).toBe(200);
    }
  });
});

describe('requests per address', () => {
  it('serves 30 requests of an address, then answers 429 before parsing; other addresses go on', async () => {
    const ip = freshIp();
    for (let i = 0; i < 30; i += 1) expect((await post('{ __typename }', { ip })).status).toBe(200);
    expectRateLimited(await post('{ __typename }', { ip }), /^Too many requests from this address/);
    // Not even parsed: a broken document gets the same answer.
    expectRateLimited(await post('{ broken', { ip }), /^Too many requests from this address/);
    expect((await post('{ __typename }', { ip: freshIp() })).status).toBe(200);
  });

  it('refuses a websocket upgrade past the ceiling with HTTP 429 and Retry-After', async () => {
    const { default: WebSocket } = await import('ws');
    const ip = freshIp();
    for (let i = 0; i < 30; i += 1) await post('{ __typename }', { ip });
    const refused = await new Promise<{ status: number; retryAfter: string | undefined }>((resolve, reject) => {
      const socket = new WebSocket(t.wsUrl, 'graphql-transport-ws', { headers: { 'x-forwarded-for': ip } });
      socket.on('unexpected-response', (_request, response) => resolve({ status: response.statusCode!, retryAfter: response.headers['retry-after'] }));
      socket.on('open', () => reject(new Error('the socket opened')));
      socket.on('error', () => {});
    });
    expect(refused.status).toBe(429);
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  });
});

describe('the client address', () => {
  const request = (peer: string, forwarded?: string) => ({ socket: { remoteAddress: peer }, headers: forwarded ? { 'x-forwarded-for': forwarded } : {} }) as unknown as IncomingMessage;

  it('is the socket peer unless proxies are trusted, then the hop the outermost trusted proxy saw', () => {
    expect(clientIpOf(request('10.0.0.9', '1.2.3.4'), 0)).toBe('10.0.0.9');
    expect(clientIpOf(request('10.0.0.9', 'spoofed, 1.2.3.4'), 1)).toBe('1.2.3.4');
    expect(clientIpOf(request('10.0.0.9', 'spoofed, 1.2.3.4, 10.0.0.8'), 2)).toBe('1.2.3.4');
    expect(clientIpOf(request('10.0.0.9', '1.2.3.4'), 3)).toBe('1.2.3.4');
    expect(clientIpOf(request('10.0.0.9'), 1)).toBe('10.0.0.9');
  });
});
