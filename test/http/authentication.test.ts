import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestApp, expectData, type TestApp } from '../support/app.js';
import { createOrganization, createStaff } from '../support/factories.js';
import { prisma } from '../../src/db.js';
import { viewerCache } from '../../src/auth/viewer-cache.js';

let t: TestApp;
let staffId: string;
let inactiveId: string;

beforeAll(async () => {
  t = await startTestApp('auth');
  const org = await createOrganization();
  staffId = (await createStaff(org.id)).id;
  inactiveId = (await createStaff(org.id, { active: false })).id;
});
afterAll(() => t?.stop());

async function post(headers: Record<string, string>) {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: '{ me { email } clients(first: 1) { totalCount } }' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

describe('authentication over HTTP', () => {
  it('answers a valid token with data for its staff member', async () => {
    const token = await t.tokenFor(staffId);
    const data = expectData(await t.gql('{ me { id email roles } }', {}, { token }));
    const staff = await prisma.staffMember.findUniqueOrThrow({ where: { id: staffId } });
    expect(data.me.email).toBe(staff.email);
    expect(data.me.roles).toEqual(['CASE_MANAGER']);
  });

  it('gives no data without a token: every root field is UNAUTHENTICATED', async () => {
    const { body } = await post({});
    expect(body.data).toBeNull();
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0].message).toMatch(/Authorization: Bearer/);
  });

  it('still answers introspection without a token (GraphiQL, codegen)', async () => {
    const body = await t.gql('{ __schema { queryType { name } } }', {}, { token: null });
    expect(body.data?.__schema.queryType.name).toBe('Query');
  });

  it.each([
    ['a malformed header', () => 'Basic abc:def'],
    ['a token signed with another secret', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(staffId).setExpirationTime('1h').sign(new TextEncoder().encode('another-secret-another-secret-another'))],
    ['an expired token', () => t.tokenFor(staffId, { expiresIn: Math.floor(Date.now() / 1000) - 60 })],
    ['a token for an unknown staff member', () => t.tokenFor('00000000-0000-4000-8000-000000000000')],
    ['a token for an inactive staff member', () => t.tokenFor(inactiveId)],
    ['a token whose subject is not an id', () => t.tokenFor('not-a-uuid')],
  ])('refuses %s with 401 UNAUTHENTICATED and no data', async (_label, makeHeader) => {
    const value = await makeHeader();
    const { status, body } = await post({ authorization: value.startsWith('Basic') ? value : `Bearer ${value}` });
    expect(status).toBe(401);
    expect(body.data).toBeUndefined();
    expect(body.errors).toHaveLength(1);
    expect(body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('says when a token has expired', async () => {
    const token = await t.tokenFor(staffId, { expiresIn: Math.floor(Date.now() / 1000) - 60 });
    const { body } = await post({ authorization: `Bearer ${token}` });
    expect(body.errors[0].message).toBe('The access token has expired');
  });

  it('refuses a token once it expires, though its signature was checked before', async () => {
    // exp is in whole seconds: at least 2 s of life, so the first request is in time on a busy machine.
    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const token = await t.tokenFor(staffId, { expiresIn: expiresAt });
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
    // The clock has to pass the token's exp: nothing else to wait for.
    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now() + 10));
    const { body } = await post({ authorization: `Bearer ${token}` });
    expect(body.errors[0].message).toBe('The access token has expired');
  });

  it('takes effect as soon as PostgreSQL announces a deactivation made outside the API', async () => {
    const org = await createOrganization();
    const leaver = await createStaff(org.id);
    const token = await t.tokenFor(leaver.id);
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(200);
    const noticed = viewerCache.invalidated(leaver.id);
    await prisma.staffMember.update({ where: { id: leaver.id }, data: { active: false } });
    await noticed;
    expect((await post({ authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('authentication over graphql-ws', () => {
  function closeCode(token: string | null): Promise<{ code: number; reason: string }> {
    return new Promise((resolve) => {
      const client = t.wsClient(token, { on: { closed: (event: any) => resolve({ code: event.code, reason: event.reason }) } });
      client.subscribe({ query: '{ me { email } }' }, { next: () => {}, error: () => {}, complete: () => {} });
    });
  }

  it('answers an operation on a socket opened with a valid token', async () => {
    const token = await t.tokenFor(staffId);
    const client = t.wsClient(token);
    const result = await new Promise<any>((resolve, reject) => {
      client.subscribe({ query: '{ me { id } }' }, { next: resolve, error: reject, complete: () => {} });
    });
    expect(result.data.me.id).toBeTruthy();
  });

  it('closes with 4401 without a token', async () => {
    expect(await closeCode(null)).toMatchObject({ code: 4401 });
  });

  it('closes with 4401 for a bad token and says why', async () => {
    const result = await closeCode('garbage');
    expect(result.code).toBe(4401);
    expect(result.reason).toMatch(/not valid/);
  });

  it('closes with 4401 when the token expires while connected', async () => {
    const token = await t.tokenFor(staffId, { expiresIn: Math.floor(Date.now() / 1000) + 3 });
    const closed = await closeCode(token);
    expect(closed).toEqual({ code: 4401, reason: 'Token expired' });
  });
});
