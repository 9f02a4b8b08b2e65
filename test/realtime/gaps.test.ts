// The relay's hole judgement (src/realtime/gaps.ts) on its own, with a fake clock.
import { describe, expect, it } from 'vitest';
import { GapTracker } from '../../src/realtime/gaps.js';
import { parseSnapshot } from '../../src/realtime/snapshot.js';

function tracker() {
  let now = 0;
  const gaps = new GapTracker({ graceMs: 100, timeoutMs: 10_000, now: () => now });
  return { gaps, advance: (ms: number) => (now += ms) };
}

const ids = (...values: number[]) => values.map(BigInt);
const idle = parseSnapshot('500:500:');

describe('GapTracker', () => {
  it('publishes a contiguous run at once', () => {
    const { gaps } = tracker();
    expect(gaps.settle(10n, ids(11, 12, 13), idle)).toEqual({ publishable: 3, cursor: 13n, skipped: [], waiting: false });
  });

  it('stops before a hole and waits out the grace period, even with no transaction running', () => {
    const { gaps, advance } = tracker();
    expect(gaps.settle(10n, ids(11, 13), idle)).toMatchObject({ publishable: 1, cursor: 11n, waiting: true });
    advance(50);
    expect(gaps.settle(11n, ids(13), idle)).toMatchObject({ publishable: 0, cursor: 11n, waiting: true });
    advance(60);
    // Nothing running after the grace period: whoever took 12 rolled back.
    expect(gaps.settle(11n, ids(13), idle)).toEqual({ publishable: 1, cursor: 13n, skipped: [{ from: 12n, to: 12n, timedOut: false }], waiting: false });
  });

  it('waits for the transactions running after the grace period, not for later ones', () => {
    const { gaps, advance } = tracker();
    gaps.settle(10n, ids(12), parseSnapshot('90:100:95'));
    advance(200);
    // 95 (the possible holder of 11) still runs: wait.
    expect(gaps.settle(10n, ids(12), parseSnapshot('95:101:95,100'))).toMatchObject({ publishable: 0, waiting: true });
    // 95 finished, 100 too; 101 started later and cannot hold an older id: the hole is dead.
    expect(gaps.settle(10n, ids(12), parseSnapshot('101:102:101'))).toMatchObject({ publishable: 1, cursor: 12n, waiting: false });
  });

  it('publishes the hole\'s id when its transaction commits late, in order', () => {
    const { gaps, advance } = tracker();
    gaps.settle(10n, ids(12), parseSnapshot('95:100:95'));
    advance(200);
    expect(gaps.settle(10n, ids(12), parseSnapshot('95:100:95'))).toMatchObject({ publishable: 0, waiting: true });
    expect(gaps.settle(10n, ids(11, 12), parseSnapshot('100:100:'))).toEqual({ publishable: 2, cursor: 12n, skipped: [], waiting: false });
  });

  it('gives up after the timeout and says so', () => {
    const { gaps, advance } = tracker();
    gaps.settle(10n, ids(12), parseSnapshot('95:100:95'));
    advance(200);
    gaps.settle(10n, ids(12), parseSnapshot('95:100:95'));
    advance(10_000);
    expect(gaps.settle(10n, ids(12), parseSnapshot('95:100:95')).skipped).toEqual([{ from: 11n, to: 11n, timedOut: true }]);
  });
});
