// Who the staff member behind a request is, without a database round trip per request.
//
// Entries are dropped the moment PostgreSQL says a staff row or a team membership changed: the
// triggers of migration `staff_change_notify` NOTIFY `casegraph_staff` with the staff id after
// every commit that touches them (also changes made outside the API), and every instance
// LISTENs (src/auth/staff-changes.ts). The instance that made the change through the API drops
// its entry itself before answering. While no listener is connected the cache is bypassed, and
// a reconnecting listener empties it: a notification missed in between can never leave a
// deactivated or demoted staff member cached.
import { loadViewer, type Viewer } from './viewer.js';

type Staff = Omit<Viewer, 'expiresAt'>;

const MAX_ENTRIES = 10_000;
/** A safety net only: invalidation is by notification. */
const MAX_AGE_MS = 5 * 60_000;

interface Entry {
  staff: Staff | null;
  loadedAt: number;
}

const entries = new Map<string, Entry>();
/** Loads in flight, so concurrent first requests of one staff member share one query. */
const loading = new Map<string, Promise<Staff | null>>();
/** Bumped by every invalidation: a load that started before one is not kept. */
let epoch = 0;
let listeners = 0;
const waiters = new Set<(staffId: string | null) => void>();
const listenWaiters = new Set<() => void>();
const stats = { hits: 0, misses: 0, invalidations: 0 };

export const viewerCache = {
  /** The viewer for a verified token: cached while a listener is connected, else loaded. */
  async get(staffId: string, expiresAt: number | null): Promise<Viewer | null> {
    if (listeners === 0) return loadViewer(staffId, expiresAt);
    const entry = entries.get(staffId);
    if (entry && Date.now() - entry.loadedAt < MAX_AGE_MS) {
      stats.hits += 1;
      return entry.staff && { ...entry.staff, expiresAt };
    }
    stats.misses += 1;
    let pending = loading.get(staffId);
    if (!pending) {
      const startedAt = epoch;
      pending = loadViewer(staffId, null).then((viewer) => {
        const staff = viewer && strip(viewer);
        if (startedAt === epoch && listeners > 0) remember(staffId, staff);
        return staff;
      });
      pending.finally(() => loading.delete(staffId)).catch(() => {});
      loading.set(staffId, pending);
    }
    const staff = await pending;
    return staff && { ...staff, expiresAt };
  },

  /** Forget one staff member (a change to them), or everyone (null: a table was emptied). */
  invalidate(staffId: string | null): void {
    epoch += 1;
    stats.invalidations += 1;
    if (staffId === null) entries.clear();
    else entries.delete(staffId);
    for (const waiter of waiters) waiter(staffId);
  },

  /** Resolves at the next invalidation that covers `staffId` (tests await a change's notice). */
  invalidated(staffId: string): Promise<void> {
    return new Promise((resolve) => {
      const waiter = (id: string | null) => {
        if (id !== null && id !== staffId) return;
        waiters.delete(waiter);
        resolve();
      };
      waiters.add(waiter);
    });
  },

  /** A listener connected (true) or went away (false); either way nothing cached is trusted. */
  listening(connected: boolean): void {
    listeners += connected ? 1 : -1;
    this.invalidate(null);
    for (const waiter of listenWaiters) waiter();
    listenWaiters.clear();
  },

  /** Resolves when the cache is (or next becomes) trusted (true) or bypassed (false). */
  async whenListening(expected: boolean): Promise<void> {
    while (listeners > 0 !== expected) await new Promise<void>((resolve) => listenWaiters.add(resolve));
  },

  stats(): Readonly<typeof stats> & { size: number; listening: boolean } {
    return { ...stats, size: entries.size, listening: listeners > 0 };
  },
};

function strip(viewer: Viewer): Staff {
  const { expiresAt: _ignored, ...staff } = viewer;
  return staff;
}

function remember(staffId: string, staff: Staff | null): void {
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(staffId, { staff, loadedAt: Date.now() });
}
