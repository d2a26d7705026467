import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { DeleteExpiredSessionsTask } from "../../src/jobs/tasks/delete-expired-sessions.task.js";
import { SESSION_IDLE_MS, WebSessionService } from "../../src/services/web-session.service.js";
import { DIALECTS } from "../support/dialects.js";
import { createTestApp, type TestApp } from "../support/test-app.js";
import { signIn } from "./_helpers/web-client.js";

// real: the app on SQLite / PostgreSQL through inject; the worker's sweep task.
describe.each(DIALECTS)("expired web sessions are swept on %s", (dialect) => {
  const clock = new FixedClock(new Date("2026-11-24T09:00:00Z"));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp(dialect, { clock });
  });
  afterAll(() => t.close());

  it("deletes idle sessions and keeps live ones", async () => {
    const stale = await signIn(t, "admin");
    clock.advance(SESSION_IDLE_MS - 60_000);
    const live = await signIn(t, "owner");
    clock.advance(2 * 60_000); // stale is now idle for 2 h + 1 min, live for 2 min
    const task = new DeleteExpiredSessionsTask(
      new WebSessionService(t.database.db, clock),
      pino({ level: "silent" }),
    );
    await task.run();
    const left = await t.database.db.selectFrom("web_sessions").select("user_id").execute();
    expect(left.map((r) => r.user_id)).toEqual([t.a.userIds.owner]);
    expect((await live.get("/settings/data-backup")).statusCode).toBe(200);
    expect((await stale.get("/settings/data-backup")).statusCode).toBe(303);
  });
});
