/**
 * `loadConfig` names each bad variable on its own line, with the message a person can act on;
 * unset and blank optional variables mean the default.
 */
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/env.js";

/** The lines of the ConfigError `loadConfig(env)` throws, without the heading. */
function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const [heading, ...lines] = (err as Error).message.split("\n");
    expect(heading).toBe("invalid configuration:");
    return lines.map((l) => l.trim());
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe("loadConfig", () => {
  it("reads defaults when nothing is set, and blank optional variables as unset", () => {
    const config = loadConfig({ DATABASE_URL: "  ", SMTP_URL: "", S3_BUCKET: " " });
    expect(config).toMatchObject({
      port: 3000,
      host: "127.0.0.1",
      databaseUrl: undefined,
      smtpUrl: undefined,
      s3: undefined,
      logLevel: "info",
      demo: true,
      downloads: "redirect",
      trustProxy: false,
    });
  });

  it("reads numbers, trimmed text and the enumerations", () => {
    const config = loadConfig({
      PORT: "8080",
      DATABASE_URL: " postgresql://db/hv ",
      SMTP_URL: "SMTPS://mail:465",
      S3_BUCKET: "b",
      LOG_LEVEL: "warn",
      HIREVAULT_DEMO: "false",
      HIREVAULT_EXPORT_LEASE_MS: "5000",
      HIREVAULT_DOWNLOADS: "stream",
      TRUST_PROXY: "10.0.0.0/8, 127.0.0.1",
    });
    expect(config).toMatchObject({
      port: 8080,
      databaseUrl: "postgresql://db/hv",
      smtpUrl: "SMTPS://mail:465",
      s3: { bucket: "b", region: "us-east-1" },
      logLevel: "warn",
      demo: false,
      exportLeaseMs: 5000,
      downloads: "stream",
      trustProxy: ["10.0.0.0/8", "127.0.0.1"],
    });
  });

  it("names every bad variable once, in order, with the message written for it", () => {
    expect(
      problems({
        PORT: "abc",
        DATABASE_URL: "mysql://db",
        SMTP_URL: "http://user:s3cret@mail",
        HIREVAULT_MAIL_FROM: "nobody",
        LOG_LEVEL: "loud",
        HIREVAULT_DEMO: "yes",
        HIREVAULT_DOWNLOADS: "proxy",
      }),
    ).toEqual([
      "PORT: Expected integer",
      "DATABASE_URL: must start with postgres:// or postgresql:// (unset it to use the embedded SQLite file)",
      "SMTP_URL: must start with smtp:// or smtps:// (unset it to write emails as .eml files to the data dir)",
      'HIREVAULT_MAIL_FROM: must be an address, e.g. "Hirevault <no-reply@example.com>"',
      'LOG_LEVEL: Invalid option: expected one of "fatal"|"error"|"warn"|"info"|"debug"|"trace"|"silent"',
      'HIREVAULT_DEMO: Invalid option: expected one of "true"|"false"',
      'HIREVAULT_DOWNLOADS: Invalid option: expected one of "redirect"|"stream"',
    ]);
  });

  it("checks the bounds of numeric variables", () => {
    expect(problems({ PORT: "70000" })).toEqual(["PORT: Expected integer to be less or equal to 65535"]);
    expect(problems({ PORT: "1.5" })).toEqual(["PORT: Expected integer"]);
    expect(problems({ HIREVAULT_MAX_UPLOAD_BYTES: "0", HIREVAULT_RATE_LIMIT: "-1" })).toEqual([
      "HIREVAULT_MAX_UPLOAD_BYTES: Expected integer to be greater than 0",
      "HIREVAULT_RATE_LIMIT: Expected integer to be greater than 0",
    ]);
    expect(problems({ HIREVAULT_EXPORT_LEASE_MS: "999" })).toEqual([
      "HIREVAULT_EXPORT_LEASE_MS: Expected integer to be greater or equal to 1000",
    ]);
  });

  it("does not repeat a secret from a rejected URL", () => {
    expect(problems({ SMTP_URL: "http://user:s3cret@mail" }).join("\n")).not.toMatch(/s3cret/);
  });
});
