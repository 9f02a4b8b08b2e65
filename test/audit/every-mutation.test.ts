// Every mutation of the schema leaves an audit trail that names who changed what and, when the
// change concerns a client, that client (issue 11, item 4). Each mutation is driven to success
// over HTTP with real inputs (test/support/mutation-drives/); the AuditEvents its request wrote
// (found by request id) are then checked in the database and through `auditTrail`, as a
// compliance officer reads them. A new mutation fails the guard until it has a drive.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { schema } from '../../src/schema/index.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { globalId } from '../support/factories.js';
import { buildWorld, DRIVEN_TWICE, DRIVES, Kit, type World } from '../support/mutation-drives/index.js';

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startTestApp('every_mutation');
  world = await buildWorld(t);
});
afterAll(() => t?.stop());

const MUTATIONS = Object.keys(schema.getMutationType()!.getFields()).sort();
const WRITES = ['CREATE', 'UPDATE', 'STATUS_CHANGE', 'EXPORT', 'BREAK_GLASS', 'LOGIN_DENIED', 'ACCESS_DENIED'];

const TRAIL = `query($filter: AuditTrailFilter!) { auditTrail(first: 100, filter: $filter) {
  edges { node { id action entityType entityId clientId operationName requestId actor { id } } } } }`;

interface TrailEntry {
  id: string;
  action: string;
  entityType: string;
  entityId: string | null;
  clientId: string | null;
  operationName: string | null;
  requestId: string | null;
  actor: { id: string } | null;
}

/** What `auditTrail` shows a compliance officer of the organization under `filter`, of one request. */
async function trailOf(requestId: string, filter: Record<string, unknown>): Promise<TrailEntry[]> {
  const data = expectData<any>(await t.gql(TRAIL, { filter: { action: WRITES, ...filter } }, { token: world.compliance.token }));
  return data.auditTrail.edges.map((edge: { node: TrailEntry }) => edge.node).filter((entry: TrailEntry) => entry.requestId === requestId);
}

describe('every mutation of the schema', () => {
  it('has a drive, and every drive is a mutation of the schema', () => {
    const driven = Object.keys(DRIVES);
    expect({
      withoutDrive: MUTATIONS.filter((name) => !driven.includes(name)),
      notInSchema: driven.filter((name) => !MUTATIONS.includes(name)),
      drivenTwice: DRIVEN_TWICE,
    }).toEqual({ withoutDrive: [], notInSchema: [], drivenTwice: [] });
  });

  it.each(MUTATIONS.filter((name) => name in DRIVES))('%s: audited with its actor, and its client when it concerns one', async (name) => {
    const kit = new Kit(t, world);
    const { clients, entry } = await DRIVES[name]!(kit);
    expect(kit.performed?.field, 'the drive performs its own mutation').toBe(name);
    const { requestId, actorId } = kit.performed!;

    const rows = await prisma.auditEvent.findMany({ where: { requestId, action: { not: 'READ' } }, orderBy: [{ at: 'asc' }, { id: 'asc' }] });
    expect(rows.length, 'AuditEvents written').toBeGreaterThan(0);
    for (const row of rows) {
      expect({ actorId: row.actorId, operationName: row.operationName, outcome: row.outcome }).toEqual({ actorId, operationName: name, outcome: 'SUCCESS' });
    }
    expect(rows.map((row) => ({ action: row.action, entityType: row.entityType, entityId: row.entityId }))).toContainEqual(entry);
    // Every entry names one of the clients, and each client is named; none when it concerns none.
    expect(new Set(rows.map((row) => row.clientId))).toEqual(new Set(clients.length > 0 ? clients : [null]));

    // What a compliance officer reads: by client, each client's entries; by actor, all of them.
    const window = { from: rows[0]!.at.toISOString(), to: rows.at(-1)!.at.toISOString() };
    for (const clientId of clients) {
      const trail = await trailOf(requestId, { ...window, clientId: globalId('Client', clientId) });
      expect(trail.map((e) => e.id).sort()).toEqual(rows.filter((row) => row.clientId === clientId).map((row) => row.id).sort());
    }
    const byActor = await trailOf(requestId, { ...window, actorId: globalId('StaffMember', actorId) });
    expect(byActor.map((e) => ({ id: e.id, clientId: e.clientId, operationName: e.operationName, actor: e.actor?.id })).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      rows.map((row) => ({ id: row.id, clientId: row.clientId, operationName: name, actor: globalId('StaffMember', actorId) })).sort((a, b) => a.id.localeCompare(b.id)),
    );
  });
});
