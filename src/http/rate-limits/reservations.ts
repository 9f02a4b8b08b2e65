// Budgets counted on every request (the per-address ceiling) or on every mutation and search (a
// staff member's budgets) made a Redis round trip each: under load, 10% of the caseload
// dashboard's main-thread time in a CPU profile, mostly blocked in the write that wakes Redis
// (1.3% with this). So an instance takes a key's points from Redis a block at a time and spends
// them in memory, as rate limiters in front of busy services do (batched counters):
//   - the first request of a key in a window takes what it needs, as before; each further
//     reservation doubles the block, up to MAX_BLOCK and to an eighth of what the window has
//     left (below 16 points left, a block is what the request needs);
//   - points are counted in Redis when they are taken, so no instance ever serves more than the
//     budget: one instance alone serves it exactly; with several, a key may be refused early by
//     the points another instance took and has not spent (at most MAX_BLOCK - 1 each);
//   - held points belong to their window: they lapse with it;
//   - a key found over its budget is refused in memory until its window ends (the window is
//     fixed: it cannot come back sooner).
import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

const MAX_BLOCK = 32;
/** Keys held at most; past it the oldest go (their unspent points are simply not served). */
const MAX_KEYS = 20_000;

interface Held {
  /** Points taken and not spent yet. */
  left: number;
  /** The last block taken. */
  block: number;
  /** Points of the window counted in Redis when last asked (all instances). */
  consumed: number;
  /** When the window ends (ms since the epoch). */
  endsAt: number;
  /** Over the budget until the window ends. */
  refused: boolean;
  /** A reservation on its way: the requests meanwhile wait for it rather than asking too. */
  taking?: Promise<void>;
}

export class Reservations {
  private readonly held = new Map<string, Held>();

  constructor(
    private readonly limiter: RateLimiterAbstract,
    private readonly points: number,
  ) {}

  /** Spends `points` of `key`: null when the request is served, else the state it is refused with. */
  async spend(key: string, points = 1): Promise<RateLimiterRes | null> {
    for (;;) {
      const now = Date.now();
      let held = this.held.get(key);
      if (held && held.endsAt <= now && !held.taking) {
        this.held.delete(key);
        held = undefined;
      }
      if (held?.refused) return new RateLimiterRes(0, held.endsAt - now, held.consumed, false);
      if (held && held.left >= points) {
        held.left -= points;
        return null;
      }
      if (held?.taking) {
        await held.taking;
        continue;
      }
      await this.take(key, held, points - (held?.left ?? 0));
    }
  }

  /** Takes a block of at least `needed` points. */
  private take(key: string, previous: Held | undefined, needed: number): Promise<void> {
    const grown = previous ? Math.min(MAX_BLOCK, previous.block * 2, Math.floor((this.points - previous.consumed) / 8)) : 1;
    const block = Math.max(needed, grown);
    const held: Held = previous ?? { left: 0, block, consumed: 0, endsAt: 0, refused: false };
    if (!previous) this.remember(key, held);
    const taking = this.limiter.consume(key, block).then(
      (state) => this.taken(held, block, block, state),
      (state: unknown) => {
        if (!(state instanceof RateLimiterRes)) throw state;
        // Counted anyway: of this block, what still fitted in the budget is served.
        const fitted = Math.max(0, this.points - (state.consumedPoints - block));
        this.taken(held, block, fitted, state);
        if (fitted === 0) held.refused = true;
      },
    );
    held.taking = taking.finally(() => (held.taking = undefined));
    return held.taking;
  }

  private taken(held: Held, block: number, served: number, state: RateLimiterRes): void {
    held.block = block;
    held.left += served;
    held.consumed = state.consumedPoints;
    held.endsAt = Date.now() + state.msBeforeNext;
  }

  private remember(key: string, held: Held): void {
    if (this.held.size >= MAX_KEYS) {
      const now = Date.now();
      for (const [other, entry] of this.held) if (entry.endsAt <= now && !entry.taking) this.held.delete(other);
      for (const other of this.held.keys()) {
        if (this.held.size < MAX_KEYS) break;
        this.held.delete(other);
      }
    }
    this.held.set(key, held);
  }
}
