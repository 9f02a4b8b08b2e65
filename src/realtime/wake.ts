// Telling relays that a transaction with outbox rows committed, so they read now instead of at
// their next poll. Relays in this process are called directly; relays in other processes hear
// a PostgreSQL NOTIFY (sent after the commit, so they always find the rows), unless a relay of
// this process publishes for every instance anyway (it leads: others have nothing to do).
import { prisma } from '../db.js';

export const OUTBOX_CHANNEL = 'casegraph_outbox';

export interface WakeTarget {
  wake(): void;
  /** This relay publishes for all instances (Redis leader): no one elsewhere needs waking. */
  leadsAll(): boolean;
  /** Other processes may be relaying from the same database and listen for NOTIFY. */
  othersListen(): boolean;
}

const targets = new Set<WakeTarget>();

export function registerWakeTarget(target: WakeTarget): () => void {
  targets.add(target);
  return () => targets.delete(target);
}

/** Called by runMutation after a commit that wrote outbox rows. Never throws, never waits. */
export function outboxCommitted(): void {
  let leadsAll = false;
  let othersListen = false;
  for (const target of targets) {
    target.wake();
    leadsAll ||= target.leadsAll();
    othersListen ||= target.othersListen();
  }
  if (othersListen && !leadsAll) {
    // Best effort: a lost NOTIFY only costs the poll interval.
    prisma.$executeRawUnsafe(`SELECT pg_notify('${OUTBOX_CHANNEL}', '')`).catch(() => {});
  }
}
