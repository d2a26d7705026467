import { describe, expect, it } from "vitest";
import { decodeToken, deriveKey, encodeToken } from "../../src/services/download-token.js";

const fields = {
  accountId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b",
  exportRunId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
  artifactId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d",
  userId: "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5e",
  expiresAtSeconds: 1_800_000_000,
};

describe("download token", () => {
  const key = deriveKey(Buffer.from("a test secret of some length"));

  it("decodes what it encoded, with the key id and the expiry in whole seconds", () => {
    const token = encodeToken(key, fields);
    expect(token).toHaveLength(96 + 1 + 43);
    const { expiresAtSeconds, ...ids } = fields;
    expect(decodeToken(key, token)).toEqual({
      keyId: 1,
      ...ids,
      expiresAt: new Date(expiresAtSeconds * 1000),
    });
  });

  it("refuses a token signed with another secret, or with any character changed", () => {
    const token = encodeToken(key, fields);
    expect(decodeToken(deriveKey(Buffer.from("another secret")), token)).toBeNull();
    for (const i of [0, 50, 96, token.length - 1]) {
      const c = token[i] === "A" ? "B" : "A";
      expect(decodeToken(key, token.slice(0, i) + c + token.slice(i + 1))).toBeNull();
    }
    expect(decodeToken(key, `${token}.x`)).toBeNull();
    expect(decodeToken(key, 42)).toBeNull();
  });
});
