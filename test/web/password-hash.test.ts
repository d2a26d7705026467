import { describe, expect, it } from "vitest";
import {
  generatePassword,
  hashPassword,
  MAX_PASSWORD_LENGTH,
  MIN_PASSWORD_LENGTH,
  passwordProblem,
  verifyPassword,
} from "../../src/services/password-hash.js";

// No database: the scrypt hashing of web sign-in passwords (src/services/password-hash.ts).
describe("password hashing", () => {
  const PASSWORD = "correct horse battery staple";

  it("stores scrypt with its parameters, a random salt and a 32-byte key", async () => {
    const a = await hashPassword(PASSWORD);
    const b = await hashPassword(PASSWORD);
    const m = /^scrypt\$15\$8\$3\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(a);
    expect(m, a).not.toBeNull();
    expect(Buffer.from(m![1]!, "base64")).toHaveLength(16);
    expect(Buffer.from(m![2]!, "base64")).toHaveLength(32);
    expect(a).not.toBe(b); // salted
    expect(a).not.toContain(PASSWORD);
  });

  it("verifies the right password and refuses a wrong one", async () => {
    const stored = await hashPassword(PASSWORD);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword(`${PASSWORD} `, stored)).toBe(false);
    expect(await verifyPassword(PASSWORD.toUpperCase(), stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("answers false, not an exception, for a missing or malformed stored hash", async () => {
    const stored = await hashPassword(PASSWORD);
    const [, , , , salt, key] = stored.split("$");
    const malformed = [
      null,
      undefined,
      "",
      PASSWORD, // a password stored in clear is not a hash
      "scrypt",
      `scrypt$15$8$3$${salt}`,
      `scrypt$15$8$3$${salt}$${key}$extra`,
      `bcrypt$15$8$3$${salt}$${key}`,
      `scrypt$99$8$3$${salt}$${key}`, // N out of range
      `scrypt$15$0$3$${salt}$${key}`, // r = 0
      `scrypt$15$8$0$${salt}$${key}`, // p = 0
      `scrypt$15$8$3$!!!!$${key}`,
      `scrypt$15$8$3$${salt}$=`, // an empty key
      `scrypt$15$8$3$${salt}$${key!.slice(0, 20)}`, // a truncated key (a prefix of the right one)
      `scrypt$15$8$3$${salt}$${key!.slice(0, 4)}`,
      `scrypt$15$8$3$${salt!.slice(0, 4)}$${key}`, // a truncated salt
    ];
    for (const bad of malformed) {
      await expect(verifyPassword(PASSWORD, bad), String(bad)).resolves.toBe(false);
    }
  });

  it("refuses, quickly, a stored hash whose parameters would take gigabytes and a minute", async () => {
    const salt = Buffer.alloc(16, 1).toString("base64");
    const key = Buffer.alloc(32, 2).toString("base64");
    const started = Date.now();
    await expect(verifyPassword(PASSWORD, `scrypt$20$32$4$${salt}$${key}`)).resolves.toBe(false);
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it("compares Unicode passwords by their NFC form (é typed precomposed or combining)", async () => {
    const nfc = "pässwörd-café-ñandú".normalize("NFC");
    const nfd = nfc.normalize("NFD");
    expect(nfc).not.toBe(nfd);
    const stored = await hashPassword(nfd);
    expect(await verifyPassword(nfc, stored)).toBe(true);
    expect(await verifyPassword(nfd, stored)).toBe(true);
    expect(await verifyPassword("passwörd-café-ñandú", stored)).toBe(false);
  });

  it("generates passwords of four groups of five unambiguous characters, all different", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const p = generatePassword();
      expect(p).toMatch(/^[a-km-np-z2-9]{5}(-[a-km-np-z2-9]{5}){3}$/);
      expect(p).not.toMatch(/[01lIoO]/);
      expect(passwordProblem(p)).toBeNull();
      seen.add(p);
    }
    expect(seen.size).toBe(200);
  });

  it("accepts passwords from 12 to 256 characters, any characters", () => {
    expect(MIN_PASSWORD_LENGTH).toBe(12);
    expect(MAX_PASSWORD_LENGTH).toBe(256);
    expect(passwordProblem("")).toMatch(/at least 12/);
    expect(passwordProblem("a".repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem("a".repeat(12))).toBeNull();
    expect(passwordProblem("          😀 ")).toBeNull();
    expect(passwordProblem("a".repeat(256))).toBeNull();
    expect(passwordProblem("a".repeat(257))).toMatch(/at most 256/);
    expect(passwordProblem(undefined as unknown as string)).toMatch(/at least 12/);
  });
});
