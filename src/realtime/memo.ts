// Per-event memo for the fan-out: one event reaching 5,000 subscribers of 20 staff members
// costs 20 access checks, not 5,000. Keys always include the event id and the staff member, so
// a memoized answer is never reused for another event or another person; entries live a few
// seconds (long enough for one fan-out) and the map is bounded.
const TTL_MS = 10_000;
const MAX_ENTRIES = 50_000;

const entries = new Map<string, { at: number; value: Promise<unknown> }>();

export function memo<T>(key: string, load: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = entries.get(key);
  if (hit && now - hit.at < TTL_MS) return hit.value as Promise<T>;
  const value = load();
  entries.set(key, { at: now, value });
  // A failure is not an answer: the next subscriber asks again.
  value.catch(() => entries.delete(key));
  if (entries.size > MAX_ENTRIES) evict(now);
  return value;
}

function evict(now: number): void {
  // Map iteration is insertion order: the oldest first.
  for (const [key, entry] of entries) {
    if (entries.size <= MAX_ENTRIES / 2 && now - entry.at < TTL_MS) break;
    entries.delete(key);
  }
}
