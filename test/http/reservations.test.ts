// The per-address ceiling's points taken a block at a time (src/http/rate-limits/reservations.ts),
// over rate-limiter-flexible's own memory store, shared by two "instances" as Redis would be;
// Date and the store's timers are faked so that a window can end. The same over real Redis and
// two servers: test/http/rate-limits-shared.test.ts.
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Reservations } from '../../src/http/rate-limits/reservations.js';

beforeEach(() => vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'], now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

/** A store and a count of the round trips made to it. */
function store(points: number, durationS: number) {
  const limiter = new RateLimiterMemory({ points, duration: durationS });
  let calls = 0;
  const consume = limiter.consume.bind(limiter);
  limiter.consume = (key, taken) => {
    calls += 1;
    return consume(key, taken);
  };
  return { limiter, calls: () => calls };
}

async function served(reservations: Reservations, key: string, requests: number): Promise<number> {
  const answers = await Promise.all(Array.from({ length: requests }, () => reservations.spend(key)));
  return answers.filter((answer) => answer === null).length;
}

describe('reservations of the per-address ceiling', () => {
  it('serve exactly the ceiling on one instance, concurrent requests sharing a round trip', async () => {
    const { limiter, calls } = store(1000, 60);
    const reservations = new Reservations(limiter, 1000);
    expect(await served(reservations, 'a', 100)).toBe(100);
    expect(calls()).toBeLessThanOrEqual(10);
    expect(await served(reservations, 'a', 1000)).toBe(900);
    const refused = await reservations.spend('a');
    expect(refused?.msBeforeNext).toBeGreaterThan(0);
    expect(refused?.msBeforeNext).toBeLessThanOrEqual(60_000);
    // Refused in memory from then on, until the window ends.
    const before = calls();
    expect(await served(reservations, 'a', 50)).toBe(0);
    expect(calls()).toBe(before);
    // Another address has its own budget.
    expect(await served(reservations, 'b', 5)).toBe(5);
  });

  it('never serve more than the ceiling across instances; together, the ceiling', async () => {
    const { limiter } = store(200, 60);
    const [one, two] = [new Reservations(limiter, 200), new Reservations(limiter, 200)];
    let total = 0;
    for (let round = 0; round < 30; round += 1) total += (await served(one, 'a', 7)) + (await served(two, 'a', 5));
    expect(total).toBe(200);
  });

  it('spend requests of several points, refusing one that no longer fits', async () => {
    const { limiter } = store(100, 60);
    const reservations = new Reservations(limiter, 100);
    const answers = [];
    for (let i = 0; i < 40; i += 1) answers.push(await reservations.spend('a', 3));
    // 33 requests of 3 points fit in 100; the 34th is refused, and so is everything after it.
    expect(answers.filter((answer) => answer === null)).toHaveLength(33);
    expect(answers.findIndex((answer) => answer !== null)).toBe(33);
    expect(await reservations.spend('a', 1)).not.toBeNull();
  });

  it('let points taken in a window lapse with it, and serve again in the next', async () => {
    const { limiter } = store(20, 10);
    const reservations = new Reservations(limiter, 20);
    expect(await served(reservations, 'a', 25)).toBe(20);
    expect(await reservations.spend('a')).not.toBeNull();
    await vi.advanceTimersByTimeAsync(10_001);
    expect(await served(reservations, 'a', 25)).toBe(20);
  });
});
