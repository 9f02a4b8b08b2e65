// Shared execution of subscription events (src/realtime/shared.ts): an event is executed once per
// staff member and operation, and every subscriber of that group gets the same result, its own
// read-audit rows, and nothing it could not query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { outboxCommitted } from '../../src/realtime/wake.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, collectSse, lastEventId, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_shared', { instances: 1 });
  [a] = cluster.instances as [Instance];
});
afterAll(() => cluster?.stop());

const UPDATES = `subscription ($id: ID!, $after: ID) {
  caseUpdates(caseId: $id, afterEventId: $after) { eventId kind actor { id } case { id status version } }
}`;

/** An event on a case, committed the way runMutation writes one (the actor in the payload). */
async function emit(caseId: string, actorId: string, kind = 'CASE_STATUS_CHANGED'): Promise<string> {
  const [row] = await prisma.$queryRawUnsafe<Array<{ id: bigint }>>(
    `INSERT INTO "DomainEvent" (topic, kind, payload) VALUES ($1, $2, jsonb_build_object('caseId', $3::text, 'actorId', $4::text)) RETURNING id`,
    `case:${caseId}`,
    kind,
    caseId,
    actorId,
  );
  outboxCommitted();
  return row!.id.toString();
}

function stats() {
  return a.app.realtime!.stats();
}

/** A case of `org` whose care team is one new staff member per organization given (theirs). */
async function caseWithTeam(org: { id: string }, ...memberOrganizations: string[]) {
  const staff = await Promise.all(memberOrganizations.map((organizationId) => createStaff(organizationId)));
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, staff.map((member) => ({ staffId: member.id })));
  return { staff, client, kase };
}

describe('shared execution', () => {
  it('executes an event once for subscribers of one staff member and selection, over websockets and SSE alike, each with its own audit rows', async () => {
    const org = await createOrganization();
    const { staff: [manager], client, kase } = await caseWithTeam(org, org.id);
    const token = await cluster.tokenFor(manager!.id);
    const variables = { id: globalId('Case', kase.id) };
    // Where a subscriber's stream starts (afterEventId) does not split the group.
    const first = collect(a.ws(token), UPDATES, variables);
    const second = collect(a.ws(token), UPDATES, { ...variables, after: await lastEventId() });
    const overSse = collectSse(a.sseUrl, token, UPDATES, variables);
    expect(await overSse.status).toBe(200);
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 3, { what: 'three live subscriptions' });

    const before = stats().executions;
    const eventId = await emit(kase.id, manager!.id);
    const [one] = await first.waitForEvents(1);
    const [two] = await second.waitForEvents(1);
    const [three] = await overSse.waitForEvents(1);
    expect(one.caseUpdates).toEqual({
      eventId,
      kind: 'CASE_STATUS_CHANGED',
      actor: { id: globalId('StaffMember', manager!.id) },
      case: { id: globalId('Case', kase.id), status: 'ACTIVE', version: kase.version },
    });
    expect(two).toEqual(one);
    expect(three).toEqual(one);
    const after = stats().executions;
    expect(after.executed - before.executed).toBe(1);
    expect(after.delivered - before.delivered).toBe(3);

    // Each delivery is audited on its own, under its subscriber's request id.
    const reads = await prisma.auditEvent.findMany({ where: { actorId: manager!.id, action: 'READ', entityType: 'Case', entityId: kase.id } });
    expect(reads).toHaveLength(3);
    expect(new Set(reads.map((read) => read.requestId)).size).toBe(3);
    expect(reads.every((read) => read.clientId === client.id && read.operationName === null)).toBe(true);
  });

  it('audits each delivery under the operation name and request id it was sent with', async () => {
    const org = await createOrganization();
    const { staff: [manager], client, kase } = await caseWithTeam(org, org.id);
    const token = await cluster.tokenFor(manager!.id);
    const variables = { id: globalId('Case', kase.id) };
    const named = UPDATES.replace('subscription (', 'subscription Wallboard (');
    const subscribers = [
      collect(a.ws(token), named, variables, 'Wallboard'),
      collect(a.ws(token), named, variables, 'Wallboard'),
      collect(a.ws(token), UPDATES, variables),
    ];
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 3, { what: 'three live subscriptions' });

    await emit(kase.id, manager!.id);
    await Promise.all(subscribers.map((subscriber) => subscriber.waitForEvents(1)));
    const reads = await prisma.auditEvent.findMany({ where: { actorId: manager!.id, action: 'READ', entityType: 'Case', entityId: kase.id } });
    expect(reads.map((read) => read.operationName).sort()).toEqual(['Wallboard', 'Wallboard', null]);
    expect(new Set(reads.map((read) => read.requestId)).size).toBe(3);
    expect(reads.every((read) => read.clientId === client.id && read.outcome === 'SUCCESS')).toBe(true);
  });

  it('executes apart for staff members with different access: a colleague of another organization sees no actor, one taken off the care team gets nothing', async () => {
    const home = await createOrganization();
    const away = await createOrganization();
    const { staff: [manager, partner, leaver], kase } = await caseWithTeam(home, home.id, away.id, home.id);
    const variables = { id: globalId('Case', kase.id) };
    const managerToken = await cluster.tokenFor(manager!.id);
    const partnerToken = await cluster.tokenFor(partner!.id);
    const managers = [collect(a.ws(managerToken), UPDATES, variables), collect(a.ws(managerToken), UPDATES, variables)];
    const partners = [collect(a.ws(partnerToken), UPDATES, variables), collect(a.ws(partnerToken), UPDATES, variables)];
    const leaving = collect(a.ws(await cluster.tokenFor(leaver!.id)), UPDATES, variables);
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 5, { what: 'five live subscriptions' });
    await prisma.careTeamMember.updateMany({ where: { caseId: kase.id, staffId: leaver!.id }, data: { endedAt: new Date() } });

    const before = stats();
    const eventId = await emit(kase.id, manager!.id);
    const seen = await Promise.all([...managers, ...partners].map(async (collected) => (await collected.waitForEvents(1))[0].caseUpdates));
    await waitFor(() => stats().withheld > before.withheld, { what: 'the leaver to be withheld the event' });

    const expectedCase = { id: globalId('Case', kase.id), status: 'ACTIVE', version: kase.version };
    for (const event of seen.slice(0, 2)) expect(event).toEqual({ eventId, kind: 'CASE_STATUS_CHANGED', actor: { id: globalId('StaffMember', manager!.id) }, case: expectedCase });
    // The staff directory is per organization: the partner's own execution leaves the actor out.
    for (const event of seen.slice(2)) expect(event).toEqual({ eventId, kind: 'CASE_STATUS_CHANGED', actor: null, case: expectedCase });
    expect(leaving.events).toEqual([]);
    const after = stats();
    expect(after.executions.executed - before.executions.executed).toBe(2);
    expect(after.executions.delivered - before.executions.delivered).toBe(4);
    expect(after.withheld - before.withheld).toBe(1);

    // Back on the team, the leaver gets the next event, and only that one.
    await prisma.careTeamMember.updateMany({ where: { caseId: kase.id, staffId: leaver!.id }, data: { endedAt: null } });
    const next = await emit(kase.id, manager!.id, 'CASE_UPDATED');
    const [back] = await leaving.waitForEvents(1);
    expect(back.caseUpdates).toMatchObject({ eventId: next, kind: 'CASE_UPDATED', actor: { id: globalId('StaffMember', manager!.id) } });
  });

  it('masks an internal error of an execution as queries are masked, over websockets and SSE alike, and goes on', async () => {
    const org = await createOrganization();
    const { staff: [manager], kase } = await caseWithTeam(org, org.id);
    const token = await cluster.tokenFor(manager!.id);
    const variables = { id: globalId('Case', kase.id) };
    const overWs = [collect(a.ws(token), UPDATES, variables), collect(a.ws(token), UPDATES, variables)];
    const overSse = collectSse(a.sseUrl, token, UPDATES, variables);
    expect(await overSse.status).toBe(200);
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 3, { what: 'three live subscriptions' });

    // An actor id that is no uuid: the database refuses the actor lookup, and its message
    // quotes the value, which must not reach the subscriber.
    await emit(kase.id, 'Jane Roe 555-0100');
    for (const collected of [...overWs, overSse]) {
      await waitFor(() => collected.errors.length > 0, { what: 'the failed execution' });
      expect(collected.errors).toHaveLength(1);
      expect(collected.errors[0]).toEqual([
        expect.objectContaining({ message: 'Unexpected error.', path: ['caseUpdates', 'actor'], extensions: expect.objectContaining({ code: 'INTERNAL_SERVER_ERROR' }) }),
      ]);
      collected.errors.length = 0;
    }
    // The stream goes on with the next event.
    const eventId = await emit(kase.id, manager!.id);
    for (const collected of [...overWs, overSse]) expect((await collected.waitForEvents(1))[0].caseUpdates).toMatchObject({ eventId, actor: { id: globalId('StaffMember', manager!.id) } });
  });

  it('executes each selection of one staff member apart, each subscriber getting its own shape', async () => {
    const org = await createOrganization();
    const { staff: [manager], kase } = await caseWithTeam(org, org.id);
    const token = await cluster.tokenFor(manager!.id);
    const socket = a.ws(token);
    const variables = { id: globalId('Case', kase.id) };
    const bare = collect(socket, `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId kind } }`, variables);
    const full = collect(socket, `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId case { status version } subjectType } }`, variables);
    const aliased = collect(socket, `subscription ($id: ID!) { update: caseUpdates(caseId: $id) { id: eventId } }`, variables);
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 3, { what: 'three live subscriptions' });

    const before = stats().executions;
    const eventId = await emit(kase.id, manager!.id);
    expect((await bare.waitForEvents(1))[0]).toEqual({ caseUpdates: { eventId, kind: 'CASE_STATUS_CHANGED' } });
    expect((await full.waitForEvents(1))[0]).toEqual({ caseUpdates: { eventId, case: { status: 'ACTIVE', version: kase.version }, subjectType: null } });
    expect((await aliased.waitForEvents(1))[0]).toEqual({ update: { id: eventId } });
    const after = stats().executions;
    expect(after.executed - before.executed).toBe(3);
    expect(after.delivered - before.delivered).toBe(3);
  });
});
