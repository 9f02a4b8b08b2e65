// The fan-out memo keeps an answer for one event's fan-out, not for hours: what it held (whole
// execution results, with their serialized payloads) was the soak's memory growth.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMemo } from '../../src/realtime/memo.js';

beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

describe('memo', () => {
  it('answers a key once within its time to live, and loads it again after', async () => {
    const memo = createMemo({ ttlMs: 1000 });
    let loads = 0;
    const load = async () => ++loads;
    expect(await memo('k', load)).toBe(1);
    expect(memo.now('k', load)).toBe(1); // settled: a plain value
    vi.advanceTimersByTime(1001);
    expect(await memo('k', load)).toBe(2);
  });

  it('lets expired entries go as new ones come, long before the bound', async () => {
    const memo = createMemo({ ttlMs: 1000, maxEntries: 50_000 });
    for (let i = 0; i < 100; i += 1) await memo(`early:${i}`, async () => i);
    expect(memo.size()).toBe(100);
    vi.advanceTimersByTime(1001);
    await memo('late', async () => 0);
    expect(memo.size()).toBe(1);
  });

  it('keeps a renewed key by its new age, not its first insertion', async () => {
    const memo = createMemo({ ttlMs: 1000 });
    await memo('a', async () => 1);
    await memo('b', async () => 2);
    vi.advanceTimersByTime(1001);
    await memo('a', async () => 3); // renewed: now the youngest
    vi.advanceTimersByTime(500);
    await memo('c', async () => 4);
    // b expired and went; a (renewed 500 ms ago) and c stay.
    expect(memo.size()).toBe(2);
    expect(await memo('a', async () => 5)).toBe(3);
  });

  it('never holds more than its bound', async () => {
    const memo = createMemo({ ttlMs: 60_000, maxEntries: 10 });
    for (let i = 0; i < 25; i += 1) await memo(`k:${i}`, async () => i);
    expect(memo.size()).toBeLessThanOrEqual(10);
    expect(await memo('k:24', async () => -1)).toBe(24); // the newest stay
  });

  it('forgets a failure, so the next caller asks again', async () => {
    const memo = createMemo({ ttlMs: 1000 });
    await expect(memo('k', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await memo('k', async () => 'up')).toBe('up');
  });
});
