import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import type { FollowUpStatus } from '../../src/generated/prisma/enums.js';
import { followUpMachine } from '../../src/services/workflow/machines/follow-up.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createOrganization, createStaff, globalId } from '../support/factories.js';
import { countStatements } from '../support/sql.js';
import { caseWorld, createFollowUpRow, createTaskRow, daysFromNow, eventsSince, lastEventId, writeCounts } from '../support/tasks.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('follow_ups');
});
afterAll(() => t?.stop());

const STATUSES: FollowUpStatus[] = ['SCHEDULED', 'COMPLETED', 'MISSED', 'CANCELLED'];

const SCHEDULE = `mutation($input: ScheduleFollowUpInput!) { scheduleFollowUp(input: $input) { __typename
  ... on FollowUp { id kind status scheduledFor isOverdue version allowedStatusChanges assignedTo { id } case { id } client { id } notes }
  ... on InputValidationError { issues { path message } } ... on ValidationError { field message } ... on RuleViolation { rule } ... on Error { code message } } }`;
const RECORD = `mutation($input: RecordFollowUpOutcomeInput!) { recordFollowUpOutcome(input: $input) { __typename
  ... on FollowUp { id status version reachedClient satisfaction healthChange mentalHealthChange needsReassessment completedAt scheduledFor notes }
  ... on InvalidTransition { from to allowed } ... on StaleVersion { expectedVersion currentVersion }
  ... on InputValidationError { issues { path message } } ... on ValidationError { field message } ... on Error { code message } } }`;

const sid = (id: string) => globalId('StaffMember', id);
const cid = (id: string) => globalId('Case', id);
const fid = (id: string) => globalId('FollowUp', id);

/** The input fields that go with each target status. */
const OUTCOME_FOR: Record<FollowUpStatus, Record<string, unknown>> = {
  COMPLETED: { reachedClient: true, satisfaction: 4, healthChange: 'IMPROVED', mentalHealthChange: 'UNCHANGED', notes: 'Doing well at home' },
  MISSED: { notes: 'No answer after three calls' },
  CANCELLED: { notes: 'Client readmitted' },
  SCHEDULED: { scheduledFor: daysFromNow(2).toISOString() },
};

describe('scheduleFollowUp', () => {
  it('schedules a post-discharge follow-up on a closed case for the primary case manager, audited and announced', async () => {
    const w = await caseWorld({ status: 'CLOSED', closedAt: new Date() });
    const before = await writeCounts();
    const since = await lastEventId();
    const scheduledFor = daysFromNow(7).toISOString();
    const data: any = expectData(
      await t.gql(SCHEDULE, { input: { caseId: cid(w.kase.id), kind: 'POST_DISCHARGE', scheduledFor } }, { token: await t.tokenFor(w.nurse.id) }),
    );
    expect(data.scheduleFollowUp).toMatchObject({
      __typename: 'FollowUp',
      kind: 'POST_DISCHARGE',
      status: 'SCHEDULED',
      scheduledFor,
      isOverdue: false,
      version: 1,
      allowedStatusChanges: ['COMPLETED', 'MISSED', 'CANCELLED'],
      assignedTo: { id: sid(w.manager.id) },
      case: { id: cid(w.kase.id) },
      client: { id: globalId('Client', w.client.id) },
    });
    expect(await writeCounts()).toEqual({ ...before, followUps: before.followUps + 1, audits: before.audits + 1, events: before.events + 2 });
    const events = await eventsSince(since);
    expect(events.map((e) => [e.topic, e.kind])).toEqual([
      [`case:${w.kase.id}`, 'FOLLOW_UP_SCHEDULED'],
      [`staff:${w.manager.id}`, 'FOLLOW_UP_SCHEDULED'],
    ]);
    const followUpId = Buffer.from(data.scheduleFollowUp.id, 'base64').toString().split(':')[1];
    expect(events[0]!.payload).toMatchObject({ followUpId, caseId: w.kase.id });
    expect(await prisma.auditEvent.findFirstOrThrow({ where: { entityId: followUpId, action: 'CREATE' } })).toMatchObject({
      entityType: 'FollowUp',
      clientId: w.client.id,
      actorId: w.nurse.id,
    });
  });

  it('assigns it to a named care-team member or supervisor', async () => {
    const w = await caseWorld();
    const token = await t.tokenFor(w.manager.id);
    for (const staff of [w.nurse, w.supervisor]) {
      const data: any = expectData(
        await t.gql(SCHEDULE, { input: { caseId: cid(w.kase.id), kind: 'ROUTINE_CHECK', scheduledFor: daysFromNow(1).toISOString(), assignedToId: sid(staff.id) } }, { token }),
      );
      expect(data.scheduleFollowUp.assignedTo).toEqual({ id: sid(staff.id) });
    }
  });

  it('names the wrong field and writes nothing', async () => {
    const w = await caseWorld();
    const token = await t.tokenFor(w.manager.id);
    const before = await writeCounts();
    const base = { caseId: cid(w.kase.id), kind: 'POST_RELEASE', scheduledFor: daysFromNow(3).toISOString(), clientMutationId: `bad-${w.kase.id}` };
    const invalidInput: Array<[Record<string, unknown>, string[]]> = [
      [{ scheduledFor: new Date(Date.now() - 2 * 60_000).toISOString() }, ['input', 'scheduledFor']],
      [{ scheduledFor: daysFromNow(2 * 366 + 1).toISOString() }, ['input', 'scheduledFor']],
      [{ notes: 'x'.repeat(5001) }, ['input', 'notes']],
    ];
    for (const [change, path] of invalidInput) {
      const r: any = expectData(await t.gql(SCHEDULE, { input: { ...base, ...change } }, { token }));
      expect(r.scheduleFollowUp.__typename).toBe('InputValidationError');
      expect(r.scheduleFollowUp.issues[0].path).toEqual(path);
    }
    const offTeam: any = expectData(await t.gql(SCHEDULE, { input: { ...base, assignedToId: sid(w.colleague.id) } }, { token }));
    expect(offTeam.scheduleFollowUp).toMatchObject({ __typename: 'ValidationError', field: 'assignedToId' });
    // The default assignee, the primary case manager, has left.
    await prisma.staffMember.update({ where: { id: w.manager.id }, data: { active: false } });
    const gone: any = expectData(await t.gql(SCHEDULE, { input: base }, { token: await t.tokenFor(w.nurse.id) }));
    expect(gone.scheduleFollowUp).toMatchObject({ __typename: 'ValidationError', field: 'assignedToId' });
    expect(gone.scheduleFollowUp.message).toMatch(/no longer active/);
    expect(await writeCounts()).toEqual(before);
  });

  it('refuses a deceased client and a case the viewer may not see', async () => {
    const w = await caseWorld({ status: 'CLOSED' });
    const input = { caseId: cid(w.kase.id), kind: 'POST_DISCHARGE', scheduledFor: daysFromNow(3).toISOString() };
    const hidden: any = expectData(await t.gql(SCHEDULE, { input }, { token: await t.tokenFor(w.colleague.id) }));
    expect(hidden.scheduleFollowUp.__typename).toBe('NotFound');
    await prisma.client.update({ where: { id: w.client.id }, data: { status: 'DECEASED' } });
    const deceased: any = expectData(await t.gql(SCHEDULE, { input }, { token: await t.tokenFor(w.manager.id) }));
    expect(deceased.scheduleFollowUp).toMatchObject({ __typename: 'RuleViolation', rule: 'CLIENT_DECEASED' });
    expect(await prisma.followUp.count({ where: { caseId: w.kase.id } })).toBe(0);
  });

  it('schedules once when a retry repeats the clientMutationId', async () => {
    const w = await caseWorld();
    const token = await t.tokenFor(w.manager.id);
    const input = { caseId: cid(w.kase.id), kind: 'ROUTINE_CHECK', scheduledFor: daysFromNow(3).toISOString(), clientMutationId: `fu-${w.kase.id}` };
    const results = await Promise.all([t.gql(SCHEDULE, { input }, { token }), t.gql(SCHEDULE, { input }, { token })]);
    results.push(await t.gql(SCHEDULE, { input }, { token }));
    expect(new Set(results.map((r: any) => expectData<any>(r).scheduleFollowUp.id)).size).toBe(1);
    expect(await prisma.followUp.count({ where: { caseId: w.kase.id } })).toBe(1);
  });
});

describe('follow-up status machine through recordFollowUpOutcome', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.filter((to) => to !== from).map((to) => [from, to] as const));

  it.each(pairs)('%s -> %s follows the machine', async (from, to) => {
    const w = await caseWorld();
    const followUp = await createFollowUpRow(w.kase, w.manager.id, { status: from, scheduledFor: daysFromNow(-1) });
    const before = await writeCounts();
    const data: any = expectData(
      await t.gql(RECORD, { input: { followUpId: fid(followUp.id), status: to, ...OUTCOME_FOR[to] } }, { token: await t.tokenFor(w.manager.id) }),
    );
    const stored = await prisma.followUp.findUniqueOrThrow({ where: { id: followUp.id } });
    if (followUpMachine.can(from, to)) {
      expect(data.recordFollowUpOutcome).toMatchObject({ __typename: 'FollowUp', status: to, version: 2, needsReassessment: false });
      expect(stored.status).toBe(to);
      expect(await writeCounts()).toEqual({ ...before, audits: before.audits + 1, events: before.events + 2 });
      if (to === 'COMPLETED') {
        expect(stored).toMatchObject({ reachedClient: true, satisfaction: 4, healthChange: 'IMPROVED', mentalHealthChange: 'UNCHANGED' });
        expect(stored.completedAt).not.toBeNull();
      }
      if (to === 'MISSED') expect(stored.reachedClient).toBe(false);
      if (to === 'SCHEDULED') expect(stored.scheduledFor.toISOString()).toBe(OUTCOME_FOR.SCHEDULED.scheduledFor);
    } else {
      expect(data.recordFollowUpOutcome).toMatchObject({ __typename: 'InvalidTransition', from, to });
      expect([...data.recordFollowUpOutcome.allowed].sort()).toEqual([...followUpMachine.allowedFrom(from)].sort());
      expect(stored).toMatchObject({ status: from, version: 1 });
      expect(await writeCounts()).toEqual(before);
    }
  });

  it('a missed follow-up is rescheduled with a new date and announced as scheduled again', async () => {
    const w = await caseWorld();
    const followUp = await createFollowUpRow(w.kase, w.nurse.id, { scheduledFor: daysFromNow(-2) });
    const token = await t.tokenFor(w.nurse.id);
    const missed: any = expectData(await t.gql(RECORD, { input: { followUpId: fid(followUp.id), status: 'MISSED', notes: 'No answer' } }, { token }));
    expect(missed.recordFollowUpOutcome).toMatchObject({ status: 'MISSED', reachedClient: false, notes: 'MISSED: No answer' });
    const since = await lastEventId();
    const scheduledFor = daysFromNow(4).toISOString();
    const again: any = expectData(
      await t.gql(RECORD, { input: { followUpId: fid(followUp.id), status: 'SCHEDULED', scheduledFor, expectedVersion: 2, notes: 'Letter sent' } }, { token }),
    );
    expect(again.recordFollowUpOutcome).toMatchObject({
      status: 'SCHEDULED',
      scheduledFor,
      reachedClient: null,
      version: 3,
      notes: 'MISSED: No answer\n\nSCHEDULED: Letter sent',
    });
    expect((await eventsSince(since)).map((e) => [e.topic, e.kind])).toEqual([
      [`case:${w.kase.id}`, 'FOLLOW_UP_SCHEDULED'],
      [`staff:${w.nurse.id}`, 'FOLLOW_UP_SCHEDULED'],
    ]);
  });

  it('refuses a stale version and changes nothing', async () => {
    const w = await caseWorld();
    const followUp = await createFollowUpRow(w.kase, w.manager.id);
    const token = await t.tokenFor(w.manager.id);
    expectData(await t.gql(RECORD, { input: { followUpId: fid(followUp.id), status: 'MISSED', expectedVersion: 1 } }, { token }));
    const before = await writeCounts();
    const stale: any = expectData(await t.gql(RECORD, { input: { followUpId: fid(followUp.id), status: 'CANCELLED', expectedVersion: 1 } }, { token }));
    expect(stale.recordFollowUpOutcome).toMatchObject({ __typename: 'StaleVersion', expectedVersion: 1, currentVersion: 2 });
    expect(await prisma.followUp.findUniqueOrThrow({ where: { id: followUp.id } })).toMatchObject({ status: 'MISSED', version: 2 });
    expect(await writeCounts()).toEqual(before);
  });

  it('names the field that does not go with the status, and writes nothing', async () => {
    const w = await caseWorld();
    const scheduled = await createFollowUpRow(w.kase, w.manager.id);
    const missed = await createFollowUpRow(w.kase, w.manager.id, { status: 'MISSED' });
    const token = await t.tokenFor(w.manager.id);
    const before = await writeCounts();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [scheduled.id, { status: 'COMPLETED', satisfaction: 4 }, 'reachedClient'],
      [scheduled.id, { status: 'COMPLETED', reachedClient: false, satisfaction: 1 }, 'satisfaction'],
      [scheduled.id, { status: 'MISSED', healthChange: 'DECLINED' }, 'healthChange'],
      [scheduled.id, { status: 'CANCELLED', reachedClient: true }, 'reachedClient'],
      [scheduled.id, { status: 'COMPLETED', reachedClient: true, scheduledFor: daysFromNow(1).toISOString() }, 'scheduledFor'],
      [missed.id, { status: 'SCHEDULED' }, 'scheduledFor'],
    ];
    for (const [id, input, field] of cases) {
      const r: any = expectData(await t.gql(RECORD, { input: { followUpId: fid(id), ...input } }, { token }));
      expect(r.recordFollowUpOutcome).toMatchObject({ __typename: 'ValidationError', field });
    }
    for (const satisfaction of [0, 6]) {
      const r: any = expectData(
        await t.gql(RECORD, { input: { followUpId: fid(scheduled.id), status: 'COMPLETED', reachedClient: true, satisfaction } }, { token }),
      );
      expect(r.recordFollowUpOutcome.__typename).toBe('InputValidationError');
      expect(r.recordFollowUpOutcome.issues[0].path).toEqual(['input', 'satisfaction']);
    }
    expect(await writeCounts()).toEqual(before);
    expect(await prisma.followUp.findUniqueOrThrow({ where: { id: scheduled.id } })).toMatchObject({ status: 'SCHEDULED', version: 1 });
  });

  it('answers NotFound to someone who may not see the case', async () => {
    const w = await caseWorld();
    const followUp = await createFollowUpRow(w.kase, w.manager.id);
    const outsider = await createStaff((await createOrganization()).id, { roles: ['SUPERVISOR'] });
    for (const staffId of [w.colleague.id, outsider.id]) {
      const r: any = expectData(await t.gql(RECORD, { input: { followUpId: fid(followUp.id), status: 'CANCELLED' } }, { token: await t.tokenFor(staffId) }));
      expect(r.recordFollowUpOutcome.__typename).toBe('NotFound');
    }
    expect((await prisma.followUp.findUniqueOrThrow({ where: { id: followUp.id } })).status).toBe('SCHEDULED');
  });
});

describe('the reassessment rule', () => {
  const complete = (followUpId: string, outcome: Record<string, unknown>, token: string) =>
    t.gql(RECORD, { input: { followUpId: fid(followUpId), status: 'COMPLETED', reachedClient: true, ...outcome } }, { token });

  it.each([
    ['declined physical health', { healthChange: 'DECLINED', mentalHealthChange: 'UNCHANGED', satisfaction: 4 }, /physical health declined/],
    ['declined mental health', { healthChange: 'IMPROVED', mentalHealthChange: 'DECLINED' }, /mental health declined/],
    ['satisfaction 2', { satisfaction: 2, healthChange: 'UNCHANGED' }, /satisfaction 2 of 5/],
    ['satisfaction 1', { satisfaction: 1 }, /satisfaction 1 of 5/],
    ['declined health reported by the family (client not reached)', { reachedClient: false, healthChange: 'DECLINED' }, /physical health declined/],
  ])('%s: flags the follow-up and gives the primary case manager a REASSESSMENT task in the same transaction', async (_label, outcome, why) => {
    const w = await caseWorld();
    // The follow-up is the nurse's; the reassessment is the primary case manager's.
    const followUp = await createFollowUpRow(w.kase, w.nurse.id, { scheduledFor: daysFromNow(-1) });
    const before = await writeCounts();
    const since = await lastEventId();
    const data: any = expectData(await complete(followUp.id, outcome, await t.tokenFor(w.nurse.id)));
    expect(data.recordFollowUpOutcome).toMatchObject({ __typename: 'FollowUp', status: 'COMPLETED', needsReassessment: true });
    const tasks = await prisma.task.findMany({ where: { caseId: w.kase.id } });
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ kind: 'REASSESSMENT', assigneeId: w.manager.id, status: 'REQUESTED', createdById: null });
    expect(tasks[0]!.description).toMatch(why);
    expect(tasks[0]!.dueAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);
    // follow-up STATUS_CHANGE + task CREATE; FOLLOW_UP_RECORDED x2 + TASK_ASSIGNED x2
    expect(await writeCounts()).toEqual({ ...before, tasks: before.tasks + 1, audits: before.audits + 2, events: before.events + 4 });
    const events = await eventsSince(since);
    expect(events.map((e) => [e.topic, e.kind]).sort()).toEqual(
      [
        [`staff:${w.manager.id}`, 'TASK_ASSIGNED'],
        [`case:${w.kase.id}`, 'TASK_ASSIGNED'],
        [`case:${w.kase.id}`, 'FOLLOW_UP_RECORDED'],
        [`staff:${w.nurse.id}`, 'FOLLOW_UP_RECORDED'],
      ].sort(),
    );
    const recorded = events.find((e) => e.kind === 'FOLLOW_UP_RECORDED')!;
    expect(recorded.payload).toMatchObject({ followUpId: followUp.id, caseId: w.kase.id, needsReassessment: true, taskId: tasks[0]!.id });
  });

  it('a good outcome creates no task', async () => {
    const w = await caseWorld();
    const followUp = await createFollowUpRow(w.kase, w.manager.id);
    const before = await writeCounts();
    const data: any = expectData(
      await complete(followUp.id, { satisfaction: 3, healthChange: 'UNCHANGED', mentalHealthChange: 'IMPROVED' }, await t.tokenFor(w.manager.id)),
    );
    expect(data.recordFollowUpOutcome).toMatchObject({ status: 'COMPLETED', needsReassessment: false });
    expect(await prisma.task.count({ where: { caseId: w.kase.id } })).toBe(0);
    expect(await writeCounts()).toEqual({ ...before, audits: before.audits + 1, events: before.events + 2 });
  });

  it('joins an open reassessment task of the case instead of adding another', async () => {
    const w = await caseWorld();
    const open = await createTaskRow(w.manager.id, { caseId: w.kase.id, kind: 'REASSESSMENT', status: 'ACCEPTED' });
    const followUp = await createFollowUpRow(w.kase, w.manager.id);
    const data: any = expectData(await complete(followUp.id, { healthChange: 'DECLINED' }, await t.tokenFor(w.manager.id)));
    expect(data.recordFollowUpOutcome.needsReassessment).toBe(true);
    expect(await prisma.task.findMany({ where: { caseId: w.kase.id }, select: { id: true } })).toEqual([{ id: open.id }]);
  });

  it('without an active primary case manager, whoever recorded the outcome reassesses', async () => {
    const w = await caseWorld({ status: 'CLOSED' });
    await prisma.staffMember.update({ where: { id: w.manager.id }, data: { active: false } });
    const followUp = await createFollowUpRow(w.kase, w.nurse.id);
    expectData(await complete(followUp.id, { mentalHealthChange: 'DECLINED' }, await t.tokenFor(w.nurse.id)));
    expect(await prisma.task.findFirstOrThrow({ where: { caseId: w.kase.id } })).toMatchObject({ kind: 'REASSESSMENT', assigneeId: w.nurse.id });
  });

  it('a refused outcome creates no task either', async () => {
    const w = await caseWorld();
    const followUp = await createFollowUpRow(w.kase, w.manager.id, { status: 'CANCELLED' });
    const before = await writeCounts();
    const data: any = expectData(await complete(followUp.id, { healthChange: 'DECLINED' }, await t.tokenFor(w.manager.id)));
    expect(data.recordFollowUpOutcome.__typename).toBe('InvalidTransition');
    expect(await writeCounts()).toEqual(before);
  });
});

describe('reading follow-ups', () => {
  it('followUps lists those of visible cases, with filters; Case.followUps too', async () => {
    const w = await caseWorld();
    const overdue = await createFollowUpRow(w.kase, w.nurse.id, { scheduledFor: daysFromNow(-3) });
    const upcoming = await createFollowUpRow(w.kase, w.manager.id, { scheduledFor: daysFromNow(5) });
    const done = await createFollowUpRow(w.kase, w.manager.id, { scheduledFor: daysFromNow(-10), status: 'COMPLETED' });
    const LIST = `query($filter: FollowUpFilter) { followUps(filter: $filter, first: 50) { totalCount edges { node { id isOverdue } } } }`;
    const list = async (staffId: string, filter: Record<string, unknown> = {}) => {
      const data: any = expectData(await t.gql(LIST, { filter }, { token: await t.tokenFor(staffId) }));
      expect(data.followUps.totalCount).toBe(data.followUps.edges.length);
      return data.followUps.edges.map((e: any) => e.node);
    };
    expect(await list(w.manager.id)).toEqual([
      { id: fid(done.id), isOverdue: false },
      { id: fid(overdue.id), isOverdue: true },
      { id: fid(upcoming.id), isOverdue: false },
    ]);
    expect(await list(w.colleague.id)).toEqual([]);
    expect((await list(w.supervisor.id)).length).toBe(3);
    const ids = async (filter: Record<string, unknown>) => (await list(w.manager.id, filter)).map((n: any) => n.id);
    expect(await ids({ status: ['SCHEDULED'], dueBefore: new Date().toISOString() })).toEqual([fid(overdue.id)]);
    expect(await ids({ assignedTo: sid(w.nurse.id) })).toEqual([fid(overdue.id)]);
    expect(await ids({ caseId: cid(w.kase.id), status: ['COMPLETED'] })).toEqual([fid(done.id)]);

    const CASE = `query($id: ID!) { node(id: $id) { ... on Case { followUps(status: [SCHEDULED]) { id } } } }`;
    const data: any = expectData(await t.gql(CASE, { id: cid(w.kase.id) }, { token: await t.tokenFor(w.nurse.id) }));
    expect(data.node.followUps).toEqual([{ id: fid(overdue.id) }, { id: fid(upcoming.id) }]);
  });

  it('reads a page of 2 or 20 follow-ups with their case, client and assignee in the same number of statements', async () => {
    const w = await caseWorld();
    const NESTED = `{ followUps(first: 50) { totalCount edges { node { id isOverdue assignedTo { id } client { id } case { id careTeam { role } } } } } }`;
    const token = await t.tokenFor(w.manager.id);
    const run = () => countStatements(async () => expectData<any>(await t.gql(NESTED, {}, { token })).followUps.edges.length);
    await t.gql('{ __typename }', {}, { token }); // the viewer is cached from then on
    for (let i = 0; i < 2; i += 1) await createFollowUpRow(w.kase, w.nurse.id);
    const small = await run();
    for (let i = 0; i < 18; i += 1) await createFollowUpRow(w.kase, w.nurse.id);
    const large = await run();
    expect([small.result, large.result]).toEqual([2, 20]);
    expect(large.statements.length).toBe(small.statements.length);
  });
});
