// The one Prisma client of the process (Pothos advises against carrying it in context).
// `openDatabase` is called by buildApp; several apps in one process (tests running two
// instances) share it as long as they name the same database.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from './generated/prisma/client.js';

export type { PrismaClient };
export { Prisma } from './generated/prisma/client.js';
/** The client or an interactive transaction: what services write through. */
export type Db = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>;

/** Live binding: importers see the client once openDatabase has run. */
export let prisma: PrismaClient = undefined as unknown as PrismaClient;

let opened: { url: string; refs: number } | undefined;
const queryListeners = new Set<(sql: string) => void>();

export interface DatabaseOptions {
  url: string;
  poolMax: number;
  /**
   * A PostgreSQL server (not the embedded database), whose sessions are tuned:
   * - JIT off: the access filters' nested EXISTS inflate cost estimates past the JIT threshold,
   *   and compiling them took 0.3–1.2 s on queries that run in milliseconds;
   * - each distinct statement prepared once per connection, then only bound: Prisma's
   *   statements are long (a client's chart is one of many kilobytes) and writing them on every
   *   request was ~15% of the server's CPU;
   * - plans cached as PostgreSQL does by default (plan_cache_mode=auto): after five custom plans
   *   of a statement, a generic one is kept if it costs no more. Planning every execution
   *   (force_custom_plan, used before) cost 6 ms of PostgreSQL on the crisis board's page query;
   *   with auto, the chart served 2.2–3.1× the requests and recordInteraction 1.1–1.5×, and no
   *   canonical operation got slower (bench:api, alternating runs on one machine).
   */
  server?: boolean;
  /**
   * The server's pool on the embedded database, which serves one session at a time, in turn
   * (embedded.ts): it lets go of it soon after each burst of work and now and then under steady
   * load, so that a CLI (npm run token) gets a turn. A reconnection in-process costs little.
   */
  embedded?: boolean;
  /** PostgreSQL's statement_timeout on a server's sessions (0: none): no request holds a connection for minutes. */
  statementTimeoutMs?: number;
  /** How long a query waits for a pooled connection on a server (pg waits forever by default). */
  connectionTimeoutMs?: number;
}

export function openDatabase({ url, poolMax, server = false, embedded = false, statementTimeoutMs = 0, connectionTimeoutMs = 5000 }: DatabaseOptions): PrismaClient {
  if (opened) {
    if (opened.url !== url) throw new Error('This process already uses another database');
    opened.refs += 1;
    return prisma;
  }
  const client = new PrismaClient({
    adapter: server
      ? new PrismaPg(
          {
            connectionString: url,
            max: poolMax,
            connectionTimeoutMillis: connectionTimeoutMs,
            options: `-c jit=off -c plan_cache_mode=auto -c statement_timeout=${statementTimeoutMs}`,
          },
          { statementNameGenerator: statementNames() },
        )
      : new PrismaPg({ connectionString: url, max: poolMax, ...(embedded ? { idleTimeoutMillis: 100, maxUses: 50 } : {}) }),
    log: [{ emit: 'event', level: 'query' }],
  });
  // Statement counting for N+1 tests and diagnostics; costs nothing without listeners.
  client.$on('query', (event) => {
    for (const listener of queryListeners) listener(event.query);
  });
  prisma = client;
  opened = { url, refs: 1 };
  return client;
}

/**
 * A name per distinct SQL text, for as many texts as a server has (Prisma's plans are cached by
 * shape too). Unnamed statements are parsed and planned for their parameters at each execution:
 * those past the table's size, and pattern matches (ILIKE, client search), whose best plan
 * depends on the pattern: a generic plan read the trigram indexes whole for a one-letter word
 * (554 ms against 197 for "e" over 100,000 clients).
 */
export function statementNames(max = 5000): (query: { sql: string }) => string {
  const names = new Map<string, string | undefined>();
  let named = 0;
  return ({ sql }): string => {
    if (!names.has(sql) && names.size < max) names.set(sql, /\bI?LIKE\b/.test(sql) ? undefined : `cg${named++}`);
    return names.get(sql) as string;
  };
}

export async function closeDatabase(): Promise<void> {
  if (!opened) return;
  opened.refs -= 1;
  if (opened.refs > 0) return;
  opened = undefined;
  await prisma.$disconnect();
}

/** PostgreSQL cancelled a statement at statement_timeout (57014), as the driver adapter reports it. */
export function isStatementTimeout(error: unknown): boolean {
  for (let cause = error; cause && typeof cause === 'object'; cause = (cause as { cause?: unknown }).cause) {
    const fields = cause as { code?: unknown; originalCode?: unknown; kind?: unknown; meta?: { driverAdapterError?: unknown } };
    if (fields.code === '57014' || fields.originalCode === '57014') return true;
    if (fields.meta?.driverAdapterError && isStatementTimeout(fields.meta.driverAdapterError)) return true;
  }
  return false;
}

/** Calls `listener` with every SQL statement the client sends until the returned function is called. */
export function onQuery(listener: (sql: string) => void): () => void {
  queryListeners.add(listener);
  return () => queryListeners.delete(listener);
}
