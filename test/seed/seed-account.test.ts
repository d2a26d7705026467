import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TABLE_NAMES, tableSpec } from "../../src/db/schema/index.js";
import type { FieldError } from "../../src/domain/errors.js";
import { DOCX_CONTENT_TYPE, PDF_CONTENT_TYPE } from "../../src/seed/cv-files.js";
import {
  DUPLICATE_NAME,
  HOSTILE_CUSTOM_FIELD_VALUES,
  HOSTILE_FILE_NAMES,
  HOSTILE_JOB_TITLES,
  HOSTILE_NOTES,
  HOSTILE_PERSON_NAMES,
  HOSTILE_STAGE_NAMES,
  HOSTILE_TAGS,
  LINE_FEED_NOTE,
  LONG_NOTE,
  XML_ILLEGAL_TEXT,
} from "../../src/seed/hostile.js";
import { seedAccount } from "../../src/seed/seed-account.js";
import { coerceValue } from "../../src/services/entity-input.js";
import { LocalBlobStore } from "../../src/storage/local-blob-store.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { dumpAccount, foreignKeyProblems, SEEDED_TABLES } from "./db-checks.js";
import { assertValidDocx, assertValidPdf } from "./file-checks.js";

const CANDIDATES = 200;

async function readBlob(store: LocalBlobStore, key: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe.each(DIALECTS)("seedAccount on %s", (dialect) => {
  let a: TestDatabase;
  let b: TestDatabase;
  let dir: string;
  let blobsA: LocalBlobStore;
  let blobsB: LocalBlobStore;
  let acme: { accountId: string; counts: Record<string, number> };
  let twin: { accountId: string; counts: Record<string, number> };
  let other: { accountId: string; counts: Record<string, number> };
  const progress: [number, number][] = [];

  beforeAll(async () => {
    [a, b] = await Promise.all([createTestDatabase(dialect), createTestDatabase(dialect)]);
    dir = await fs.mkdtemp(path.join(os.tmpdir(), "hv-seed-test-"));
    blobsA = new LocalBlobStore(path.join(dir, "a"));
    blobsB = new LocalBlobStore(path.join(dir, "b"));
    const common = { candidates: CANDIDATES, seed: "s1", timeZone: "Europe/Berlin", batchSize: 64 };
    acme = await seedAccount({
      ...common,
      db: a.db,
      blobs: blobsA,
      accountName: "acme",
      onProgress: (done, total) => progress.push([done, total]),
    });
    twin = await seedAccount({ ...common, db: b.db, blobs: blobsB, accountName: "acme" });
    other = await seedAccount({ ...common, db: b.db, blobs: blobsB, accountName: "other" });
  });

  afterAll(async () => {
    await Promise.all([a?.drop(), b?.drop()]);
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it("fills every table of account data, and reports what it inserted", async () => {
    for (const table of SEEDED_TABLES) {
      const row = await a.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("account_id", "=", acme.accountId)
        .executeTakeFirstOrThrow();
      expect(Number(row.n), table).toBeGreaterThan(0);
      expect(acme.counts[table], table).toBe(Number(row.n));
    }
    const persons = acme.counts.persons!;
    expect(persons).toBeGreaterThan(CANDIDATES);
    expect(acme.counts.applications! / CANDIDATES).toBeGreaterThan(1.0);
    expect(progress.at(-1)).toEqual([CANDIDATES, CANDIDATES]);
    const roles = await a.db
      .selectFrom("users")
      .select("role")
      .where("account_id", "=", acme.accountId)
      .execute();
    expect(new Set(roles.map((r) => r.role))).toEqual(new Set(["owner", "admin", "recruiter", "viewer"]));
    expect(roles.length).toBeGreaterThanOrEqual(5);
    expect(roles.length).toBeLessThanOrEqual(10);
    const states = await a.db
      .selectFrom("jobs")
      .select("state")
      .distinct()
      .where("account_id", "=", acme.accountId)
      .execute();
    expect(states.length).toBe(4);
    const statuses = await a.db
      .selectFrom("applications")
      .select("status")
      .distinct()
      .where("account_id", "=", acme.accountId)
      .execute();
    expect(statuses.length).toBe(4);
    const invoices = await a.db
      .selectFrom("invoices")
      .selectAll()
      .where("account_id", "=", acme.accountId)
      .orderBy("number")
      .execute();
    expect(invoices.map((i) => [i.status, i.paid_at !== null])).toEqual([
      ["paid", true],
      ["pending", false],
    ]);
  });

  it("is deterministic: same name and seed give identical rows (ids included) and files", async () => {
    expect(twin.accountId).toBe(acme.accountId);
    expect(twin.counts).toEqual(acme.counts);
    const [dumpA, dumpB] = await Promise.all([
      dumpAccount(a.db, acme.accountId),
      dumpAccount(b.db, twin.accountId),
    ]);
    for (const table of TABLE_NAMES) expect(dumpB[table], table).toEqual(dumpA[table]);
    const attachments = await a.db
      .selectFrom("attachments")
      .select("storage_key")
      .where("account_id", "=", acme.accountId)
      .execute();
    for (const { storage_key } of attachments) {
      expect((await readBlob(blobsB, storage_key)).equals(await readBlob(blobsA, storage_key))).toBe(true);
    }
  });

  it("gives another account name other ids but the same content", async () => {
    expect(other.accountId).not.toBe(acme.accountId);
    const [dumpA, dumpO] = await Promise.all([
      dumpAccount(a.db, acme.accountId),
      dumpAccount(b.db, other.accountId),
    ]);
    const idsA = new Set(Object.values(dumpA).flatMap((rows) => rows.map((r) => (r as { id: string }).id)));
    for (const rows of Object.values(dumpO))
      for (const r of rows) expect(idsA.has((r as { id: string }).id)).toBe(false);
    const names = (d: Record<string, unknown[]>) =>
      (d.persons as { first_name: string; created_at: string }[])
        .map((p) => `${p.created_at} ${p.first_name}`)
        .sort();
    expect(names(dumpO)).toEqual(names(dumpA));
  });

  it("plants the hostile values in names, titles, stages, files, notes, custom fields and tags", async () => {
    const id = acme.accountId;
    const persons = await a.db
      .selectFrom("persons")
      .select(["first_name", "last_name"])
      .where("account_id", "=", id)
      .execute();
    const fullNames = new Set(persons.map((p) => `${p.first_name}\u0000${p.last_name}`));
    for (const n of HOSTILE_PERSON_NAMES)
      expect(fullNames.has(`${n.first_name}\u0000${n.last_name}`), n.first_name).toBe(true);
    const garcias = persons.filter(
      (p) => p.first_name === DUPLICATE_NAME.first_name && p.last_name === DUPLICATE_NAME.last_name,
    );
    expect(garcias.length).toBeGreaterThanOrEqual(2);

    const titles = new Set(
      (await a.db.selectFrom("jobs").select("title").where("account_id", "=", id).execute()).map(
        (j) => j.title,
      ),
    );
    for (const t of HOSTILE_JOB_TITLES) expect(titles.has(t), JSON.stringify(t)).toBe(true);
    const stages = new Set(
      (await a.db.selectFrom("pipeline_stages").select("name").where("account_id", "=", id).execute()).map(
        (s) => s.name,
      ),
    );
    for (const s of HOSTILE_STAGE_NAMES) expect(stages.has(s), JSON.stringify(s)).toBe(true);

    const cvs = await a.db
      .selectFrom("attachments")
      .select(["file_name", "entity_id"])
      .where("account_id", "=", id)
      .where("internal_cv", "=", true)
      .execute();
    const fileNames = new Set(cvs.map((c) => c.file_name));
    for (const f of HOSTILE_FILE_NAMES) expect(fileNames.has(f), JSON.stringify(f)).toBe(true);
    // Two candidates' resume.pdf in one stage of one opening.
    const resumeStages = await a.db
      .selectFrom("attachments as at")
      .innerJoin("applications as ap", "ap.person_id", "at.entity_id")
      .select(["ap.stage_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("at.account_id", "=", id)
      .where("at.file_name", "=", "resume.pdf")
      .groupBy("ap.stage_id")
      .execute();
    expect(resumeStages.some((r) => Number(r.n) >= 2)).toBe(true);

    const bodies = new Set(
      (await a.db.selectFrom("activities").select("body").where("account_id", "=", id).execute()).map(
        (x) => x.body,
      ),
    );
    for (const note of HOSTILE_NOTES) expect(bodies.has(note), JSON.stringify(note.slice(0, 40))).toBe(true);
    expect(bodies.has(LONG_NOTE) && bodies.has(LINE_FEED_NOTE) && bodies.has(XML_ILLEGAL_TEXT)).toBe(true);

    const values = new Set(
      (
        await a.db.selectFrom("custom_field_values").select("value").where("account_id", "=", id).execute()
      ).map((v) => v.value),
    );
    for (const v of HOSTILE_CUSTOM_FIELD_VALUES) expect(values.has(v), JSON.stringify(v)).toBe(true);

    const tagged = await a.db
      .selectFrom("taggings as tg")
      .innerJoin("tags as t", "t.id", "tg.tag_id")
      .select("t.name")
      .distinct()
      .where("tg.account_id", "=", id)
      .where("tg.entity_type", "=", "person")
      .execute();
    const tagNames = new Set(tagged.map((t) => t.name));
    for (const t of HOSTILE_TAGS) expect(tagNames.has(t), JSON.stringify(t)).toBe(true);
  });

  it("stores every attachment with its real size and SHA-256; CVs are valid PDF or DOCX", async () => {
    const rows = await a.db
      .selectFrom("attachments as at")
      .leftJoin("persons as p", "p.id", "at.entity_id")
      .select([
        "at.id",
        "at.storage_key",
        "at.size_bytes",
        "at.sha256",
        "at.content_type",
        "at.internal_cv",
        "at.entity_type",
        "p.first_name",
        "p.last_name",
      ])
      .where("at.account_id", "=", acme.accountId)
      .execute();
    expect(rows.length).toBeGreaterThan(CANDIDATES * 0.5);
    const entityTypes = new Set(rows.map((r) => r.entity_type));
    for (const t of ["person", "job", "company", "deal", "activity"])
      expect(entityTypes.has(t), t).toBe(true);
    let docxChecked = 0;
    for (const row of rows) {
      expect(row.storage_key).toBe(`accounts/${acme.accountId}/attachments/${row.id}`);
      const bytes = await readBlob(blobsA, row.storage_key);
      expect(bytes.length).toBe(row.size_bytes);
      expect(crypto.createHash("sha256").update(bytes).digest("hex")).toBe(row.sha256);
      if (row.content_type === PDF_CONTENT_TYPE) assertValidPdf(bytes);
      else {
        expect(row.content_type).toBe(DOCX_CONTENT_TYPE);
        // unzip is a process per file: check a sample, which covers hostile names too.
        if (row.internal_cv && docxChecked++ < 15) {
          const file = path.join(dir, `${row.id}.docx`);
          await fs.writeFile(file, bytes);
          assertValidDocx(file, `${row.first_name} ${row.last_name}`);
        }
      }
      if (row.internal_cv) {
        expect(row.entity_type).toBe("person");
        if (row.content_type === PDF_CONTENT_TYPE)
          expect(bytes.toString("latin1")).toContain("/Producer (Hirevault seed)");
      }
    }
    expect(docxChecked).toBeGreaterThan(0);
    expect(await text(await blobsA.get(rows[0]!.storage_key, { start: 0, end: 3 }))).toMatch(/^(%PDF|PK)/);
  });

  it("writes only values the API accepts: every column meets its catalog rules", async () => {
    const problems: string[] = [];
    for (const table of SEEDED_TABLES) {
      const spec = tableSpec(table);
      const rows = (await a.db
        .selectFrom(table)
        .selectAll()
        .where("account_id", "=", acme.accountId)
        .execute()) as Record<string, unknown>[];
      for (const row of rows) {
        for (const [name, col] of Object.entries(spec.columns)) {
          if (col.type === "json" || col.type === "id") continue; // stored text / checked by the FK test
          const errors: FieldError[] = [];
          coerceValue(name, col, row[name], errors);
          for (const e of errors)
            problems.push(`${table}.${e.field} ${JSON.stringify(row[name])}: ${e.message}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("keeps every foreign key (and polymorphic link) inside the same account", async () => {
    expect(await foreignKeyProblems(a.db)).toEqual([]);
    expect(await foreignKeyProblems(b.db)).toEqual([]);
  });

  it("keeps applications consistent with their stage events", async () => {
    const apps = await a.db
      .selectFrom("applications")
      .select(["id", "stage_id", "job_id", "applied_at"])
      .where("account_id", "=", acme.accountId)
      .execute();
    const events = await a.db
      .selectFrom("stage_events")
      .select(["id", "application_id", "to_stage_id", "from_stage_id", "at"])
      .where("account_id", "=", acme.accountId)
      .orderBy("at")
      .orderBy("id") // ids grow in the order the seed made the events
      .execute();
    const byApp = new Map<string, typeof events>();
    for (const e of events) byApp.set(e.application_id, [...(byApp.get(e.application_id) ?? []), e]);
    for (const app of apps) {
      const list = byApp.get(app.id) ?? [];
      expect(list.length).toBeGreaterThan(0);
      expect(list[0]!.from_stage_id).toBeNull();
      expect(list.at(-1)!.to_stage_id).toBe(app.stage_id);
      expect(list[0]!.at).toBe(app.applied_at);
    }
  });

  it("refuses an account name that exists", async () => {
    await expect(
      seedAccount({ db: a.db, blobs: blobsA, accountName: "acme", candidates: 1 }),
    ).rejects.toThrow(/exists already/);
  });
});
