import crypto from "node:crypto";
import { promisify } from "node:util";

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/**
 * scrypt parameters: N = 2^15, r = 8, p = 3, one of the equivalent settings of OWASP's Password
 * Storage Cheat Sheet (as strong as N = 2^17, p = 1). It needs 32 MiB per hash instead of 128, so
 * a burst of sign-ins cannot take the server's memory; ~0.25 s on one core here. The parameters
 * are stored in each hash, so raising them later only affects new hashes.
 */
const PARAMS = { logN: 15, r: 8, p: 3 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** A password longer than this is refused rather than hashed (scrypt's cost grows with input). */
export const MAX_PASSWORD_LENGTH = 256;
/** NIST SP 800-63B §5.1.1.2 asks for at least 8; we ask for 12 and any characters. */
export const MIN_PASSWORD_LENGTH = 12;

const FORMAT = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/;

/**
 * Bounds on the parameters a stored hash may ask for: scrypt needs 128 · N · r bytes and time in
 * proportion to N · r · p, so a hash claiming N = 2^20, r = 32, p = 4 would take 4 GiB and most of
 * a minute per sign-in. Allowed: up to 256 MiB and about 5× today's work; beyond that the hash
 * counts as malformed (no match), like any other unreadable hash.
 */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024;
const MAX_WORK = 2 ** 22; // N · r · p; today 2^15 · 8 · 3 ≈ 2^19.6

function saneParams(logN: number, r: number, p: number): boolean {
  if (!(logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  return 128 * 2 ** logN * r <= MAX_MEMORY_BYTES && 2 ** logN * r * p <= MAX_WORK;
}

function options(logN: number, r: number, p: number): crypto.ScryptOptions {
  // Node's default maxmem (32 MiB) is below 128 · N · r; allow exactly what the parameters need.
  return { N: 2 ** logN, r, p, maxmem: 128 * 2 ** logN * r * p + 1024 * 1024 };
}

/** `scrypt$15$8$3$<salt base64>$<key base64>`: the parameters travel with the hash (PHC-style). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await scrypt(
    password.normalize("NFC"),
    salt,
    KEY_BYTES,
    options(PARAMS.logN, PARAMS.r, PARAMS.p),
  );
  return `scrypt$${PARAMS.logN}$${PARAMS.r}$${PARAMS.p}$${salt.toString("base64")}$${key.toString("base64")}`;
}

/**
 * Whether `password` matches `stored`, compared in constant time. A missing or malformed hash
 * (a user who never set a password) still costs one scrypt run, so response times do not tell
 * "no such user" from "wrong password".
 */
export async function verifyPassword(password: string, stored: string | null | undefined): Promise<boolean> {
  const m = typeof stored === "string" ? FORMAT.exec(stored) : null;
  let params: { logN: number; r: number; p: number } = PARAMS;
  let salt = crypto.randomBytes(SALT_BYTES);
  let expected = crypto.randomBytes(KEY_BYTES);
  let readable = false;
  if (m) {
    const [logN, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const s = Buffer.from(m[4]!, "base64");
    const k = Buffer.from(m[5]!, "base64");
    // A short key would match more than one password in 2^256 (a 1-byte key: one in 256).
    if (saneParams(logN, r, p) && s.length >= SALT_BYTES && k.length >= KEY_BYTES && k.length <= 64) {
      params = { logN, r, p };
      salt = s;
      expected = k;
      readable = true;
    }
  }
  const input = typeof password === "string" ? password.slice(0, MAX_PASSWORD_LENGTH + 1) : "";
  const key = await scrypt(
    input.normalize("NFC"),
    salt,
    expected.length,
    options(params.logN, params.r, params.p),
  );
  return readable && crypto.timingSafeEqual(key, expected);
}

/** Why a new password is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (typeof password !== "string" || password.length < MIN_PASSWORD_LENGTH)
    return `must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `must be at most ${MAX_PASSWORD_LENGTH} characters`;
  return null;
}

// No 0/O, 1/l/I: a generated password is read off a terminal and typed.
const ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789";

/** A random password of four groups of five (≈ 100 bits), e.g. `k3vxq-8mtrw-…`. */
export function generatePassword(): string {
  const bytes = crypto.randomBytes(20);
  const chars = [...bytes].map((b) => ALPHABET[b % ALPHABET.length]);
  return [0, 5, 10, 15].map((i) => chars.slice(i, i + 5).join("")).join("-");
}
