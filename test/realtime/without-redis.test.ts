// Without REDIS_URL over PostgreSQL, every instance relays the outbox to its own subscribers
// (no leader lock, no shared transport): each instance's subscribers still get every event,
// whichever instance committed it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_without_redis', { env: { REDIS_URL: '' } });
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(() => cluster?.stop());

describe('in-process pub/sub over PostgreSQL', () => {
  it('relays on every instance', async () => {
    expect(a.app.realtime!.transport.mode).toBe('in-process');
    await waitFor(() => a.app.realtime!.stats().relay.leading && b.app.realtime!.stats().relay.leading, { what: 'both relays running' });
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { status: 'INTAKE' });
    const token = await cluster.tokenFor(manager.id);
    const query = `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId kind } }`;
    const onA = collect(a.ws(token), query, { id: globalId('Case', kase.id) });
    const onB = collect(b.ws(token), query, { id: globalId('Case', kase.id) });
    await waitFor(() => a.liveOn(`case:${kase.id}`) >= 1 && b.liveOn(`case:${kase.id}`) >= 1);
    const moved = await b.gql(
      `mutation ($input: ChangeCaseStatusInput!) { changeCaseStatus(input: $input) { ... on Case { status } } }`,
      { input: { caseId: globalId('Case', kase.id), status: 'ASSESSMENT' } },
      token,
    );
    expect(expectData(moved).changeCaseStatus.status).toBe('ASSESSMENT');
    const [fromA] = await onA.waitForEvents(1);
    const [fromB] = await onB.waitForEvents(1);
    expect(fromA).toEqual(fromB);
    expect(fromA.caseUpdates.kind).toBe('CASE_STATUS_CHANGED');
  });
});
