// Escalation of unacknowledged crises and announcement of overdue work, with two instances
// sweeping the same database: each fires exactly once, reaches the work queues of the case's
// people and the supervisors, and survives a restart (the timer is the row).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { ESCALATION_LOCK_NAME } from '../../src/realtime/escalation.js';
import { sweepLockName } from '../../src/realtime/overdue.js';
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

const QUEUE = `subscription { workQueue { eventId kind reason dueSince crisis { id status escalationCount } referral { id status } followUp { id } carePlan { id } task { id } case { id } } }`;
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
async function sweepEverywhere(times: number, sweep: 'escalation' | 'overdue') {
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

describe('overdue work', () => {
  const DAY = 86_400_000;
  const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
  const announcements = (kind: string, key: string, id: string) =>
    prisma.domainEvent.count({ where: { kind, payload: { path: [key], equals: id } } });

  async function liveQueues(w: Awaited<ReturnType<typeof world>>) {
    const queues = {
      manager: collect(a.ws(w.tokens.manager), QUEUE),
      supervisor: collect(b.ws(w.tokens.supervisor), QUEUE),
      bystander: collect(a.ws(w.tokens.bystander), QUEUE),
    };
    const topic = `work-queue:${w.org.id}`;
    await waitFor(() => a.liveOn(topic) + b.liveOn(topic) >= 3, { what: 'three live work queues' });
    return { ...queues, stop: () => Object.values(queues).forEach((queue) => queue.stop()) };
  }

  it('announces a referral still SENT past its expected response once per due time', async () => {
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
        sentAt: daysAgo(11),
        expectedResponseBy: daysAgo(1),
      },
    });
    const [event] = await queue.waitForEvents(1);
    expect(event.workQueue).toMatchObject({
      kind: 'REFERRAL_STUCK',
      reason: 'REFERRAL_STUCK',
      referral: { id: globalId('Referral', referral.id), status: 'SENT' },
      dueSince: referral.expectedResponseBy!.toISOString(),
    });
    await sweepEverywhere(5, 'overdue');
    expect(await announcements('REFERRAL_STUCK', 'referralId', referral.id)).toBe(1);

    // Sent again with a new expected response, which passed as well: a new announcement.
    const again = await prisma.referral.update({ where: { id: referral.id }, data: { expectedResponseBy: new Date(Date.now() - 1000) } });
    const [, second] = await queue.waitForEvents(2);
    expect(second.workQueue.dueSince).toBe(again.expectedResponseBy!.toISOString());
    await sweepEverywhere(5, 'overdue');
    expect(await announcements('REFERRAL_STUCK', 'referralId', referral.id)).toBe(2);
    queue.stop();
  });

  it('announces an overdue follow-up to its assignee and the supervisors, a care plan past its review to the care team, an overdue task to its assignee', async () => {
    const w = await world();
    const queues = await liveQueues(w);
    const followUp = await prisma.followUp.create({
      data: { caseId: w.kase.id, clientId: w.client.id, kind: 'POST_DISCHARGE', scheduledFor: daysAgo(2), assignedToId: w.manager.id },
    });
    const [toManager] = await queues.manager.waitForEvents(1);
    expect(toManager.workQueue).toMatchObject({
      kind: 'FOLLOW_UP_OVERDUE',
      reason: 'FOLLOW_UP_OVERDUE',
      dueSince: followUp.scheduledFor.toISOString(),
      followUp: { id: globalId('FollowUp', followUp.id) },
      case: { id: globalId('Case', w.kase.id) },
      crisis: null,
      referral: null,
    });
    const [toSupervisor] = await queues.supervisor.waitForEvents(1);
    expect(toSupervisor.workQueue.eventId).toBe(toManager.workQueue.eventId);

    const plan = await prisma.carePlan.create({
      data: { caseId: w.kase.id, title: 'Stay housed', status: 'ACTIVE', authorId: w.manager.id, nextReviewDue: daysAgo(3) },
    });
    const [, review] = await queues.manager.waitForEvents(2);
    expect(review.workQueue).toMatchObject({
      kind: 'PLAN_REVIEW_OVERDUE',
      reason: 'PLAN_REVIEW_OVERDUE',
      carePlan: { id: globalId('CarePlan', plan.id) },
      followUp: null,
    });

    // The bystander is on no care team here: a task of their own is the first thing they get.
    const task = await prisma.task.create({ data: { assigneeId: w.bystander.id, createdById: w.supervisor.id, title: 'Send the forms', dueAt: daysAgo(1) } });
    const [only] = await queues.bystander.waitForEvents(1);
    expect(only.workQueue).toMatchObject({ kind: 'TASK_OVERDUE', reason: 'TASK_OVERDUE', task: { id: globalId('Task', task.id) }, case: null });
    expect(queues.bystander.events).toHaveLength(1);
    // A task without a case belongs to its assignee's organization: the supervisor sees it too.
    const supervised = await queues.supervisor.waitForEvents(3);
    expect(supervised.map((e) => e.workQueue.kind)).toEqual(['FOLLOW_UP_OVERDUE', 'PLAN_REVIEW_OVERDUE', 'TASK_OVERDUE']);
    queues.stop();
  });

  it('announces a case without contact for NO_CONTACT_DAYS once, and again after a later contact runs out too', async () => {
    const w = await world();
    const queues = await liveQueues(w);
    const quiet = await prisma.case.update({ where: { id: w.kase.id }, data: { openedAt: daysAgo(31) } });
    const [first] = await queues.manager.waitForEvents(1);
    expect(first.workQueue).toMatchObject({
      kind: 'NO_CONTACT',
      reason: 'NO_CONTACT',
      case: { id: globalId('Case', w.kase.id) },
      dueSince: new Date(quiet.openedAt.getTime() + 30 * DAY).toISOString(),
    });
    expect((await queues.supervisor.waitForEvents(1))[0].workQueue.eventId).toBe(first.workQueue.eventId);
    await sweepEverywhere(5, 'overdue');
    expect(await announcements('NO_CONTACT', 'caseId', w.kase.id)).toBe(1);

    const contacted = await prisma.case.update({ where: { id: w.kase.id }, data: { lastContactAt: daysAgo(30.5) } });
    const [, second] = await queues.manager.waitForEvents(2);
    expect(second.workQueue.dueSince).toBe(new Date(contacted.lastContactAt!.getTime() + 30 * DAY).toISOString());
    expect(queues.bystander.events).toEqual([]);
    queues.stop();
  });

  it('followUpsDue: the follow-ups of your work queue as they fall due, nothing else', async () => {
    const w = await world();
    const FOLLOW_UPS = `subscription { followUpsDue { eventId kind dueSince followUp { id status } case { id } } }`;
    const mine = collect(a.ws(w.tokens.manager), FOLLOW_UPS);
    const theirs = collect(b.ws(w.tokens.bystander), FOLLOW_UPS);
    const topic = `work-queue:${w.org.id}`;
    await waitFor(() => a.liveOn(topic) + b.liveOn(topic) >= 2, { what: 'two live followUpsDue feeds' });
    const create = (scheduledFor: Date, assignedToId = w.manager.id) =>
      prisma.followUp.create({ data: { caseId: w.kase.id, clientId: w.client.id, kind: 'POST_DISCHARGE', scheduledFor, assignedToId } });

    const due = await create(daysAgo(1));
    await prisma.carePlan.create({ data: { caseId: w.kase.id, title: 'Not a follow-up', status: 'ACTIVE', authorId: w.manager.id, nextReviewDue: daysAgo(1) } });
    const later = await create(new Date(Date.now() - 1000));
    const events = await mine.waitForEvents(2);
    expect(events.map((e) => [e.followUpsDue.kind, e.followUpsDue.followUp.id])).toEqual([
      ['FOLLOW_UP_OVERDUE', globalId('FollowUp', due.id)],
      ['FOLLOW_UP_OVERDUE', globalId('FollowUp', later.id)],
    ]);
    expect(events[0].followUpsDue).toMatchObject({ dueSince: due.scheduledFor.toISOString(), followUp: { status: 'SCHEDULED' }, case: { id: globalId('Case', w.kase.id) } });

    // The bystander's own follow-up (on a case of theirs) is the first thing they get.
    const theirCase = await createCase(w.client.id, w.org.id, [{ staffId: w.bystander.id }]);
    const own = await prisma.followUp.create({
      data: { caseId: theirCase.id, clientId: w.client.id, kind: 'ROUTINE_CHECK', scheduledFor: daysAgo(1), assignedToId: w.bystander.id },
    });
    const [only] = await theirs.waitForEvents(1);
    expect(only.followUpsDue.followUp.id).toBe(globalId('FollowUp', own.id));
    mine.stop();
    theirs.stop();
  });

  it('claims each overdue item exactly once when both instances sweep concurrently, and leaves out what is older than the outbox keeps', async () => {
    const w = await world();
    const followUps = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        prisma.followUp.create({
          data: { caseId: w.kase.id, clientId: w.client.id, kind: 'ROUTINE_CHECK', scheduledFor: daysAgo(1 + i / 100), assignedToId: w.manager.id },
        }),
      ),
    );
    const ancient = await prisma.followUp.create({
      data: { caseId: w.kase.id, clientId: w.client.id, kind: 'ROUTINE_CHECK', scheduledFor: daysAgo(400), assignedToId: w.manager.id },
    });
    const done = await prisma.followUp.create({
      data: { caseId: w.kase.id, clientId: w.client.id, kind: 'ROUTINE_CHECK', scheduledFor: daysAgo(1), assignedToId: w.manager.id, status: 'COMPLETED' },
    });
    await sweepEverywhere(8, 'overdue');
    const events = await prisma.domainEvent.findMany({ where: { kind: 'FOLLOW_UP_OVERDUE', topic: `work-queue:${w.org.id}` }, orderBy: { id: 'asc' } });
    // In due order: the oldest first.
    expect(events.map((e) => (e.payload as { followUpId: string }).followUpId)).toEqual(followUps.map((f) => f.id).reverse());
    const rows = await prisma.followUp.findMany({ where: { id: { in: [...followUps, ancient, done].map((f) => f.id) } } });
    for (const row of rows) {
      expect(row.overdueAnnouncedFor).toEqual(row.id === ancient.id || row.id === done.id ? null : row.scheduledFor);
      expect(row.version).toBe(1);
    }
  });

  /** Sessions of this database waiting for the advisory lock named `name` (hashtext). */
  async function waitingFor(name: string): Promise<number> {
    const [row] = await prisma.$queryRaw<Array<{ n: number }>>`
      SELECT count(*)::int AS n FROM pg_locks
       WHERE locktype = 'advisory' AND NOT granted
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
         AND objid = (hashtext(${name})::bigint & 4294967295)::oid`;
    return row!.n;
  }

  it('sweeps a kind on one instance at a time, the others waiting, so that events are written in due order', async () => {
    const w = await world();
    const crisisId = await raiseHigh(w);
    // Another session holds the sweep locks while the items fall due: both instances' timers wait.
    const followUp = await prisma.$transaction(
      async (tx) => {
        for (const name of [sweepLockName('FOLLOW_UP_OVERDUE'), ESCALATION_LOCK_NAME]) {
          await tx.$queryRaw`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${name}))`;
        }
        const created = await prisma.followUp.create({
          data: { caseId: w.kase.id, clientId: w.client.id, kind: 'ROUTINE_CHECK', scheduledFor: daysAgo(1), assignedToId: w.manager.id },
        });
        await expire(crisisId);
        await waitFor(async () => (await waitingFor(sweepLockName('FOLLOW_UP_OVERDUE'))) >= 2 && (await waitingFor(ESCALATION_LOCK_NAME)) >= 2, {
          what: 'both instances waiting to sweep',
        });
        expect(await announcements('FOLLOW_UP_OVERDUE', 'followUpId', created.id)).toBe(0);
        expect(await escalationsOf(crisisId)).toBe(0);
        return created;
      },
      { timeout: 15_000 },
    );
    await waitFor(async () => (await announcements('FOLLOW_UP_OVERDUE', 'followUpId', followUp.id)) === 1 && (await escalationsOf(crisisId)) === 1, {
      what: 'the sweeps after the lock is released',
    });
    await sweepEverywhere(2, 'overdue');
    await sweepEverywhere(2, 'escalation');
    expect(await announcements('FOLLOW_UP_OVERDUE', 'followUpId', followUp.id)).toBe(1);
    expect(await escalationsOf(crisisId)).toBe(1);
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
