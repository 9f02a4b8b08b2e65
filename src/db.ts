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
   * Turn PostgreSQL's JIT off for these sessions. The access filters' nested EXISTS inflate
   * cost estimates past the JIT threshold, and compiling them took 0.3–1.2 s on a query that
   * runs in milliseconds (client search over 100,000 clients). Not for the embedded database.
   */
  noJit?: boolean;
}

export function openDatabase({ url, poolMax, noJit = false }: DatabaseOptions): PrismaClient {
  if (opened) {
    if (opened.url !== url) throw new Error('This process already uses another database');
    opened.refs += 1;
    return prisma;
  }
  const client = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: poolMax, ...(noJit ? { options: '-c jit=off' } : {}) }),
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

export async function closeDatabase(): Promise<void> {
  if (!opened) return;
  opened.refs -= 1;
  if (opened.refs > 0) return;
  opened = undefined;
  await prisma.$disconnect();
}

/** Calls `listener` with every SQL statement the client sends until the returned function is called. */
export function onQuery(listener: (sql: string) => void): () => void {
  queryListeners.add(listener);
  return () => queryListeners.delete(listener);
}
