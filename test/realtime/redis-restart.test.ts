// Redis forgets everything on a restart (no persistence) and drops messages for subscribers
// whose connection is down. Events committed while it is away still reach every subscriber,
// in order, once: the relay keeps its batch until Redis takes it, and streams refill what they
// missed from the outbox. Uses a private redis-server: never the shared one on 6379.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, startCluster, startPrivateRedis, waitFor, type Cluster, type Instance, type PrivateRedis } from '../support/realtime.js';

let redis: PrivateRedis;
let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  redis = await startPrivateRedis();
  cluster = await startCluster('realtime_redis_restart', { env: { REDIS_URL: redis.url } });
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(async () => {
  await cluster?.stop();
  await redis?.stop();
});

const UPDATES = `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId kind case { id status } } }`;
const STATUS = `mutation ($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { __typename ... on Case { status } ... on Error { message } } }`;

describe('a Redis restart while mutations commit', () => {
  it('delivers every event committed during the outage, in order, exactly once, on both instances', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { status: 'INTAKE' });
    const token = await cluster.tokenFor(manager.id);
    const onA = collect(a.ws(token), UPDATES, { id: globalId('Case', kase.id) });
    const onB = collect(b.ws(token), UPDATES, { id: globalId('Case', kase.id) });
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 1 && b.liveOn(`case:${kase.id}`) >= 1, { what: 'live subscriptions on both instances' });

    const move = async (via: Instance, status: string) => {
      const data = expectData(await via.gql(STATUS, { input: { caseId: globalId('Case', kase.id), status } }, token));
      expect(data.changeCaseStatus).toMatchObject({ __typename: 'Case', status });
    };
    await move(a, 'ASSESSMENT');
    await onA.waitForEvents(1);
    await onB.waitForEvents(1);

    await redis.stop();
    // Mutations do not need Redis: they commit to the outbox.
    await move(b, 'ACTIVE');
    await move(a, 'MONITORING');
    await move(b, 'ON_HOLD');
    await redis.start();
    await move(a, 'ACTIVE');

    const expected = ['ASSESSMENT', 'ACTIVE', 'MONITORING', 'ON_HOLD', 'ACTIVE'];
    const outbox = await prisma.domainEvent.findMany({ where: { topic: `case:${kase.id}` }, orderBy: { id: 'asc' } });
    expect(outbox).toHaveLength(expected.length);
    for (const collected of [onA, onB]) {
      const events = await collected.waitForEvents(expected.length, 20_000);
      expect(events.map((e) => e.caseUpdates.eventId)).toEqual(outbox.map((row) => row.id.toString()));
      expect(events.every((e) => e.caseUpdates.kind === 'CASE_STATUS_CHANGED')).toBe(true);
    }
    // Nothing arrives twice later either: one more event, and the counts are exact.
    await move(b, 'MONITORING');
    expect((await onA.waitForEvents(expected.length + 1)).length).toBe(expected.length + 1);
    expect((await onB.waitForEvents(expected.length + 1)).length).toBe(expected.length + 1);
    expect(onA.errors).toEqual([]);
    onA.stop();
    onB.stop();
  });
});
