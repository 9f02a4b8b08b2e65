// Deterministic seed data: organizations, staff, providers and, in chunks, clients with their
// families and the full history of their cases (assessments, plans, referrals, contacts,
// crises, follow-ups, tasks, consents).
//
// Same `seed` and `clients` => same rows and same ids: every value comes from a seeded
// generator (./random.ts) and every date is relative to REFERENCE_DATE, never the clock.
// Clients are generated and written a chunk at a time, so 100,000 clients never sit in memory
// together. Each chunk has a random stream of its own, but chunks run in order: they share the
// run's state (./run.ts: status quotas, identifier counters).
//
// Reading order: this file (the run), ./organizations.ts and ./providers.ts (fixtures),
// ./households.ts -> ./clients.ts -> ./cases.ts (and what a case holds: ./care-teams.ts,
// ./assessments.ts, ./referrals.ts, ./interactions.ts, ./care-plans.ts, ./follow-ups.ts),
// ./crises.ts, ./consents.ts; the writers ./copy-writer.ts and ./prisma-writer.ts.
import type { Db, PrismaClient } from '../db.js';
import { markOverdueAnnounced } from '../realtime/overdue.js';
import { DEFAULT_NO_CONTACT_DAYS } from '../services/work-queue.js';
import { openCopyWriter } from './copy-writer.js';
import { generateChunk } from './households.js';
import { buildFixtures } from './organizations.js';
import { openPrismaWriter } from './prisma-writer.js';
import { DEFAULT_CLIENTS, DEFAULT_SEED, DEMO_CLIENTS, REFERENCE_DATE } from './reference.js';
import { type Run, createRun } from './run.js';
import { type Batch, type SeedSummary, type SeedWriter, emptySummary } from './tables.js';

export { DEFAULT_CLIENTS, DEFAULT_SEED, DEMO_CASE_MANAGER_EMAIL, DEMO_CLIENTS, DEMO_STAFF_EMAILS, REFERENCE_DATE } from './reference.js';
export type { SeedSummary } from './tables.js';

export interface SeedOptions {
  clients?: number;
  seed?: number;
  onProgress?: (message: string) => void;
  /**
   * The URL of the database `db` talks to. When given, rows go in with COPY over connections of
   * their own (./copy-writer.ts), several times faster; otherwise through `db`. Leave it out for
   * the embedded database: PGlite serves one connection at a time, and Prisma holds it.
   */
  databaseUrl?: string;
}

/** Clients per chunk. Part of the data set's identity: chunk k draws from its own stream. */
const CHUNK_CLIENTS = 1000;
/** Chunks generated ahead of the writing. */
const CHUNKS_IN_FLIGHT = 2;
/** Generation yields to the event loop this often, so the sockets of chunks in flight keep moving. */
const YIELD_EVERY_MS = 10;

export async function seed(db: Db, options: SeedOptions = {}): Promise<SeedSummary> {
  const clients = options.clients ?? DEFAULT_CLIENTS;
  const seedNumber = options.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(clients) || clients < 1) throw new Error(`clients must be a positive whole number (got ${clients})`);
  const progress = options.onProgress ?? (() => {});
  const summary = emptySummary();

  const run = createRun(seedNumber, clients);
  const fixtures = buildFixtures(run);
  const writer = options.databaseUrl ? await openCopyWriter(options.databaseUrl, summary) : await openPrismaWriter(db, summary);
  try {
    await writer.writeFixtures(fixtures);
    progress(`organizations, ${summary.staffMember} staff and ${summary.provider} providers written`);
    await writeChunks(writer, run, clients, progress);
    // What fell due before the data set's "now" is its history, not news for the live work queue.
    // The writer's checks read other columns: both at once, and both before the writer builds
    // any indexes it set aside, so that these updates maintain none.
    const ends = await Promise.allSettled([writer.check(), markOverdueAnnounced(db, REFERENCE_DATE, DEFAULT_NO_CONTACT_DAYS)]);
    for (const end of ends) if (end.status === 'rejected') throw end.reason;
    const built = await writer.finish();
    if (built > 0) progress(`rows checked, ${built} indexes built`);
  } finally {
    await writer.close();
  }
  return summary;
}

/** Chunks never reference each other: the next one is generated while earlier ones are written. */
async function writeChunks(writer: SeedWriter, run: Run, clients: number, progress: (message: string) => void): Promise<void> {
  const chunkCount = Math.ceil(clients / CHUNK_CLIENTS);
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let done = 0;
  let lastYield = performance.now();
  for (let k = 0; k < chunkCount && failure === undefined; k++) {
    const size = Math.min(CHUNK_CLIENTS, clients - k * CHUNK_CLIENTS);
    const chunk = writer.chunk();
    let rows: Batch | undefined;
    for (rows of generateChunk(run, k, size)) {
      chunk.take?.(rows);
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastYield = performance.now();
      }
    }
    while (inFlight.size >= CHUNKS_IN_FLIGHT) await Promise.race(inFlight);
    const writing: Promise<void> = chunk
      .write(rows!)
      .then(() => {
        done += size;
        progress(`clients ${done.toLocaleString('en-US')}/${clients.toLocaleString('en-US')}`);
      })
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(writing));
    inFlight.add(writing);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}

/** The small data set loaded into an empty database on a newcomer's first start. */
export async function seedDemo(prisma: PrismaClient): Promise<SeedSummary> {
  // One transaction: a start interrupted half-way leaves an empty database, seeded next time.
  return prisma.$transaction((tx) => seed(tx, { clients: DEMO_CLIENTS, seed: DEFAULT_SEED }), {
    timeout: 300_000,
    maxWait: 30_000,
  });
}

/** True when no organization, staff member, client or provider exists yet. */
export async function isDatabaseEmpty(db: Db): Promise<boolean> {
  const found = await Promise.all([
    db.organization.findFirst({ select: { id: true } }),
    db.staffMember.findFirst({ select: { id: true } }),
    db.client.findFirst({ select: { id: true } }),
    db.provider.findFirst({ select: { id: true } }),
  ]);
  return found.every((row) => row === null);
}
