// Per-event memo for the fan-out: one event reaching 10,000 subscribers of 20 staff members
// costs 20 access checks, not 10,000. Keys always include the event id and the staff member, so
// a memoized answer is never reused for another event or another person; entries live a few
// seconds (long enough for one fan-out) and the map is bounded. Expired entries go as new ones
// come: an execution result kept until the map filled up held its payload's memory for hours.
//
// `memo` is the process-wide one (access checks, node loads); a runtime makes its own with
// `createMemo` for whole executions (shared.ts), so that its counters are its own. `now` gives
// an answer already there as a plain value: the 9,999 subscribers after the first take it
// without a promise (at 10,000 subscribers, every object allocated per delivery counts).
const TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

interface Entry {
  at: number;
  value: Promise<unknown>;
  settled: boolean;
  result?: unknown;
}

export interface Memo {
  <T>(key: string, load: () => Promise<T>): Promise<T>;
  /**
   * The answer itself when it is already known, else the promise of it. `load(...args)` runs on
   * a miss: hot paths pass a function made once and its arguments rather than a new closure per
   * call (under tsx every closure also gets its name defined as a property: ~3.5 times the memory).
   */
  now<T, A extends unknown[]>(key: string, load: (...args: A) => Promise<T>, ...args: A): T | Promise<T>;
  /** Entries held now. */
  size(): number;
}

export function createMemo(options: { ttlMs?: number; maxEntries?: number } = {}): Memo {
  const ttlMs = options.ttlMs ?? TTL_MS;
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  const entries = new Map<string, Entry>();

  function evict(now: number): void {
    // Map iteration is insertion order, which is age order (entries are re-inserted when
    // renewed): the expired ones first, then the oldest down to half the bound when it is full.
    const full = entries.size > maxEntries;
    for (const [key, entry] of entries) {
      if (now - entry.at < ttlMs && (!full || entries.size <= maxEntries / 2)) break;
      entries.delete(key);
    }
  }

  function entryFor(key: string, load: (...args: never[]) => Promise<unknown>, args: unknown[]): Entry {
    const now = Date.now();
    const hit = entries.get(key);
    if (hit && now - hit.at < ttlMs) return hit;
    // A native promise whatever `load` gives (Prisma's are thenables of their own).
    const entry: Entry = { at: now, value: Promise.resolve(load(...(args as never[]))), settled: false };
    entry.value.then(
      (result) => {
        entry.result = result;
        entry.settled = true;
      },
      // A failure is not an answer: the next subscriber asks again.
      () => {
        if (entries.get(key) === entry) entries.delete(key);
      },
    );
    if (hit) entries.delete(key);
    entries.set(key, entry);
    evict(now);
    return entry;
  }

  const memo = (<T>(key: string, load: () => Promise<T>): Promise<T> => entryFor(key, load, []).value as Promise<T>) as Memo;
  memo.now = <T, A extends unknown[]>(key: string, load: (...args: A) => Promise<T>, ...args: A): T | Promise<T> => {
    const entry = entryFor(key, load as unknown as (...args: never[]) => Promise<unknown>, args);
    return (entry.settled ? entry.result : entry.value) as T | Promise<T>;
  };
  memo.size = () => entries.size;
  return memo;
}

export const memo: Memo = createMemo();
