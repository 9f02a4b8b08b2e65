// npm run soak -- --minutes N (or SOAK_MINUTES=N): the mixed workload of bench/soak/run.ts
// against two server processes, a private Redis and a database of its own (dropped at the
// end). Prints the report as JSON; exits 1 when a write or an event went missing, an event
// came twice or out of order, or a request failed unexpectedly. Not part of `npm test`
// (test/reliability/soak.test.ts runs a short one).
import { runSoak } from './soak/run.js';

const args = process.argv.slice(2);
const flag = args.indexOf('--minutes');
const minutes = Number(flag >= 0 ? args[flag + 1] : (process.env.SOAK_MINUTES ?? 10));
if (!Number.isFinite(minutes) || minutes <= 0) {
  console.error('usage: npm run soak -- --minutes N   (N > 0; SOAK_MINUTES works too)');
  process.exit(2);
}

// Interrupted: exit through 'exit', whose handlers stop the servers and the private Redis.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const report = await runSoak({ seconds: Math.round(minutes * 60), log: (line) => console.error(`[soak] ${line}`) });
console.log(JSON.stringify(report, null, 2));
const { events } = report;
const failed = report.errors > 0 || report.writesMissing > 0 || events.lost > 0 || events.duplicated > 0 || events.outOfOrder > 0;
process.exit(failed ? 1 : 0);
