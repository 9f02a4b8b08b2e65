// A small seeded pseudo-random generator for the seed data: the same seed string gives the
// same sequence, hence the same rows and the same ids, on every machine.
//
// sfc32 rather than mulberry32: mulberry32 has 32 bits of state, so every stream walks the
// same 2^32 cycle and UUIDs built from it would collide by the thousand in a
// 100,000-client data set (millions of ids). sfc32 keeps 128 bits of state and is as fast.

const TWO_32 = 4294967296;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** cyrb128: four 32-bit words from a string, to seed sfc32. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * Streams with different seed strings are independent: `new Random(`${seed}/chunk/3`)`.
   * `idTimeMs` is the default time of `uuid()` (see there).
   */
  constructor(
    seed: string | number,
    private readonly idTimeMs?: number,
  ) {
    [this.a, this.b, this.c, this.d] = hash128(String(seed));
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** sfc32 step. */
  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / TWO_32;
  }

  /** Whole number in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  float(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One of `entries` with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    let total = 0;
    for (const [, weight] of entries) total += weight;
    let r = this.next() * total;
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    const last = entries[entries.length - 1];
    if (!last) throw new Error('weighted pick from an empty list');
    return last[0];
  }

  /** A key of `weights` with probability proportional to its value: `weightedKey({ LOW: 3, HIGH: 1 })`. */
  weightedKey<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    return this.weighted(Object.entries(weights) as [K, number][]);
  }

  /** `count` distinct items (all of them if there are fewer), in random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = items.slice();
    const n = Math.min(count, copy.length);
    for (let i = 0; i < n; i++) {
      const j = i + Math.floor(this.next() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  }

  /** A time (ms since epoch) in [from, to], rounded to the minute. */
  timeBetween(from: number, to: number): number {
    const t = from + this.next() * Math.max(0, to - from);
    return Math.min(to, Math.max(from, Math.round(t / 60_000) * 60_000));
  }

  dateBetween(from: Date, to: Date): Date {
    return new Date(this.timeBetween(from.getTime(), to.getTime()));
  }

  /**
   * A UUID drawn from this stream. With `timeMs`, a version-7 layout whose first 48 bits are
   * that time: ids made with increasing times sort, and land in a B-tree index, in that
   * order. Without, a version-4 layout (all random).
   */
  uuid(timeMs: number | undefined = this.idTimeMs): string {
    const w0 = timeMs === undefined ? this.uint32() : Math.floor(timeMs / 65536) >>> 0;
    const w1 =
      timeMs === undefined
        ? (this.uint32() & 0xffff0fff) | 0x00004000 // version 4
        : (((timeMs & 0xffff) << 16) | (this.uint32() & 0x0fff) | 0x7000) >>> 0; // version 7
    const w2 = (this.uint32() & 0x3fffffff) | 0x80000000; // RFC 4122 variant
    const w3 = this.uint32();
    return (
      HEX[w0 >>> 24]! + HEX[(w0 >>> 16) & 255]! + HEX[(w0 >>> 8) & 255]! + HEX[w0 & 255]! + '-' +
      HEX[w1 >>> 24]! + HEX[(w1 >>> 16) & 255]! + '-' +
      HEX[(w1 >>> 8) & 255]! + HEX[w1 & 255]! + '-' +
      HEX[w2 >>> 24]! + HEX[(w2 >>> 16) & 255]! + '-' +
      HEX[(w2 >>> 8) & 255]! + HEX[w2 & 255]! +
      HEX[w3 >>> 24]! + HEX[(w3 >>> 16) & 255]! + HEX[(w3 >>> 8) & 255]! + HEX[w3 & 255]!
    );
  }
}
