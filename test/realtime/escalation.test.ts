// Escalation of unacknowledged crises and announcement of stuck referrals, with two instances
// sweeping the same database: each fires exactly once, reaches the work queues of the case's
// people and the supervisors, and survives a restart (the timer is the row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData } from '../support/app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff, globalId } from '../support/factories.js';
import { collect, startCluster, waitFor, type Cluster, type Instance } from '../support/realtime.js';

let cluster: Cluster;
let a: Instance;
let b: Instance;

beforeAll(async () => {
  cluster = await startCluster('realtime_escalation');
  [a, b] = cluster.instances as [Instance, Instance];
});
afterAll(() => cluster?.stop());

const QUEUE = `subscription { workQueue { eventId kind reason dueSince crisis { id status escalationCount } referral { id status } case { id } } }`;
const ALERTS = `subscription { crisisAlerts { eventId kind escalationCount crisis { id } } }`;

async function world() {
  const org = await createOrganization();
  const supervisor = await createStaff(org.id, { roles: ['SUPERVISOR'] });
  const manager = await createStaff(org.id);
  const bystander = await createStaff(org.id);
  const client = await createClient(org.id);
  const kase = await createCase(client.id, org.id, [{ staffId: manager.id }]);
  const tokens = {
    supervisor: await cluster.tokenFor(supervisor.id),
    manager: await cluster.tokenFor(manager.id),
    bystander: await cluster.tokenFor(bystander.id),
  };
  return { org, supervisor, manager, bystander, client, kase, tokens };
}

async function raiseHigh(w: Awaited<ReturnType<typeof world>>, clientId = w.client.id, caseId = w.kase.id) {
  const data = expectData(
    await b.gql(
      `mutation ($input: RaiseCrisisInput!) { raiseCrisis(input: $input) { ... on CrisisEvent { id escalationDueAt } } }`,
      { input: { clientId: globalId('Client', clientId), caseId: globalId('Case', caseId), category: 'VIOLENCE_RISK', severity: 'HIGH', description: 'Threats against a neighbour' } },
      w.tokens.manager,
    ),
  );
  const crisisId = Buffer.from(data.raiseCrisis.id, 'base64').toString().split(':')[1]!;
  expect(data.raiseCrisis.escalationDueAt).toBeTruthy();
  return crisisId;
}

/** The acknowledgement clock ran out (instead of waiting 15 minutes). */
const expire = (crisisId: string) =>
  prisma.crisisEvent.update({ where: { id: crisisId }, data: { escalationDueAt: new Date(Date.now() - 1000) } });

const escalationsOf = (crisisId: string) =>
  prisma.domainEvent.count({ where: { kind: 'CRISIS_ESCALATED', payload: { path: ['crisisId'], equals: crisisId } } });

/** Both instances sweep at once, repeatedly, besides their own timers. */
async function sweepEverywhere(times: number, sweep: 'escalation' | 'stuckReferrals') {
  await Promise.all(
    Array.from({ length: times }, () => [a.app.realtime!.sweeps[sweep](), b.app.realtime!.sweeps[sweep]()]).flat(),
  );
}

describe('crisis escalation', () => {
  it('re-announces an unacknowledged crisis once, to supervisors and the case manager, not to others', async () => {
    const w = await world();
    const supervisorQueue = collect(a.ws(w.tokens.supervisor), QUEUE);
    const managerQueue = collect(b.ws(w.tokens.manager), QUEUE);
    const bystanderQueue = collect(a.ws(w.tokens.bystander), QUEUE);
    const supervisorAlerts = collect(b.ws(w.tokens.supervisor), ALERTS);
    const topic = `crisis-org:${w.org.id}`;
    await waitFor(() => a.liveOn(topic) + b.liveOn(topic) >= 4, { what: 'four live subscriptions' });

    const crisisId = await raiseHigh(w);
    await expire(crisisId);
    const [escalated] = await supervisorQueue.waitForEvents(1);
    expect(escalated.workQueue).toMatchObject({
      kind: 'CRISIS_ESCALATED',
      reason: 'CRISIS_UNACKNOWLEDGED',
      crisis: { id: globalId('CrisisEvent', crisisId), status: 'OPEN', escalationCount: 1 },
      case: { id: globalId('Case', w.kase.id) },
    });
    const [mine] = await managerQueue.waitForEvents(1);
    expect(mine.workQueue.eventId).toBe(escalated.workQueue.eventId);
    const alerts = await supervisorAlerts.waitForEvents(2);
    expect(alerts.map((e) => [e.crisisAlerts.kind, e.crisisAlerts.escalationCount])).toEqual([
      ['CRISIS_RAISED', null],
      ['CRISIS_ESCALATED', 1],
    ]);

    await sweepEverywhere(10, 'escalation');
    expect(await escalationsOf(crisisId)).toBe(1);
    const row = await prisma.crisisEvent.findUniqueOrThrow({ where: { id: crisisId } });
    expect(row.escalationCount).toBe(1);
    expect(row.escalatedAt).not.toBeNull();

    // The bystander is on no care team: a crisis on a case of theirs, escalated later, is the only one they get.
    const theirCase = await createCase(w.client.id, w.org.id, [{ staffId: w.bystander.id }, { staffId: w.manager.id }]);
    const theirs = await raiseHigh(w, w.client.id, theirCase.id);
    await expire(theirs);
    const [only] = await bystanderQueue.waitForEvents(1);
    expect(only.workQueue.crisis.id).toBe(globalId('CrisisEvent', theirs));
    expect(bystanderQueue.events).toHaveLength(1);
    for (const c of [supervisorQueue, managerQueue, bystanderQueue, supervisorAlerts]) c.stop();
  });

  it('claims each due crisis exactly once when both instances sweep concurrently', async () => {
    const w = await world();
    const past = new Date(Date.now() - 60_000);
    const crises = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        prisma.crisisEvent.create({
          data: {
            clientId: w.client.id,
            caseId: w.kase.id,
            organizationId: w.org.id,
            category: 'SELF_HARM',
            severity: i % 2 ? 'HIGH' : 'CRITICAL',
            description: `Due crisis ${i}`,
            reportedById: w.manager.id,
            escalationDueAt: past,
          },
        }),
      ),
    );
    await sweepEverywhere(8, 'escalation');
    const rows = await prisma.crisisEvent.findMany({ where: { id: { in: crises.map((c) => c.id) } } });
    expect(rows.every((row) => row.escalationCount === 1 && row.escalatedAt !== null)).toBe(true);
    const events = await prisma.domainEvent.findMany({ where: { kind: 'CRISIS_ESCALATED', topic: `crisis-org:${w.org.id}` } });
    expect(events).toHaveLength(30);
    expect(new Set(events.map((e) => (e.payload as { crisisId: string }).crisisId)).size).toBe(30);
  });

  it('never escalates a crisis acknowledged in time', async () => {
    const w = await world();
    const crisisId = await raiseHigh(w);
    expectData(
      await a.gql(
        `mutation ($input: AcknowledgeCrisisInput!) { acknowledgeCrisis(input: $input) { ... on CrisisEvent { status escalationDueAt } } }`,
        { input: { crisisId: globalId('CrisisEvent', crisisId) } },
        w.tokens.manager,
      ),
    );
    await sweepEverywhere(5, 'escalation');
    expect(await escalationsOf(crisisId)).toBe(0);
  });
});

describe('stuck referrals', () => {
  it('announces a referral still SENT past its expected response once, on the work queue', async () => {
    const w = await world();
    const provider = await createProvider();
    const queue = collect(a.ws(w.tokens.manager), QUEUE);
    await waitFor(() => a.liveOn(`work-queue:${w.org.id}`) >= 1);
    const referral = await prisma.referral.create({
      data: {
        caseId: w.kase.id,
        clientId: w.client.id,
        providerId: provider.id,
        reason: 'Housing support',
        status: 'SENT',
        createdById: w.manager.id,
        sentAt: new Date(Date.now() - 11 * 86_400_000),
        expectedResponseBy: new Date(Date.now() - 86_400_000),
      },
    });
    const [event] = await queue.waitForEvents(1);
    expect(event.workQueue).toMatchObject({
      kind: 'REFERRAL_STUCK',
      reason: 'REFERRAL_STUCK',
      referral: { id: globalId('Referral', referral.id), status: 'SENT' },
      dueSince: referral.expectedResponseBy!.toISOString(),
    });
    await sweepEverywhere(5, 'stuckReferrals');
    expect(await prisma.domainEvent.count({ where: { kind: 'REFERRAL_STUCK', payload: { path: ['referralId'], equals: referral.id } } })).toBe(1);
    queue.stop();
  });
});

describe('restart', () => {
  it('escalates a crisis that fell due while no instance ran', async () => {
    const w = await world();
    const crisisId = await raiseHigh(w);
    await a.stop();
    await b.stop();
    await expire(crisisId);
    expect(await escalationsOf(crisisId)).toBe(0);
    await cluster.addInstance();
    await waitFor(async () => (await escalationsOf(crisisId)) === 1, { what: 'the escalation after the restart' });
  });
});
