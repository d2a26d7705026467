/**
 * PostgreSQL timestamps come back as the ISO 8601 UTC text SQLite stores
 * (`2026-11-24T09:00:00.120Z`), whatever the server's time zone and however many fraction digits
 * it writes: the sliced fast path and the `Date` fallback agree with `toISOString`.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDatabase, timestamptzText } from "../../src/db/create-db.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";

const INSTANTS = [
  "2026-11-24T09:00:00.000Z",
  "2026-11-24T09:00:00.120Z",
  "2026-11-24T09:00:00.001Z",
  "1999-12-31T23:59:59.999Z",
  "0999-01-01T00:00:00.500Z",
];

describe("timestamptz text", () => {
  it("slices UTC text and falls back to Date for any other offset", () => {
    expect(timestamptzText("2026-11-24 09:00:00.12+00")).toBe("2026-11-24T09:00:00.120Z");
    expect(timestamptzText("2026-11-24 09:00:00+00")).toBe("2026-11-24T09:00:00.000Z");
    expect(timestamptzText("2026-11-24 10:00:00.5+01")).toBe("2026-11-24T09:00:00.500Z");
    expect(timestamptzText("2026-11-24 04:30:00-05")).toBe("2026-11-24T09:30:00.000Z");
  });
});

describe.skipIf(!DIALECTS.includes("postgres"))("timestamptz from PostgreSQL", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // A server default other than UTC: the pool's sessions must still read UTC.
    await sql
      .raw(`alter database ${new URL(database.url!).pathname.slice(1)} set timezone = 'Asia/Kolkata'`)
      .execute(database.db);
  });
  afterAll(() => database?.drop());

  it("reads every instant back as toISOString writes it, its sessions in UTC", async () => {
    // A pool opened after the database's default changed: its sessions start in Asia/Kolkata.
    const fresh = createDatabase({ databaseUrl: database.url!, poolSize: 1 });
    try {
      const { rows: tz } = await sql<{ TimeZone: string }>`show time zone`.execute(fresh.db);
      expect(tz[0]!.TimeZone).toBe("UTC");
      for (const at of INSTANTS) {
        const { rows } = await sql<{ t: string }>`select ${at}::timestamptz(3) as t`.execute(fresh.db);
        expect(rows[0]!.t).toBe(new Date(at).toISOString());
      }
    } finally {
      await fresh.close();
    }
  });
});
