// Who the staff member behind a token is, without a database round trip per request.
//
// Entries are keyed by the identity a token names (tokens.ts) and hold whom identity.ts
// resolved it to. They are dropped when PostgreSQL says a staff row or a team membership
// changed: the triggers of migrations `staff_change_notify` and `staff_external_identity`
// NOTIFY `casegraph_staff` with the staff id and the writing transaction's id after every
// commit that touches them (also changes made outside the API), marking a row that now stores
// an external identity (`:link`), and every instance LISTENs (src/auth/staff-changes.ts). A
// change drops the entries about that staff member (named, or named by `sub` as an id); a new
// stored identity also drops every entry not resolved through a stored identity (it may now
// name them), and any change drops those that could match by email. The instance that made a
// change through the API drops its entries itself before answering. An entry remembers the
// snapshot it was read in: a notice of a change that snapshot already saw is ignored, and a
// change it did not see (also one announced while the read was under way) is never kept.
// While no listener is connected the cache is bypassed, and a reconnect empties it.
import { resolveIdentity, type Resolution } from './identity.js';
import type { Identity } from './tokens.js';
import type { Staff, Viewer } from './viewer.js';

const MAX_ENTRIES = 10_000;
/** A safety net only: invalidation is by notification. */
const MAX_AGE_MS = 5 * 60_000;
/** Notices kept for the reads in flight when they came. */
const MAX_RECENT = 1_000;

interface Entry {
  staff: Staff | null;
  /** What a notice is matched against (affects). */
  about: string | null;
  linked: boolean;
  byEmail: boolean;
  snapshot: Snapshot;
  loadedAt: number;
}

/**
 * A change: which staff member (null: all), by which transaction (null: unknown, so unseen),
 * and whether that row now stores an external identity.
 */
interface Notice {
  seq: number;
  staffId: string | null;
  xid: bigint | null;
  link: boolean;
}

const entries = new Map<string, Entry>();
/** Keys of the entries about each staff member, of those not resolved through a stored identity, and of those among them that could match by email. */
const aboutStaff = new Map<string, Set<string>>();
const unlinked = new Set<string>();
const byEmail = new Set<string>();
/** Reads in flight, so concurrent first requests with one identity share one query. */
const loading = new Map<string, Promise<Staff | null>>();
const recent: Notice[] = [];
let seq = 0;
let listeners = 0;
const waiters = new Set<(notice: Notice) => void>();
const listenWaiters = new Set<() => void>();

export const viewerCache = {
  /** The viewer for a verified token's identity: cached while a listener is connected, else resolved. */
  async get(identity: Identity, expiresAt: number | null): Promise<Viewer | null> {
    if (listeners === 0) {
      const { staff } = await resolveIdentity(identity);
      return staff && { ...staff, expiresAt };
    }
    const key = identity.key;
    const entry = entries.get(key);
    if (entry && Date.now() - entry.loadedAt < MAX_AGE_MS) {
      return entry.staff && { ...entry.staff, expiresAt };
    }
    let pending = loading.get(key);
    if (!pending) {
      const startedAt = seq;
      pending = resolveIdentity(identity).then((resolution) => {
        const read = entryOf(resolution, identity);
        const missed = recent.some((n) => n.seq > startedAt && affects(n, read) && !sees(read.snapshot, n.xid));
        if (!missed && listeners > 0) remember(key, read);
        return resolution.staff;
      });
      pending.finally(() => loading.delete(key)).catch(() => {});
      loading.set(key, pending);
    }
    const staff = await pending;
    return staff && { ...staff, expiresAt };
  },

  /**
   * A change to one staff member (or all: null) by transaction `xid` (null: unknown) was
   * committed, storing an external identity on them if `link`: entries read before it that it
   * may alter are dropped.
   */
  invalidate(staffId: string | null, xid: bigint | null = null, link = false): void {
    const notice: Notice = { seq: ++seq, staffId, xid, link };
    if (loading.size > 0) {
      recent.push(notice);
      if (recent.length > MAX_RECENT) recent.shift();
    } else recent.length = 0;
    const candidates = staffId === null ? entries.keys() : [...(aboutStaff.get(staffId) ?? []), ...(link ? unlinked : byEmail)];
    for (const key of [...candidates]) {
      const entry = entries.get(key);
      if (entry && !sees(entry.snapshot, xid)) forget(key);
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

/**
 * Whether a change may alter an entry: one about that staff member; for an entry not resolved
 * through a stored identity, any new stored identity (it may name the token now); for one that
 * nothing else names but an email could, any change (the matching staff member may have come or
 * gone).
 */
function affects(notice: Notice, entry: Pick<Entry, 'about' | 'linked' | 'byEmail'>): boolean {
  if (notice.staffId === null || notice.staffId === entry.about) return true;
  return !entry.linked && (notice.link || entry.byEmail);
}

function entryOf(resolution: Resolution, identity: Identity): Entry {
  return {
    staff: resolution.staff,
    about: resolution.about,
    linked: resolution.route === 'link',
    // Named by a stored identity or a staff id, an email no longer matters.
    byEmail: identity.email !== null && (resolution.route === null || resolution.route === 'email'),
    snapshot: parseSnapshot(resolution.snapshot),
    loadedAt: Date.now(),
  };
}

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

function remember(key: string, entry: Entry): void {
  forget(key);
  if (entries.size >= MAX_ENTRIES) forget(entries.keys().next().value!);
  entries.set(key, entry);
  if (entry.about) {
    let keys = aboutStaff.get(entry.about);
    if (!keys) aboutStaff.set(entry.about, (keys = new Set()));
    keys.add(key);
  }
  if (!entry.linked) unlinked.add(key);
  if (!entry.linked && entry.byEmail) byEmail.add(key);
}

function forget(key: string): void {
  const entry = entries.get(key);
  if (!entry) return;
  entries.delete(key);
  const keys = entry.about ? aboutStaff.get(entry.about) : undefined;
  keys?.delete(key);
  if (keys?.size === 0) aboutStaff.delete(entry.about!);
  unlinked.delete(key);
  byEmail.delete(key);
}
