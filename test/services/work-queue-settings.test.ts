// Work-queue settings: NO_CONTACT_DAYS sets when a case without contact enters the work queue
// (the query's default, like the live feed's; the argument still overrides it), and the overdue
// sweep drains a backlog bigger than one batch in one run (its timer is set out of the way
// here, so the test runs the sweep itself).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../src/db.js';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, globalId } from '../support/factories.js';
import { caseWorld, daysFromNow } from '../support/tasks.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('work_queue_settings', { NO_CONTACT_DAYS: '42', OVERDUE_POLL_MS: '3600000' });
});
afterAll(() => t?.stop());

const QUEUE = `query($days: Int) { me { workQueue(kinds: [NO_CONTACT], noContactDays: $days) { nodeId } } }`;

describe('NO_CONTACT_DAYS', () => {
  it("is the work queue's default threshold", async () => {
    const w = await caseWorld({ lastContactAt: daysFromNow(-40) });
    const quieter = await createCase(w.client.id, w.org.id, [{ staffId: w.manager.id }], { lastContactAt: daysFromNow(-45) });
    const token = await t.tokenFor(w.manager.id);
    const ids = async (days?: number) => ((expectData(await t.gql(QUEUE, { days }, { token })) as any).me.workQueue as Array<{ nodeId: string }>).map((i) => i.nodeId);
    expect(await ids()).toEqual([globalId('Case', quieter.id)]);
    expect((await ids(30)).sort()).toEqual([globalId('Case', w.kase.id), globalId('Case', quieter.id)].sort());
  });
});

describe('the overdue sweep', () => {
  it('announces a backlog of more than one batch in one run, oldest first, each once', async () => {
    const w = await caseWorld();
    await prisma.task.createMany({
      data: Array.from({ length: 250 }, (_, i) => ({ caseId: w.kase.id, assigneeId: w.manager.id, title: `Form ${i}`, dueAt: daysFromNow(-1 - i / 1000) })),
    });
    await t.app.realtime!.sweeps.overdue();
    const events = await prisma.domainEvent.findMany({ where: { kind: 'TASK_OVERDUE', payload: { path: ['caseId'], equals: w.kase.id } }, orderBy: { id: 'asc' } });
    expect(events).toHaveLength(250);
    const due = events.map((e) => (e.payload as { dueAt: string }).dueAt);
    expect(due).toEqual([...due].sort());
    expect(await prisma.task.count({ where: { caseId: w.kase.id, overdueAnnouncedFor: null } })).toBe(0);
    await t.app.realtime!.sweeps.overdue();
    expect(await prisma.domainEvent.count({ where: { kind: 'TASK_OVERDUE', payload: { path: ['caseId'], equals: w.kase.id } } })).toBe(250);
  });
});
