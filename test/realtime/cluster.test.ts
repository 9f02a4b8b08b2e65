// Two app instances over one database and one Redis, as deployed: what is raised through one
// reaches subscribers of the other, only those allowed to see it, in order, exactly once, and a
// subscriber that reconnects with afterEventId gets exactly what it missed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createStaff, globalId } from '../support/factories.js';
import { collect, lastEventId, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_cluster');
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(() => cluster?.stop());

const ALERTS = /* GraphQL */ `
  subscription Alerts($filter: CrisisAlertFilter, $after: ID) {
    crisisAlerts(filter: $filter, afterEventId: $after) {
      eventId kind occurredAt severity status
      actor { id }
      crisis { id severity status description client { id } }
    }
  }`;

const RAISE = /* GraphQL */ `
  mutation Raise($input: RaiseCrisisInput!) {
    raiseCrisis(input: $input) { __typename ... on CrisisEvent { id } ... on Error { message code } }
  }`;

async function world() {
  const org = await createOrganization();
  const manager = await createStaff(org.id, { roles: ['CASE_MANAGER'] });
  const outsider = await createStaff(org.id, { roles: ['CASE_MANAGER'] });
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
  const otherClient = await createClient(org.id);
  const otherCase = await createCase(otherClient.id, org.id, [{ staffId: manager.id }, { staffId: outsider.id }]);
  return { org, manager, outsider, client, kase, otherClient, otherCase };
}

async function raise(instance: Instance, token: string, clientId: string, caseId: string, severity = 'HIGH', description = 'Threatened self-harm on the phone') {
  const data = expectData(
    await instance.gql(
      RAISE,
      { input: { clientId: globalId('Client', clientId), caseId: globalId('Case', caseId), category: 'SELF_HARM', severity, description } },
      token,
    ),
  );
  expect(data.raiseCrisis.__typename).toBe('CrisisEvent');
  return data.raiseCrisis.id as string;
}

describe('crisis alerts across instances', () => {
  it('delivers a crisis raised through B to a subscriber on A, with the crisis loaded for the subscriber', async () => {
    const w = await world();
    const token = await cluster.tokenFor(w.manager.id);
    const alerts = collect(a.ws(token), ALERTS);
    await waitFor(() => a.liveOn(`crisis-org:${w.org.id}`) >= 1, { what: 'the subscription on A to go live' });

    const crisisId = await raise(b, token, w.client.id, w.kase.id, 'CRITICAL');
    const [event] = await alerts.waitForEvents(1);
    const alert = event.crisisAlerts;
    expect(alert).toMatchObject({ kind: 'CRISIS_RAISED', severity: 'CRITICAL', status: 'OPEN', actor: { id: globalId('StaffMember', w.manager.id) } });
    expect(alert.crisis).toMatchObject({ id: crisisId, severity: 'CRITICAL', status: 'OPEN', client: { id: globalId('Client', w.client.id) } });
    const row = await prisma.domainEvent.findFirstOrThrow({ where: { topic: `crisis-org:${w.org.id}`, kind: 'CRISIS_RAISED' }, orderBy: { id: 'desc' } });
    expect(alert.eventId).toBe(row.id.toString());
    alerts.stop();
  });

  it('never delivers a crisis the subscriber may not see: a later one it may see arrives alone', async () => {
    const w = await world();
    const managerToken = await cluster.tokenFor(w.manager.id);
    const outsiderToken = await cluster.tokenFor(w.outsider.id);
    const outsider = collect(a.ws(outsiderToken), ALERTS);
    const manager = collect(a.ws(managerToken), ALERTS);
    await waitFor(() => a.liveOn(`crisis-org:${w.org.id}`) >= 2, { what: 'both subscriptions live' });

    // The outsider is on no care team of this client: the crisis is not theirs to see.
    const hidden = await raise(b, managerToken, w.client.id, w.kase.id, 'HIGH', 'Hidden from the outsider');
    // Both are on the care team of the other client's case.
    const shared = await raise(b, managerToken, w.otherClient.id, w.otherCase.id, 'HIGH', 'Visible to both');

    const managerEvents = await manager.waitForEvents(2);
    expect(managerEvents.map((e) => e.crisisAlerts.crisis.id)).toEqual([hidden, shared]);
    const [only] = await outsider.waitForEvents(1);
    expect(only.crisisAlerts.crisis.id).toBe(shared);
    // Events of one subscription arrive in order: had the hidden one been sent, it came first.
    expect(outsider.events).toHaveLength(1);
    expect(JSON.stringify(outsider.events)).not.toContain(hidden);
    outsider.stop();
    manager.stop();
  });

  it('filters by minimum severity and category before anything is loaded', async () => {
    const w = await world();
    const token = await cluster.tokenFor(w.manager.id);
    const critical = collect(a.ws(token), ALERTS, { filter: { minSeverity: 'CRITICAL' } });
    await waitFor(() => a.liveOn(`crisis-org:${w.org.id}`) >= 1);
    await raise(b, token, w.client.id, w.kase.id, 'HIGH', 'Only high');
    const wanted = await raise(b, token, w.client.id, w.kase.id, 'CRITICAL', 'Critical one');
    const events = await critical.waitForEvents(1);
    expect(events.map((e) => e.crisisAlerts.crisis.id)).toEqual([wanted]);
    critical.stop();
  });

  it("follows another organization's crises from the moment the subscriber joins one of its cases", async () => {
    const w = await world();
    const elsewhere = await createOrganization();
    const nurse = await createStaff(elsewhere.id, { roles: ['NURSE'], discipline: 'MEDICAL' });
    const managerToken = await cluster.tokenFor(w.manager.id);
    const alerts = collect(a.ws(await cluster.tokenFor(nurse.id)), ALERTS);
    await waitFor(() => a.liveOn(`staff:${nurse.id}`) >= 1, { what: "the nurse's subscription to go live" });
    expect(a.liveOn(`crisis-org:${w.org.id}`)).toBe(0);

    const joined = expectData(
      await b.gql(
        `mutation ($input: AddCareTeamMemberInput!) { addCareTeamMember(input: $input) { __typename } }`,
        { input: { caseId: globalId('Case', w.kase.id), staffId: globalId('StaffMember', nurse.id), role: 'NURSE' } },
        managerToken,
      ),
    );
    expect(joined.addCareTeamMember.__typename).toBe('CareTeamMember');
    // Raised right after the join, through the other instance: the first is on a case the nurse
    // is not on, the second on the one they joined.
    const hidden = await raise(b, managerToken, w.otherClient.id, w.otherCase.id, 'HIGH', 'Not the nurse\'s case');
    const shown = await raise(b, managerToken, w.client.id, w.kase.id, 'CRITICAL', 'On the case the nurse joined');
    const [event] = await alerts.waitForEvents(1);
    expect(event.crisisAlerts.crisis.id).toBe(shown);
    expect(alerts.events).toHaveLength(1);
    expect(JSON.stringify(alerts.events)).not.toContain(hidden);
    expect(a.liveOn(`crisis-org:${w.org.id}`)).toBe(1);
    alerts.stop();
  });

  it("follows a client's organization from the moment a clinician breaks the glass for them", async () => {
    const w = await world();
    const elsewhere = await createOrganization();
    const physician = await createStaff(elsewhere.id, { roles: ['PHYSICIAN'], discipline: 'MEDICAL' });
    const physicianToken = await cluster.tokenFor(physician.id);
    const managerToken = await cluster.tokenFor(w.manager.id);
    const alerts = collect(b.ws(physicianToken), ALERTS);
    await waitFor(() => b.liveOn(`staff:${physician.id}`) >= 1, { what: "the physician's subscription to go live" });

    const before = await raise(a, managerToken, w.client.id, w.kase.id, 'HIGH', 'Raised before the glass was broken');
    const granted = expectData(
      await a.gql(
        `mutation ($input: BreakGlassInput!) { breakGlass(input: $input) { __typename } }`,
        { input: { clientId: globalId('Client', w.client.id), reason: 'Unconscious in the ED, need medication history' } },
        physicianToken,
      ),
    );
    expect(granted.breakGlass.__typename).toBe('BreakGlassGrant');
    const after = await raise(a, managerToken, w.client.id, w.kase.id, 'CRITICAL', 'Raised during the emergency access');
    const [event] = await alerts.waitForEvents(1);
    expect(event.crisisAlerts.crisis.id).toBe(after);
    expect(JSON.stringify(alerts.events)).not.toContain(before);
    alerts.stop();
  });

  it('refuses at subscribe time what the matching query refuses', async () => {
    const w = await world();
    const analyst = await createStaff(w.org.id, { roles: ['ANALYST'], discipline: 'ADMINISTRATIVE' });
    const foreignOrg = await createOrganization();
    const analystAlerts = collect(a.ws(await cluster.tokenFor(analyst.id)), ALERTS);
    const foreign = collect(a.ws(await cluster.tokenFor(w.manager.id)), ALERTS, { filter: { organizationId: globalId('Organization', foreignOrg.id) } });
    const hiddenCase = collect(
      a.ws(await cluster.tokenFor(w.outsider.id)),
      `subscription ($id: ID!) { caseUpdates(caseId: $id) { eventId } }`,
      { id: globalId('Case', w.kase.id) },
    );
    await waitFor(() => analystAlerts.errors.length && foreign.errors.length && hiddenCase.errors.length, { what: 'three refusals' });
    const codeOf = (errors: unknown[]) => (errors[0] as Array<{ extensions: { code: string } }>)[0]!.extensions.code;
    expect(codeOf(analystAlerts.errors)).toBe('FORBIDDEN');
    expect(codeOf(foreign.errors)).toBe('FORBIDDEN');
    expect(codeOf(hiddenCase.errors)).toBe('NOT_FOUND');
  });
});

describe('resuming with afterEventId', () => {
  it('gives exactly the events missed while disconnected, then live ones, without duplicates', async () => {
    const w = await world();
    const token = await cluster.tokenFor(w.manager.id);
    const start = await lastEventId();
    const first = collect(a.ws(token), ALERTS, { after: start });
    await raise(b, token, w.client.id, w.kase.id, 'HIGH', 'Seen live 1');
    await raise(b, token, w.client.id, w.kase.id, 'HIGH', 'Seen live 2');
    const seen = await first.waitForEvents(2);
    first.stop();
    const lastSeen = seen.at(-1).crisisAlerts.eventId;

    // Missed while nobody listened:
    const missed = [
      await raise(a, token, w.client.id, w.kase.id, 'HIGH', 'Missed 1'),
      await raise(b, token, w.client.id, w.kase.id, 'LOW', 'Missed 2'),
      await raise(b, token, w.client.id, w.kase.id, 'CRITICAL', 'Missed 3'),
    ];
    const resumed = collect(b.ws(token), ALERTS, { after: lastSeen });
    await waitFor(() => b.liveOn(`crisis-org:${w.org.id}`) >= 1, { what: 'the resumed subscription to go live' });
    const liveOne = await raise(a, token, w.client.id, w.kase.id, 'HIGH', 'Live after resuming');
    const events = await resumed.waitForEvents(4);
    expect(events.map((e) => e.crisisAlerts.crisis.id)).toEqual([...missed, liveOne]);
    const ids = events.map((e) => BigInt(e.crisisAlerts.eventId));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(ids[0]! > BigInt(lastSeen)).toBe(true);
    resumed.stop();
  });

  it('answers an id older than what the outbox keeps with EVENTS_EXPIRED instead of a silent gap', async () => {
    const w = await world();
    const token = await cluster.tokenFor(w.manager.id);
    await raise(b, token, w.client.id, w.kase.id);
    // As retention would: the two oldest events are gone, so resuming right before them cannot be served.
    const oldest = await prisma.domainEvent.findMany({ orderBy: { id: 'asc' }, take: 2, select: { id: true } });
    await prisma.domainEvent.deleteMany({ where: { id: { in: oldest.map((row) => row.id) } } });
    const stale = collect(a.ws(token), ALERTS, { after: (oldest[0]!.id - 1n).toString() });
    await waitFor(() => stale.errors.length, { what: 'EVENTS_EXPIRED' });
    expect((stale.errors[0] as any)[0].extensions.code).toBe('EVENTS_EXPIRED');
    stale.stop();
  });
});
