import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { TaskStatus } from '../../src/generated/prisma/enums.js';
import { taskMachine } from '../../src/services/workflow/machines/task.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';
import { caseWorld, createTaskRow, daysFromNow, eventsSince, lastEventId, writeCounts } from '../support/tasks.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('tasks');
});
afterAll(() => t?.stop());

const STATUSES: TaskStatus[] = ['REQUESTED', 'ACCEPTED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED'];

const CREATE = `mutation($input: CreateTaskInput!) { createTask(input: $input) { __typename
  ... on Task { id kind title description status dueAt version isOverdue allowedStatusChanges completedAt assignee { id } createdBy { id } case { id } }
  ... on InputValidationError { issues { path message } } ... on ValidationError { field message } ... on Error { code message } } }`;
const UPDATE = `mutation($input: UpdateTaskStatusInput!) { updateTaskStatus(input: $input) { __typename
  ... on Task { id status version completedAt }
  ... on InvalidTransition { from to allowed } ... on StaleVersion { expectedVersion currentVersion } ... on Error { code message } } }`;
const TASKS = `query($filter: TaskFilter, $first: Int, $after: String) { tasks(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } edges { node { id title status dueAt isOverdue case { id } } } } }`;

const sid = (id: string) => globalId('StaffMember', id);
const cid = (id: string) => globalId('Case', id);
const tid = (id: string) => globalId('Task', id);

describe('createTask', () => {
  it('gives a care-team member a task on the case: one row, audited, announced to them and on the case', async () => {
    const w = await caseWorld();
    const token = await t.tokenFor(w.manager.id);
    const before = await writeCounts();
    const since = await lastEventId();
    const dueAt = daysFromNow(3).toISOString();
    const data: any = expectData(
      await t.gql(CREATE, { input: { caseId: cid(w.kase.id), assigneeId: sid(w.nurse.id), kind: 'FORM', title: 'Complete the benefits form', dueAt } }, { token }),
    );
    expect(data.createTask).toMatchObject({
      __typename: 'Task',
      kind: 'FORM',
      title: 'Complete the benefits form',
      status: 'REQUESTED',
      dueAt,
      version: 1,
      isOverdue: false,
      completedAt: null,
      allowedStatusChanges: ['ACCEPTED', 'IN_PROGRESS', 'CANCELLED'],
      assignee: { id: sid(w.nurse.id) },
      createdBy: { id: sid(w.manager.id) },
      case: { id: cid(w.kase.id) },
    });
    expect(await writeCounts()).toEqual({ ...before, tasks: before.tasks + 1, audits: before.audits + 1, events: before.events + 2 });
    const taskId = Buffer.from(data.createTask.id, 'base64').toString().split(':')[1];
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityType: 'Task', entityId: taskId } });
    expect(audit).toMatchObject({ action: 'CREATE', actorId: w.manager.id, clientId: w.client.id, operationName: 'createTask' });
    const events = await eventsSince(since);
    expect(events.map((e) => [e.topic, e.kind])).toEqual([
      [`staff:${w.nurse.id}`, 'TASK_ASSIGNED'],
      [`case:${w.kase.id}`, 'TASK_ASSIGNED'],
    ]);
    expect(events[0]!.payload).toMatchObject({ taskId, caseId: w.kase.id });
  });

  it('without a case the task is the viewer\'s own by default, announced only to them', async () => {
    const w = await caseWorld();
    const since = await lastEventId();
    const data: any = expectData(await t.gql(CREATE, { input: { title: 'Renew my training' } }, { token: await t.tokenFor(w.colleague.id) }));
    expect(data.createTask).toMatchObject({ __typename: 'Task', kind: 'OTHER', assignee: { id: sid(w.colleague.id) }, case: null, dueAt: null });
    expect((await eventsSince(since)).map((e) => [e.topic, e.kind])).toEqual([[`staff:${w.colleague.id}`, 'TASK_ASSIGNED']]);
  });

  it('accepts a supervisor of the case organization as assignee, even off the care team', async () => {
    const w = await caseWorld();
    const data: any = expectData(
      await t.gql(CREATE, { input: { caseId: cid(w.kase.id), assigneeId: sid(w.supervisor.id), kind: 'HANDOFF', title: 'Sign off the handoff' } }, { token: await t.tokenFor(w.manager.id) }),
    );
    expect(data.createTask).toMatchObject({ __typename: 'Task', assignee: { id: sid(w.supervisor.id) } });
  });

  it('accepts a due date a few seconds in the past (clock skew)', async () => {
    const w = await caseWorld();
    const dueAt = new Date(Date.now() - 20_000).toISOString();
    const data: any = expectData(await t.gql(CREATE, { input: { title: 'Call back now', dueAt } }, { token: await t.tokenFor(w.manager.id) }));
    expect(data.createTask).toMatchObject({ __typename: 'Task', dueAt, isOverdue: true });
  });

  it('names the wrong field and writes nothing: no task, audit record, event or idempotency key', async () => {
    const w = await caseWorld();
    const other = await createOrganization();
    const stranger = await createStaff(other.id);
    const inactive = await createStaff(w.org.id, { active: false });
    await prisma.careTeamMember.create({ data: { caseId: w.kase.id, staffId: inactive.id, role: 'CASE_MANAGER' } });
    const token = await t.tokenFor(w.manager.id);
    const before = await writeCounts();
    const base = { caseId: cid(w.kase.id), title: 'Call the landlord', clientMutationId: `bad-${w.kase.id}` };

    const invalidInput: Array<[Record<string, unknown>, string[]]> = [
      [{ dueAt: new Date(Date.now() - 2 * 60_000).toISOString() }, ['input', 'dueAt']],
      [{ dueAt: new Date(Date.now() + 2 * 366 * 86_400_000 + 86_400_000).toISOString() }, ['input', 'dueAt']],
      [{ title: 'x' }, ['input', 'title']],
      [{ description: 'x'.repeat(5001) }, ['input', 'description']],
    ];
    for (const [change, path] of invalidInput) {
      const r: any = expectData(await t.gql(CREATE, { input: { ...base, ...change } }, { token }));
      expect(r.createTask.__typename).toBe('InputValidationError');
      expect(r.createTask.issues[0].path).toEqual(path);
    }

    const wrongAssignee: Array<[string, RegExp]> = [
      [w.colleague.id, /care team or supervise/], // same organization, not on the care team
      [stranger.id, /care team or supervise/], // another organization
      [inactive.id, /No active staff member/], // on the care team but deactivated
    ];
    for (const [assigneeId, message] of wrongAssignee) {
      const r: any = expectData(await t.gql(CREATE, { input: { ...base, assigneeId: sid(assigneeId) } }, { token }));
      expect(r.createTask).toMatchObject({ __typename: 'ValidationError', field: 'assigneeId' });
      expect(r.createTask.message).toMatch(message);
    }
    // Without a case, the assignee must be of the viewer's organization.
    const foreign: any = expectData(await t.gql(CREATE, { input: { title: 'Fax the form', assigneeId: sid(stranger.id) } }, { token }));
    expect(foreign.createTask).toMatchObject({ __typename: 'ValidationError', field: 'assigneeId' });

    expect(await writeCounts()).toEqual(before);
  });

  it('answers NotFound for a case the viewer may not see, and writes nothing but the denial', async () => {
    const w = await caseWorld();
    const before = await writeCounts();
    const r: any = expectData(await t.gql(CREATE, { input: { caseId: cid(w.kase.id), title: 'Snoop around' } }, { token: await t.tokenFor(w.colleague.id) }));
    expect(r.createTask).toMatchObject({ __typename: 'NotFound', code: 'NOT_FOUND' });
    expect(await writeCounts()).toEqual({ ...before, audits: before.audits + 1 });
    expect(await prisma.auditEvent.count({ where: { actorId: w.colleague.id, action: 'ACCESS_DENIED', entityId: w.kase.id } })).toBe(1);
  });

  it('creates once when a retry repeats the clientMutationId', async () => {
    const w = await caseWorld();
    const token = await t.tokenFor(w.manager.id);
    const input = { caseId: cid(w.kase.id), title: 'Book the interpreter', clientMutationId: `task-${w.kase.id}` };
    const [a, b] = await Promise.all([t.gql(CREATE, { input }, { token }), t.gql(CREATE, { input }, { token })]);
    const c = await t.gql(CREATE, { input }, { token });
    const ids = [a, b, c].map((r: any) => expectData<any>(r).createTask.id);
    expect(new Set(ids).size).toBe(1);
    expect(await prisma.task.count({ where: { caseId: w.kase.id } })).toBe(1);
  });
});

describe('task status machine through updateTaskStatus', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s follows the machine', async (from, to) => {
    const w = await caseWorld();
    const task = await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id, status: from });
    const before = await writeCounts();
    const data: any = expectData(await t.gql(UPDATE, { input: { taskId: tid(task.id), status: to } }, { token: await t.tokenFor(w.nurse.id) }));
    const stored = await prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    if (taskMachine.can(from, to)) {
      expect(data.updateTaskStatus).toMatchObject({ __typename: 'Task', status: to, version: 2 });
      expect(stored.status).toBe(to);
      expect(stored.completedAt !== null).toBe(to === 'COMPLETED');
      expect(await writeCounts()).toEqual({ ...before, audits: before.audits + 1, events: before.events + 2 });
    } else {
      expect(data.updateTaskStatus).toMatchObject({ __typename: 'InvalidTransition', from, to });
      expect([...data.updateTaskStatus.allowed].sort()).toEqual([...taskMachine.allowedFrom(from)].sort());
      expect(stored).toMatchObject({ status: from, version: 1, completedAt: null });
      expect(await writeCounts()).toEqual(before);
    }
  });

  it('announces the change to the assignee and on the case', async () => {
    const w = await caseWorld();
    const task = await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id });
    const since = await lastEventId();
    expectData(await t.gql(UPDATE, { input: { taskId: tid(task.id), status: 'ACCEPTED', reason: 'on it' } }, { token: await t.tokenFor(w.nurse.id) }));
    const events = await eventsSince(since);
    expect(events.map((e) => [e.topic, e.kind])).toEqual([
      [`staff:${w.nurse.id}`, 'TASK_STATUS_CHANGED'],
      [`case:${w.kase.id}`, 'TASK_STATUS_CHANGED'],
    ]);
    expect(events[0]!.payload).toMatchObject({ taskId: task.id, caseId: w.kase.id, from: 'REQUESTED', to: 'ACCEPTED' });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { entityId: task.id, action: 'STATUS_CHANGE' } });
    expect(audit).toMatchObject({ actorId: w.nurse.id, clientId: w.client.id, reason: 'on it' });
  });

  it('refuses a stale version and changes nothing', async () => {
    const w = await caseWorld();
    const task = await createTaskRow(w.nurse.id, { caseId: w.kase.id });
    const token = await t.tokenFor(w.nurse.id);
    expectData(await t.gql(UPDATE, { input: { taskId: tid(task.id), status: 'ACCEPTED', expectedVersion: 1 } }, { token }));
    const before = await writeCounts();
    const stale: any = expectData(await t.gql(UPDATE, { input: { taskId: tid(task.id), status: 'IN_PROGRESS', expectedVersion: 1 } }, { token }));
    expect(stale.updateTaskStatus).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect(await prisma.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ status: 'ACCEPTED', version: 2 });
    expect(await writeCounts()).toEqual(before);
  });
});

describe('who may change a task status', () => {
  async function attempt(task: { id: string }, staffId: string) {
    const data: any = expectData(await t.gql(UPDATE, { input: { taskId: tid(task.id), status: 'CANCELLED' } }, { token: await t.tokenFor(staffId) }));
    const stored = await prisma.task.findUniqueOrThrow({ where: { id: task.id } });
    expect(data.updateTaskStatus.__typename === 'Task').toBe(stored.status === 'CANCELLED');
    return data.updateTaskStatus.__typename as string;
  }

  it('the assignee, the creator and a supervisor of the organization may', async () => {
    const w = await caseWorld();
    for (const staffId of [w.nurse.id, w.manager.id, w.supervisor.id]) {
      const task = await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id });
      expect(await attempt(task, staffId)).toBe('Task');
    }
  });

  it('a care-team member who only sees the task through the case may not (Forbidden)', async () => {
    const w = await caseWorld();
    const task = await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.supervisor.id });
    expect(await attempt(task, w.manager.id)).toBe('Forbidden');
  });

  it('someone who may not see the task gets NotFound, audited as a denial', async () => {
    const w = await caseWorld();
    const other = await createOrganization();
    const foreignSupervisor = await createStaff(other.id, { roles: ['SUPERVISOR'] });
    const onCase = await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id });
    const caseless = await createTaskRow(w.nurse.id, { createdById: w.manager.id });
    expect(await attempt(onCase, w.colleague.id)).toBe('NotFound');
    expect(await attempt(caseless, w.colleague.id)).toBe('NotFound');
    expect(await attempt(onCase, foreignSupervisor.id)).toBe('NotFound');
    expect(await prisma.auditEvent.count({ where: { actorId: w.colleague.id, action: 'ACCESS_DENIED', entityType: 'Task' } })).toBe(2);
    // A supervisor of the organization may, also for a task without a case.
    expect(await attempt(caseless, w.supervisor.id)).toBe('Task');
  });
});

describe('reading tasks', () => {
  it('tasks lists what the viewer may see, and filters', async () => {
    const w = await caseWorld();
    const onCase = await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id, kind: 'FORM', dueAt: daysFromNow(1) });
    const mine = await createTaskRow(w.colleague.id, { createdById: w.colleague.id, dueAt: daysFromNow(-2) });
    const delegated = await createTaskRow(w.supervisor.id, { createdById: w.colleague.id, status: 'COMPLETED' });
    const ids = async (staffId: string, filter: Record<string, unknown> = {}) => {
      const data: any = expectData(await t.gql(TASKS, { filter, first: 50 }, { token: await t.tokenFor(staffId) }));
      expect(data.tasks.totalCount).toBe(data.tasks.edges.length);
      return data.tasks.edges.map((e: any) => e.node.id).sort();
    };
    const sorted = (...rows: Array<{ id: string }>) => rows.map((r) => tid(r.id)).sort();
    expect(await ids(w.nurse.id)).toEqual(sorted(onCase)); // assignee (and care team)
    expect(await ids(w.manager.id)).toEqual(sorted(onCase)); // creator, care team
    expect(await ids(w.colleague.id)).toEqual(sorted(mine, delegated)); // own + created, not the case's
    expect(await ids(w.supervisor.id)).toEqual(sorted(onCase, mine, delegated)); // the organization's
    const outsider = await createStaff((await createOrganization()).id, { roles: ['SUPERVISOR'] });
    expect(await ids(outsider.id)).toEqual([]);

    expect(await ids(w.supervisor.id, { status: ['COMPLETED'] })).toEqual(sorted(delegated));
    expect(await ids(w.supervisor.id, { kind: 'FORM' })).toEqual(sorted(onCase));
    expect(await ids(w.supervisor.id, { dueBefore: new Date().toISOString() })).toEqual(sorted(mine));
    expect(await ids(w.supervisor.id, { assigneeId: sid(w.colleague.id) })).toEqual(sorted(mine));
    expect(await ids(w.supervisor.id, { caseId: cid(w.kase.id) })).toEqual(sorted(onCase));
  });

  it('pages through tasks by due date, those without a due date last', async () => {
    const w = await caseWorld();
    const later = await createTaskRow(w.colleague.id, { dueAt: daysFromNow(5) });
    const undated = await createTaskRow(w.colleague.id);
    const sooner = await createTaskRow(w.colleague.id, { dueAt: daysFromNow(1) });
    const token = await t.tokenFor(w.colleague.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 4; page++) {
      const data: any = expectData(await t.gql(TASKS, { first: 1, after }, { token }));
      seen.push(...data.tasks.edges.map((e: any) => e.node.id));
      if (!data.tasks.pageInfo.hasNextPage) break;
      after = data.tasks.pageInfo.endCursor;
    }
    expect(seen).toEqual([sooner, later, undated].map((r) => tid(r.id)));
  });

  it('a task does not reveal a case its viewer may no longer see; Case.tasks lists the case tasks', async () => {
    const w = await caseWorld();
    const task = await createTaskRow(w.nurse.id, { caseId: w.kase.id, dueAt: daysFromNow(-1) });
    await prisma.careTeamMember.updateMany({ where: { caseId: w.kase.id, staffId: w.nurse.id }, data: { endedAt: new Date() } });
    const NODE = `query($id: ID!) { node(id: $id) { ... on Task { id isOverdue case { id } } } }`;
    const asNurse: any = expectData(await t.gql(NODE, { id: tid(task.id) }, { token: await t.tokenFor(w.nurse.id) }));
    expect(asNurse.node).toEqual({ id: tid(task.id), isOverdue: true, case: null });
    const asManager: any = expectData(await t.gql(NODE, { id: tid(task.id) }, { token: await t.tokenFor(w.manager.id) }));
    expect(asManager.node.case).toEqual({ id: cid(w.kase.id) });
    const CASE_TASKS = `query($id: ID!) { node(id: $id) { ... on Case { tasks { id } open: tasks(status: [COMPLETED]) { id } } } }`;
    const data: any = expectData(await t.gql(CASE_TASKS, { id: cid(w.kase.id) }, { token: await t.tokenFor(w.manager.id) }));
    expect(data.node).toEqual({ tasks: [{ id: tid(task.id) }], open: [] });
  });

  it('reads a page of 2 or 20 tasks with their case, client and people in the same number of statements', async () => {
    const w = await caseWorld();
    const NESTED = `{ tasks(first: 50) { totalCount edges { node { id isOverdue assignee { id name } createdBy { id } case { id status client { id } } } } } }`;
    const token = await t.tokenFor(w.manager.id);
    const run = () => countStatements(async () => expectData<any>(await t.gql(NESTED, {}, { token })).tasks.edges.length);
    await t.gql('{ __typename }', {}, { token }); // the viewer is cached from then on
    for (let i = 0; i < 2; i += 1) await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id });
    const small = await run();
    for (let i = 0; i < 18; i += 1) await createTaskRow(w.nurse.id, { caseId: w.kase.id, createdById: w.manager.id });
    const large = await run();
    expect([small.result, large.result]).toEqual([2, 20]);
    expect(large.statements.length).toBe(small.statements.length);
  });
});
