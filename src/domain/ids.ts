import crypto from "node:crypto";

/** Source of random bytes; the seed passes a deterministic one so ids repeat run to run. */
export type RandomBytes = (n: number) => Uint8Array;

/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix milliseconds then random bits. Ids sort by creation time,
 * which keeps B-tree inserts append-mostly and gives cursor pagination a stable order.
 * Pass `random` (and `nowMs`) for deterministic ids, e.g. when seeding.
 */
export function uuidv7(nowMs: number = Date.now(), random: RandomBytes = crypto.randomBytes): string {
  return format(Math.floor(nowMs), random(10));
}

let lastMs = -1;
let lastRandom = Buffer.alloc(10);

/**
 * A process-wide monotonic UUIDv7 (RFC 9562 §6.2, method 2): within one millisecond, or if the
 * clock steps back, the random part is incremented, so ids made later always sort later.
 */
export function newId(): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    lastRandom = crypto.randomBytes(10);
    lastRandom[0]! &= 0x7f; // headroom so increments do not overflow into the next millisecond
  } else {
    for (let i = 9; i >= 0; i--) {
      lastRandom[i] = (lastRandom[i]! + 1) & 0xff;
      if (lastRandom[i] !== 0) break;
    }
  }
  return format(lastMs, lastRandom);
}

function format(ms: number, random: Uint8Array): string {
  const b = Buffer.alloc(16);
  b.writeUIntBE(ms, 0, 6);
  b.set(random.subarray(0, 10), 6);
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 10
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether a string is a canonical lower-case UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
