// A short soak (bench/soak/run.ts; `npm run soak -- --minutes N` runs a long one): two server
// processes, a private Redis restarted midway and instance B restarted midway under a mixed
// load. Nothing may go missing, arrive twice or out of order, and no request may fail except
// the refusals of a stopping instance (retried on the other).
import { expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/run.js';

it('keeps every write and delivers every event exactly once, in order, through a Redis and an instance restart', async () => {
  const report = await runSoak({ seconds: 20, writers: 3, readers: 1, subscribers: 6 });
  console.log(`soak (20 s): ${report.requests} requests, ${report.errors} errors, p99 ${report.p99Ms} ms, ${report.events.received}/${report.events.expected} events`);
  expect(report.errorKinds).toEqual({});
  expect(report.writesOk).toBeGreaterThan(0);
  expect(report.writesMissing).toBe(0);
  expect(report.events.expected).toBeGreaterThan(0);
  expect(report.events).toMatchObject({ lost: 0, duplicated: 0, outOfOrder: 0 });
  expect(report.events.received).toBe(report.events.expected);
  expect(report.events.resubscriptions).toBeGreaterThan(0);
}, 180_000);
