/**
 * The Candidates Excel Report (docs/EXPORTS.md#the-candidates-excel-report): every cell checked
 * against the database, read back from the .xlsx the endpoint streams. Real database and blob
 * store, seeded with hostile data.
 */
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customFieldCell } from "../../../src/exports/candidates-report/columns.js";
import {
  candidateReportRows,
  countCandidateReportRows,
  streamCandidatesReport,
} from "../../../src/exports/candidates-report/index.js";
import { excelSerial } from "../../../src/exports/xlsx/cell-value.js";
import { DIALECTS } from "../../support/dialects.js";
import { col, extract, type Fixture, readSheet, type Sheet, seedFixture } from "./helpers.js";

const AT = new Date("2026-03-31T22:30:00Z");

describe.each(DIALECTS)("candidates report on %s", (dialect) => {
  let fx: Fixture;
  let sheet: Sheet;
  let swapped: { personId: string; email: string };

  beforeAll(async () => {
    fx = await seedFixture(dialect, 40);
    const { db } = fx.database;
    // A person whose primary e-mail is not the first one listed.
    const two = await db
      .selectFrom("person_emails")
      .select(["person_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("account_id", "=", fx.accountId)
      .groupBy("person_id")
      .having((eb) => eb.fn.countAll(), ">", 1)
      .orderBy("person_id")
      .executeTakeFirstOrThrow();
    const emails = await db
      .selectFrom("person_emails")
      .select(["id", "email", "position"])
      .where("person_id", "=", two.person_id)
      .orderBy("position")
      .execute();
    await db
      .updateTable("person_emails")
      .set({ is_primary: false })
      .where("id", "=", emails[0]!.id)
      .execute();
    await db.updateTable("person_emails").set({ is_primary: true }).where("id", "=", emails[1]!.id).execute();
    swapped = { personId: two.person_id, email: emails[1]!.email };

    const dir = fs.mkdtempSync(path.join(fx.services.blobDir, "report-"));
    const file = path.join(dir, "report.xlsx");
    await fx.database.readSnapshot((snap) =>
      pipeline(streamCandidatesReport(snap, fx.accountId, { snapshotAt: AT }), fs.createWriteStream(file)),
    );
    sheet = readSheet(extract(file));
  });

  afterAll(async () => {
    await fx?.cleanup();
  });

  it("every cell matches the database (names, contacts, opening, dates, tags, custom fields)", async () => {
    const { db } = fx.database;
    const defs = await db
      .selectFrom("custom_field_definitions")
      .selectAll()
      .where("account_id", "=", fx.accountId)
      .where("entity_type", "=", "person")
      .orderBy("position")
      .execute();
    const users = new Map(
      (await db.selectFrom("users").select(["id", "name"]).execute()).map((u) => [u.id, u.name]),
    );
    expect(sheet.rows.length).toBe(await countCandidateReportRows(db, fx.accountId));
    let lone = 0;
    for (const [i, row] of sheet.rows.entries()) {
      const at = (c: string) => row.get(c)?.value ?? "";
      const p = await db
        .selectFrom("persons")
        .selectAll()
        .where("id", "=", at("A"))
        .executeTakeFirstOrThrow();
      expect(p.account_id).toBe(fx.accountId);
      expect(at("B")).toBe(
        [p.first_name, p.last_name]
          .filter((s) => s)
          .join(" ")
          .replace(/[\u000B\uFFFF]/g, "\uFFFD"),
      );
      const emails = await db.selectFrom("person_emails").selectAll().where("person_id", "=", p.id).execute();
      emails.sort((a, b) => Number(b.is_primary) - Number(a.is_primary) || a.position - b.position);
      expect(at("C")).toBe(emails[0]?.email ?? "");
      const phones = await db.selectFrom("person_phones").selectAll().where("person_id", "=", p.id).execute();
      phones.sort((a, b) => Number(b.is_primary) - Number(a.is_primary) || a.position - b.position);
      expect(at("D")).toBe(phones[0]?.phone ?? "");
      expect(at("E")).toBe(p.source_type ?? "");
      const source = p.source_id
        ? await db.selectFrom("sources").select("name").where("id", "=", p.source_id).executeTakeFirst()
        : undefined;
      expect(at("F")).toBe(source?.name ?? "");
      expect(at("G")).toBe(p.referrer ?? "");
      const app = at("I")
        ? await db
            .selectFrom("applications")
            .selectAll()
            .where("person_id", "=", p.id)
            .where("job_id", "=", at("I"))
            .executeTakeFirstOrThrow()
        : undefined;
      const serial = (iso: string) => String(excelSerial(new Date(iso)));
      if (app) {
        const job = await db
          .selectFrom("jobs")
          .select("title")
          .where("id", "=", app.job_id)
          .executeTakeFirstOrThrow();
        const stage = await db
          .selectFrom("pipeline_stages")
          .select("name")
          .where("id", "=", app.stage_id)
          .executeTakeFirstOrThrow();
        expect([at("H"), at("J"), at("K"), at("L"), at("M")]).toEqual([
          app.archived ? "Yes" : "No",
          job.title,
          stage.name,
          app.status,
          app.decision_reason ?? "",
        ]);
        expect(at("N")).toBe(app.assigned_to_id ? users.get(app.assigned_to_id) : "");
        expect(at("O")).toBe(serial(app.created_at));
        const later = Date.parse(app.updated_at) > Date.parse(p.updated_at) ? app.updated_at : p.updated_at;
        expect(at("P")).toBe(serial(later));
      } else {
        lone++;
        expect([at("H"), at("I"), at("J"), at("K"), at("L"), at("M")]).toEqual(["No", "", "", "", "", ""]);
        expect(at("N")).toBe(p.owner_id ? users.get(p.owner_id) : "");
        expect([at("O"), at("P")]).toEqual([serial(p.created_at), serial(p.updated_at)]);
      }
      expect(row.get("O")!.s).toBe("1"); // date style
      const tags = await db
        .selectFrom("taggings")
        .innerJoin("tags", "tags.id", "taggings.tag_id")
        .select("tags.name")
        .where("taggings.entity_type", "=", "person")
        .where("taggings.entity_id", "=", p.id)
        .execute();
      expect(at("R"), `row ${i + 2}`).toBe(
        tags
          .map((t) => t.name)
          .sort()
          .join(", "),
      );
      for (const [d, def] of defs.entries()) {
        const v = await db
          .selectFrom("custom_field_values")
          .select("value")
          .where("definition_id", "=", def.id)
          .where("entity_id", "=", p.id)
          .executeTakeFirst();
        const expected = customFieldCell(def.type, v?.value);
        const cell = row.get(col(18 + d));
        expect(cell?.value ?? "", `${def.key} of row ${i + 2}`).toBe(
          expected === null ? "" : String(expected).replace(/[\u000B\uFFFF]/g, "\uFFFD"),
        );
        if (typeof expected === "number") expect(cell?.t).toBeNull(); // a number cell
      }
    }
    expect(lone).toBeGreaterThan(0);
  });

  it("picks the primary e-mail even when it is not listed first", () => {
    const row = sheet.rows.find((r) => r.get("A")?.value === swapped.personId)!;
    expect(row.get("C")!.value).toBe(swapped.email);
  });

  it("custom field cells: numbers, Yes/No, multiselect lists, anything else as stored", () => {
    expect(customFieldCell("number", "1500.5")).toBe(1500.5);
    expect(customFieldCell("number", "n/a")).toBe("n/a");
    expect(customFieldCell("boolean", "true")).toBe("Yes");
    expect(customFieldCell("boolean", "false")).toBe("No");
    expect(customFieldCell("multiselect", '["English","German"]')).toBe("English, German");
    expect(customFieldCell("multiselect", "[oops")).toBe("[oops");
    expect(customFieldCell("date", "2026-02-01")).toBe("2026-02-01");
    expect(customFieldCell("text", "=1+1")).toBe("=1+1");
    expect(customFieldCell("text", null)).toBeNull();
  });

  it("keyset batches of any size give the same rows", async () => {
    const all = async (batchSize?: number) => {
      const out: unknown[] = [];
      await fx.database.readSnapshot(async (db) => {
        for await (const r of candidateReportRows(db, fx.accountId, { batchSize })) out.push(r);
      });
      return out;
    };
    const whole = await all();
    expect(await all(7)).toEqual(whole);
    expect(await all(1)).toEqual(whole);
    expect(whole.length).toBe(sheet.rows.length);
  });

  it("stops cleanly when the reader goes away or the export is aborted", async () => {
    await fx.database.readSnapshot(async (db) => {
      const stream = streamCandidatesReport(db, fx.accountId, { snapshotAt: AT });
      for await (const _ of stream) break; // destroys the stream after the first chunk
      // Breaking destroys the stream with an AbortError; `close` comes once no query runs.
      await finished(stream).catch((err: Error) => expect(err.name).toBe("AbortError"));
      expect(stream.closed).toBe(true);
      expect(stream.destroyed).toBe(true);
    });
    await fx.database.readSnapshot(async (db) => {
      const stream = streamCandidatesReport(db, fx.accountId, { snapshotAt: AT });
      const gone = new Writable({ write: (_c, _e, cb) => cb(new Error("client went away")) });
      await expect(pipeline(stream, gone)).rejects.toThrow("client went away");
      await finished(stream).catch(() => undefined);
      expect(stream.closed).toBe(true);
    });
    const controller = new AbortController();
    controller.abort(new Error("lease lost"));
    await fx.database.readSnapshot(async (db) => {
      const stream = streamCandidatesReport(db, fx.accountId, { snapshotAt: AT, signal: controller.signal });
      await expect(pipeline(stream, fs.createWriteStream("/dev/null"))).rejects.toThrow("lease lost");
    });
    // The database is still usable afterwards (no query left running on the snapshot).
    expect(await countCandidateReportRows(fx.database.db, fx.accountId)).toBe(sheet.rows.length);
  });
});
