/**
 * A database busy with another writer is a 503 with Retry-After, never a 500: SQLite's "database
 * is locked" once the busy timeout has passed, PostgreSQL's lock timeout (55P03), serialization
 * failure (40001) and deadlock (40P01). The locks are real: held by another connection.
 */
import SQLite from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isDatabaseBusy, isUniqueViolation } from "../../src/db/dialect.js";
import { toProblem } from "../../src/http/middleware/errors.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { givePassword, postSignIn, TEST_PASSWORD } from "../web/_helpers/web-client.js";

/** How long a request waits for a lock in these tests (the default is 10 s on SQLite). */
const LOCK_WAIT_MS = 300;

/** Runs `fn` while another connection holds the lock a write needs; releases it afterwards. */
type Holder = <T>(fn: () => Promise<T>) => Promise<T>;

describe.each(DIALECTS)("a busy database (%s)", (dialect) => {
  let t: TestApp;
  let tagId: string;
  /** Holds the database's write lock (SQLite) or the tag's row lock (PostgreSQL) from outside. */
  let holdingLock: Holder;

  beforeAll(async () => {
    t = await createTestApp(dialect, {
      database:
        dialect === "sqlite" ? { sqliteBusyTimeoutMs: LOCK_WAIT_MS } : { pgLockTimeoutMs: LOCK_WAIT_MS },
    });
    const tag = await t.as("admin").post("/api/v1/tags", { name: "locked" });
    expect(tag.statusCode, tag.body).toBe(201);
    tagId = tag.json().id;
    holdingLock = async (fn) => {
      if (dialect === "sqlite") {
        const other = new SQLite(t.database.sqlitePath!);
        other.exec("begin immediate");
        try {
          return await fn();
        } finally {
          other.exec("rollback");
          other.close();
        }
      }
      const other = new pg.Client({ connectionString: t.database.url });
      await other.connect();
      try {
        await other.query("begin");
        // The row the PATCH updates, and every user row (a sign-in writes its user's last login).
        await other.query("select id from tags where id = $1 for update", [tagId]);
        await other.query("select id from users for update");
        return await fn();
      } finally {
        await other.query("rollback").catch(() => undefined);
        await other.end();
      }
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers an API write 503 problem+json with Retry-After, and the retry succeeds", async () => {
    const started = performance.now();
    const res = await holdingLock(() => t.as("admin").patch(`/api/v1/tags/${tagId}`, { name: "renamed" }));
    const waited = performance.now() - started;
    expect(res.statusCode, res.body).toBe(503);
    expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.json()).toMatchObject({
      type: "https://hirevault.dev/problems/service-unavailable",
      status: 503,
      detail: expect.stringMatching(/database is busy.*nothing was changed/),
    });
    // It waited for the lock first (the configured time), then gave up.
    expect(waited).toBeGreaterThanOrEqual(LOCK_WAIT_MS * 0.9);
    const unchanged = await t.as("admin").get(`/api/v1/tags/${tagId}`);
    expect(unchanged.json().name).toBe("locked");

    const retried = await t.as("admin").patch(`/api/v1/tags/${tagId}`, { name: "renamed" });
    expect(retried.statusCode, retried.body).toBe(200);
    expect(retried.json().name).toBe("renamed");
  });

  it("answers a web sign-in 503 as a page with Retry-After", async () => {
    const email = await givePassword(t, "admin");
    const res = await holdingLock(() => postSignIn(t, { account: t.a.name, email, password: TEST_PASSWORD }));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(503);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["retry-after"]).toBe("1");
    expect(res.body).toContain("Service unavailable");
    const retried = await postSignIn(t, { account: t.a.name, email, password: TEST_PASSWORD });
    expect(retried.statusCode).toBe(303);
  });
});

describe.each(DIALECTS)("isDatabaseBusy on real errors (%s)", (dialect) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect);
  });
  afterAll(async () => {
    await t?.close();
  });

  /** The error `fn` rejects with. */
  const errorOf = async (fn: () => Promise<unknown>): Promise<unknown> => {
    try {
      await fn();
    } catch (err) {
      return err;
    }
    throw new Error("expected an error");
  };

  it.runIf(dialect === "sqlite")("knows SQLite's busy and stale-snapshot errors", async () => {
    const file = t.database.sqlitePath!;
    const holder = new SQLite(file);
    const waiter = new SQLite(file, { timeout: 0 });
    try {
      holder.exec("begin immediate");
      const locked = await errorOf(async () => waiter.exec("begin immediate"));
      expect(locked).toMatchObject({ code: "SQLITE_BUSY", message: "database is locked" });
      expect(isDatabaseBusy(locked)).toBe(true);
      holder.exec("rollback");
      // A read transaction whose snapshot another connection's commit made stale cannot write.
      waiter.exec("begin");
      waiter.prepare("select count(*) from tags").get();
      holder.exec("update accounts set updated_at = '2099-01-01T00:00:00.000Z'");
      const stale = await errorOf(async () => waiter.exec("update accounts set updated_at = updated_at"));
      expect(isDatabaseBusy(stale), String(stale)).toBe(true);
      waiter.exec("rollback");
    } finally {
      holder.close();
      waiter.close();
    }
  });

  it.runIf(dialect === "postgres")("knows PostgreSQL's deadlock and serialization failure", async () => {
    const a = new pg.Client({ connectionString: t.database.url });
    const b = new pg.Client({ connectionString: t.database.url });
    await a.connect();
    await b.connect();
    try {
      const tags = await Promise.all(
        ["one", "two"].map((name) =>
          t
            .as("admin")
            .post("/api/v1/tags", { name })
            .then((r) => r.json().id),
        ),
      );
      // Deadlock: each holds one row and asks for the other's.
      await a.query("begin");
      await b.query("begin");
      await a.query("update tags set name = name where id = $1", [tags[0]]);
      await b.query("update tags set name = name where id = $1", [tags[1]]);
      const results = await Promise.allSettled([
        a.query("update tags set name = name where id = $1", [tags[1]]),
        b.query("update tags set name = name where id = $1", [tags[0]]),
      ]);
      const deadlock = results.find((r) => r.status === "rejected")?.reason;
      expect(deadlock).toMatchObject({ code: "40P01" });
      expect(isDatabaseBusy(deadlock)).toBe(true);
      await a.query("rollback");
      await b.query("rollback");
      // Serialization failure: a repeatable-read transaction updates a row changed since its snapshot.
      await a.query("begin isolation level repeatable read");
      await a.query("select count(*) from tags");
      await b.query("update tags set name = 'three' where id = $1", [tags[0]]);
      const serialization = await errorOf(() =>
        a.query("update tags set name = 'four' where id = $1", [tags[0]]),
      );
      expect(serialization).toMatchObject({ code: "40001" });
      expect(isDatabaseBusy(serialization)).toBe(true);
      await a.query("rollback");
      expect(toProblem(serialization)).toMatchObject({
        body: { status: 503 },
        headers: { "retry-after": "1" },
      });
      // Wrapped on its way up, it is still recognised; a constraint error is not busy.
      expect(isDatabaseBusy(new Error("wrapped", { cause: deadlock }))).toBe(true);
      const duplicate = await errorOf(() =>
        b.query("insert into tags select * from tags where id = $1", [tags[1]]),
      );
      expect(isUniqueViolation(duplicate)).toBe(true);
      expect(isDatabaseBusy(duplicate)).toBe(false);
    } finally {
      await a.end();
      await b.end();
    }
  });
});
