// The viewer's work queue and the other `me` fields of StaffMember (caseload, tasks,
// followUpsDue): the right items for the right people, and nothing for anyone else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, createClient, createOrganization, createProvider, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';
import { caseWorld, createFollowUpRow, createTaskRow, daysFromNow } from '../support/tasks.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('work_queue');
});
afterAll(() => t?.stop());

const QUEUE = `query($kinds: [WorkQueueItemKind!], $days: Int, $limit: Int) { me { workQueue(kinds: $kinds, noContactDays: $days, limit: $limit) {
  kind dueSince nodeId nodeType case { id } } } }`;

const gid = globalId;

/**
 * One organization: case A (manager primary, nurse on the team) with something overdue of every
 * kind; case B (colleague only) with a stuck referral; quiet cases that must not show.
 */
async function queueWorld() {
  const w = await caseWorld({ lastContactAt: daysFromNow(-40) }); // case A: no contact for 40 days
  const { org, manager, nurse, colleague, client } = w;
  const caseA = w.kase;
  const caseB = await createCase(client.id, org.id, [{ staffId: colleague.id }], { lastContactAt: daysFromNow(-1) });
  const neverContacted = await createCase(client.id, org.id, [{ staffId: manager.id }], { openedAt: daysFromNow(-45) });
  // Quiet: closed, on hold, recently contacted, or the manager has left its care team.
  await createCase(client.id, org.id, [{ staffId: manager.id }], { status: 'CLOSED', closedAt: daysFromNow(-5), lastContactAt: daysFromNow(-100) });
  await createCase(client.id, org.id, [{ staffId: manager.id }], { status: 'ON_HOLD', lastContactAt: daysFromNow(-100) });
  await createCase(client.id, org.id, [{ staffId: manager.id }], { lastContactAt: daysFromNow(-3) });
  const left = await createCase(client.id, org.id, [{ staffId: manager.id }], { lastContactAt: daysFromNow(-90) });
  await prisma.careTeamMember.updateMany({ where: { caseId: left.id }, data: { endedAt: new Date() } });

  const crisis = (status: 'OPEN' | 'ACKNOWLEDGED', escalationDueAt: Date) =>
    prisma.crisisEvent.create({
      data: { clientId: client.id, caseId: caseA.id, organizationId: org.id, category: 'MENTAL_HEALTH', severity: 'HIGH', status, description: 'x', reportedById: nurse.id, escalationDueAt },
    });
  const crisisOverdue = await crisis('OPEN', daysFromNow(-0.1));
  await crisis('ACKNOWLEDGED', daysFromNow(-1));
  await crisis('OPEN', daysFromNow(1));

  const provider = await createProvider();
  const referral = (caseId: string, status: 'SENT' | 'ACCEPTED', expectedResponseBy: Date) =>
    prisma.referral.create({ data: { caseId, clientId: client.id, providerId: provider.id, reason: 'housing', createdById: manager.id, status, expectedResponseBy } });
  const referralStuck = await referral(caseB.id, 'SENT', daysFromNow(-4));
  await referral(caseA.id, 'SENT', daysFromNow(2));
  await referral(caseA.id, 'ACCEPTED', daysFromNow(-4));

  const followUpOverdue = await createFollowUpRow(caseA, nurse.id, { scheduledFor: daysFromNow(-2) });
  await createFollowUpRow(caseA, nurse.id, { scheduledFor: daysFromNow(3) });
  await createFollowUpRow(caseA, nurse.id, { scheduledFor: daysFromNow(-6), status: 'MISSED' });

  const plan = (status: 'ACTIVE' | 'DRAFT', nextReviewDue: Date) =>
    prisma.carePlan.create({ data: { caseId: caseA.id, title: 'Plan', authorId: manager.id, status, nextReviewDue } });
  const planOverdue = await plan('ACTIVE', daysFromNow(-8));
  await plan('DRAFT', daysFromNow(-8));

  const taskOverdue = await createTaskRow(manager.id, { caseId: caseA.id, dueAt: daysFromNow(-1) });
  await createTaskRow(manager.id, { caseId: caseA.id, dueAt: daysFromNow(-1), status: 'COMPLETED' });
  await createTaskRow(manager.id, { caseId: caseA.id, dueAt: daysFromNow(1) });
  const colleagueTask = await createTaskRow(colleague.id, { dueAt: daysFromNow(-3) });

  return { ...w, caseA, caseB, neverContacted, left, crisisOverdue, referralStuck, followUpOverdue, planOverdue, taskOverdue, colleagueTask };
}

async function queueOf(staffId: string, variables: Record<string, unknown> = {}) {
  const data: any = expectData(await t.gql(QUEUE, variables, { token: await t.tokenFor(staffId) }));
  return data.me.workQueue as Array<{ kind: string; dueSince: string; nodeId: string; nodeType: string; case: { id: string } | null }>;
}

const summary = (items: Awaited<ReturnType<typeof queueOf>>) => items.map((i) => `${i.kind} ${i.nodeId}`).sort();

describe('workQueue', () => {
  it('shows each staff member the items of their cases, oldest first, and a supervisor those of the organization', async () => {
    const w = await queueWorld();
    const item = (kind: string, type: string, id: string) => `${kind} ${gid(type, id)}`;
    const noContactA = item('NO_CONTACT', 'Case', w.caseA.id);
    const noContactNever = item('NO_CONTACT', 'Case', w.neverContacted.id);
    const crisis = item('CRISIS_UNACKNOWLEDGED', 'CrisisEvent', w.crisisOverdue.id);
    const referral = item('REFERRAL_STUCK', 'Referral', w.referralStuck.id);
    const followUp = item('FOLLOW_UP_OVERDUE', 'FollowUp', w.followUpOverdue.id);
    const plan = item('PLAN_REVIEW_OVERDUE', 'CarePlan', w.planOverdue.id);
    const task = item('TASK_OVERDUE', 'Task', w.taskOverdue.id);
    const colleagueTask = item('TASK_OVERDUE', 'Task', w.colleagueTask.id);

    const managerQueue = await queueOf(w.manager.id);
    expect(summary(managerQueue)).toEqual([noContactA, noContactNever, crisis, plan, task].sort());
    // Oldest first: no contact for 40 days is due since 10 days ago, the review since 8...
    expect(managerQueue.map((i) => i.kind)).toEqual(['NO_CONTACT', 'NO_CONTACT', 'PLAN_REVIEW_OVERDUE', 'TASK_OVERDUE', 'CRISIS_UNACKNOWLEDGED']);
    const dues = managerQueue.map((i) => Date.parse(i.dueSince));
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(Date.parse(managerQueue[0]!.dueSince)).toBe(w.neverContacted.openedAt.getTime() + 30 * 86_400_000);
    expect(managerQueue.find((i) => i.nodeType === 'CrisisEvent')!.case).toEqual({ id: gid('Case', w.caseA.id) });

    expect(summary(await queueOf(w.nurse.id))).toEqual([noContactA, crisis, followUp, plan].sort());
    expect(summary(await queueOf(w.colleague.id))).toEqual([referral, colleagueTask].sort());
    expect(summary(await queueOf(w.supervisor.id))).toEqual(
      // ...including the case the manager left: it is still the organization's.
      [noContactA, noContactNever, item('NO_CONTACT', 'Case', w.left.id), crisis, referral, followUp, plan, task, colleagueTask].sort(),
    );
    // Nobody outside the organization sees any of it, supervisor or not.
    const other = await createOrganization();
    const otherSupervisor = await createStaff(other.id, { roles: ['SUPERVISOR'] });
    const otherClient = await createClient(other.id);
    await createCase(otherClient.id, other.id, [{ staffId: otherSupervisor.id }], { lastContactAt: daysFromNow(-1) });
    expect(await queueOf(otherSupervisor.id)).toEqual([]);
    // Non-clinical staff have no queue of cases.
    const admin = await createStaff(w.org.id, { roles: ['ADMIN'] });
    expect(await queueOf(admin.id)).toEqual([]);
  });

  it('takes the no-contact threshold, kinds and a limit', async () => {
    const w = await queueWorld();
    expect(summary(await queueOf(w.manager.id, { kinds: ['NO_CONTACT'], days: 42 }))).toEqual([`NO_CONTACT ${gid('Case', w.neverContacted.id)}`]);
    expect(await queueOf(w.manager.id, { kinds: ['NO_CONTACT'], days: 60 })).toEqual([]);
    expect(summary(await queueOf(w.manager.id, { kinds: ['TASK_OVERDUE', 'PLAN_REVIEW_OVERDUE'] }))).toEqual(
      [`PLAN_REVIEW_OVERDUE ${gid('CarePlan', w.planOverdue.id)}`, `TASK_OVERDUE ${gid('Task', w.taskOverdue.id)}`].sort(),
    );
    const limited = await queueOf(w.supervisor.id, { limit: 2 });
    expect(limited.map((i) => i.kind)).toEqual(['NO_CONTACT', 'NO_CONTACT']);
    const tooMany = await t.gql(QUEUE, { limit: 10_000 }, { token: await t.tokenFor(w.manager.id) });
    expect(tooMany.errors?.length).toBeGreaterThan(0);
  });

  it('costs the same number of SQL statements for 3 cases or 30: set-based, no per-case queries', async () => {
    const org = await createOrganization();
    const manager = await createStaff(org.id);
    const client = await createClient(org.id);
    const addCases = async (n: number) => {
      for (let i = 0; i < n; i += 1) {
        const kase = await createCase(client.id, org.id, [{ staffId: manager.id }], { lastContactAt: daysFromNow(-60) });
        await createTaskRow(manager.id, { caseId: kase.id, dueAt: daysFromNow(-1) });
        await createFollowUpRow(kase, manager.id, { scheduledFor: daysFromNow(-1) });
        await prisma.carePlan.create({ data: { caseId: kase.id, title: 'Plan', authorId: manager.id, status: 'ACTIVE', nextReviewDue: daysFromNow(-1) } });
      }
    };
    const DEEP = `{ me { workQueue(limit: 500) { kind nodeId case { id status client { id } primaryCaseManager { id } } } } }`;
    const token = await t.tokenFor(manager.id);
    const run = () => countStatements(async () => expectData<any>(await t.gql(DEEP, {}, { token })).me.workQueue.length);
    await t.gql('{ __typename }', {}, { token }); // the viewer is cached from then on
    await addCases(3);
    const small = await run();
    await addCases(27);
    const large = await run();
    expect([small.result, large.result]).toEqual([12, 120]);
    expect(large.statements.length).toBe(small.statements.length);
  });

  it('an item leaves the queue once dealt with', async () => {
    const w = await queueWorld();
    const token = await t.tokenFor(w.manager.id);
    const UPDATE = `mutation($input: UpdateTaskStatusInput!) { updateTaskStatus(input: $input) { __typename } }`;
    expectData(await t.gql(UPDATE, { input: { taskId: gid('Task', w.taskOverdue.id), status: 'IN_PROGRESS' } }, { token }));
    expect((await queueOf(w.manager.id, { kinds: ['TASK_OVERDUE'] })).length).toBe(1); // still open
    expectData(await t.gql(UPDATE, { input: { taskId: gid('Task', w.taskOverdue.id), status: 'COMPLETED' } }, { token }));
    expect(await queueOf(w.manager.id, { kinds: ['TASK_OVERDUE'] })).toEqual([]);
    await prisma.case.update({ where: { id: w.caseA.id }, data: { lastContactAt: new Date() } });
    expect(summary(await queueOf(w.manager.id, { kinds: ['NO_CONTACT'] }))).toEqual([`NO_CONTACT ${gid('Case', w.neverContacted.id)}`]);
  });
});

describe('me: caseload, tasks and follow-ups due', () => {
  const ME = `query($filter: CaseloadFilter) { me { id
    caseload(first: 20, filter: $filter) { totalCount edges { node { id status } } }
    tasks { id dueAt } completed: tasks(status: [COMPLETED]) { id }
    followUpsDue { id } later: followUpsDue(withinDays: 30) { id } } }`;

  it('lists the viewer\'s cases open first, their open tasks by due date and follow-ups due', async () => {
    const w = await queueWorld();
    const data: any = expectData(await t.gql(ME, {}, { token: await t.tokenFor(w.manager.id) }));
    const statuses = data.me.caseload.edges.map((e: any) => e.node.status);
    expect(data.me.caseload.totalCount).toBe(5); // A, never contacted, closed, on hold, recently contacted
    expect(statuses).toHaveLength(5);
    expect(statuses.at(-1)).toBe('CLOSED');
    expect(statuses.indexOf('ON_HOLD')).toBe(3);
    expect(data.me.caseload.edges.map((e: any) => e.node.id)).not.toContain(gid('Case', w.caseB.id));
    const open: any = expectData(await t.gql(ME, { filter: { open: true } }, { token: await t.tokenFor(w.manager.id) }));
    expect(open.me.caseload.totalCount).toBe(4);

    expect(data.me.tasks.map((x: any) => x.id)).toEqual([gid('Task', w.taskOverdue.id), expect.any(String)]);
    expect(Date.parse(data.me.tasks[0].dueAt)).toBeLessThan(Date.parse(data.me.tasks[1].dueAt));
    expect(data.me.completed).toHaveLength(1);

    const nurse: any = expectData(await t.gql(ME, {}, { token: await t.tokenFor(w.nurse.id) }));
    expect(nurse.me.followUpsDue).toEqual([{ id: gid('FollowUp', w.followUpOverdue.id) }, expect.anything()]);
    expect(nurse.me.later).toHaveLength(2); // the overdue and the upcoming; not the missed one
    const next = await prisma.followUp.findFirstOrThrow({ where: { caseId: w.caseA.id, status: 'SCHEDULED', scheduledFor: { gt: new Date() } } });
    expect(nurse.me.later[1]).toEqual({ id: gid('FollowUp', next.id) });
    expect(nurse.me.followUpsDue).toHaveLength(2); // within 7 days: both
  });

  it('answers nothing about anyone but the viewer', async () => {
    const w = await queueWorld();
    const OTHER = `query($id: ID!) { node(id: $id) { ... on StaffMember { id
      caseload(first: 5) { totalCount edges { node { id } } } tasks { id } followUpsDue { id } workQueue { kind } } } }`;
    // The supervisor may see every case of the manager, yet reads no one's workload but their own.
    const data: any = expectData(await t.gql(OTHER, { id: gid('StaffMember', w.manager.id) }, { token: await t.tokenFor(w.supervisor.id) }));
    expect(data.node).toEqual({
      id: gid('StaffMember', w.manager.id),
      caseload: { totalCount: 0, edges: [] },
      tasks: [],
      followUpsDue: [],
      workQueue: [],
    });
  });
});
