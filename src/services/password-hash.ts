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

function options(logN: number, r: number, p: number): crypto.ScryptOptions {
  // Node's default maxmem (32 MiB) is below 128 · N · r; allow exactly what the parameters need.
  return { N: 2 ** logN, r, p, maxmem: 128 * 2 ** logN * r * p + 1024 * 1024 };
}

/** `scrypt$17$8$1$<salt base64>$<key base64>`: the parameters travel with the hash (PHC-style). */
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
  const m = stored ? FORMAT.exec(stored) : null;
  const [logN, r, p] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [PARAMS.logN, PARAMS.r, PARAMS.p];
  const sane = logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 4;
  const salt = m && sane ? Buffer.from(m[4]!, "base64") : crypto.randomBytes(SALT_BYTES);
  const expected = m && sane ? Buffer.from(m[5]!, "base64") : crypto.randomBytes(KEY_BYTES);
  const input = typeof password === "string" ? password.slice(0, MAX_PASSWORD_LENGTH + 1) : "";
  const key = await scrypt(
    input.normalize("NFC"),
    salt,
    expected.length || KEY_BYTES,
    options(sane ? logN : PARAMS.logN, sane ? r : PARAMS.r, sane ? p : PARAMS.p),
  );
  return Boolean(m && sane) && key.length === expected.length && crypto.timingSafeEqual(key, expected);
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
