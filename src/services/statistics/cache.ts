// Repeated statistics requests answered from memory. An entry is keyed by the viewer's scope
// and the normalised request, and holds the outbox position it was computed at: every change
// made through the mutation pipeline writes a DomainEvent in its transaction, so a newer
// DomainEvent id means the figures may have changed and the entry is recomputed. Changes made
// outside the pipeline (imports, seeds) and the clock (overdue plans) are covered by a short TTL.
import { prisma } from '../../db.js';
import type { StatisticsQuery } from './sql.js';
import type { StatisticsTable } from './table.js';

const MAX_ENTRIES = 200;
const TTL_MS = 60_000;

interface Entry {
  version: string;
  at: number;
  table: StatisticsTable;
}

const entries = new Map<string, Entry>();

export function cacheKey(query: StatisticsQuery, minCell: number): string {
  const { now: _now, ...rest } = query;
  return JSON.stringify({ ...rest, from: query.from.toISOString(), to: query.to.toISOString(), minCell });
}

/** The outbox position: one index lookup. */
export async function dataVersion(): Promise<string> {
  const [row] = await prisma.$queryRaw<Array<{ v: string }>>`SELECT coalesce(max(id), 0)::text AS v FROM "DomainEvent"`;
  return row!.v;
}

export function cached(key: string, version: string): StatisticsTable | null {
  const entry = entries.get(key);
  if (!entry || entry.version !== version || Date.now() - entry.at > TTL_MS) return null;
  // Least recently used goes first: re-inserting moves the key to the end.
  entries.delete(key);
  entries.set(key, entry);
  return entry.table;
}

export function remember(key: string, version: string, table: StatisticsTable): void {
  entries.delete(key);
  entries.set(key, { version, at: Date.now(), table });
  while (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
}
