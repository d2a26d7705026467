/**
 * A small, fast, seeded PRNG for the seed data. `Math.random` cannot be seeded and
 * `crypto.randomBytes` cannot repeat, but the seed must give byte-identical rows and files on
 * every machine, so everything random in `src/seed` draws from an {@link Rng}.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 128-bit state,
 * passes PractRand) seeded with cyrb128 of a string. Only 32-bit integer operations and exact
 * double divisions are used, so the sequence is the same on every platform and Node version.
 */

const MS_PER_DAY = 86_400_000;

/** cyrb128: a fast 128-bit string hash (not cryptographic), used to seed sfc32. */
export function hash128(text: string): [number, number, number, number] {
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

/** A seeded random source. Same seed string → same sequence, everywhere. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(readonly seed: string) {
    [this.a, this.b, this.c, this.d] = hash128(seed);
    // The first outputs of sfc32 are still correlated with the seed: discard them.
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A derived, independent generator: lets a part of the seed draw without shifting the others. */
  fork(label: string): Rng {
    return new Rng(`${this.seed}\u241f${label}`);
  }

  /** Next unsigned 32-bit integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty array");
    return items[Math.floor(this.float() * items.length)]!;
  }

  /** One element, chosen with the given relative weights (same length as `items`). */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.float() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i]!;
    }
    return items[items.length - 1]!;
  }

  /** `k` distinct elements (fewer when the array is shorter), in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    const n = Math.min(k, items.length);
    if (n <= 0) return [];
    // Few picks from a big array: rejection keeps it O(k) instead of copying the array.
    if (n * 4 < items.length) {
      const seen = new Set<number>();
      const out: T[] = [];
      while (out.length < n) {
        const i = Math.floor(this.float() * items.length);
        if (seen.has(i)) continue;
        seen.add(i);
        out.push(items[i]!);
      }
      return out;
    }
    return this.shuffle([...items]).slice(0, n);
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /**
   * `n` random bytes. An arrow property, so `rng.bytes` can be handed to `uuidv7` as is.
   */
  readonly bytes = (n: number): Uint8Array => {
    const out = new Uint8Array(n);
    let i = 0;
    while (i < n) {
      let v = this.next();
      for (let k = 0; k < 4 && i < n; k++, i++) {
        out[i] = v & 0xff;
        v >>>= 8;
      }
    }
    return out;
  };

  /** Integer milliseconds uniformly in [fromMs, toMs]. */
  msBetween(fromMs: number, toMs: number): number {
    if (toMs <= fromMs) return fromMs;
    return fromMs + Math.floor(this.float() * (toMs - fromMs + 1));
  }

  /** A `Date` uniformly between two instants. */
  dateBetween(from: Date | number, to: Date | number): Date {
    return new Date(this.msBetween(+from, +to));
  }

  /** ISO 8601 UTC timestamp with milliseconds, uniformly between two instants (ms). */
  isoBetween(fromMs: number, toMs: number): string {
    return new Date(this.msBetween(fromMs, toMs)).toISOString();
  }

  /** A calendar date `YYYY-MM-DD` (UTC) uniformly between two instants (ms). */
  dayBetween(fromMs: number, toMs: number): string {
    const day = Math.floor(this.msBetween(fromMs, toMs) / MS_PER_DAY) * MS_PER_DAY;
    return new Date(day).toISOString().slice(0, 10);
  }
}
