// A small seeded pseudo-random generator for the seed data: the same seed string gives the
// same sequence, hence the same rows and the same ids, on every machine.
//
// sfc32 rather than mulberry32: mulberry32 has 32 bits of state, so every stream walks the
// same 2^32 cycle and UUIDs built from it would collide by the thousand in a
// 100,000-client data set (millions of ids). sfc32 keeps 128 bits of state and is as fast.

const TWO_32 = 4294967296;
/** Character codes of each byte's two hex digits. */
const HEX_CODES = new Uint8Array(512);
for (let i = 0; i < 256; i++) HEX_CODES.set(Buffer.from(i.toString(16).padStart(2, '0'), 'latin1'), 2 * i);
/**
 * uuid() writes its digits here and reads them back as one string: concatenating 20 pieces made
 * a rope that every later reader (the COPY encoder, for one) had to flatten first.
 */
const UUID_TEXT = Buffer.alloc(36, '-');
/** Where each byte's digits go in xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx. */
const UUID_BYTE_AT = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];

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
    // What weighted(Object.entries(weights)) does, without building the entries on every call.
    let total = 0;
    for (const key in weights) total += weights[key] as number;
    let r = this.next() * total;
    let last: K | undefined;
    for (const key in weights) {
      r -= weights[key] as number;
      if (r < 0) return key;
      last = key;
    }
    if (last === undefined) throw new Error('weighted pick from an empty list');
    return last;
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
    const words = [w0, w1, w2, w3];
    for (let i = 0; i < 16; i++) {
      const byte = (words[i >> 2]! >>> (24 - 8 * (i & 3))) & 255;
      UUID_TEXT[UUID_BYTE_AT[i]!] = HEX_CODES[2 * byte]!;
      UUID_TEXT[UUID_BYTE_AT[i]! + 1] = HEX_CODES[2 * byte + 1]!;
    }
    return UUID_TEXT.toString('latin1', 0, 36);
  }
}

