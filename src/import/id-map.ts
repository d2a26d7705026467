import crypto from "node:crypto";

/**
 * The id a row gets in the account it is imported into. Ids are primary keys across the whole
 * database, so a snapshot restored next to its source (a second account on the same server)
 * cannot keep them. Instead of a lookup table (millions of entries for a large account), each id
 * is derived: the old id's 48-bit time prefix (UUIDv7, RFC 9562 §5.7, so rows keep their
 * creation order) followed by 74 bits of SHA-256(target account id, old id). The same old
 * id always maps to the same new id within one import, so foreign keys, polymorphic references
 * and tombstones of rows that are no longer there all stay consistent without remembering
 * anything; a second import of the same snapshot (another account id) gets other ids.
 */
export function importedId(targetAccountId: string, oldId: string): string {
  // One-shot hash (not HMAC: nothing here is secret, and it is twice as fast per id).
  const mac = crypto.hash("sha256", `${targetAccountId}/${oldId}`, "buffer");
  const b = Buffer.alloc(16);
  const hex = oldId.replaceAll("-", "");
  // Keep the time prefix of UUIDv7 ids; other ids (none today) take the hash's bytes throughout.
  if (/^[0-9a-f]{12}7/.test(hex)) Buffer.from(hex.slice(0, 12), "hex").copy(b, 0);
  else mac.copy(b, 0, 16, 22);
  mac.copy(b, 6, 0, 10);
  b[6] = 0x70 | (b[6]! & 0x0f); // version 7
  b[8] = 0x80 | (b[8]! & 0x3f); // variant 10
  const h = b.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
