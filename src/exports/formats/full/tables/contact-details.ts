/**
 * Per-batch details of client contacts: the e-mails and phones of their persons, and their status
 * history. Each is one query driven from the batch's id range of `client_contacts` (see
 * {@link Span}), so the child tables are reached through their parent-id indexes (the child's
 * tenant is checked by {@link ownRows}, not in SQL: see there).
 */
import type { Kysely } from "kysely";
import type { DB } from "../../../../db/schema/index.js";
import { compareIds } from "../../../compare-ids.js";
import { push } from "../../../records/list-map.js";
import type { Span } from "./keyset.js";
import { ownRows } from "./lookups.js";

/** E-mails and phones per person id: the primary one first, then by position, then by id. */
export interface ContactChannels {
  emails: Map<string, string[]>;
  phones: Map<string, string[]>;
}

interface ChannelRow {
  id: string;
  person_id: string;
  is_primary: boolean;
  position: number;
  value: string;
}

/** The e-mails and phones of the persons of the batch's contacts (two queries). */
export async function loadContactChannels(
  db: Kysely<DB>,
  accountId: string,
  span: Span,
): Promise<ContactChannels> {
  const contacts = () =>
    db
      .selectFrom("client_contacts as cc")
      .where("cc.account_id", "=", accountId)
      .where("cc.id", ">=", span.first)
      .where("cc.id", "<=", span.last);
  const emails = await contacts()
    .innerJoin("person_emails as c", "c.person_id", "cc.person_id")
    .select(["c.id", "c.account_id", "c.person_id", "c.is_primary", "c.position", "c.email as value"])
    .execute();
  const phones = await contacts()
    .innerJoin("person_phones as c", "c.person_id", "cc.person_id")
    .select(["c.id", "c.account_id", "c.person_id", "c.is_primary", "c.position", "c.phone as value"])
    .execute();
  return { emails: byPerson(ownRows(emails, accountId)), phones: byPerson(ownRows(phones, accountId)) };
}

function byPerson(rows: ChannelRow[]): Map<string, string[]> {
  // A person who is a contact at two companies of the batch comes back twice: keep each row once.
  const seen = new Set<string>();
  rows.sort(
    (a, b) =>
      Number(b.is_primary) - Number(a.is_primary) || a.position - b.position || compareIds(a.id, b.id),
  );
  const out = new Map<string, string[]>();
  for (const r of rows) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    push(out, r.person_id, r.value);
  }
  return out;
}

/**
 * Status history per contact id, oldest first (by time, then id): "lead at <time>" for the first
 * status, "lead → active at <time>" for each change after it.
 */
export async function loadStatusHistory(
  db: Kysely<DB>,
  accountId: string,
  span: Span,
): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom("client_contacts as cc")
    .innerJoin("client_contact_status_changes as s", "s.client_contact_id", "cc.id")
    .select(["s.id", "s.account_id", "s.client_contact_id", "s.from_status", "s.to_status", "s.at"])
    .where("cc.account_id", "=", accountId)
    .where("cc.id", ">=", span.first)
    .where("cc.id", "<=", span.last)
    .execute();
  const own = ownRows(rows, accountId);
  own.sort((a, b) => compareIds(a.at, b.at) || compareIds(a.id, b.id));
  const out = new Map<string, string[]>();
  for (const r of own) {
    const change = r.from_status === null ? r.to_status : `${r.from_status} → ${r.to_status}`;
    push(out, r.client_contact_id, `${change} at ${r.at}`);
  }
  return out;
}
