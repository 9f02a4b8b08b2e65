// Token rules against a real server (HTTP and graphql-ws): exp and iat required, a lifetime of
// JWT_MAX_LIFETIME at most (12 h by default), iat not in the future beyond JWT_CLOCK_SKEW. The
// same rules for keys from a JWKS endpoint, and for the tokens `npm run token` prints.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../../src/auth/tokens.js';
import { loadConfig } from '../../src/env.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff } from '../support/factories.js';

let t: TestApp;
let staffId: string;
let staffEmail: string;
const now = () => Math.floor(Date.now() / 1000);
const YEAR = 365 * 86_400;

beforeAll(async () => {
  t = await startTestApp('tokens');
  const staff = await createStaff((await createOrganization()).id);
  staffId = staff.id;
  staffEmail = staff.email;
});
afterAll(() => t?.stop());

/** A token signed with the server's secret, with exactly these claims. */
function signed(claims: JWTPayload): Promise<string> {
  return new SignJWT({ sub: staffId, ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(t.config.jwt.secret!));
}

async function me(token: string) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const refusals: Array<[string, () => JWTPayload, string]> = [
  ['no exp', () => ({ iat: now() }), 'The access token has no expiry (exp)'],
  ['no iat', () => ({ exp: now() + 3600 }), 'The access token has no issue time (iat)'],
  ['exp in 100 years', () => ({ iat: now(), exp: now() + 100 * YEAR }), 'The access token lives longer (exp - iat) than the maximum of 12 h'],
  ['a lifetime of 12 h and a minute', () => ({ iat: now() - 120, exp: now() + 12 * 3600 - 60 }), 'The access token lives longer (exp - iat) than the maximum of 12 h'],
  ['iat 5 minutes in the future', () => ({ iat: now() + 300, exp: now() + 3600 }), 'The access token was issued in the future (iat)'],
  ['nbf 5 minutes in the future', () => ({ iat: now(), nbf: now() + 300, exp: now() + 3600 }), 'The access token is not valid yet (nbf)'],
  ['exp as text', () => ({ iat: now(), exp: 'tomorrow' as unknown as number }), 'The access token is not valid'],
];

describe('token claims over HTTP', () => {
  it.each(refusals)('refuses a token with %s: 401 UNAUTHENTICATED naming the problem', async (_label, claims, message) => {
    const { status, body } = await me(await signed(claims()));
    expect(status).toBe(401);
    expect(body.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'UNAUTHENTICATED' } })]);
  });

  it('accepts a lifetime of exactly 12 h, and an iat within the clock skew (30 s ahead)', async () => {
    expect((await me(await signed({ iat: now(), exp: now() + 12 * 3600 }))).status).toBe(200);
    expect((await me(await signed({ iat: now() + 30, exp: now() + 3600 }))).status).toBe(200);
  });

  it('mints valid tokens in the test helpers', async () => {
    const { body } = await me(await t.tokenFor(staffId));
    expect(body.data.me.id).toBeTruthy();
  });
});

describe('token claims over graphql-ws', () => {
  function closeOf(token: string): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => {
      const client = t.wsClient(token, { on: { closed: (event: any) => resolve({ code: event.code, reason: event.reason }) } });
      client.subscribe({ query: '{ me { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    });
  }

  it('closes with 4401 for a token without exp or living 100 years, saying why', async () => {
    expect(await closeOf(await signed({ iat: now() }))).toEqual({ code: 4401, reason: 'The access token has no expiry (exp)' });
    const century = await closeOf(await signed({ iat: now(), exp: now() + 100 * YEAR }));
    expect(century.code).toBe(4401);
    expect(century.reason).toMatch(/^The access token lives longer/);
  });

  it('closes a socket when its token expires', async () => {
    const closed = await closeOf(await signed({ iat: now(), exp: now() + 2 }));
    expect(closed).toEqual({ code: 4401, reason: 'Token expired' });
  });
});

describe('settings', () => {
  it('reads durations such as 12h, 30m or seconds, and names a bad one', () => {
    expect(loadConfig({ JWT_MAX_LIFETIME: '30m', JWT_CLOCK_SKEW: '5' }).jwt).toMatchObject({ maxLifetimeS: 1800, clockSkewS: 5 });
    expect(loadConfig({}).jwt).toMatchObject({ maxLifetimeS: 12 * 3600, clockSkewS: 60 });
    expect(() => loadConfig({ JWT_MAX_LIFETIME: 'forever' })).toThrow(/JWT_MAX_LIFETIME: must be a duration/);
    expect(() => loadConfig({ RATE_LIMIT_WINDOW: '0' })).toThrow(/RATE_LIMIT_WINDOW: must be at least 1 s/);
    expect(() => loadConfig({ TRUST_PROXY: 'yes' })).toThrow(/TRUST_PROXY: must be true, false or a number/);
    expect(loadConfig({}).jwt.matchEmail).toBe(false);
    expect(loadConfig({ JWT_MATCH_EMAIL: 'true' }).jwt.matchEmail).toBe(true);
    expect(() => loadConfig({ JWT_MATCH_EMAIL: 'yes' })).toThrow(/JWT_MATCH_EMAIL: must be true or false/);
  });

  it('takes the maximum lifetime and the clock skew from JWT_MAX_LIFETIME and JWT_CLOCK_SKEW', async () => {
    const verify = createTokenVerifier({ ...t.config.jwt, maxLifetimeS: 3600, clockSkewS: 0 });
    await expect(verify(await signed({ iat: now(), exp: now() + 7200 }))).rejects.toThrow('than the maximum of 1 h');
    await expect(verify(await signed({ iat: now() + 5, exp: now() + 600 }))).rejects.toThrow('issued in the future');
    await expect(verify(await signed({ iat: now(), exp: now() + 3600 }))).resolves.toEqual({
      identity: { issuer: null, subject: staffId, email: null, key: JSON.stringify([null, staffId, null]) },
      expiresAt: expect.any(Number),
    });
  });

  it('applies the same rules to keys of a JWKS endpoint', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server: Server = createServer((_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const verify = createTokenVerifier({
        secret: undefined,
        jwksUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`,
        maxLifetimeS: 12 * 3600,
        clockSkewS: 60,
      });
      const sign = (claims: JWTPayload) => new SignJWT({ sub: staffId, ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).sign(privateKey);
      await expect(verify(await sign({ iat: now() }))).rejects.toThrow('no expiry (exp)');
      await expect(verify(await sign({ iat: now(), exp: now() + 100 * YEAR }))).rejects.toThrow('lives longer');
      await expect(verify(await sign({ iat: now() + 600, exp: now() + 3600 }))).rejects.toThrow('issued in the future');
      await expect(verify(await sign({ iat: now(), exp: now() + 3600 }))).resolves.toMatchObject({ identity: { subject: staffId } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('`npm run token` prints a token the server accepts, living JWT_MAX_LIFETIME', async () => {
    const child = spawn('node_modules/.bin/tsx', ['scripts/token.ts', staffEmail], {
      env: { ...process.env, NODE_ENV: 'test', DATABASE_URL: t.databaseUrl, JWT_MAX_LIFETIME: '2h', LOG_LEVEL: 'silent' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code, err).toBe(0);
    expect(err).toContain('valid 2 hours');
    const token = out.trim();
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(7200);
    expect((await me(token)).body.data.me.id).toBeTruthy();
  });
});
