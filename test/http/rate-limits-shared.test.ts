// Rate limits across instances: two servers over one database and one Redis count in the same
// keys (namespaced by the database's name, as the pub/sub channels are); when Redis goes away,
// each instance goes on counting in its own memory: neither open doors nor refusing everyone.
// Uses a private redis-server (it is stopped here): never the shared one on 6379.
import { Redis } from 'ioredis';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createStaff } from '../support/factories.js';
import { startCluster, startPrivateRedis, type Cluster, type Instance, type PrivateRedis } from '../support/realtime.js';

const IP_CEILING = 400;
let redis: PrivateRedis;
let cluster: Cluster;
let a: Instance;
let b: Instance;
let orgId: string;

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startCluster('rate_limits_shared', {
    env: { REDIS_URL: redis.url, TRUST_PROXY: 'true', RATE_LIMIT_WINDOW: '1h', RATE_LIMIT_MUTATIONS: '4', RATE_LIMIT_AUTH_FAILURES: '4', RATE_LIMIT_IP_REQUESTS: String(IP_CEILING) },
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

  it('count an address’s requests together, taking points from Redis a block at a time, never past the ceiling', async () => {
    const staff = await createStaff(orgId);
    const token = await cluster.tokenFor(staff.id);
    const ip = freshIp();
    // The round trips to Redis for this address: scripts naming its key (MONITOR also shows the
    // commands a script runs).
    const monitor = await new Redis(redis.url).monitor();
    const commands: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (/^eval/i.test(args[0]!) && args.some((arg) => arg.endsWith(`:rl:ip:${ip}`))) commands.push(args);
    });
    try {
      for (let i = 0; i < 300; i += 1) expect((await post(a, '{ __typename }', token, ip)).status).toBe(200);
      // Redis runs commands in order: once the marker shows, every earlier command has.
      const probe = new Redis(redis.url);
      const marked = new Promise<void>((resolve) => monitor.on('monitor', (_time: string, args: string[]) => args.includes('marker') && resolve()));
      await probe.echo('marker');
      await marked;
      probe.disconnect();
      const roundTrips = commands.length;
      expect(roundTrips).toBeGreaterThan(0);
      expect(roundTrips).toBeLessThanOrEqual(300 / 10);

      // B counts on from what A took, until refused; A then serves the points it took and had
      // not spent, and no more: together, exactly the ceiling.
      const serveUntilRefused = async (via: Instance) => {
        for (let served = 0; served <= IP_CEILING; served += 1) {
          const answer = await post(via, '{ __typename }', token, ip);
          if (answer.status !== 200) return { served, refused: answer };
        }
        throw new Error('never refused');
      };
      const byB = await serveUntilRefused(b);
      expect(byB.refused.status).toBe(429);
      expect(byB.refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(Number(byB.refused.retryAfter)).toBeGreaterThan(0);
      const byA = await serveUntilRefused(a);
      expect(byA.refused.status).toBe(429);
      expect(byA.served).toBeLessThan(32);
      expect(300 + byB.served + byA.served).toBe(IP_CEILING);
    } finally {
      monitor.disconnect();
    }
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
