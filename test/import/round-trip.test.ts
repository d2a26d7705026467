/**
 * The round trip of docs/EXPORTS.md#integrity / docs/EXPORTS.md#restoring-a-snapshot (GitLab's
 * import_export_equivalence_spec): seed → snapshot → import into a new account → snapshot again →
 * the two snapshots hold the same data. Ids are compared through the import's id mapping (so every
 * foreign key, polymorphic reference and tombstone must have been mapped consistently), everything
 * else exactly — timestamps included, hostile text included, file bytes by SHA-256. On SQLite and
 * PostgreSQL.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { snapshotFormat } from "../../src/exports/formats/snapshot/index.js";
import { SNAPSHOT_FILES, SNAPSHOT_TABLES } from "../../src/exports/formats/snapshot/layout.js";
import { importedId } from "../../src/import/id-map.js";
import { importSnapshot } from "../../src/import/import-snapshot.js";
import { STORAGE_SWEEP_GRACE_MS, SweepStorageTask } from "../../src/jobs/tasks/sweep-storage.task.js";
import { ApiTokenService } from "../../src/services/api-token.service.js";
import { SYSTEM_ACTOR } from "../../src/services/write-context.js";
import { type Fixture, runFormat, seedFixture } from "../exports/formats/helpers.js";
import { allKeys, silent } from "../jobs/helpers.js";
import { DIALECTS } from "../support/dialects.js";
import { type ReadSnapshot, readSnapshot } from "./snapshot-reader.js";

const IMPORTED_AT = new Date("2026-11-24T12:00:00.000Z");

describe.each(DIALECTS)("snapshot → import → snapshot on %s", (dialect) => {
  let fx: Fixture;
  let first: ReadSnapshot;
  let second: ReadSnapshot;
  let newAccountId: string;
  let dir: string;

  beforeAll(async () => {
    fx = await seedFixture(dialect, 40);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "hv-roundtrip-"));
    const { db } = fx.database;
    const ctx = { accountId: fx.accountId, actor: SYSTEM_ACTOR };
    // Rows the seed does not make: an API token, a tombstone (a deleted candidate), a list in a
    // folder whose id sorts before the folder's, values that are "" rather than NULL.
    await new ApiTokenService(db).create(fx.accountId, { name: "Zapier =cmd|' /C calc'!A0", role: "admin" });
    const victim = await db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", fx.accountId)
      .orderBy("id")
      .executeTakeFirstOrThrow();
    await fx.services.entities.delete(ctx, "persons", victim.id);
    const child = await fx.services.entities.create(ctx, "lists", { name: "child first", kind: "list" });
    const folder = await fx.services.entities.create(ctx, "lists", { name: "folder later", kind: "folder" });
    await db
      .updateTable("lists")
      .set({ parent_id: folder.id as string })
      .where("id", "=", child.id as string)
      .execute();
    await db
      .updateTable("persons")
      .set({ headline: "" })
      .where("account_id", "=", fx.accountId)
      .where("headline", "is", null)
      .execute();

    const one = await runFormat(fx, snapshotFormat);
    const file = path.join(dir, "first.zip");
    fs.copyFileSync(one.artifacts[0]!.path, file);
    first = await readSnapshot(file);

    const summary = await importSnapshot({
      db,
      blobs: fx.services.blobs,
      file,
      accountName: "Acme Corp (restored)",
      clock: new FixedClock(IMPORTED_AT),
    });
    newAccountId = summary.accountId;
    const two = await runFormat(fx, snapshotFormat, {
      accountId: newAccountId,
      accountName: "Acme Corp (restored)",
    });
    second = await readSnapshot(two.artifacts[0]!.path);
  }, 120_000);

  afterAll(async () => {
    await fx?.cleanup();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("exercises every exported table (the seed plus this test leave no table empty)", () => {
    const empty = SNAPSHOT_TABLES.filter((t) =>
      SNAPSHOT_FILES.filter((f) => f.table === t).every((f) => first.csvs.get(f.path)!.rows.length === 0),
    );
    expect(empty).toEqual([]);
  });

  it("gives back every CSV row for row, ids mapped and everything else exact", () => {
    for (const file of SNAPSHOT_FILES) {
      const a = first.csvs.get(file.path)!;
      const b = second.csvs.get(file.path)!;
      expect(b.header, file.path).toEqual(a.header);
      const idColumns = a.header.map((h) => file.columns.find((c) => c.name === h)?.type === "id");
      const pathColumn = a.header.indexOf("path");
      let expected = a.rows.map((row) =>
        row.map((v, i) => {
          if (v === null) return v;
          if (idColumns[i]) return importedId(newAccountId, v);
          if (i === pathColumn)
            return v.replace(
              /^files\/([^/]+)\//,
              (_m, id: string) => `files/${importedId(newAccountId, id)}/`,
            );
          return v;
        }),
      );
      let actual = b.rows;
      if (file.path === "reference/api_tokens.csv") {
        // A credential never comes back from a file: restored tokens are revoked at import time.
        const revoked = a.header.indexOf("revoked_at");
        expected = expected.map((r) =>
          r.map((v, i) => (i === revoked ? (v ?? IMPORTED_AT.toISOString()) : v)),
        );
      }
      if (file.path === "reference/audit_log.csv") {
        const action = a.header.indexOf("action");
        const imported = actual.filter((r) => r[action] === "account.imported");
        expect(imported).toHaveLength(1);
        actual = actual.filter((r) => r[action] !== "account.imported");
      }
      const byId = (x: (string | null)[], y: (string | null)[]) => (String(x[0]) < String(y[0]) ? -1 : 1);
      expect(actual.length, file.path).toBe(expected.length);
      expect([...actual].sort(byId), file.path).toEqual([...expected].sort(byId));
    }
  });

  it("restores every file byte for byte", () => {
    const files = [...first.hashes].filter(([name]) => name.startsWith("files/") && !name.endsWith(".csv"));
    expect(files.length).toBeGreaterThan(10);
    for (const [name, sha] of files) {
      const mapped = name.replace(
        /^files\/([^/]+)\//,
        (_m, id: string) => `files/${importedId(newAccountId, id)}/`,
      );
      expect(second.hashes.get(mapped), name).toBe(sha);
    }
    expect(
      [...second.hashes.keys()].filter((n) => n.startsWith("files/") && !n.endsWith(".csv")),
    ).toHaveLength(files.length);
  });

  it("keeps the hostile text, the empty strings and the time zone exactly", () => {
    const persons = first.csvs.get("persons/persons.csv")!;
    const headline = persons.header.indexOf("headline");
    expect(persons.rows.some((r) => r[headline] === "")).toBe(true);
    const names = persons.rows.map((r) => r[persons.header.indexOf("first_name")]).join("\n");
    expect(names).toMatch(/^[=+\-@]/m); // formula-looking names survive unescaped in the machine CSV
    expect(second.manifest.account.time_zone).toBe(first.manifest.account.time_zone);
  });

  it("counts the same rows per table (plus the import's own audit entry)", async () => {
    const counts = (s: ReadSnapshot) => Object.fromEntries(s.manifest.tables.map((t) => [t.file, t.rows]));
    const a = counts(first);
    const b = counts(second);
    a["reference/audit_log.csv"] = (a["reference/audit_log.csv"] ?? 0) + 1;
    expect(b).toEqual(a);
  });

  it("leaves every file the seed and the import stored to a storage sweep past the grace period", async () => {
    const { db } = fx.database;
    const blobs = fx.services.blobs;
    const stored = await allKeys(blobs);
    // The layout the sweep relies on: each file under an account's attachments/ is named by a row.
    const named = new Set(
      (await db.selectFrom("attachments").select("storage_key").execute()).map((r) => r.storage_key),
    );
    const attachmentFiles = stored.filter((k) => /^accounts\/[^/]+\/attachments\//.test(k));
    expect(attachmentFiles.filter((k) => k.startsWith(`accounts/${newAccountId}/`)).length).toBeGreaterThan(
      10,
    );
    expect(attachmentFiles.filter((k) => !named.has(k))).toEqual([]);

    const later = new FixedClock(new Date(Date.now() + STORAGE_SWEEP_GRACE_MS + 24 * 3600_000));
    const summary = await new SweepStorageTask(db, blobs, later, silent).sweep();
    expect(await allKeys(blobs)).toEqual(stored);
    expect(summary).toMatchObject({ orphanAccountFiles: 0, deadAttemptFiles: 0, unownedAttachmentFiles: 0 });
  });
});
