// Where a feed starts, and where the relay resumes, come from the database, not from Redis:
//  - a subscription opened without afterEventId while Redis is down gets every event committed
//    after it was opened, once Redis is back (its start was a position Redis had forgotten);
//  - after the outbox is reset (npm run db:seed -- --reset empties every table and restarts the
//    ids) the running relay notices and feeds work at once, on running instances and on new
//    ones (a position kept in Redis under the database's name outlived it).
// Uses a private redis-server: never the shared one on 6379.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { applyMigrations } from '../../src/db/migrations.js';
import { adminQuery } from '../../src/db/schema-engine.js';
import { testServerUrl } from '../support/database.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, startCluster, startPrivateRedis, waitFor, type Cluster, type Instance, type PrivateRedis } from '../support/realtime.js';

let redis: PrivateRedis;
let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startCluster('realtime_start_position', { env: { REDIS_URL: redis.url } });
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(async () => {
  await cluster?.stop();
  await redis?.stop();
});

const UPDATES = `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId kind case { id status } } }`;
const STATUS = `mutation ($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { __typename ... on Case { status } ... on Error { message } } }`;
const CYCLE = ['ASSESSMENT', 'ACTIVE', 'MONITORING', 'ON_HOLD', 'ACTIVE', 'MONITORING', 'ACTIVE'];

async function caseWorld() {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { status: 'INTAKE' });
  const token = await cluster.tokenFor(manager.id);
  const move = async (via: Instance, status: string) => {
    const data = expectData(await via.gql(STATUS, { input: { caseId: globalId('Case', kase.id), status } }, token));
    expect(data.changeCaseStatus).toMatchObject({ __typename: 'Case', status });
  };
  return { kase, token, move, topic: `case:${kase.id}` };
}

async function outboxIds(topic: string): Promise<string[]> {
  return (await prisma.domainEvent.findMany({ where: { topic }, orderBy: { id: 'asc' } })).map((row) => row.id.toString());
}

describe('a subscription opened while Redis is down', () => {
  it.each([1, 2, 3])('gets every event committed after it was opened, in order, once (round %i)', async () => {
    const world = await caseWorld();
    // Something already published: the relay has a position to remember.
    await world.move(a, CYCLE[0]!);
    // A stream starts at the relay's position: events the relay has not reached yet may come
    // too. Here it has: the first event is before the start, exactly.
    const first = BigInt((await outboxIds(world.topic))[0]!);
    await waitFor(() => [a, b].some((i) => BigInt(i.app.realtime!.relay.stats().position ?? -1) >= first), { what: 'the relay past the first event' });
    await redis.stop();
    const onB = collect(b.ws(world.token), UPDATES, { id: globalId('Case', world.kase.id) });
    await waitFor(() => b.app.realtime!.startedOn(world.topic) >= 1, { what: 'the subscription on B to know its start' });
    await world.move(a, CYCLE[1]!);
    await world.move(a, CYCLE[2]!);
    await redis.start();
    await world.move(a, CYCLE[3]!);
    await world.move(b, CYCLE[4]!);

    const all = await outboxIds(world.topic);
    const expected = all.slice(1); // everything after the subscription was opened
    const events = await onB.waitForEvents(expected.length, 20_000);
    expect(events.map((e) => e.caseUpdates.eventId)).toEqual(expected);
    // And nothing twice afterwards.
    await world.move(a, CYCLE[5]!);
    const more = await onB.waitForEvents(expected.length + 1);
    expect(more.map((e) => e.caseUpdates.eventId)).toEqual((await outboxIds(world.topic)).slice(1));
    expect(onB.errors).toEqual([]);
    onB.stop();
  });
});

describe('an outbox reset under running instances', () => {
  it('is noticed by the relay: feeds work at once on running and new instances', async () => {
    const before = await caseWorld();
    for (const status of CYCLE.slice(0, 4)) await before.move(a, status);
    const last = BigInt((await outboxIds(before.topic)).at(-1)!);
    expect(last).toBeGreaterThan(3n);

    // What `npm run db:seed -- --reset` does: every table emptied, the ids restarted.
    const tables = await prisma.$queryRaw<{ tablename: string }[]>`
      SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '_prisma_migrations'`;
    await prisma.$executeRawUnsafe(`TRUNCATE TABLE ${tables.map((t) => `"${t.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);

    const after = await caseWorld();
    const onB = collect(b.ws(after.token), UPDATES, { id: globalId('Case', after.kase.id) });
    await waitFor(() => b.liveOn(after.topic) >= 1, { what: 'a live subscription on B' });
    const c = await cluster.addInstance();
    const onC = collect(c.ws(after.token), UPDATES, { id: globalId('Case', after.kase.id) });
    await waitFor(() => c.liveOn(after.topic) >= 1, { what: 'a live subscription on a new instance' });
    await after.move(a, CYCLE[0]!);
    await after.move(c, CYCLE[1]!);

    const ids = await outboxIds(after.topic);
    expect(BigInt(ids[0]!)).toBeLessThan(last); // the ids did restart
    for (const collected of [onB, onC]) {
      const events = await collected.waitForEvents(2, 15_000);
      expect(events.map((e) => e.caseUpdates.eventId)).toEqual(ids);
      expect(collected.errors).toEqual([]);
      collected.stop();
    }
  });
});

describe('a database dropped and made again under the same name', () => {
  it('is a new outbox to the running instances: feeds work once it is migrated', async () => {
    const before = await caseWorld();
    for (const status of CYCLE.slice(0, 3)) await before.move(a, status);
    const name = new URL(cluster.databaseUrl).pathname.slice(1);
    await adminQuery(testServerUrl(), `DROP DATABASE "${name}" WITH (FORCE)`);
    await adminQuery(testServerUrl(), `CREATE DATABASE "${name}"`);
    await applyMigrations({ databaseUrl: cluster.databaseUrl });

    // The pools, the relay's session and the staff listener reconnect by themselves.
    const after = await waitFor(async () => caseWorld(), { what: 'the database back' });
    const onB = collect(b.ws(after.token), UPDATES, { id: globalId('Case', after.kase.id) });
    await waitFor(() => b.liveOn(after.topic) >= 1, { what: 'a live subscription on B' });
    await waitFor(async () => {
      await after.move(a, CYCLE[0]!);
      return true;
    }, { what: 'a mutation through A' });
    await after.move(a, CYCLE[1]!);
    const ids = await outboxIds(after.topic);
    expect(ids[0]).toBe('1'); // a new outbox
    const events = await onB.waitForEvents(2, 15_000);
    expect(events.map((e) => e.caseUpdates.eventId)).toEqual(ids);
    expect(onB.errors).toEqual([]);
    onB.stop();
  });
});
