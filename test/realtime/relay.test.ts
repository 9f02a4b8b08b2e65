// The outbox relay against real PostgreSQL: an id taken by a transaction that commits late is
// neither skipped nor published out of order, a rolled-back id does not stall delivery, and a
// standby instance takes over publishing when the leader goes.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { outboxCommitted } from '../../src/realtime/wake.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, lastEventId, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster('realtime_relay');
});
afterAll(() => cluster?.stop());

const UPDATES = `subscription ($id: ID!, $after: ID) { caseUpdates(caseId: $id, afterEventId: $after) { eventId kind case { id } } }`;

async function caseWithManager() {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
  return { kase, token: await cluster.tokenFor(manager.id) };
}

function leader(): Instance {
  const found = cluster.instances.find((instance) => instance.app.realtime?.stats().relay.leading);
  if (!found) throw new Error('no leader');
  return found;
}

/** A transaction of its own connection that writes an outbox row and stays open. */
async function openTransactionWithEvent(topic: string, kind: string) {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO "DomainEvent" (topic, kind, payload) VALUES ($1, $2, $3) RETURNING id::text`,
    [topic, kind, JSON.stringify({ caseId: topic.slice('case:'.length) })],
  );
  return {
    id: BigInt(rows[0]!.id),
    async commit() {
      await client.query('COMMIT');
      await client.end();
      outboxCommitted();
    },
    async rollback() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

async function commitEvent(topic: string, kind: string) {
  const row = await prisma.domainEvent.create({ data: { topic, kind, payload: { caseId: topic.slice('case:'.length) } } });
  outboxCommitted();
  return row.id;
}

/** Waits until the leading relay has read the outbox `times` more times. */
async function relayLooks(times: number) {
  const relay = leader().app.realtime!.relay;
  const target = relay.stats().reads + times;
  await waitFor(() => relay.stats().reads >= target, { what: `${times} relay reads` });
}

describe('outbox relay', () => {
  it('holds back later events while an earlier id is uncommitted, then delivers both in id order', async () => {
    const { kase, token } = await caseWithManager();
    const topic = `case:${kase.id}`;
    const a = cluster.instances[0]!;
    const start = await lastEventId();
    const live = collect(a.ws(token), UPDATES, { id: globalId('Case', kase.id) });
    await waitFor(() => a.liveOn(topic) >= 1, { what: 'live subscription' });

    const late = await openTransactionWithEvent(topic, 'LATE_FIRST');
    const early = await commitEvent(topic, 'COMMITTED_SECOND');
    expect(early).toBeGreaterThan(late.id);
    // A subscriber resuming meanwhile must not be handed the committed one from the outbox first.
    const resuming = collect(cluster.instances[1]!.ws(token), UPDATES, { id: globalId('Case', kase.id), after: start });
    await relayLooks(8);
    expect(BigInt(leader().app.realtime!.relay.stats().position!)).toBeLessThan(late.id);
    expect(live.events).toHaveLength(0);
    expect(resuming.events).toHaveLength(0);

    await late.commit();
    const delivered = await live.waitForEvents(2);
    expect(delivered.map((e) => e.caseUpdates.kind)).toEqual(['LATE_FIRST', 'COMMITTED_SECOND']);
    expect(delivered.map((e) => e.caseUpdates.eventId)).toEqual([late.id.toString(), early.toString()]);
    const replayed = await resuming.waitForEvents(2);
    expect(replayed.map((e) => e.caseUpdates.eventId)).toEqual([late.id.toString(), early.toString()]);
    live.stop();
    resuming.stop();
  });

  it('moves past an id whose transaction rolled back', async () => {
    const { kase, token } = await caseWithManager();
    const topic = `case:${kase.id}`;
    const a = cluster.instances[0]!;
    const live = collect(a.ws(token), UPDATES, { id: globalId('Case', kase.id) });
    await waitFor(() => a.liveOn(topic) >= 1);
    const skippedBefore = leader().app.realtime!.relay.stats().skippedHoles;

    const doomed = await openTransactionWithEvent(topic, 'ROLLED_BACK');
    const kept = await commitEvent(topic, 'KEPT');
    await doomed.rollback();
    const [event] = await live.waitForEvents(1);
    expect(event.caseUpdates).toMatchObject({ kind: 'KEPT', eventId: kept.toString() });
    expect(leader().app.realtime!.relay.stats().skippedHoles).toBeGreaterThan(skippedBefore);
    live.stop();
  });

  it('publishes each event once with two instances, and the standby takes over when the leader stops', async () => {
    const { kase, token } = await caseWithManager();
    const topic = `case:${kase.id}`;
    const third = await cluster.addInstance();
    const live = collect(third.ws(token), UPDATES, { id: globalId('Case', kase.id) });
    await waitFor(() => third.liveOn(topic) >= 1);
    expect(cluster.instances.filter((i) => i.app.realtime?.stats().relay.leading)).toHaveLength(1);

    await commitEvent(topic, 'BEFORE_FAILOVER');
    await live.waitForEvents(1);
    const old = leader();
    await old.stop();
    await commitEvent(topic, 'DURING_FAILOVER_1');
    await commitEvent(topic, 'DURING_FAILOVER_2');
    const events = await live.waitForEvents(3);
    expect(events.map((e) => e.caseUpdates.kind)).toEqual(['BEFORE_FAILOVER', 'DURING_FAILOVER_1', 'DURING_FAILOVER_2']);
    expect(leader()).not.toBe(old);
    live.stop();
  });
});
