/**
 * Cell values of Jobs, Job_Pipelines, Tasks and Folder_Records against the database, read back as
 * an importer would (formula escaping undone): the hostile titles, stage and person names
 * round-trip exactly, and references into another account resolve to no name.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { folderRecordsTable } from "../../../../src/exports/formats/full/tables/folder-records.table.js";
import { jobPipelinesTable } from "../../../../src/exports/formats/full/tables/job-pipelines.table.js";
import { jobsTable } from "../../../../src/exports/formats/full/tables/jobs.table.js";
import { tasksTable } from "../../../../src/exports/formats/full/tables/tasks.table.js";
import { HOSTILE_JOB_TITLES } from "../../../../src/seed/hostile.js";
import { DIALECTS } from "../../../support/dialects.js";
import { cell, writeTable } from "./csv-read.js";
import { recordNames, userNames } from "./expected.js";
import { seedTablesFixture, type TablesFixture } from "./fixture.js";

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe.each(DIALECTS)("Jobs, Job_Pipelines, Tasks, Folder_Records values on %s", (dialect) => {
  let fx: TablesFixture;
  const source = () => ({
    db: fx.database.db,
    accountId: fx.accountId,
    signal: new AbortController().signal,
  });
  const db = () => fx.database.db;
  beforeAll(async () => {
    fx = await seedTablesFixture(dialect);
  }, 120_000);
  afterAll(() => fx?.cleanup());

  it("Jobs.csv: title, company, pipeline in order, team, contacts, targets", async () => {
    const read = await writeTable(jobsTable, source());
    const names = await recordNames(db(), fx.accountId);
    const stages = (
      await db().selectFrom("pipeline_stages").selectAll().where("account_id", "=", fx.accountId).execute()
    ).sort((a, b) => a.position - b.position || byText(a.id, b.id));
    const links = async (
      t: "job_team_members" | "job_client_contacts" | "job_target_companies",
      col: string,
    ) => {
      const rows = await db().selectFrom(t).selectAll().where("account_id", "=", fx.accountId).execute();
      return (jobId: string) =>
        rows
          .filter((r) => r.job_id === jobId)
          .map((r) => (r as unknown as Record<string, string>)[col]!)
          .sort(byText)
          .join("; ");
    };
    const team = await links("job_team_members", "user_id");
    const contacts = await links("job_client_contacts", "client_contact_id");
    const targets = await links("job_target_companies", "company_id");
    const jobs = await db().selectFrom("jobs").selectAll().where("account_id", "=", fx.accountId).execute();
    expect(jobs.map((j) => j.title)).toEqual(expect.arrayContaining([...HOSTILE_JOB_TITLES]));
    for (const j of jobs) {
      const r = read.byId.get(j.id)!;
      expect([r.Title, r["Company ID"], r.State, r["Employment Type"]]).toEqual(
        [j.title, j.company_id, j.state, j.employment_type].map(cell),
      );
      expect(r["Company Name"]).toBe(cell(j.company_id && names.get(`company:${j.company_id}`)));
      const pipeline = stages.filter((s) => s.job_id === j.id).map((s) => s.name);
      expect(r["Pipeline Stages"]).toBe(pipeline.join(" > "));
      expect([r["Team Member IDs"], r["Client Contact IDs"]]).toEqual([team(j.id), contacts(j.id)]);
      expect(r["Target Company IDs"]).toBe(targets(j.id));
    }
    expect(read.header).toEqual(expect.arrayContaining(["Internal code", "Budget approved"]));
  });

  it("Job_Pipelines.csv: job, candidate, stage, decision, history", async () => {
    const read = await writeTable(jobPipelinesTable, source());
    const names = await recordNames(db(), fx.accountId);
    const users = await userNames(db(), fx.accountId);
    const stages = new Map(
      (
        await db().selectFrom("pipeline_stages").selectAll().where("account_id", "=", fx.accountId).execute()
      ).map((s) => [s.id, s]),
    );
    const events = await db()
      .selectFrom("stage_events")
      .selectAll()
      .where("account_id", "=", fx.accountId)
      .execute();
    const assessments = await db()
      .selectFrom("assessments")
      .select("application_id")
      .where("account_id", "=", fx.accountId)
      .execute();
    const apps = await db()
      .selectFrom("applications")
      .selectAll()
      .where("account_id", "=", fx.accountId)
      .execute();
    expect(apps.some((a) => a.archived)).toBe(true);
    for (const a of apps) {
      const r = read.byId.get(a.id)!;
      expect([r["Job ID"], r["Job Title"], r["Candidate ID"], r["Candidate Name"]]).toEqual([
        ...[a.job_id, names.get(`job:${a.job_id}`), a.person_id, names.get(`person:${a.person_id}`)],
      ]);
      expect([r["Stage ID"], r["Stage Name"], r["Stage Type"]]).toEqual([
        ...[a.stage_id, stages.get(a.stage_id)!.name, stages.get(a.stage_id)!.type],
      ]);
      expect([r.Status, r["Decision Reason"], r.Archived]).toEqual(
        [a.status, a.decision_reason, a.archived].map(cell),
      );
      expect([r["Assigned To"], r["Applied At"]]).toEqual([
        cell(users.get(a.assigned_to_id ?? "")),
        a.applied_at,
      ]);
      const own = events.filter((e) => e.application_id === a.id).sort((x, y) => byText(x.at, y.at));
      expect(r["Last Stage Change At"]).toBe(own.at(-1)!.at);
      const history = r["Stage History"]!.split("; ");
      expect(history).toHaveLength(own.length);
      expect(history.at(-1)!.endsWith(`${stages.get(a.stage_id)!.name} at ${own.at(-1)!.at}`)).toBe(true);
      expect(r["Assessment Count"]).toBe(String(assessments.filter((s) => s.application_id === a.id).length));
    }
  });

  it("Tasks.csv: people and the related record by name (none for another account's)", async () => {
    const read = await writeTable(tasksTable, source());
    const names = await recordNames(db(), fx.accountId);
    const users = await userNames(db(), fx.accountId);
    const tasks = await db().selectFrom("tasks").selectAll().where("account_id", "=", fx.accountId).execute();
    expect(new Set(tasks.map((t) => t.related_type)).size).toBeGreaterThanOrEqual(4);
    for (const t of tasks) {
      const r = read.byId.get(t.id)!;
      expect([r.Title, r.Description, r.Status, r["Due At"], r["Completed At"]]).toEqual(
        [t.title, t.description, t.status, t.due_at, t.completed_at].map(cell),
      );
      expect([r["Assigned To"], r["Created By"]]).toEqual(
        [users.get(t.assignee_id ?? ""), users.get(t.created_by_id ?? "")].map(cell),
      );
      const related = t.related_id === null ? null : names.get(`${t.related_type}:${t.related_id}`);
      expect([r["Related Type"], r["Related ID"], r["Related Name"]]).toEqual(
        [t.related_type, t.related_id, related].map(cell),
      );
    }
    const planted = read.records.find((r) => r["Related ID"] === fx.otherCompanyId);
    expect(planted).toMatchObject({ Title: "@planted", "Related Name": "" });
  });

  it("Folder_Records.csv: folder and record names", async () => {
    const read = await writeTable(folderRecordsTable, source());
    const names = await recordNames(db(), fx.accountId);
    const lists = await db().selectFrom("lists").selectAll().where("account_id", "=", fx.accountId).execute();
    const listOf = new Map(lists.map((l) => [l.id, l]));
    for (const m of await db()
      .selectFrom("list_members")
      .selectAll()
      .where("account_id", "=", fx.accountId)
      .execute()) {
      const r = read.byId.get(m.id)!;
      const list = listOf.get(m.list_id)!;
      const parent = list.parent_id === null ? null : listOf.get(list.parent_id)!.name;
      expect([r["Folder ID"], r["Folder Name"], r["Folder Type"], r["Parent Folder Name"]]).toEqual(
        [m.list_id, list.name, list.kind, parent].map(cell),
      );
      expect([r["Record Type"], r["Record ID"], r["Added At"]]).toEqual([
        m.entity_type,
        m.entity_id,
        m.added_at,
      ]);
      expect(r["Record Name"]).toBe(cell(names.get(`${m.entity_type}:${m.entity_id}`)));
    }
    expect(new Set(read.records.map((r) => r["Record Type"]))).toEqual(new Set(["person", "company", "job"]));
    expect(read.records.find((r) => r["Record ID"] === fx.otherCompanyId)?.["Record Name"]).toBe("");
  });
});
