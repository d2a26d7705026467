import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { newId } from "../../src/domain/ids.js";
import { DIALECTS } from "../support/dialects.js";
import { type Client, createTestApp, type TestApp } from "../support/test-app.js";

type Row = { id: string; name: string; updated_at: string };

/** Follows `next_cursor` until the end; returns every page. */
async function walk(client: Client, url: string): Promise<Row[][]> {
  const pages: Row[][] = [];
  let cursor: string | null = null;
  do {
    const sep = url.includes("?") ? "&" : "?";
    const res = await client.get(cursor ? `${url}${sep}cursor=${encodeURIComponent(cursor)}` : url);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as { data: Row[]; next_cursor: string | null };
    pages.push(body.data);
    cursor = body.next_cursor;
    expect(pages.length).toBeLessThan(20);
  } while (cursor);
  return pages;
}

describe.each(DIALECTS)("pagination and sync (%s)", (dialect) => {
  let t: TestApp;
  const clock = new FixedClock(new Date("2026-03-01T10:00:00.000Z"));
  const created: Row[] = [];

  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
    for (let i = 0; i < 7; i++) {
      clock.advance(1000);
      const res = await t
        .as("recruiter")
        .post("/api/v1/sources", { name: `Source ${i}`, source_type: "event" });
      expect(res.statusCode, res.body).toBe(201);
      created.push(res.json());
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it("walks pages of 3 with next_cursor: every row exactly once", async () => {
    const pages = await walk(t.as("viewer"), "/api/v1/sources?limit=3");
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const ids = pages.flat().map((r) => r.id);
    expect(new Set(ids).size).toBe(7);
    expect(ids.sort()).toEqual(created.map((r) => r.id).sort());
  });

  it("defaults to 50 rows and caps the page at 200", async () => {
    // 201 sources in account B, so account A's seven stay as the other tests expect.
    const now = clock.now().toISOString();
    await t.database.db
      .insertInto("sources")
      .values(
        Array.from({ length: 201 }, (_, i) => ({
          id: newId(),
          account_id: t.b.id,
          name: `Bulk ${i}`,
          source_type: "other",
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
    const viewer = t.as("viewer", t.b);
    const first = await viewer.get("/api/v1/sources");
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json().data).toHaveLength(50);
    expect(first.json().next_cursor).not.toBeNull();
    expect((await walk(viewer, "/api/v1/sources")).map((p) => p.length)).toEqual([50, 50, 50, 50, 1]);

    const largest = await viewer.get("/api/v1/sources?limit=200");
    expect(largest.statusCode, largest.body).toBe(200);
    expect(largest.json().data).toHaveLength(200);
    expect(largest.json().next_cursor).not.toBeNull();
    const tooLarge = await viewer.get("/api/v1/sources?limit=201");
    expect(tooLarge.statusCode).toBe(400);
    expect(tooLarge.body).toContain('"limit"');
  });

  it("updated_since returns only rows updated since, across pages", async () => {
    const since = new Date(clock.now().getTime() + 1).toISOString();
    clock.advance(60_000);
    const touched = created[1]!;
    const patch = await t.as("recruiter").patch(`/api/v1/sources/${touched.id}`, { name: "Renamed" });
    expect(patch.statusCode).toBe(200);
    clock.advance(1000);
    const fresh = await t.as("recruiter").post("/api/v1/sources", { name: "Fresh", source_type: "other" });
    const pages = await walk(
      t.as("viewer"),
      `/api/v1/sources?limit=1&updated_since=${encodeURIComponent(since)}`,
    );
    const rows = pages.flat();
    expect(rows.map((r) => r.id)).toEqual([touched.id, fresh.json().id]);
    // An offset is understood, not compared as text.
    const sinceMs = Date.parse(since);
    const inBerlin = new Date(sinceMs + 3_600_000).toISOString().replace("Z", "+01:00"); // same instant
    const withOffset = await t
      .as("viewer")
      .get(`/api/v1/sources?updated_since=${encodeURIComponent(inBerlin)}`);
    expect(withOffset.json().data.map((r: Row) => r.id)).toEqual([touched.id, fresh.json().id]);
  });

  it("deletions?since= returns tombstones of deletes made since", async () => {
    clock.advance(60_000);
    const since = clock.now().toISOString();
    const victim = created[3]!;
    expect((await t.as("recruiter").delete(`/api/v1/sources/${victim.id}`)).statusCode).toBe(204);
    const res = await t.as("viewer").get(`/api/v1/deletions?since=${encodeURIComponent(since)}`);
    expect(res.statusCode, res.body).toBe(200);
    const tombstones = res.json().data as { entity_type: string; entity_id: string; deleted_at: string }[];
    expect(tombstones).toContainEqual(
      expect.objectContaining({ entity_type: "source", entity_id: victim.id }),
    );
    expect(Object.keys(tombstones[0]!)).not.toContain("name");
    const later = new Date(clock.now().getTime() + 60_000).toISOString();
    expect(
      (await t.as("viewer").get(`/api/v1/deletions?since=${encodeURIComponent(later)}`)).json().data,
    ).toEqual([]);
    expect((await t.as("viewer").get("/api/v1/deletions?since=last-week")).statusCode).toBe(400);
  });
});
