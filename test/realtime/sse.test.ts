// The same subscriptions over server-sent events (graphql-sse through Yoga's plugin at
// /graphql/stream), authenticated by the Authorization header like HTTP queries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, collectSse, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_sse');
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(() => cluster?.stop());

const ALERTS = `subscription ($after: ID) { crisisAlerts(afterEventId: $after) { eventId kind severity crisis { id status } actor { id } } }`;

describe('server-sent events', () => {
  it('delivers the same events as graphql-ws, for a crisis raised through another instance', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const outsider = await createStaff(org.id);
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
    const token = await cluster.tokenFor(manager.id);
    const sse = collectSse(a.sseUrl, token, ALERTS);
    const outsiderSse = collectSse(a.sseUrl, await cluster.tokenFor(outsider.id), ALERTS);
    const ws = collect(a.ws(token), ALERTS);
    expect(await sse.status).toBe(200);
    const topic = `crisis-org:${org.id}`;
    await waitFor(() => a.liveOn(topic) >= 3, { what: 'three live subscriptions' });

    const raised = expectData(
      await b.gql(
        `mutation ($input: RaiseCrisisInput!) { raiseCrisis(input: $input) { ... on CrisisEvent { id } } }`,
        { input: { clientId: globalId('Client', client.id), caseId: globalId('Case', kase.id), category: 'MEDICAL_EMERGENCY', severity: 'CRITICAL', description: 'Collapsed at the day centre' } },
        token,
      ),
    );
    const [overSse] = await sse.waitForEvents(1);
    const [overWs] = await ws.waitForEvents(1);
    expect(overSse).toEqual(overWs);
    expect(overSse.crisisAlerts).toMatchObject({ kind: 'CRISIS_RAISED', severity: 'CRITICAL', crisis: { id: raised.raiseCrisis.id, status: 'OPEN' } });

    // Resuming over SSE after that event gets only what follows.
    const resumed = collectSse(a.sseUrl, token, ALERTS, { after: overSse.crisisAlerts.eventId });
    await waitFor(() => a.liveOn(topic) >= 4);
    const acknowledged = await b.gql(
      `mutation ($input: AcknowledgeCrisisInput!) { acknowledgeCrisis(input: $input) { ... on CrisisEvent { status } } }`,
      { input: { crisisId: raised.raiseCrisis.id } },
      token,
    );
    expect(expectData(acknowledged).acknowledgeCrisis.status).toBe('ACKNOWLEDGED');
    const [next] = await resumed.waitForEvents(1);
    expect(next.crisisAlerts.kind).toBe('CRISIS_ACKNOWLEDGED');
    expect((await sse.waitForEvents(2)).map((e) => e.crisisAlerts.kind)).toEqual(['CRISIS_RAISED', 'CRISIS_ACKNOWLEDGED']);
    // The outsider (on no care team of this client) was sent neither: a later crisis they may see arrives alone.
    const shared = await createCase(client.id, org.id, [{ staffId: manager.id }, { staffId: outsider.id }]);
    const visible = expectData(
      await b.gql(
        `mutation ($input: RaiseCrisisInput!) { raiseCrisis(input: $input) { ... on CrisisEvent { id } } }`,
        { input: { clientId: globalId('Client', client.id), caseId: globalId('Case', shared.id), category: 'OTHER', severity: 'LOW', description: 'Missed appointment, unreachable' } },
        token,
      ),
    );
    const [theirs] = await outsiderSse.waitForEvents(1);
    expect(theirs.crisisAlerts.crisis.id).toBe(visible.raiseCrisis.id);
    expect(outsiderSse.events).toHaveLength(1);
    for (const c of [sse, outsiderSse, ws, resumed]) c.stop();
  });

  it('answers a bad token with 401, and a missing one or a hidden case with the same errors as queries', async () => {
    const bad = await fetch(a.sseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: 'Bearer not-a-token' },
      body: JSON.stringify({ query: ALERTS }),
    });
    expect(bad.status).toBe(401);
    expect((await bad.json()).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const missing = await fetch(a.sseUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: ALERTS }),
    });
    expect(missing.status).toBe(200);
    expect(await missing.text()).toContain('"code":"UNAUTHENTICATED"');

    const org = await createOrganization();
    const stranger = await createStaff(org.id);
    const client = await createClient(org.id);
    const kase = await createCase(client.id, org.id, []);
    const hidden = collectSse(a.sseUrl, await cluster.tokenFor(stranger.id), `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId } }`, {
      id: globalId('Case', kase.id),
    });
    await waitFor(() => hidden.errors.length, { what: 'NOT_FOUND' });
    expect((hidden.errors[0] as any)[0].extensions.code).toBe('NOT_FOUND');
  });
});
