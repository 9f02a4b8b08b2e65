// The API benchmark's statement-count pass, run as its own process by bench/api.ts:
//   node --import tsx bench/api/count-statements.ts <plan.json>
// Builds the app of the checkout under test in this process (its src/app.ts, over the same
// database), sends each operation over HTTP and counts the SQL statements its Prisma client
// sends meanwhile (src/db.ts onQuery), without transaction bookkeeping and without the real-time
// layer's background statements: the filters of test/support/sql.ts. Each operation is sent
// once to warm up (viewer cache, plan cache), then twice counted; the lower count is reported
// (a concurrent cache invalidation can only add statements), with the Prisma query plans each
// counted request compiled (a warm request should compile none). Prints one line:
//   STATEMENTS {"<label>": {"statements": n, "counts": [n, n], "sample": [...]}, ...}
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { problemWith, type CanonicalOperation, type GraphQLBody } from './operations.js';

export interface CountPlan {
  serverDir: string;
  port: number;
  env: Record<string, string>;
  /** `label` names the row; `check` says how to judge the answer (operations.ts problemWith). */
  requests: Array<{ label: string; check: CanonicalOperation | 'floor'; token: string; bodies: string[] }>;
}

// A mutation's own outbox write is tagged (src/services/workflow/journal.ts) and counts.
const BACKGROUND = /pg_try_advisory|pg_advisory|pg_notify|^\s*LISTEN|^(?!\/\* mutation journal \*\/)[\s\S]*(?<!"public"\.)"DomainEvent"/;
const BOOKKEEPING = /^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i;

async function main(): Promise<void> {
  const plan = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as CountPlan;
  const from = (path: string) => import(pathToFileURL(join(plan.serverDir, path)).href);
  const { loadConfig } = await from('src/env.ts');
  const { buildApp } = await from('src/app.ts');
  const { onQuery } = (await from('src/db.ts')) as { onQuery: (listener: (sql: string) => void) => () => void };
  // Prisma query plans compiled per request (a checkout without the counter reports none).
  const plans = (await from('src/db/plan-stats.ts').catch(() => null)) as { planCompilations(): number } | null;
  const compiled = () => plans?.planCompilations() ?? NaN;
  compiled();

  const app = buildApp(loadConfig({ ...plan.env, PORT: String(plan.port) }));
  const running = (await app.start(plan.port)) as { url: string };
  const results: Record<string, { statements: number; counts: number[]; plansCompiled: number[]; sample: string[] }> = {};
  try {
    for (const request of plan.requests) {
      const send = async (body: string) => {
        const response = await fetch(running.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}` },
          body,
        });
        const answer = (await response.json()) as GraphQLBody;
        const problem = response.status === 200 ? problemWith(request.check, answer) : `HTTP ${response.status}`;
        if (problem) throw new Error(`${request.label}: ${problem}`);
      };
      const counts: number[] = [];
      const plansCompiled: number[] = [];
      let sample: string[] = [];
      for (const [i, body] of request.bodies.slice(0, 3).entries()) {
        const statements: string[] = [];
        const compiledBefore = compiled();
        const stop = onQuery((sql) => {
          if (BOOKKEEPING.test(sql.trim()) || BACKGROUND.test(sql)) return;
          statements.push(sql);
        });
        try {
          await send(body);
        } finally {
          stop();
        }
        if (i === 0) continue; // the warm-up
        counts.push(statements.length);
        plansCompiled.push(compiled() - compiledBefore);
        if (sample.length === 0 || statements.length < sample.length) sample = statements;
      }
      results[request.label] = {
        statements: Math.min(...counts),
        counts,
        plansCompiled,
        sample: sample.map((sql) => sql.replace(/\s+/g, ' ').slice(0, 160)),
      };
    }
  } finally {
    await app.stop();
  }
  console.log(`STATEMENTS ${JSON.stringify(results)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
