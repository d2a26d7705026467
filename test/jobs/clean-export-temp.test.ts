import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { CleanExportTempTask } from "../../src/jobs/tasks/clean-export-temp.task.js";
import { AccountRepository } from "../../src/repositories/account.repository.js";
import { ExportRunRepository } from "../../src/repositories/export-run.repository.js";
import { ExportService } from "../../src/services/export.service.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { ADMIN, silent } from "./helpers.js";

describe.each(DIALECTS)("abandoned export temp directories (%s)", (dialect) => {
  let database: TestDatabase;
  let tmpRoot: string;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    tmpRoot = await fs.mkdtemp(path.join(os.tmpdir(), "hv-clean-tmp-"));
  });
  afterAll(async () => {
    await database.drop();
    await fs.rm(tmpRoot, { recursive: true, force: true });
  });

  it("removes directories of dead attempts and keeps the one of the attempt running now", async () => {
    const clock = new FixedClock(new Date("2026-11-24T10:00:00Z"));
    const account = await new AccountRepository(database.db).create({ name: "tmp-clean" });
    const { run } = await new ExportService(database.db, clock).request(
      { accountId: account.id, actor: ADMIN },
      "backup",
    );
    const runs = new ExportRunRepository(database.db);
    await runs.claimNext("dead", clock.now(), 1_000); // attempt 1, then its worker dies
    clock.advance(2_000);
    await runs.claimNext("alive", clock.now(), 60_000); // attempt 2, running now
    for (const name of [`${run.id}-1`, `${run.id}-2`, "00000000-0000-7000-8000-000000000000-1", "not-ours"]) {
      await fs.mkdir(path.join(tmpRoot, name, "inner"), { recursive: true });
    }
    await new CleanExportTempTask(database.db, tmpRoot, silent).run();
    expect((await fs.readdir(tmpRoot)).sort()).toEqual([`${run.id}-2`, "not-ours"].sort());
  });
});
