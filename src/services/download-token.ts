import crypto from "node:crypto";

/**
 * The download-link token, encoded and checked without a clock or a database:
 * `base64url(payload) "." base64url(HMAC-SHA256(key, payload))`, where the payload is fixed-size
 * binary (version, key id, account, run, artifact, user, expiry in unix seconds) and the key is
 * HKDF-SHA256 of the secret for the purpose "download-links", so the raw secret never signs.
 */

/** Token layout version (first payload byte); a new layout gets a new number. */
const FORMAT_VERSION = 1;
/** Key id (second payload byte): which derived key signed the token, so keys can rotate. */
export const KEY_ID = 1;
/** version(1) + key id(1) + account, run, artifact, user (16 each) + expiry in unix seconds (6). */
const PAYLOAD_BYTES = 2 + 4 * 16 + 6;
const MAC_BYTES = 32;
// Unpadded base64url lengths: 72 bytes → 96 characters, 32 bytes → 43 characters.
const PAYLOAD_CHARS = Math.ceil((PAYLOAD_BYTES * 4) / 3);
const MAC_CHARS = Math.ceil((MAC_BYTES * 4) / 3);
const TOKEN_CHARS = PAYLOAD_CHARS + 1 + MAC_CHARS;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** What a link grants, as signed into its token. */
export interface LinkClaims {
  keyId: number;
  accountId: string;
  exportRunId: string;
  artifactId: string;
  /** The owner or admin the link was minted for: downloads are audited as them. */
  userId: string;
  expiresAt: Date;
}

/** What is signed into a new token: four lower-case UUIDs and the expiry in whole unix seconds. */
export interface TokenFields {
  accountId: string;
  exportRunId: string;
  artifactId: string;
  userId: string;
  expiresAtSeconds: number;
}

/** HKDF-SHA256 (RFC 5869) of the secret for this purpose and key id: never the raw secret. */
export function deriveKey(secret: Buffer, keyId: number = KEY_ID): Buffer {
  return Buffer.from(crypto.hkdfSync("sha256", secret, "hirevault", `download-links/v${keyId}`, 32));
}

/** The token for `fields`, signed with `key` (from {@link deriveKey}); the ids must be UUIDs. */
export function encodeToken(key: Buffer, fields: TokenFields): string {
  const ids = [fields.accountId, fields.exportRunId, fields.artifactId, fields.userId];
  const payload = Buffer.alloc(PAYLOAD_BYTES);
  payload[0] = FORMAT_VERSION;
  payload[1] = KEY_ID;
  ids.forEach((id, i) => {
    Buffer.from(id.replaceAll("-", ""), "hex").copy(payload, 2 + i * 16);
  });
  payload.writeUIntBE(fields.expiresAtSeconds, 2 + 4 * 16, 6);
  return `${payload.toString("base64url")}.${mac(key, payload).toString("base64url")}`;
}

/**
 * Checks a token's form and signature only (no database, no expiry): the claims, or `null` for
 * anything forged, altered, truncated or malformed. Never throws, whatever the input.
 */
export function decodeToken(key: Buffer, token: unknown): LinkClaims | null {
  if (typeof token !== "string" || token.length !== TOKEN_CHARS) return null;
  const [p64, m64, extra] = token.split(".");
  if (extra !== undefined || p64?.length !== PAYLOAD_CHARS || m64?.length !== MAC_CHARS) return null;
  const payload = decodeCanonical(p64);
  const given = decodeCanonical(m64);
  if (payload?.length !== PAYLOAD_BYTES || given?.length !== MAC_BYTES) return null;
  const expected = mac(key, payload);
  // timingSafeEqual throws on unequal lengths, so the length was checked first
  // (docs/EXPORTS.md#links-and-downloads).
  if (expected.length !== given.length || !crypto.timingSafeEqual(expected, given)) return null;
  if (payload[0] !== FORMAT_VERSION || payload[1] !== KEY_ID) return null;
  const uuid = (i: number) => formatUuid(payload.subarray(2 + i * 16, 18 + i * 16));
  return {
    keyId: payload[1],
    accountId: uuid(0),
    exportRunId: uuid(1),
    artifactId: uuid(2),
    userId: uuid(3),
    expiresAt: new Date(payload.readUIntBE(2 + 4 * 16, 6) * 1000),
  };
}

function mac(key: Buffer, payload: Buffer): Buffer {
  return crypto.createHmac("sha256", key).update(payload).digest();
}

/**
 * Strict base64url: only the alphabet, and the encoding must be the canonical one (Node ignores
 * stray characters and the unused low bits of the last character, so two spellings could decode
 * to the same bytes; altering any character of a token must fail).
 */
function decodeCanonical(text: string): Buffer | null {
  if (!BASE64URL.test(text)) return null;
  const bytes = Buffer.from(text, "base64url");
  return bytes.toString("base64url") === text ? bytes : null;
}

function formatUuid(bytes: Buffer): string {
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
