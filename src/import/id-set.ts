/**
 * A set of ids (canonical lower-case UUIDs, as `isUuid` accepts) kept as their 16 bytes in one
 * open-addressing table: 23 to 45 bytes per id with the table's slack (36 at a million ids),
 * where a `Set<string>` of the same ids took 53 even with every string cut from one buffer — and
 * a string cut from a CSV chunk keeps that whole chunk alive behind it. Exact: no bits hashed
 * away, so two ids are the same member only when they are the same text. Callers check ids with
 * `isUuid` first: anything else would be read as some other id.
 */
const EMPTY = 0;
const MAX_LOAD = 0.75;

export class IdSet {
  private words: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  private count = 0;

  constructor(capacity = 1024) {
    let slots = 16;
    while (slots * MAX_LOAD < capacity) slots *= 2;
    this.words = new Uint32Array(slots * 4);
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
  }

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (what the set costs in memory). */
  get bytes(): number {
    return this.words.byteLength + this.used.byteLength;
  }

  /** Adds `id` (a canonical UUID); false when it was there already. */
  add(id: string): boolean {
    const w = split(id);
    const at = this.find(w);
    if (this.used[at] !== EMPTY) return false;
    this.put(at, w);
    if (++this.count > (this.mask + 1) * MAX_LOAD) this.grow();
    return true;
  }

  /** Whether `id` (a canonical UUID) is in the set. */
  has(id: string): boolean {
    return this.used[this.find(split(id))] !== EMPTY;
  }

  /** The slot holding `w`, or the empty slot where it would go (linear probing). */
  private find(w: Words): number {
    let at = hash(w) & this.mask;
    const words = this.words;
    while (this.used[at] !== EMPTY) {
      const o = at * 4;
      if (words[o] === w[0] && words[o + 1] === w[1] && words[o + 2] === w[2] && words[o + 3] === w[3])
        return at;
      at = (at + 1) & this.mask;
    }
    return at;
  }

  private put(at: number, w: Words): void {
    this.words.set(w, at * 4);
    this.used[at] = 1;
  }

  private grow(): void {
    const { words, used } = this;
    const slots = used.length * 2;
    this.words = new Uint32Array(slots * 4);
    this.used = new Uint8Array(slots);
    this.mask = slots - 1;
    const w: Words = new Uint32Array(4);
    for (let i = 0; i < used.length; i++) {
      if (used[i] === EMPTY) continue;
      const o = i * 4;
      w[0] = words[o]!;
      w[1] = words[o + 1]!;
      w[2] = words[o + 2]!;
      w[3] = words[o + 3]!;
      this.put(this.find(w), w);
    }
  }
}

type Words = Uint32Array;

/** Value of each hex digit's char code (others are never looked up: ids are checked first). */
const HEX = new Uint8Array(128);
for (let i = 0; i < 16; i++) HEX["0123456789abcdef".charCodeAt(i)] = i;
/** Where the 32 hex digits of `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` are. */
const DIGITS = [...Array(36).keys()].filter((i) => ![8, 13, 18, 23].includes(i));

/** One buffer for the words of the id at hand: no allocation per id. */
const scratch: Words = new Uint32Array(4);

/** `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` → its 128 bits as four 32-bit words (in {@link scratch}). */
function split(id: string): Words {
  for (let w = 0; w < 4; w++) {
    let v = 0;
    for (let k = w * 8; k < w * 8 + 8; k++) v = (v << 4) | HEX[id.charCodeAt(DIGITS[k]!)]!;
    scratch[w] = v;
  }
  return scratch;
}

/** Mixes all 128 bits (UUIDv7 ids share their time prefix, so no single word will do). */
function hash(w: Words): number {
  let h = Math.imul(w[0]! ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ w[1]! ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ w[2]! ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ w[3]! ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
