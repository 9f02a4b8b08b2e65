// Who the staff member behind a request is, without a database round trip per request.
//
// Entries are dropped when PostgreSQL says a staff row or a team membership changed: the
// triggers of migration `staff_change_notify` NOTIFY `casegraph_staff` with the staff id and
// the writing transaction's id after every commit that touches them (also changes made
// outside the API), and every instance LISTENs (src/auth/staff-changes.ts). The instance that
// made a change through the API drops its entry itself before answering. An entry remembers
// the snapshot it was read in: a notice of a change that snapshot already saw is ignored, and a
// change it did not see (also one announced while the read was under way) is never kept.
// While no listener is connected the cache is bypassed, and a reconnect empties it.
import { loadStaff, loadViewer, type Staff, type Viewer } from './viewer.js';

const MAX_ENTRIES = 10_000;
/** A safety net only: invalidation is by notification. */
const MAX_AGE_MS = 5 * 60_000;
/** Notices kept for the reads in flight when they came. */
const MAX_RECENT = 1_000;

interface Entry {
  staff: Staff | null;
  snapshot: Snapshot;
  loadedAt: number;
}

/** A change: which staff member (null: all), by which transaction (null: unknown, so unseen). */
interface Notice {
  seq: number;
  staffId: string | null;
  xid: bigint | null;
}

const entries = new Map<string, Entry>();
/** Reads in flight, so concurrent first requests of one staff member share one query. */
const loading = new Map<string, Promise<Staff | null>>();
const recent: Notice[] = [];
let seq = 0;
let listeners = 0;
const waiters = new Set<(notice: Notice) => void>();
const listenWaiters = new Set<() => void>();

export const viewerCache = {
  /** The viewer for a verified token: cached while a listener is connected, else loaded. */
  async get(staffId: string, expiresAt: number | null): Promise<Viewer | null> {
    if (listeners === 0) return loadViewer(staffId, expiresAt);
    const entry = entries.get(staffId);
    if (entry && Date.now() - entry.loadedAt < MAX_AGE_MS) {
      return entry.staff && { ...entry.staff, expiresAt };
    }
    let pending = loading.get(staffId);
    if (!pending) {
      const startedAt = seq;
      pending = loadStaff(staffId).then(({ staff, snapshot }) => {
        const seen = snapshot ? parseSnapshot(snapshot) : null;
        const missed = recent.some((n) => n.seq > startedAt && covers(n, staffId) && !(seen && sees(seen, n.xid)));
        if (seen && !missed && listeners > 0) remember(staffId, { staff, snapshot: seen, loadedAt: Date.now() });
        return staff;
      });
      pending.finally(() => loading.delete(staffId)).catch(() => {});
      loading.set(staffId, pending);
    }
    const staff = await pending;
    return staff && { ...staff, expiresAt };
  },

  /**
   * A change to one staff member (or all: null) by transaction `xid` (null: unknown) was
   * committed: entries read before it are dropped.
   */
  invalidate(staffId: string | null, xid: bigint | null = null): void {
    const notice: Notice = { seq: ++seq, staffId, xid };
    if (loading.size > 0) {
      recent.push(notice);
      if (recent.length > MAX_RECENT) recent.shift();
    } else recent.length = 0;
    if (staffId === null) {
      for (const [id, entry] of entries) if (!sees(entry.snapshot, xid)) entries.delete(id);
    } else {
      const entry = entries.get(staffId);
      if (entry && !sees(entry.snapshot, xid)) entries.delete(staffId);
    }
    for (const waiter of waiters) waiter(notice);
  },

  /** Resolves at the next notice that covers `staffId` (tests await a change's notice). */
  invalidated(staffId: string): Promise<void> {
    return new Promise((resolve) => {
      const waiter = (notice: Notice) => {
        if (!covers(notice, staffId)) return;
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
};

const covers = (notice: Notice, staffId: string) => notice.staffId === null || notice.staffId === staffId;

interface Snapshot {
  xmin: bigint;
  xmax: bigint;
  running: Set<bigint>;
}

/** pg_snapshot text: `xmin:xmax:xip,xip,...`. */
function parseSnapshot(text: string): Snapshot {
  const [xmin, xmax, xip] = text.split(':');
  return { xmin: BigInt(xmin!), xmax: BigInt(xmax!), running: new Set(xip ? xip.split(',').map(BigInt) : []) };
}

/** Whether a read in `snapshot` saw the commit of transaction `xid` (as pg_visible_in_snapshot). */
function sees(snapshot: Snapshot, xid: bigint | null): boolean {
  if (xid === null) return false;
  return xid < snapshot.xmin || (xid < snapshot.xmax && !snapshot.running.has(xid));
}

function remember(staffId: string, entry: Entry): void {
  if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
  entries.set(staffId, entry);
}
