// The websocket protocol around the events: keep-alive pings, 4403 when the staff member is
// deactivated, access re-checked on every event, 1013 for a slow consumer (which then resumes
// with afterEventId, losing nothing), 1001 after a drain on shutdown.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { outboxCommitted } from '../../src/realtime/wake.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_protocol', {
    env: { WS_KEEPALIVE_MS: '200', WS_MAX_QUEUED_EVENTS: '20', WS_MAX_BUFFERED_BYTES: '65536', WS_STAFF_RECHECK_MS: '200' },
  });
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(() => cluster?.stop());

const UPDATES = `subscription ($id: ID!, $after: ID) { caseUpdates(caseId: $id, afterEventId: $after) { eventId kind } }`;

async function caseOfOwn() {
  const org = await createOrganization();
  const manager = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
  return { org, manager, client, kase, token: await cluster.tokenFor(manager.id) };
}

async function emit(caseId: string, kind: string, count = 1): Promise<bigint[]> {
  const rows = await prisma.$queryRawUnsafe<Array<{ id: bigint }>>(
    `INSERT INTO "DomainEvent" (topic, kind, payload)
     SELECT $1, $2, jsonb_build_object('caseId', $3::text) FROM generate_series(1, $4::int) RETURNING id`,
    `case:${caseId}`,
    kind,
    caseId,
    count,
  );
  outboxCommitted();
  return rows.map((row) => BigInt(row.id)).sort((x, y) => (x < y ? -1 : 1));
}

/** A graphql-transport-ws client by hand, to pause reading and to see pings and close codes. */
async function rawSubscriber(instance: Instance, token: string, query: string, variables: Record<string, unknown>) {
  const socket = new WebSocket(instance.wsUrl, 'graphql-transport-ws');
  const received: any[] = [];
  let pings = 0;
  let closed: { code: number; reason: string } | undefined;
  socket.on('ping', () => (pings += 1));
  socket.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString());
    if (message.type === 'next') received.push(message.payload.data);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const acked = new Promise<void>((resolve) =>
    socket.on('message', (data) => JSON.parse(data.toString()).type === 'connection_ack' && resolve()),
  );
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
  await acked;
  socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query, variables } }));
  return { socket, received, pings: () => pings, closed: () => closed };
}

describe('websocket protocol', () => {
  it('pings idle sockets to keep them alive', async () => {
    const w = await caseOfOwn();
    const raw = await rawSubscriber(a, w.token, UPDATES, { id: globalId('Case', w.kase.id) });
    await waitFor(() => raw.pings() >= 2, { what: 'two keep-alive pings' });
    raw.socket.close();
  });

  it('closes with 4403 when the staff member is deactivated, even on an idle socket', async () => {
    const w = await caseOfOwn();
    let closeCode: number | undefined;
    const client = a.ws(w.token, { on: { closed: (event) => (closeCode = (event as { code: number }).code) } });
    collect(client, UPDATES, { id: globalId('Case', w.kase.id) });
    await waitFor(() => a.liveOn(`case:${w.kase.id}`) >= 1);
    await prisma.staffMember.update({ where: { id: w.manager.id }, data: { active: false } });
    await waitFor(() => closeCode, { what: 'the socket to close' });
    expect(closeCode).toBe(4403);
  });

  it('closes with 4401 when the token expires', async () => {
    const w = await caseOfOwn();
    let closed: { code: number; reason: string } | undefined;
    // exp is in whole seconds: at least 2 s of life, so the socket opens before it on a busy machine.
    const token = await cluster.tokenFor(w.manager.id, { expiresIn: Math.floor(Date.now() / 1000) + 3 });
    const client = a.ws(token, { on: { closed: (event) => (closed = event as { code: number; reason: string }) } });
    collect(client, UPDATES, { id: globalId('Case', w.kase.id) });
    await waitFor(() => a.liveOn(`case:${w.kase.id}`) >= 1, { what: 'the subscription to go live' });
    await waitFor(() => closed, { what: 'the socket to close', timeoutMs: 6000 });
    expect({ code: closed!.code, reason: closed!.reason }).toEqual({ code: 4401, reason: 'Token expired' });
  });

  it('checks access on every event: nothing while off the care team, again once back on it', async () => {
    const w = await caseOfOwn();
    const updates = collect(a.ws(w.token), UPDATES, { id: globalId('Case', w.kase.id) });
    await waitFor(() => a.liveOn(`case:${w.kase.id}`) >= 1);
    const [first] = await emit(w.kase.id, 'SEEN_1');
    await updates.waitForEvents(1);
    const member = await prisma.careTeamMember.findFirstOrThrow({ where: { caseId: w.kase.id, staffId: w.manager.id } });
    await prisma.careTeamMember.update({ where: { id: member.id }, data: { endedAt: new Date() } });
    const withheld = a.app.realtime!.stats().withheld;
    await emit(w.kase.id, 'HIDDEN', 3);
    await waitFor(() => a.app.realtime!.stats().withheld >= withheld + 3, { what: 'the three events to be withheld' });
    await prisma.careTeamMember.update({ where: { id: member.id }, data: { endedAt: null } });
    const [last] = await emit(w.kase.id, 'SEEN_2');
    const events = await updates.waitForEvents(2);
    expect(events.map((e) => e.caseUpdates.eventId)).toEqual([first!.toString(), last!.toString()]);
    updates.stop();
  });

  it('keeps a consumer that reads through a burst larger than its queue: the excess is read again from the outbox', async () => {
    const w = await caseOfOwn();
    const slowBefore = a.app.realtime!.stats().slowConsumers;
    const updates = collect(a.ws(w.token), UPDATES, { id: globalId('Case', w.kase.id) });
    await waitFor(() => a.liveOn(`case:${w.kase.id}`), { what: 'the subscription to go live' });
    // 300 events in one transaction reach the stream at once; its queue holds 20.
    const ids = await emit(w.kase.id, 'BURST', 300);
    const events = await updates.waitForEvents(ids.length, 20_000);
    expect(events.map((e) => BigInt(e.caseUpdates.eventId))).toEqual(ids);
    expect(a.app.realtime!.stats().slowConsumers).toBe(slowBefore);
    updates.stop();
  });

  it('drops a consumer that stops reading with 1013, which then resumes with afterEventId and loses nothing', async () => {
    const w = await caseOfOwn();
    // Default keep-alive here: a client that does not read does not answer pings either, and
    // the 200 ms one of this cluster would cut it (1006) before its queue fills.
    const slowInstance = await cluster.addInstance({ WS_KEEPALIVE_MS: '12000' });
    const raw = await rawSubscriber(slowInstance, w.token, UPDATES, { id: globalId('Case', w.kase.id) });
    await waitFor(() => slowInstance.liveOn(`case:${w.kase.id}`), { what: 'the subscription to go live' });
    raw.socket.pause();
    const slowBefore = slowInstance.app.realtime!.stats().slowConsumers;
    // Big events (100 kB) until the socket stops taking data and the stream's queue is full.
    const ids: bigint[] = [];
    await waitFor(
      async () => {
        if (slowInstance.app.realtime!.stats().slowConsumers > slowBefore) return true;
        ids.push(...(await emit(w.kase.id, `BULK_${'X'.repeat(100_000)}`, 25)));
        return false;
      },
      { what: 'the server to drop the slow consumer', timeoutMs: 20_000 },
    );
    raw.socket.resume();
    await waitFor(() => raw.closed(), { what: 'the close frame' });
    expect(raw.closed()!.code).toBe(1013);
    expect(raw.closed()!.reason).toMatch(/afterEventId/);
    expect(raw.received.length).toBeLessThan(ids.length);

    const got = raw.received.map((data) => BigInt(data.caseUpdates.eventId));
    const after = got.length ? got.at(-1)!.toString() : (ids[0]! - 1n).toString();
    const resumed = collect(b.ws(w.token), UPDATES, { id: globalId('Case', w.kase.id), after });
    const rest = await resumed.waitForEvents(ids.length - got.length, 30_000);
    expect([...got, ...rest.map((e) => BigInt(e.caseUpdates.eventId))]).toEqual(ids);
    resumed.stop();
  });

  it('closes sockets with 1001 on shutdown; the client resumes on another instance with afterEventId', async () => {
    const w = await caseOfOwn();
    const third = await cluster.addInstance();
    let closeCode: number | undefined;
    const updates = collect(third.ws(w.token, { on: { closed: (event) => (closeCode = (event as { code: number }).code) } }), UPDATES, {
      id: globalId('Case', w.kase.id),
    });
    await waitFor(() => third.liveOn(`case:${w.kase.id}`) >= 1);
    await emit(w.kase.id, 'BEFORE_SHUTDOWN');
    const [seen] = await updates.waitForEvents(1);
    const stopping = third.stop();
    const missed = await emit(w.kase.id, 'DURING_SHUTDOWN', 2);
    await stopping;
    expect(closeCode).toBe(1001);
    const resumed = collect(b.ws(w.token), UPDATES, { id: globalId('Case', w.kase.id), after: seen.caseUpdates.eventId });
    const rest = await resumed.waitForEvents(2);
    expect(rest.map((e) => BigInt(e.caseUpdates.eventId))).toEqual(missed);
    const statuses = expectData(await b.gql(`{ me { active } }`, {}, w.token));
    expect(statuses.me.active).toBe(true);
    resumed.stop();
  });
});
