import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/domain/clock.js";
import { ConflictError, NotFoundError, ValidationError } from "../../src/domain/errors.js";
import { EntityService } from "../../src/services/entity.service.js";
import type { WriteContext } from "../../src/services/write-context.js";
import { createTestDatabase, DIALECTS, type TestDatabase } from "../support/dialects.js";
import { build, buildServices } from "../support/factories.js";

// real: SQLite / PostgreSQL, local blob store on disk. mock: nothing.
describe.each(DIALECTS)("EntityService on %s", (dialect) => {
  let database: TestDatabase;
  let s: Awaited<ReturnType<typeof buildServices>>;
  let a: WriteContext;
  let b: WriteContext;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    s = await buildServices(database);
    a = await s.newAccount("A");
    b = await s.newAccount("B");
  });
  afterAll(async () => {
    await s.cleanup();
    await database.drop();
  });

  it("creates a person with emails, phones, links, tags and custom fields, and reads them back", async () => {
    await s.entities.create(a, "custom_field_definitions", {
      entity_type: "person",
      key: "notice_period",
      label: "Notice period (weeks)",
      type: "number",
    });
    const p = await s.entities.create(
      a,
      "persons",
      build.person({
        emails: [{ email: "ada@example.com" }, { email: "ada@work.example", label: "work" }],
        phones: [{ phone: "+44 20 7946 0000" }],
        links: [{ url: "https://example.com/ada", kind: "website" }],
        tags: ["python", "senior", "python"],
        custom_fields: { notice_period: 4 },
      }),
    );
    expect(p.emails).toMatchObject([
      { email: "ada@example.com", is_primary: true },
      { email: "ada@work.example", label: "work", is_primary: false },
    ]);
    expect(p.phones).toMatchObject([{ phone: "+44 20 7946 0000" }]);
    expect(p.tags).toEqual(["python", "senior"]);
    expect(p.custom_fields).toEqual({ notice_period: 4 });
    const updated = await s.entities.update(a, "persons", String(p.id), { tags: ["senior"], emails: [] });
    expect(updated.tags).toEqual(["senior"]);
    expect(updated.emails).toEqual([]);
  });

  it("names the field of bad input", async () => {
    const err = await s.entities
      .create(a, "persons", {
        first_name: "x",
        last_name: 5,
        source_type: "bogus",
        foo: 1,
        emails: [{ email: "nope" }],
      })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).errors.map((e) => e.field).sort();
    expect(fields).toEqual(["foo", "last_name", "source_type"]);
    const nested = await s.entities
      .create(a, "persons", build.person({ emails: [{ email: "nope" }] }))
      .catch((e) => e);
    expect((nested as ValidationError).errors[0]?.field).toBe("emails[0].email");
    const nul = await s.entities.create(a, "persons", build.person({ headline: "a\u0000b" })).catch((e) => e);
    expect((nul as ValidationError).errors[0]?.field).toBe("headline");
  });

  it("copies the pipeline into a new job and records stage events on create and move", async () => {
    const job = await s.entities.create(a, "jobs", build.job());
    const stages = await s.entities.list(a.accountId, "pipeline_stages", {
      limit: 50,
      filters: { job_id: String(job.id) },
    });
    expect(stages.items.map((x) => x.name)).toEqual([
      "Sourced",
      "Applied",
      "Phone Screen",
      "Interview",
      "Offer",
      "Hired",
    ]);
    const person = await s.entities.create(a, "persons", build.person());
    const app = await s.entities.create(a, "applications", { person_id: person.id, job_id: job.id });
    expect(app.stage_id).toBe(stages.items[0]!.id);
    const moved = await s.entities.moveApplication(a, String(app.id), {
      stage_id: String(stages.items[3]!.id),
      reason: "good call",
    });
    expect(moved.stage_id).toBe(stages.items[3]!.id);
    const events = await s.entities.list(a.accountId, "stage_events", {
      limit: 10,
      filters: { application_id: String(app.id) },
    });
    expect(events.items.map((e) => [e.from_stage_id, e.to_stage_id, e.reason])).toEqual([
      [null, stages.items[0]!.id, null],
      [stages.items[0]!.id, stages.items[3]!.id, "good call"],
    ]);
    const other = await s.entities.create(a, "jobs", build.job({ title: "Other" }));
    const otherStages = await s.entities.list(a.accountId, "pipeline_stages", {
      limit: 1,
      filters: { job_id: String(other.id) },
    });
    const wrong = await s.entities
      .moveApplication(a, String(app.id), { stage_id: String(otherStages.items[0]!.id) })
      .catch((e) => e);
    expect((wrong as ValidationError).errors[0]?.field).toBe("stage_id");
    const dup = await s.entities
      .create(a, "applications", { person_id: person.id, job_id: job.id })
      .catch((e) => e);
    expect(dup).toBeInstanceOf(ConflictError);
    // A stage in use cannot be deleted; the job (with its applications) can.
    await expect(s.entities.delete(a, "pipeline_stages", String(stages.items[3]!.id))).rejects.toBeInstanceOf(
      ConflictError,
    );
    await s.entities.delete(a, "jobs", String(job.id));
    await expect(s.entities.get(a.accountId, "applications", String(app.id))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("keeps accounts apart: no reads, no references, no writes across accounts", async () => {
    const pa = await s.entities.create(a, "persons", build.person());
    await expect(s.entities.get(b.accountId, "persons", String(pa.id))).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.entities.update(b, "persons", String(pa.id), { first_name: "x" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(s.entities.delete(b, "persons", String(pa.id))).rejects.toBeInstanceOf(NotFoundError);
    const jobB = await s.entities.create(b, "jobs", build.job());
    const cross = await s.entities
      .create(b, "applications", { person_id: pa.id, job_id: jobB.id })
      .catch((e) => e);
    expect((cross as ValidationError).errors.map((e) => e.field)).toContain("person_id");
    const note = await s.entities
      .create(b, "activities", { kind: "note", subject_type: "person", subject_id: pa.id, body: "x" })
      .catch((e) => e);
    expect((note as ValidationError).errors[0]?.field).toBe("subject_id");
    const listB = await s.entities.list(b.accountId, "persons", { limit: 200 });
    expect(listB.items.some((p) => p.id === pa.id)).toBe(false);
  });

  it("deletes a candidate for good: rows, files, audit details; leaves tombstones without personal data", async () => {
    const canary = "Zyxwv-Canary-4711";
    const job = await s.entities.create(a, "jobs", build.job());
    const p = await s.entities.create(
      a,
      "persons",
      build.person({ first_name: canary, emails: [{ email: `${canary}@example.com` }], tags: ["t1"] }),
    );
    const app = await s.entities.create(a, "applications", { person_id: p.id, job_id: job.id });
    await s.entities.create(a, "activities", {
      kind: "note",
      subject_type: "person",
      subject_id: p.id,
      body: `about ${canary}`,
    });
    // An attachment row + file, written as the upload route does.
    const key = `accounts/${a.accountId}/attachments/${p.id}`;
    await s.blobs.put(key, Buffer.from(`%PDF-1.4 ${canary}`));
    const now = new Date().toISOString();
    await database.db
      .insertInto("attachments")
      .values({
        id: crypto.randomUUID(),
        account_id: a.accountId,
        entity_type: "person",
        entity_id: String(p.id),
        file_name: "cv.pdf",
        content_type: "application/pdf",
        size_bytes: 10,
        sha256: "0".repeat(64),
        storage_key: key,
        internal_cv: true,
        uploaded_by_id: null,
        created_at: now,
        updated_at: now,
      })
      .execute();

    await s.entities.delete(a, "persons", String(p.id));

    await expect(s.entities.get(a.accountId, "persons", String(p.id))).rejects.toBeInstanceOf(NotFoundError);
    expect(await s.blobs.head(key)).toBeNull();
    // No row of any table still carries the canary (audit details were cleared).
    for (const table of [
      "persons",
      "person_emails",
      "activities",
      "audit_log",
      "deletions",
      "tags",
    ] as const) {
      const rows = await database.db.selectFrom(table).selectAll().execute();
      expect(JSON.stringify(rows)).not.toContain(canary);
    }
    const tombstones = await s.entities.list(a.accountId, "deletions", { limit: 200 });
    const deleted = tombstones.items.map((t) => `${t.entity_type}:${t.entity_id}`);
    expect(deleted).toEqual(expect.arrayContaining([`person:${p.id}`, `application:${app.id}`]));
    expect(deleted.filter((d) => d.startsWith("attachment:"))).toHaveLength(1);
    expect(Object.keys(tombstones.items[0]!).sort()).toEqual(
      ["account_id", "created_at", "deleted_at", "entity_id", "entity_type", "id", "updated_at"].sort(),
    );
    const pending = await database.db.selectFrom("pending_blob_deletions").selectAll().execute();
    expect(pending).toEqual([]);
  });

  it("pages with opaque cursors and syncs with updated_since", async () => {
    const clock = new FixedClock(new Date("2026-03-01T10:00:00.000Z"));
    const entities = new EntityService({ db: database.db, dialect: database.dialect, blobs: s.blobs, clock });
    const ctx = await s.newAccount();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push(String((await entities.create(ctx, "companies", build.company({ name: `C${i}` }))).id));
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await entities.list(ctx.accountId, "companies", { limit: 3, cursor });
      seen.push(...page.items.map((c) => String(c.id)));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].sort());
    clock.advance(1000);
    const mark = clock.now().toISOString();
    clock.advance(1000);
    await entities.update(ctx, "companies", ids[2]!, { industry: "Looms" });
    const since = await entities.list(ctx.accountId, "companies", { limit: 50, updatedSince: mark });
    expect(since.items.map((c) => c.id)).toEqual([ids[2]]);
    await expect(
      s.entities.list(ctx.accountId, "companies", { limit: 3, cursor: "garbage!" }),
    ).rejects.toMatchObject({
      errors: [{ field: "cursor" }],
    });
    await expect(s.entities.list(ctx.accountId, "companies", { limit: 500 })).rejects.toMatchObject({
      errors: [{ field: "limit" }],
    });
  });
});
