// Where the relay may safely advance to. A BIGSERIAL id is taken at INSERT, not at COMMIT: a
// transaction that took id 7 may commit after the one that took id 8. Publishing 8 and moving
// the cursor past 7 would lose 7 for good. So a hole in the visible ids is either still in
// flight (wait) or rolled back (skip it); the tracker tells the two apart like this:
//
//  1. A hole first seen at t0 is left alone for `graceMs`: a transaction gets its xid only when
//     it first writes, which for a mutation's first write is a moment after nextval() gave it
//     the id; after the grace period, whoever holds the id has an xid.
//  2. Then the snapshot's running transactions are noted (the "watch" set): the holder, if it
//     is still going, is among them; anything that starts later cannot hold an older id.
//  3. When every watched transaction has finished and the hole is still empty, its holder
//     rolled back: the hole is dead and the relay moves past it.
//  4. `timeoutMs` caps the wait (no mutation transaction lives that long: Prisma's interactive
//     transactions time out after 5 s); passing it is logged as an error by the relay.
//
// Rows and snapshot come from ONE statement, so "the row is visible" and "its transaction is
// finished" are judged at the same instant.
import { finishedBy, type Snapshot } from './snapshot.js';

export interface GapOptions {
  graceMs: number;
  timeoutMs: number;
  now?: () => number;
}

export interface Settled {
  /** How many of the given ids (a prefix) are safe to publish now. */
  publishable: number;
  /** The new cursor: every id up to it is published or dead. */
  cursor: bigint;
  /** Holes given up on, as [first, last] inclusive; `timedOut` when step 4 decided. */
  skipped: Array<{ from: bigint; to: bigint; timedOut: boolean }>;
  /** True when stopped at a hole that may still fill: poll again soon. */
  waiting: boolean;
}

export class GapTracker {
  private hole: { at: bigint; firstSeenAt: number; watch?: bigint[] } | undefined;
  private readonly now: () => number;

  constructor(private readonly options: GapOptions) {
    this.now = options.now ?? Date.now;
  }

  /** `ids`: the visible ids after `cursor`, ascending, all read with `snapshot`. */
  settle(cursor: bigint, ids: readonly bigint[], snapshot: Snapshot): Settled {
    const skipped: Settled['skipped'] = [];
    let expected = cursor + 1n;
    let index = 0;
    while (index < ids.length) {
      const id = ids[index]!;
      if (id < expected) {
        index += 1; // cannot happen with "id > cursor ORDER BY id", but never loop on it
        continue;
      }
      if (id === expected) {
        index += 1;
        expected += 1n;
        if (this.hole && this.hole.at < expected) this.hole = undefined;
        continue;
      }
      const verdict = this.judge(expected, snapshot);
      if (verdict === 'wait') return { publishable: index, cursor: expected - 1n, skipped, waiting: true };
      skipped.push({ from: expected, to: id - 1n, timedOut: verdict === 'timed-out' });
      this.hole = undefined;
      expected = id;
    }
    return { publishable: index, cursor: expected - 1n, skipped, waiting: false };
  }

  private judge(at: bigint, snapshot: Snapshot): 'wait' | 'dead' | 'timed-out' {
    const now = this.now();
    if (!this.hole || this.hole.at !== at) {
      this.hole = { at, firstSeenAt: now };
      return 'wait';
    }
    const age = now - this.hole.firstSeenAt;
    if (age < this.options.graceMs) return 'wait';
    if (!this.hole.watch) {
      this.hole.watch = [...snapshot.running];
      if (this.hole.watch.length === 0) return 'dead';
    }
    if (this.hole.watch.every((xid) => finishedBy(xid, snapshot))) return 'dead';
    return age >= this.options.timeoutMs ? 'timed-out' : 'wait';
  }
}
