/**
 * Cell values of Users, Companies, Contacts and Audit_Logs against the database, read back as an
 * importer would (formula escaping undone): hostile values round-trip exactly.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditLogsTable } from "../../../../src/exports/formats/full/tables/audit-logs.table.js";
import { companiesTable } from "../../../../src/exports/formats/full/tables/companies.table.js";
import { contactsTable } from "../../../../src/exports/formats/full/tables/contacts.table.js";
import { usersTable } from "../../../../src/exports/formats/full/tables/users.table.js";
import { DIALECTS } from "../../../support/dialects.js";
import { cell, writeTable } from "./csv-read.js";
import { customFieldText, tagsOf, userNames } from "./expected.js";
import { seedTablesFixture, type TablesFixture } from "./fixture.js";

describe.each(DIALECTS)("Users, Companies, Contacts, Audit_Logs values on %s", (dialect) => {
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

  it("Users.csv: every user's columns", async () => {
    const read = await writeTable(usersTable, source());
    const users = await db().selectFrom("users").selectAll().where("account_id", "=", fx.accountId).execute();
    for (const u of users) {
      expect(read.byId.get(u.id)).toEqual({
        ...{ "User ID": u.id, Name: u.name, Email: u.email, Role: u.role, Status: u.status },
        ...{ "Last Login At": cell(u.last_login_at), "Created At": u.created_at, "Updated At": u.updated_at },
      });
    }
  });

  it("Companies.csv: details, owner, tags, enrichment verbatim, custom fields by label", async () => {
    const read = await writeTable(companiesTable, source());
    expect(read.header.slice(-2)).toEqual(["Created At", "Updated At"]);
    expect(read.header).toContain("Annual revenue (EUR)");
    // "Name" is a column and "tier" a label already (as "Tier"): both made unique.
    expect(read.header.slice(-4, -2)).toEqual(["Name (custom field)", "tier (custom field)"]);
    const users = await userNames(db(), fx.accountId);
    const tags = await tagsOf(db(), fx.accountId, "company");
    const companies = await db()
      .selectFrom("companies")
      .selectAll()
      .where("account_id", "=", fx.accountId)
      .execute();
    expect(companies.some((c) => c.enrichment?.includes("=HYPERLINK"))).toBe(true);
    for (const c of companies) {
      const r = read.byId.get(c.id)!;
      expect([r.Name, r.Domain, r.Website, r.Phone]).toEqual(
        [c.name, c.domain, c.website, c.phone].map(cell),
      );
      expect([r["Owner ID"], r.Owner]).toEqual([cell(c.owner_id), cell(users.get(c.owner_id ?? ""))]);
      expect(r.Tags).toBe((tags.get(c.id) ?? []).join("; "));
      expect(r.Enrichment).toBe(cell(c.enrichment));
      expect([r["Created At"], r["Updated At"]]).toEqual([c.created_at, c.updated_at]);
    }
    const values = await db()
      .selectFrom("custom_field_values as v")
      .innerJoin("custom_field_definitions as d", "d.id", "v.definition_id")
      .select(["v.entity_id", "v.value", "d.label", "d.type", "d.id as definition_id"])
      .where("v.account_id", "=", fx.accountId)
      .where("v.entity_type", "=", "company")
      .execute();
    expect(new Set(values.map((v) => v.type)).size).toBeGreaterThanOrEqual(6);
    for (const v of values) {
      const i = fx.clashingFieldIds.indexOf(v.definition_id);
      const header = i < 0 ? v.label : `${v.label} (custom field)`;
      expect(read.byId.get(v.entity_id)![header], header).toBe(customFieldText(v.type, v.value));
    }
    expect(values.some((v) => v.value === "=1+1 Ltd")).toBe(true);
  });

  it("Contacts.csv: person, channels, company, status history", async () => {
    const read = await writeTable(contactsTable, source());
    const contacts = await db()
      .selectFrom("client_contacts as c")
      .innerJoin("persons as p", "p.id", "c.person_id")
      .innerJoin("companies as co", "co.id", "c.company_id")
      .select(["c.id", "c.person_id", "c.status", "c.title", "p.first_name", "p.last_name", "co.name"])
      .where("c.account_id", "=", fx.accountId)
      .execute();
    for (const c of contacts) {
      const r = read.byId.get(c.id)!;
      expect([r["Person ID"], r["First Name"], r["Last Name"]]).toEqual([
        c.person_id,
        c.first_name,
        c.last_name,
      ]);
      expect([r["Company Name"], r.Title, r.Status]).toEqual([c.name, cell(c.title), c.status]);
      const emails = await db()
        .selectFrom("person_emails")
        .select(["email", "is_primary", "position", "id"])
        .where("person_id", "=", c.person_id)
        .execute();
      emails.sort(
        (a, b) =>
          Number(b.is_primary) - Number(a.is_primary) || a.position - b.position || (a.id < b.id ? -1 : 1),
      );
      expect(r.Emails).toBe(emails.map((e) => e.email).join("; "));
      const changes = await db()
        .selectFrom("client_contact_status_changes")
        .select(["to_status", "at"])
        .where("client_contact_id", "=", c.id)
        .orderBy("at")
        .execute();
      const history = r["Status History"]!.split("; ");
      expect(history).toHaveLength(changes.length);
      expect(history.at(-1)).toMatch(new RegExp(`(^|→ )${c.status} at ${changes.at(-1)!.at}$`));
    }
    expect(read.header).toContain("Decision maker");
  });

  it("Audit_Logs.csv: actor names (users and API tokens, never another account's), changes verbatim", async () => {
    const read = await writeTable(auditLogsTable, source());
    const users = await userNames(db(), fx.accountId);
    const rows = await db()
      .selectFrom("audit_log")
      .selectAll()
      .where("account_id", "=", fx.accountId)
      .execute();
    for (const e of rows) {
      const actor =
        e.actor_type === "api_token" ? fx.tokenName : e.actor_type === "user" ? users.get(e.actor_id!) : null;
      expect(read.byId.get(e.id)).toEqual({
        ...{ "Audit ID": e.id, At: e.at, "Actor Type": e.actor_type, "Actor ID": cell(e.actor_id) },
        ...{ Actor: cell(actor), Action: e.action, "Entity Type": cell(e.entity_type) },
        ...{ "Entity ID": cell(e.entity_id), IP: cell(e.ip), Changes: cell(e.changes) },
      });
    }
    const planted = read.records.filter((r) => r.Action === "test.planted");
    expect(planted.map((r) => [r["Actor ID"], r.Actor]).sort()).toEqual(
      [
        [fx.tokenId, fx.tokenName],
        [fx.otherUserId, ""],
      ].sort(),
    );
  });
});
