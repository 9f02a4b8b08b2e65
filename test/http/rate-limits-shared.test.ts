// Rate limits across instances: two servers over one database and one Redis count in the same
// keys (namespaced by the database's name, as the pub/sub channels are); when Redis goes away,
// each instance goes on counting in its own memory: neither open doors nor refusing everyone.
// Uses a private redis-server (it is stopped here): never the shared one on 6379.
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createStaff } from '../support/factories.js';
import { startCluster, startPrivateRedis, type Cluster, type Instance, type PrivateRedis } from '../support/realtime.js';

let redis: PrivateRedis;
let cluster: Cluster;
let a: Instance;
let b: Instance;
let orgId: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startCluster('rate_limits_shared', {
    env: { REDIS_URL: redis.url, TRUST_PROXY: 'true', RATE_LIMIT_WINDOW: '1h', RATE_LIMIT_MUTATIONS: '4', RATE_LIMIT_AUTH_FAILURES: '4' },
  });
  [a, b] = cluster.instances as [Instance, Instance];
  orgId = (await createOrganization()).id;
});
afterAll(async () => {
  await cluster?.stop();
  await redis?.stop();
});

let lastIp = 0;
const freshIp = () => `100.64.0.${++lastIp}`;

async function post(via: Instance, query: string, token: string, ip: string, variables?: Record<string, unknown>) {
  const response = await fetch(via.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': ip },
    body: JSON.stringify({ query, variables }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as any };
}

const REGISTER = `mutation ($input: RegisterClientInput!) { registerClient(input: $input) { __typename } }`;
const register = (via: Instance, token: string, ip: string) =>
  post(via, REGISTER, token, ip, { input: { givenName: 'Cy', familyName: `Shared-${Date.now()}-${Math.random()}`, dateOfBirth: '1990-02-02' } });

describe('two instances and one Redis', () => {
  it('count one staff member’s mutations together: 4 across both, then 429 on either', async () => {
    const staff = await createStaff(orgId);
    const token = await cluster.tokenFor(staff.id);
    const ip = freshIp();
    for (const via of [a, b, a, b]) expect((await register(via, token, ip)).status).toBe(200);
    for (const via of [a, b]) {
      const refused = await register(via, token, ip);
      expect(refused.status).toBe(429);
      expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    }
    // In this database's namespace, like the pub/sub channels.
    const probe = new Redis(redis.url);
    try {
      const [{ name }] = await import('../../src/db.js').then(({ prisma }) => prisma.$queryRawUnsafe<[{ name: string }]>('SELECT current_database() AS name'));
      expect(await probe.get(`casegraph:${name}:rl:mutation:${staff.id}`)).toBe('6');
    } finally {
      probe.disconnect();
    }
  });

  it('count an address’s failed authentications together', async () => {
    const staff = await createStaff(orgId);
    const ip = freshIp();
    const bad = await new SignJWT({ sub: staff.id }).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('1h').sign(new TextEncoder().encode('y'.repeat(40)));
    for (const via of [a, a, b, b]) expect((await post(via, '{ me { id } }', bad, ip)).status).toBe(401);
    expect((await post(a, '{ me { id } }', bad, ip)).status).toBe(429);
    expect((await post(b, '{ me { id } }', bad, ip)).status).toBe(429);
  });

  it('without Redis, limit per instance: each counts its own 4 mutations, and serves', async () => {
    const staff = await createStaff(orgId);
    const token = await cluster.tokenFor(staff.id);
    const ip = freshIp();
    expect((await register(a, token, ip)).status).toBe(200);
    await redis.stop();
    // A's memory starts afresh: 4 more there, then refused; B's own 4 are untouched by A's.
    for (let i = 0; i < 4; i += 1) expect((await register(a, token, ip)).status).toBe(200);
    expect((await register(a, token, ip)).status).toBe(429);
    for (let i = 0; i < 4; i += 1) expect((await register(b, token, ip)).status).toBe(200);
    expect((await register(b, token, ip)).status).toBe(429);
    // Reads go on.
    expect((await post(b, '{ me { id } }', token, ip)).body.data.me.id).toBeTruthy();
    // Back for the instances' shutdown (their pub/sub waits for it).
    await redis.start();
  });
});
