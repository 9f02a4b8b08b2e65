// Tokens of an identity provider (JWT_JWKS_URL): a test provider serves its RS256 keys from a
// real HTTP server, and its tokens reach staff members by a stored issuer and subject, by a
// verified email (JWT_MATCH_EMAIL, then stored), or by a staff id as `sub` (src/auth/identity.ts),
// over HTTP and websockets. A second instance over the same database runs with email matching
// off and no JWT_ISSUER. Neither logs a subject, an email or a token.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/app.js';
import { viewerCache } from '../../src/auth/viewer-cache.js';
import { prisma } from '../../src/db.js';
import { loadConfig } from '../../src/env.js';
import { createLogger } from '../../src/logger.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff, globalId } from '../support/factories.js';
import { waitFor } from '../support/realtime.js';
import { countStatements } from '../support/sql.js';

const ISSUER = 'https://login.test.example/';
const OTHER_ISSUER = 'https://elsewhere.test.example/';
const AUDIENCE = 'casegraph';
/** Distinctive, so that the log can be searched for them. */
const SUBJECT = (name: string) => `idp|zq-${name}-${Math.random().toString(36).slice(2, 8)}`;

let jwks: Server;
let privateKey: CryptoKey;
let t: TestApp;
let plain: { app: App; url: string };
let orgId: string;
let adminToken: string;
let adminId: string;
const lines: string[] = [];
const tokens: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
  jwks = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;

  const log = createLogger('debug', { write: (line: string) => void lines.push(line) });
  t = await startTestApp('oidc', { JWT_JWKS_URL: jwksUrl, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_MATCH_EMAIL: 'true', WS_STAFF_RECHECK_MS: '200' }, { log });
  // Another instance of the same database: no email matching, any issuer the keys sign for.
  const app = buildApp(
    loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: t.databaseUrl, DATABASE_POOL_MAX: '2', JWT_JWKS_URL: jwksUrl, JWT_AUDIENCE: AUDIENCE }),
    { log },
  );
  plain = { app, url: (await app.start(0)).url };
  await viewerCache.whenListening(true);

  orgId = (await createOrganization()).id;
  const adminSubject = SUBJECT('admin');
  const admin = await createStaff(orgId, { roles: ['ADMIN'], discipline: 'ADMINISTRATIVE', externalIssuer: ISSUER, externalSubject: adminSubject });
  adminId = admin.id;
  adminToken = await sign({ sub: adminSubject });
});

afterAll(async () => {
  await plain?.app.stop();
  await t?.stop();
  await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()));
});

/** A token of the test provider; `iss` is ISSUER unless the claims say otherwise. */
async function sign(claims: JWTPayload): Promise<string> {
  const token = await new SignJWT({ iss: ISSUER, aud: AUDIENCE, ...claims })
    .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
  tokens.push(token);
  // Staff ids may be logged (staffId); a provider's subjects may not.
  if (typeof claims.sub === 'string' && !/^[0-9a-f-]{36}$/.test(claims.sub)) secrets.push(claims.sub);
  if (typeof claims.email === 'string') secrets.push(claims.email);
  return token;
}

async function me(token: string, url = t.url) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ me { id } }' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

async function expectViewer(token: string, staffId: string, url = t.url) {
  const { status, body } = await me(token, url);
  expect(body.errors).toBeUndefined();
  expect(status).toBe(200);
  expect(body.data.me.id).toBe(globalId('StaffMember', staffId));
}

async function expectRefused(token: string, url = t.url) {
  const { status, body } = await me(token, url);
  expect(status).toBe(401);
  expect(body.errors).toEqual([expect.objectContaining({ message: 'The access token names no active staff member', extensions: { code: 'UNAUTHENTICATED' } })]);
}

const identityOf = (staffId: string) =>
  prisma.staffMember.findUniqueOrThrow({ where: { id: staffId }, select: { externalIssuer: true, externalSubject: true, version: true } });

describe('a stored issuer and subject', () => {
  it('name their staff member; a later request reads nothing; the staff id as sub no longer reaches them', async () => {
    const subject = SUBJECT('alice');
    const staff = await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: subject });
    const token = await sign({ sub: subject, email: staff.email, email_verified: true });
    await expectViewer(token, staff.id);
    const typename = () => fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ __typename }"}' });
    expect((await typename()).status).toBe(200);
    expect((await countStatements(typename)).statements).toEqual([]);
    // Linked: only the provider's identity reaches them.
    await expectRefused(await sign({ sub: staff.id }));
  });

  it('are refused at once when their staff member is deactivated', async () => {
    const subject = SUBJECT('dora');
    const staff = await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: subject });
    const token = await sign({ sub: subject });
    await expectViewer(token, staff.id);
    const noticed = viewerCache.invalidated(staff.id);
    await prisma.staffMember.update({ where: { id: staff.id }, data: { active: false } });
    await noticed;
    await expectRefused(token);
  });

  it('of another issuer are refused, by the issuer check and, without one, by the stored issuer', async () => {
    const subject = SUBJECT('erin');
    const staff = await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: subject });
    const foreign = await sign({ sub: subject, iss: OTHER_ISSUER });
    expect((await me(foreign)).status).toBe(401);
    // The second instance checks no issuer: the signature is good, the identity names nobody.
    await expectRefused(foreign, plain.url);
    await expectViewer(await sign({ sub: subject }), staff.id, plain.url);
  });

  it('authenticate a websocket', async () => {
    const subject = SUBJECT('wes');
    const staff = await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: subject });
    const client = t.wsClient(await sign({ sub: subject }));
    const result = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: reject, complete: () => {} });
    });
    expect(result).toEqual({ data: { me: { id: globalId('StaffMember', staff.id) } } });

    const closeOf = (token: string) =>
      new Promise<{ code: number; reason: string }>((resolve) => {
        const other = t.wsClient(token, { on: { closed: (event: any) => resolve({ code: event.code, reason: event.reason }) } });
        other.subscribe({ query: '{ me { id } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      });
    const unknown = await closeOf(await sign({ sub: SUBJECT('nobody') }));
    expect(unknown).toEqual({ code: 4401, reason: 'The access token names no active staff member' });
  });

  it('close an open websocket once its identity is unlinked, and leave the others open', async () => {
    const listen = async (staffId: string, subject: string) => {
      let closed: { code: number; reason: string } | undefined;
      let connected!: () => void;
      const opened = new Promise<void>((resolve) => (connected = resolve));
      const client = t.wsClient(await sign({ sub: subject }), {
        on: { connected: () => connected(), closed: (event: any) => (closed = { code: event.code, reason: event.reason }) },
      });
      client.subscribe({ query: 'subscription { crisisAlerts { eventId } }' }, { next: () => {}, error: () => {}, complete: () => {} });
      await opened;
      return { staffId, closed: () => closed };
    };
    const unaSubject = SUBJECT('una');
    const kimSubject = SUBJECT('kim');
    const una = await listen((await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: unaSubject })).id, unaSubject);
    const kim = await listen((await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: kimSubject })).id, kimSubject);

    expectData(await t.gql(UNLINK, { input: { staffId: globalId('StaffMember', una.staffId) } }, { token: adminToken }));
    await waitFor(() => una.closed(), { what: "the unlinked staff member's socket to close" });
    expect(una.closed()).toEqual({ code: 4403, reason: 'The token no longer names an active staff member' });
    // Judged by the same recheck (every 200 ms), Kim's socket stays open.
    expect(kim.closed()).toBeUndefined();
  });

});

describe('a verified email (JWT_MATCH_EMAIL)', () => {
  it('names an unlinked active staff member, case-insensitively, and stores the identity for later tokens', async () => {
    const staff = await createStaff(orgId, { email: `bob.${Date.now()}@agency.test` });
    const subject = SUBJECT('bob');
    await expectViewer(await sign({ sub: subject, email: staff.email.toUpperCase(), email_verified: true }), staff.id);
    expect(await identityOf(staff.id)).toEqual({ externalIssuer: ISSUER, externalSubject: subject, version: 2 });
    const audit = await prisma.auditEvent.findMany({ where: { entityId: staff.id }, select: { action: true, entityType: true, actorId: true, operationName: true } });
    expect(audit).toEqual([{ action: 'UPDATE', entityType: 'StaffMember', actorId: staff.id, operationName: 'signIn' }]);

    // The email changes at both ends: the stored subject still names them, on either instance.
    const noticed = viewerCache.invalidated(staff.id);
    await prisma.staffMember.update({ where: { id: staff.id }, data: { email: `robert.${Date.now()}@agency.test` } });
    await noticed;
    await expectViewer(await sign({ sub: subject, email: 'someone.else@agency.test', email_verified: true }), staff.id);
    await expectViewer(await sign({ sub: subject }), staff.id, plain.url);
  });

  it('is not taken unverified, nor with matching off, nor for a staff member linked to another subject', async () => {
    const staff = await createStaff(orgId, { email: `cleo.${Date.now()}@agency.test` });
    await expectRefused(await sign({ sub: SUBJECT('cleo'), email: staff.email, email_verified: false }));
    await expectRefused(await sign({ sub: SUBJECT('cleo'), email: staff.email, email_verified: 'true' }));
    await expectRefused(await sign({ sub: SUBJECT('cleo'), email: staff.email }));
    await expectRefused(await sign({ sub: SUBJECT('cleo'), email: staff.email, email_verified: true }), plain.url);
    expect(await identityOf(staff.id)).toEqual({ externalIssuer: null, externalSubject: null, version: 1 });

    const linked = await createStaff(orgId, { email: `dan.${Date.now()}@agency.test`, externalIssuer: ISSUER, externalSubject: SUBJECT('dan') });
    await expectRefused(await sign({ sub: SUBJECT('dan-again'), email: linked.email, email_verified: true }));
    const inactive = await createStaff(orgId, { email: `ina.${Date.now()}@agency.test`, active: false });
    await expectRefused(await sign({ sub: SUBJECT('ina'), email: inactive.email, email_verified: true }));
    expect(await identityOf(inactive.id)).toMatchObject({ externalSubject: null });
  });
});

describe('other subjects', () => {
  it('are refused when they name nobody; a staff id as sub still names an unlinked staff member', async () => {
    await expectRefused(await sign({ sub: SUBJECT('stranger') }));
    await expectRefused(await sign({ sub: '00000000-0000-4000-8000-000000000000' }));
    const staff = await createStaff(orgId);
    await expectViewer(await sign({ sub: staff.id }), staff.id);
    // A staff id is an exact match: it comes before another staff member's email, and links nobody.
    const other = await createStaff(orgId, { email: `gil.${Date.now()}@agency.test` });
    await expectViewer(await sign({ sub: staff.id, email: other.email, email_verified: true }), staff.id);
    expect(await identityOf(other.id)).toMatchObject({ externalSubject: null });
    expect(await identityOf(staff.id)).toMatchObject({ externalSubject: null });
  });
});

const LINK = `mutation ($input: LinkStaffIdentityInput!) { linkStaffIdentity(input: $input) { __typename
  ... on StaffMember { version externalIdentity { issuer subject } } ... on ValidationError { field } ... on Error { message } } }`;
const UNLINK = `mutation ($input: UnlinkStaffIdentityInput!) { unlinkStaffIdentity(input: $input) { __typename
  ... on StaffMember { version externalIdentity { subject } } ... on ValidationError { field } ... on Error { message } } }`;

describe('identities stored outside the API', () => {
  it('are noticed at once: a token refused before is accepted, one by staff id is refused', async () => {
    const staff = await createStaff(orgId);
    const subject = SUBJECT('fay');
    const token = await sign({ sub: subject });
    const byId = await sign({ sub: staff.id });
    await expectRefused(token);
    await expectViewer(byId, staff.id);
    // Both answers are cached now; the trigger's notices drop them.
    const noticed = viewerCache.invalidated(staff.id);
    await prisma.staffMember.update({ where: { id: staff.id }, data: { externalIssuer: ISSUER, externalSubject: subject } });
    await noticed;
    await expectViewer(token, staff.id);
    await expectRefused(byId);
  });
});

describe('linkStaffIdentity and unlinkStaffIdentity', () => {
  it('let an administrator link and unlink a staff member of their organization, taking effect at once', async () => {
    const staff = await createStaff(orgId);
    const subject = SUBJECT('carol');
    const token = await sign({ sub: subject });
    // Refused (and that answer cached) before the link...
    await expectRefused(token);
    const linked: any = expectData(await t.gql(LINK, { input: { staffId: globalId('StaffMember', staff.id), expectedVersion: 1, issuer: ISSUER, subject } }, { token: adminToken }));
    expect(linked.linkStaffIdentity).toEqual({ __typename: 'StaffMember', version: 2, externalIdentity: { issuer: ISSUER, subject } });
    // ...and accepted right after it.
    await expectViewer(token, staff.id);
    // Not shown to the staff member themselves.
    const own = await t.gql('{ me { id externalIdentity { subject } } }', {}, { token });
    expect(own.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);

    const unlinked: any = expectData(await t.gql(UNLINK, { input: { staffId: globalId('StaffMember', staff.id) } }, { token: adminToken }));
    expect(unlinked.unlinkStaffIdentity).toEqual({ __typename: 'StaffMember', version: 3, externalIdentity: null });
    await expectRefused(token);
    const audit = await prisma.auditEvent.findMany({ where: { entityId: staff.id }, orderBy: { at: 'asc' }, select: { action: true, actorId: true, operationName: true, reason: true } });
    expect(audit).toEqual([
      { action: 'UPDATE', actorId: adminId, operationName: 'linkStaffIdentity', reason: 'identity provider subject linked' },
      { action: 'UPDATE', actorId: adminId, operationName: 'unlinkStaffIdentity', reason: 'identity provider subject unlinked' },
    ]);
  });

  it('refuse a subject another staff member has, non-administrators, other organizations and one’s own identity', async () => {
    const taken = SUBJECT('taken');
    await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: taken });
    const staff = await createStaff(orgId);
    const input = { staffId: globalId('StaffMember', staff.id), issuer: ISSUER, subject: taken };
    const duplicate: any = expectData(await t.gql(LINK, { input }, { token: adminToken }));
    expect(duplicate.linkStaffIdentity).toMatchObject({ __typename: 'ValidationError', field: 'subject' });

    const managerSubject = SUBJECT('manager');
    await createStaff(orgId, { externalIssuer: ISSUER, externalSubject: managerSubject });
    const asManager: any = expectData(await t.gql(LINK, { input: { ...input, subject: SUBJECT('x') } }, { token: await sign({ sub: managerSubject }) }));
    expect(asManager.linkStaffIdentity.__typename).toBe('Forbidden');

    const stranger = await createStaff((await createOrganization()).id);
    const foreign: any = expectData(await t.gql(UNLINK, { input: { staffId: globalId('StaffMember', stranger.id) } }, { token: adminToken }));
    expect(foreign.unlinkStaffIdentity.__typename).toBe('NotFound');

    const self: any = expectData(await t.gql(UNLINK, { input: { staffId: globalId('StaffMember', adminId) } }, { token: adminToken }));
    expect(self.unlinkStaffIdentity).toMatchObject({ __typename: 'ValidationError', field: 'staffId' });
    const padded: any = expectData(await t.gql(LINK, { input: { ...input, subject: ' padded' } }, { token: adminToken }));
    expect(padded.linkStaffIdentity.__typename).toBe('InputValidationError');

    expect(await identityOf(staff.id)).toEqual({ externalIssuer: null, externalSubject: null, version: 1 });
    await expectViewer(adminToken, adminId);
  });
});

describe('logs', () => {
  it('carry no subject, email or token', () => {
    expect(lines.length).toBeGreaterThan(10);
    const all = lines.join('\n').toLowerCase();
    for (const value of [...secrets, ...tokens]) expect(all, value).not.toContain(value.toLowerCase());
    expect(all).not.toContain('idp|');
  });
});
