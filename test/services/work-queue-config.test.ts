// NO_CONTACT_DAYS sets when a case without contact enters the work queue: the query's default,
// like the live feed's (the argument still overrides it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectData, startTestApp, type TestApp } from '../support/app.js';
import { createCase, globalId } from '../support/factories.js';
import { caseWorld, daysFromNow } from '../support/tasks.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp('work_queue_config', { NO_CONTACT_DAYS: '42' });
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
